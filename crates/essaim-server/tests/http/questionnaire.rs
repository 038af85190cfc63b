//! Answering the questionnaire aux acteurs through its pages, without JavaScript: the lessons
//! of our peers' bug trackers, each a test.

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use diesel::prelude::*;
use essaim_contributions::questionnaire::responses::{find_response, ResponseStatus};
use essaim_contributions::questionnaire::store::{questionnaire_of, set_status, QuestionnaireStatus};
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::{Channel, ModerationStatus};
use essaim_core::schema::{contributions, outbox, responses};

use crate::common::{browser, Browser};

const START: &str = "/consultations/ess-pays-de-la-loire-2016/questionnaire";

/// Starts a public response; returns its pages' base address.
pub(crate) async fn start<S>(b: &mut Browser<S>) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let page = b.get(START).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let marker = "name=\"csrf_token\" value=\"";
    let at = page.body.find(marker).expect("the start form") + marker.len();
    let token = page.body[at..at + 32].to_owned();
    let started = b.post(START, &[("csrf_token", &token)]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let location = started.location().to_owned();
    assert!(location.ends_with("/page/1"), "{location}");
    location.trim_end_matches("/page/1").to_owned()
}

fn revision(body: &str) -> String {
    let marker = "name=\"revision\" value=\"";
    let at = body.find(marker).expect("a revision field") + marker.len();
    body[at..].chars().take_while(char::is_ascii_digit).collect()
}

/// The complete answers of each page of the demo questionnaire.
pub(crate) fn demo_pages() -> Vec<Vec<(&'static str, &'static str)>> {
    vec![
        vec![
            ("identite.nom", "Les Écossolies"),
            ("identite.famille", "association"),
            ("identite.departement", "44"),
            ("identite.siret", ""),
            ("role", "autre"),
            ("role.autre", "Coordinatrice"),
        ],
        vec![
            ("t1_relation", "4"),
            ("t1_interlocuteurs", "region"),
            ("t1_interlocuteurs", "etat"),
            ("t1_proposition", "Des conventions pluriannuelles d'objectifs <b>pour</b> les associations."),
        ],
        vec![("t2_projet", "oui"), ("t2_besoin", "financement"), ("t2_experience", "Une épicerie solidaire à Nantes.")],
        vec![
            ("t3_effectif", "3"),
            ("t3_difficultes.recrutement", "1"),
            ("t3_difficultes.financement", "2"),
            ("t3_difficultes.formation", "3"),
            ("t3_difficultes.fidelisation", "4"),
        ],
        vec![("t4_cooperation", "oui"), ("t4_reseaux", "cress"), ("t4_constat", "Le manque de temps des bénévoles.")],
        vec![("t5_visibilite", "2"), ("t5_mois", "parfois"), ("t5_proposition", "Des interventions dans les lycées.")],
        vec![
            ("dispositifs.dla", "utilise"),
            ("dispositifs.dasess", "connu"),
            ("dispositifs.fonds_conseil", "inconnu"),
            ("dispositifs.innovation_sociale", "connu"),
            ("dispositifs.finance_solidaire", "inconnu"),
            ("dispositifs.contrat_impact", "inconnu"),
            ("dispositifs.iae", "non_concerne"),
            ("mot_de_la_fin", "<script>alert(1)</script> Merci"),
        ],
    ]
}

/// Posts a page as read now (its current revision), going on.
pub(crate) async fn answer_page<S>(
    b: &mut Browser<S>,
    base: &str,
    page: usize,
    fields: &[(&str, &str)],
    go: &str,
) -> crate::common::Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let shown = b.get(&format!("{base}/page/{page}")).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let rev = revision(&shown.body);
    let mut form: Vec<(&str, &str)> = vec![("revision", rev.as_str()), ("aller", go)];
    form.extend_from_slice(fields);
    b.post(&format!("{base}/page/{page}"), &form).await
}

fn response_count(b: &Browser<impl Sized>) -> i64 {
    responses::table.count().get_result(&mut b.db.conn()).unwrap()
}

#[actix_web::test]
async fn the_consultation_links_to_its_questionnaire_and_each_question_is_a_fieldset() {
    let mut b = browser().await;
    let consultation = b.get("/consultations/ess-pays-de-la-loire-2016").await;
    assert!(consultation.body.contains(&format!("href=\"{START}\"")));
    let base = start(&mut b).await;
    let page = b.get(&format!("{base}/page/1")).await;
    assert!(page.text().contains("Page 1 sur 7"));
    assert_eq!(page.body.matches("<fieldset").count(), page.body.matches("<legend>").count());
    assert!(page.body.contains("<legend>Votre structure <span class=\"required\">(obligatoire)</span></legend>"));
}

#[actix_web::test]
async fn a_refused_page_keeps_everything_typed_choices_and_checkboxes_included() {
    let mut b = browser().await;
    let base = start(&mut b).await;
    answer_page(&mut b, &base, 1, &demo_pages()[0], "suivante").await;
    // Page 2 without its required scale: refused, with the summary linked to the field.
    let refused = answer_page(
        &mut b,
        &base,
        2,
        &[
            ("t1_interlocuteurs", "region"),
            ("t1_interlocuteurs", "cdc"),
            ("t1_interlocuteurs", "autre"),
            ("t1_proposition", "Mon texte <i>long</i>"),
        ],
        "suivante",
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("<a href=\"#t1_relation\">"), "the summary links to the field");
    assert!(text.contains("id=\"t1_relation-error\""), "the message is tied to its field");
    assert!(refused
        .body
        .contains("id=\"t1_interlocuteurs--region\" name=\"t1_interlocuteurs\" value=\"region\" checked"));
    assert!(refused.body.contains("id=\"t1_interlocuteurs--cdc\" name=\"t1_interlocuteurs\" value=\"cdc\" checked"));
    assert!(!refused.body.contains("value=\"etat\" checked"));
    assert!(text.contains("Vous avez choisi « Autre » : précisez."));
    assert!(refused.body.contains("Mon texte &#60;i&#62;long&#60;/i&#62;</textarea>"), "typed text kept, escaped");
    // And it is saved: reopening the page shows it.
    let again = b.get(&format!("{base}/page/2")).await;
    assert!(again.body.contains("value=\"cdc\" checked"));
}

#[actix_web::test]
async fn a_response_is_sent_once_whatever_the_clicks_and_its_open_answers_become_contributions() {
    let mut b = browser().await;
    let base = start(&mut b).await;
    for (i, fields) in demo_pages().iter().enumerate() {
        let saved = answer_page(&mut b, &base, i + 1, fields, "suivante").await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "page {}: {}", i + 1, saved.body);
    }
    let review = b.get(&format!("{base}/envoi")).await;
    assert!(!review.body.contains("error-summary"), "{}", review.body);
    assert!(review.body.contains("&#60;script&#62;alert(1)&#60;/script&#62; Merci"), "escaped");
    assert!(!review.body.contains("<script>alert"));
    // A double click, then a refresh that sends the form again: one response.
    for _ in 0..3 {
        let sent = b.post(&format!("{base}/envoi"), &[]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER);
        assert!(sent.location().ends_with("/merci"));
    }
    let thanks = b.get(&format!("{base}/merci")).await;
    assert_eq!(thanks.status, StatusCode::OK);
    assert!(thanks.text().contains("votre réponse est envoyée"));
    assert_eq!(response_count(&b), 1);
    // The pages of a sent response lead to its confirmation, never to "expired".
    assert!(b.get(&format!("{base}/page/3")).await.location().ends_with("/merci"));
    // The four answered open questions linked to a theme, and the final one (to classify),
    // are contributions of the questionnaire channel, waiting for a moderator (a public
    // response), stored as typed.
    let mut conn = b.db.conn();
    let recorded: Vec<(String, Option<essaim_core::db::Id>)> = contributions::table
        .filter(contributions::channel.eq(Channel::Questionnaire))
        .filter(contributions::moderation_status.eq(ModerationStatus::Pending))
        .select((contributions::body, contributions::theme_id))
        .load(&mut conn)
        .unwrap();
    assert_eq!(recorded.len(), 5, "{recorded:?}");
    assert!(recorded.contains(&("<script>alert(1)</script> Merci".to_owned(), None)), "{recorded:?}");
    assert_eq!(recorded.iter().filter(|(_, theme)| theme.is_some()).count(), 4);
    let rows: i64 = essaim_core::schema::follow_contributions::table.count().get_result(&mut conn).unwrap();
    assert_eq!(rows, 0, "the follow lists the response's contributions through the response");
    drop(conn);
    let follow = b.get(&format!("{base}/suivi")).await;
    assert_eq!(follow.body.matches("<li class=\"card\">").count(), 5);
    assert!(follow.text().contains("Elle attend la relecture d'un modérateur."));
}

#[actix_web::test]
async fn an_answer_its_condition_now_hides_is_cleared() {
    let mut b = browser().await;
    let base = start(&mut b).await;
    answer_page(&mut b, &base, 3, &[("t2_projet", "oui"), ("t2_besoin", "locaux")], "enregistrer").await;
    answer_page(&mut b, &base, 3, &[("t2_projet", "non"), ("t2_besoin", "locaux")], "enregistrer").await;
    let id = responses::table.select(responses::id).first(&mut b.db.conn()).unwrap();
    let stored = find_response(&mut b.db.conn(), id).unwrap().stored();
    assert_eq!(stored.answers.values("t2_projet"), ["non"]);
    assert!(stored.answers.values("t2_besoin").is_empty(), "{:?}", stored.answers);
}

#[actix_web::test]
async fn on_sending_an_error_of_an_earlier_page_is_shown_and_linked() {
    let mut b = browser().await;
    let base = start(&mut b).await;
    // Every page but the first, which holds required answers.
    for (i, fields) in demo_pages().iter().enumerate().skip(1) {
        answer_page(&mut b, &base, i + 1, fields, "enregistrer").await;
    }
    let refused = b.post(&format!("{base}/envoi"), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(&format!("href=\"{base}/page/1#identite.nom\"")), "{}", refused.body);
    assert!(refused.text().contains("Page 1 : Nom de la structure : ce champ est obligatoire."));
    assert_eq!(
        responses::table.filter(responses::status.eq("submitted")).count().get_result::<i64>(&mut b.db.conn()).unwrap(),
        0
    );
}

#[actix_web::test]
async fn two_tabs_on_one_draft_give_one_response_and_lose_neither_answer() {
    let mut b = browser().await;
    let base = start(&mut b).await;
    // Both tabs open page 2 at the same revision.
    let opened = b.get(&format!("{base}/page/2")).await;
    let rev = revision(&opened.body);
    let first = b
        .post(
            &format!("{base}/page/2"),
            &[
                ("revision", &rev),
                ("aller", "enregistrer"),
                ("t1_relation", "2"),
                ("t1_proposition", "Texte de l'onglet A"),
            ],
        )
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let second = b
        .post(
            &format!("{base}/page/2"),
            &[
                ("revision", &rev),
                ("aller", "enregistrer"),
                ("t1_relation", "2"),
                ("t1_proposition", "Texte de l'onglet B"),
                ("t1_interlocuteurs", "etat"),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    let text = second.text();
    assert!(text.contains("Texte de l'onglet A</textarea>"), "the saved answer is shown");
    assert!(text.contains("<blockquote>Texte de l'onglet B</blockquote>"), "the typed one is kept on the page");
    assert_eq!(response_count(&b), 1);
    let id = responses::table.select(responses::id).first(&mut b.db.conn()).unwrap();
    let stored = find_response(&mut b.db.conn(), id).unwrap().stored();
    assert_eq!(stored.answers.values("t1_proposition"), ["Texte de l'onglet A"]);
    assert_eq!(stored.answers.values("t1_interlocuteurs"), ["etat"], "the second tab's other answer is saved");
}

#[actix_web::test]
async fn a_draft_is_resumed_from_its_emailed_link_as_often_as_needed() {
    let mut b = browser().await;
    let base = start(&mut b).await;
    answer_page(&mut b, &base, 1, &demo_pages()[0], "suivante").await;
    let asked = b.post(&format!("{base}/lien"), &[("email", "Contact@Ecossolies.fr"), ("page", "2")]).await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let (subject, text): (String, String) = outbox::table
        .filter(outbox::topic.eq("lien-reprise"))
        .select((outbox::subject, outbox::text_body))
        .first(&mut b.db.conn())
        .unwrap();
    assert!(subject.starts_with("Reprendre vos réponses"));
    let link = text.lines().find(|l| l.contains("/questionnaire/reprendre/")).unwrap().trim().to_owned();
    let path = &link[link.find("/questionnaire/").unwrap()..];
    // From another browser (no cookie), three times.
    for _ in 0..3 {
        b.cookies.clear();
        let opened = b.get(path).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
        let page = b.get(opened.location()).await;
        assert!(page.body.contains("value=\"Les Écossolies\""), "the saved answers are there");
    }
}

#[actix_web::test]
async fn the_resume_link_reopens_the_page_saved_last() {
    let mut b = browser().await;
    let base = start(&mut b).await;
    let token = base.rsplit('/').next().unwrap().to_owned();
    let resume = format!("/questionnaire/reprendre/{token}");
    // A draft never saved opens at page 1.
    let opened = b.get(&resume).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);
    assert!(opened.location().ends_with("/page/1"), "{}", opened.location());
    for (i, fields) in demo_pages().iter().enumerate().take(3) {
        answer_page(&mut b, &base, i + 1, fields, "suivante").await;
    }
    for path in [resume.clone(), format!("/questionnaire/invitation/{token}")] {
        b.cookies.clear();
        let opened = b.get(&path).await;
        assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
        assert_eq!(opened.location(), format!("{base}/page/3"), "where the respondent stopped, not page 1");
        let page = b.get(opened.location()).await;
        assert!(page.body.contains("Une épicerie solidaire à Nantes."), "with its answers");
    }
    // Back to page 2, saved again without any change: that is where one stopped now.
    answer_page(&mut b, &base, 2, &demo_pages()[1], "enregistrer").await;
    assert!(b.get(&resume).await.location().ends_with("/page/2"));
}

#[actix_web::test]
async fn a_questionnaire_closed_while_answering_refuses_the_sending_and_keeps_the_draft() {
    let mut b = browser().await;
    let base = start(&mut b).await;
    for (i, fields) in demo_pages().iter().enumerate() {
        answer_page(&mut b, &base, i + 1, fields, "enregistrer").await;
    }
    {
        let mut conn = b.db.conn();
        let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
        set_status(&mut conn, consultation.id, QuestionnaireStatus::Closed, None).unwrap();
        assert_eq!(questionnaire_of(&mut conn, consultation.id).unwrap().unwrap().status, QuestionnaireStatus::Closed);
    }
    let refused = b.post(&format!("{base}/envoi"), &[]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text().contains("Le questionnaire a été clos avant l'envoi"));
    let id = responses::table.select(responses::id).first(&mut b.db.conn()).unwrap();
    let response = find_response(&mut b.db.conn(), id).unwrap();
    assert_eq!(response.status, ResponseStatus::Draft);
    assert_eq!(response.stored().answers.values("t4_constat"), ["Le manque de temps des bénévoles."]);
}

#[actix_web::test]
async fn an_unknown_link_offers_a_new_one_without_saying_whether_the_address_is_known() {
    let mut b = browser().await;
    let unknown = b.get("/questionnaire/invitation/0123456789abcdef0123456789abcdef").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(unknown.text().contains("Ce lien n'est pas valide"));
    assert!(unknown.body.contains("action=\"/questionnaire/nouveau-lien\""));
    let token = b.csrf().await;
    let known =
        b.post("/questionnaire/nouveau-lien", &[("csrf_token", &token), ("email", "personne@exemple.fr")]).await;
    assert_eq!(known.status, StatusCode::OK);
    assert!(known.text().contains("Si cette adresse a reçu une invitation"));
}

#[actix_web::test]
async fn one_address_gets_three_resume_links_an_hour_and_the_page_says_when_it_got_none() {
    let mut b = browser().await;
    let base = start(&mut b).await;
    let mut last = String::new();
    for _ in 0..5 {
        let asked = b.post(&format!("{base}/lien"), &[("email", "cible@exemple.fr"), ("page", "1")]).await;
        assert_eq!(asked.status, StatusCode::SEE_OTHER);
        last = asked.location().to_owned();
    }
    let mails: i64 =
        outbox::table.filter(outbox::recipient.eq("cible@exemple.fr")).count().get_result(&mut b.db.conn()).unwrap();
    assert_eq!(mails, 3, "three an hour to one address");
    assert!(last.ends_with("?lien=limite"), "{last}");
    let page = b.get(&last).await;
    assert!(page.text().contains("le lien n'a pas été envoyé"), "the page says so");
    let stored: Option<String> = responses::table.select(responses::email).first(&mut b.db.conn()).unwrap();
    assert_eq!(stored.as_deref(), Some("cible@exemple.fr"), "the address is kept all the same");
}

#[actix_web::test]
async fn fresh_links_for_twenty_drafts_go_in_one_mail_and_are_limited() {
    use essaim_contributions::questionnaire::responses::{set_email, start_public};
    let mut b = browser().await;
    {
        let mut conn = b.db.conn();
        let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
        let questionnaire = questionnaire_of(&mut conn, consultation.id).unwrap().unwrap();
        for _ in 0..20 {
            let draft = start_public(&mut conn, questionnaire.id).unwrap();
            set_email(&mut conn, draft.id, "perdu@exemple.fr").unwrap();
        }
    }
    let token = b.csrf().await;
    let asked = b.post("/questionnaire/nouveau-lien", &[("csrf_token", &token), ("email", "perdu@exemple.fr")]).await;
    assert_eq!(asked.status, StatusCode::OK);
    let texts: Vec<String> = outbox::table
        .filter(outbox::recipient.eq("perdu@exemple.fr"))
        .select(outbox::text_body)
        .load(&mut b.db.conn())
        .unwrap();
    assert_eq!(texts.len(), 1, "one mail, not one per draft");
    assert_eq!(texts[0].matches("/questionnaire/reprendre/").count(), 20, "listing every draft");
    for _ in 0..2 {
        b.post("/questionnaire/nouveau-lien", &[("csrf_token", &token), ("email", "perdu@exemple.fr")]).await;
    }
    let refused = b.post("/questionnaire/nouveau-lien", &[("csrf_token", &token), ("email", "perdu@exemple.fr")]).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.text().contains("Trop de demandes"));
    let mails: i64 =
        outbox::table.filter(outbox::recipient.eq("perdu@exemple.fr")).count().get_result(&mut b.db.conn()).unwrap();
    assert_eq!(mails, 3);
}

#[actix_web::test]
async fn the_copy_of_the_answers_goes_three_times_an_hour_to_one_address_and_the_fourth_response_is_kept() {
    use essaim_contributions::questionnaire::responses::set_email;
    let mut b = browser().await;
    for n in 1..=4 {
        let base = start(&mut b).await;
        for (i, fields) in demo_pages().iter().enumerate() {
            let saved = answer_page(&mut b, &base, i + 1, fields, "suivante").await;
            assert_eq!(saved.status, StatusCode::SEE_OTHER, "page {}: {}", i + 1, saved.body);
        }
        {
            let mut conn = b.db.conn();
            let draft: essaim_core::db::Id = responses::table
                .filter(responses::status.eq(ResponseStatus::Draft))
                .select(responses::id)
                .first(&mut conn)
                .unwrap();
            set_email(&mut conn, draft, "copie@exemple.fr").unwrap();
        }
        let sent = b.post(&format!("{base}/envoi"), &[]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        let thanks = b.get(sent.location()).await;
        assert_eq!(thanks.status, StatusCode::OK);
        assert!(thanks.text().contains("votre réponse est envoyée"));
        if n <= 3 {
            assert!(thanks.text().contains("Une copie de vos réponses est envoyée à copie@exemple.fr"), "{n}");
        } else {
            assert!(thanks.text().contains("la copie de vos réponses n'a pas été envoyée"), "{}", thanks.text());
        }
    }
    let submitted: i64 = responses::table
        .filter(responses::status.eq(ResponseStatus::Submitted))
        .count()
        .get_result(&mut b.db.conn())
        .unwrap();
    assert_eq!(submitted, 4, "the fourth response is stored");
    let mails: i64 =
        outbox::table.filter(outbox::recipient.eq("copie@exemple.fr")).count().get_result(&mut b.db.conn()).unwrap();
    assert_eq!(mails, 3);
}
