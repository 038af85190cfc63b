//! What a respondent's link shows once sent, and what caches may keep: the defects of issue
//! 18, and the personal-data rights ("Mes données").

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{header, StatusCode};
use essaim_contributions::demo::demo_definition;
use essaim_contributions::questionnaire::follow::start_follow;
use essaim_contributions::questionnaire::store::{publish, save_definition};
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::find_consultation;

use crate::common::{browser, Browser};
use crate::questionnaire::{answer_page, demo_pages, start};

/// Makes the demo questionnaire anonymous (a new published version).
fn make_anonymous(b: &Browser<impl Sized>) {
    let mut conn = b.db.conn();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap().id;
    let mut definition = demo_definition();
    definition.anonymous = true;
    save_definition(&mut conn, consultation, &definition, None).unwrap();
    publish(&mut conn, consultation, None).unwrap();
}

/// Answers every page of a public response and sends it; returns its pages' base address.
async fn answered<S>(b: &mut Browser<S>) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let base = start(b).await;
    for (i, fields) in demo_pages().iter().enumerate() {
        let saved = answer_page(b, &base, i + 1, fields, "suivante").await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "page {}: {}", i + 1, saved.body);
    }
    let sent = b.post(&format!("{base}/envoi"), &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    base
}

fn token_of(base: &str) -> &str {
    base.trim_start_matches("/questionnaire/r/")
}

#[actix_web::test]
async fn a_sent_anonymous_response_is_never_read_back_through_its_resume_link() {
    let mut b = browser().await;
    make_anonymous(&b);
    let base = answered(&mut b).await;
    let token = token_of(&base).to_owned();
    let draft = b.get(&format!("/api/v1/questionnaire/drafts/{token}")).await;
    assert_eq!(draft.status, StatusCode::OK, "{}", draft.body);
    assert_eq!(draft.json()["status"], "submitted");
    assert_eq!(draft.json()["answers"], serde_json::json!({}), "{}", draft.body);
    assert!(!draft.body.contains("cossolies"), "{}", draft.body);
    for path in ["/merci", "/page/1", "/envoi", "/suivi"] {
        let page = b.get(&format!("{base}{path}")).await;
        assert!(!page.body.contains("cossolies"), "{path}: {}", page.body);
        assert!(!page.body.contains("épicerie solidaire"), "{path}: {}", page.body);
    }
    let thanks = b.get(&format!("{base}/merci")).await;
    assert_eq!(thanks.status, StatusCode::OK);
    assert!(thanks.text().contains("Votre réponse a bien été reçue"), "{}", thanks.body);
    // Nothing can be saved or sent again through it.
    let save = b
        .request(
            actix_web::test::TestRequest::put()
                .uri(&format!("/api/v1/questionnaire/drafts/{token}/sections/1"))
                .set_json(serde_json::json!({"revision": 0, "answers": {"identite.nom": ["Autre"]}})),
        )
        .await;
    assert_eq!(save.status, StatusCode::CONFLICT, "{}", save.body);
}

#[actix_web::test]
async fn a_named_response_is_still_read_back_once_sent() {
    let mut b = browser().await;
    let base = answered(&mut b).await;
    let draft = b.get(&format!("/api/v1/questionnaire/drafts/{}", token_of(&base))).await;
    assert_eq!(draft.json()["status"], "submitted");
    assert!(draft.body.contains("cossolies"), "a questionnaire that is not anonymous keeps its answers readable");
}

#[actix_web::test]
async fn respondent_pages_and_the_draft_api_are_never_cached() {
    let mut b = browser().await;
    let base = start(&mut b).await;
    let follow = {
        let mut conn = b.db.conn();
        start_follow(&mut conn, &[], None).unwrap().1
    };
    let no_store = |reply: &crate::common::Reply| {
        reply.headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).map(str::to_owned)
    };
    for path in [
        format!("{base}/page/1"),
        format!("{base}/page/2"),
        format!("{base}/envoi"),
        format!("/suivi/{follow}"),
        format!("/suivi/{follow}-inconnu"),
        format!("/api/v1/questionnaire/drafts/{}", token_of(&base)),
        "/api/v1/questionnaire/drafts/inconnu".to_owned(),
    ] {
        let reply = b.get(&path).await;
        assert_eq!(no_store(&reply).as_deref(), Some("no-store"), "{path}: {:?}", reply.status);
    }
    // The public pages stay cacheable.
    let home = b.get("/").await;
    assert_eq!(no_store(&home), None);
}

/// A follow link for a new online contribution from `email`, read from its mail.
fn follow_link_of(b: &Browser<impl Sized>, email: &str, organisation: &str) -> String {
    use essaim_contributions::online::{submit_online, OnlineForm};
    use essaim_core::domain::consultation::themes_of;
    let mut conn = b.db.conn();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let theme = themes_of(&mut conn, consultation.id).unwrap().remove(0);
    let form = OnlineForm {
        kind: "proposition".into(),
        body: format!("Une proposition de {organisation}."),
        organisation: organisation.into(),
        territory: "44".into(),
        email: email.into(),
        idempotency_key: format!("cle-{email}"),
    };
    let requester = essaim_core::mail::limits::Requester("essai".into());
    submit_online(&mut conn, &consultation, &theme, &form, "http://essaim.test/", &requester).unwrap();
    let mails = essaim_core::privacy::mails_to(&mut conn, email).unwrap();
    assert_eq!(mails.len(), 1);
    // The export masks links; the outbox row itself still holds it until sent.
    use diesel::prelude::*;
    let text: String = essaim_core::schema::outbox::table
        .filter(essaim_core::schema::outbox::recipient.eq(email))
        .select(essaim_core::schema::outbox::text_body)
        .first(&mut conn)
        .unwrap();
    let at = text.find("/suivi/").unwrap() + "/suivi/".len();
    text[at..at + 32].to_owned()
}

#[actix_web::test]
async fn mes_donnees_downloads_then_erases_with_a_confirmation_and_refuses_a_second_time() {
    let mut b = browser().await;
    let token = follow_link_of(&b, "lea@exemple.fr", "Coop Léa");
    let _other = follow_link_of(&b, "max@exemple.fr", "Asso Max");
    let follow = b.get(&format!("/suivi/{token}")).await;
    assert!(follow.body.contains(&format!("href=\"/suivi/{token}/mes-donnees\"")), "linked from the follow page");
    let page = b.get(&format!("/suivi/{token}/mes-donnees")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.text().contains("lea@exemple.fr"));
    assert_eq!(page.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let file = b.get(&format!("/suivi/{token}/mes-donnees/telecharger")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.content_type().starts_with("application/json"));
    assert_eq!(file.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");
    let json = file.json();
    assert_eq!(json["email"], "lea@exemple.fr");
    assert_eq!(json["contributions"][0]["author_name"], "Coop Léa");
    assert!(!file.body.contains("max@exemple.fr") && !file.body.contains("Asso Max"), "one person's data only");
    // The erasure: refused without the form's token, then confirmed.
    let base = format!("/suivi/{token}/mes-donnees");
    let forged = b.post(&format!("{base}/effacer/confirmer"), &[("csrf_token", "faux"), ("choix", "anonymiser")]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let csrf = b.csrf().await;
    let confirm = b.post(&format!("{base}/effacer"), &[("csrf_token", &csrf), ("choix", "anonymiser")]).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(confirm.text().contains("définitive"));
    assert!(b.get(&base).await.status == StatusCode::OK, "nothing erased before the confirmation");
    let done = b.post(&format!("{base}/effacer/confirmer"), &[("csrf_token", &csrf), ("choix", "anonymiser")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), "/donnees-effacees");
    assert!(b.get("/donnees-effacees").await.text().contains("Vos données sont effacées"));
    // The links stop working; asked twice: a clear French message.
    assert_eq!(b.get(&format!("/suivi/{token}")).await.status, StatusCode::NOT_FOUND);
    let again = b.post(&format!("{base}/effacer/confirmer"), &[("csrf_token", &csrf), ("choix", "anonymiser")]).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.text().contains("déjà été effacées"), "{}", again.body);
    let mut conn = b.db.conn();
    assert!(essaim_core::privacy::mails_to(&mut conn, "lea@exemple.fr").unwrap().is_empty());
    assert_eq!(
        essaim_core::privacy::mails_to(&mut conn, "max@exemple.fr").unwrap().len(),
        1,
        "the other person untouched"
    );
}

#[actix_web::test]
async fn a_respondent_reaches_mes_donnees_from_the_questionnaire_link() {
    let mut b = browser().await;
    let base = start(&mut b).await;
    answer_page(&mut b, &base, 1, &demo_pages()[0], "enregistrer").await;
    let page = b.get(&format!("{base}/page/1")).await;
    assert!(page.body.contains(&format!("href=\"{base}/mes-donnees\"")));
    let file = b.get(&format!("{base}/mes-donnees/telecharger")).await;
    assert_eq!(file.json()["responses"][0]["answers"]["identite.nom"][0], "Les Écossolies");
    let csrf = b.csrf().await;
    let done = b
        .post(&format!("{base}/mes-donnees/effacer/confirmer"), &[("csrf_token", &csrf), ("choix", "supprimer")])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(b.get(&format!("{base}/page/1")).await.status, StatusCode::NOT_FOUND, "the draft and its link are gone");
}

#[actix_web::test]
async fn administrators_find_download_and_erase_a_persons_data_audited_without_the_address() {
    use crate::common::{ADMIN, STAFF};
    use diesel::prelude::*;
    let mut b = browser().await;
    follow_link_of(&b, "nina@exemple.fr", "Réseau Nina");
    b.login(STAFF).await;
    assert_eq!(b.get("/admin/donnees-personnelles").await.status, StatusCode::FORBIDDEN, "staff: 403");
    b.cookies.clear();
    b.login(ADMIN).await;
    let page = b.get("/admin/donnees-personnelles").await;
    assert_eq!(page.status, StatusCode::OK);
    let csrf = b.csrf().await;
    let bad =
        b.post("/admin/donnees-personnelles/recherche", &[("csrf_token", &csrf), ("email", "pas une adresse")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let found =
        b.post("/admin/donnees-personnelles/recherche", &[("csrf_token", &csrf), ("email", "Nina@Exemple.fr")]).await;
    assert!(found.text().contains("Contributions : 1"), "{}", found.body);
    let file =
        b.post("/admin/donnees-personnelles/telecharger", &[("csrf_token", &csrf), ("email", "nina@exemple.fr")]).await;
    assert_eq!(file.json()["email"], "nina@exemple.fr");
    let confirm = b
        .post(
            "/admin/donnees-personnelles/effacer",
            &[("csrf_token", &csrf), ("email", "nina@exemple.fr"), ("choix", "supprimer")],
        )
        .await;
    assert!(confirm.text().contains("définitive"));
    let done = b
        .post(
            "/admin/donnees-personnelles/effacer/confirmer",
            &[("csrf_token", &csrf), ("email", "nina@exemple.fr"), ("choix", "supprimer")],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.text().contains("1 supprimée(s)"), "{}", done.body);
    let again = b
        .post(
            "/admin/donnees-personnelles/effacer/confirmer",
            &[("csrf_token", &csrf), ("email", "nina@exemple.fr"), ("choix", "supprimer")],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert!(again.text().contains("rien à effacer"));
    let details: Vec<(String, Option<String>, String)> = essaim_core::schema::audit_log::table
        .filter(essaim_core::schema::audit_log::action.like("personal_data.%"))
        .select((
            essaim_core::schema::audit_log::action,
            essaim_core::schema::audit_log::target_id,
            essaim_core::schema::audit_log::details,
        ))
        .load(&mut b.db.conn())
        .unwrap();
    assert_eq!(details.len(), 2, "the download and the erasure: {details:?}");
    assert!(details
        .iter()
        .all(|(_, target, d)| !d.contains("nina") && !target.as_deref().unwrap_or("").contains("nina")));
}
