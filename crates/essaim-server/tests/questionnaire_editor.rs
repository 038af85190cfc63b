//! The questionnaire's editor, end to end on the backend named by `ESSAIM_TEST_DATABASE_URL`:
//! staff build and change a questionnaire section by section and question by question
//! through plain forms; every refusal keeps what was typed and stores nothing; a published
//! version stays frozen with its responses; identifiers stay stable.

mod common;

use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use diesel::prelude::*;
use essaim_contributions::questionnaire::definition::{Choice, Condition, ContributionLink, Definition, QuestionKind};
use essaim_contributions::questionnaire::responses::{find_response, start_public};
use essaim_contributions::questionnaire::store::{latest_version, published_version, questionnaire_of, versions_of};
use essaim_core::db::Id;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::{create_consultation, find_consultation, NewConsultation};
use essaim_core::schema::{accounts, audit_log, questionnaire_versions};
use essaim_core::testing::TestDb;

use common::{browser, Browser, ADMIN, FACILITATOR, STAFF};

const EDITOR: &str = "/staff/consultations/ess-pays-de-la-loire-2016/questionnaire/editeur";

fn consultation_id(db: &TestDb, slug: &str) -> Id {
    find_consultation(&mut db.conn(), slug).unwrap().id
}

/// The latest version's definition, as stored.
fn stored(db: &TestDb, slug: &str) -> Definition {
    let mut conn = db.conn();
    let consultation = find_consultation(&mut conn, slug).unwrap();
    let questionnaire = questionnaire_of(&mut conn, consultation.id).unwrap().unwrap();
    latest_version(&mut conn, questionnaire.id).unwrap().unwrap().parsed().unwrap()
}

fn version_count(db: &TestDb) -> i64 {
    questionnaire_versions::table.count().get_result(&mut db.conn()).unwrap()
}

/// Posts a form with this browser's CSRF token.
async fn send<S>(b: &mut Browser<S>, path: &str, fields: &[(&str, &str)]) -> common::Reply
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let token = b.csrf().await;
    let mut form = vec![("csrf_token", token.as_str())];
    form.extend_from_slice(fields);
    b.post(path, &form).await
}

/// Adds a question of `kind` to `section`; returns the id the editor gave it.
async fn add<S>(b: &mut Browser<S>, editor: &str, section: &str, kind: &str, fields: &[(&str, &str)]) -> String
where
    S: Service<actix_http::Request, Response = ServiceResponse, Error = actix_web::Error>,
{
    let form = b.get(&format!("{editor}/sections/{section}/nouvelle-question?type={kind}")).await;
    assert_eq!(form.status, StatusCode::OK, "{kind}: {}", form.body);
    let mut all = vec![("kind", kind)];
    all.extend_from_slice(fields);
    let added = send(b, &format!("{editor}/sections/{section}/nouvelle-question"), &all).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{kind}: {}", added.body);
    let location = added.location().to_owned();
    assert!(location.contains("fait=question-ajoutee"), "{location}");
    location.rsplit_once("#q-").expect("an anchor on the question").1.to_owned()
}

#[actix_web::test]
async fn staff_create_a_questionnaire_then_a_section_and_a_question_of_every_kind() {
    let mut b = browser().await;
    create_consultation(
        &mut b.db.conn(),
        &NewConsultation {
            slug: "essai".into(),
            title: "Consultation d'essai".into(),
            region: "Pays de la Loire".into(),
            description: String::new(),
            starts_on: None,
            ends_on: None,
            retention_until: None,
            ..Default::default()
        },
        &["Premier thème".to_owned(), "Second thème".to_owned()],
    )
    .unwrap();
    b.login(ADMIN).await;
    let editor = "/staff/consultations/essai/questionnaire/editeur";
    let empty = b.get(editor).await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.text().contains("Ce questionnaire n'existe pas encore"));
    let manage = b.get("/staff/consultations/essai/questionnaire").await;
    assert!(manage.body.contains("href=\"/staff/consultations/essai/questionnaire/editeur\""), "linked from manage");

    let created = send(
        &mut b,
        &format!("{editor}/general"),
        &[("title", "Questionnaire d'essai"), ("introduction", "Bienvenue."), ("first_section", "Vous")],
    )
    .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert!(created.location().contains("fait=cree"));
    let section = send(
        &mut b,
        &format!("{editor}/nouvelle-section"),
        &[("title", "Vos idées"), ("description", "Une page pour proposer.")],
    )
    .await;
    assert_eq!(section.status, StatusCode::SEE_OTHER, "{}", section.body);
    assert!(section.location().ends_with("#s-vos_idees"), "{}", section.location());

    let identity =
        add(&mut b, editor, "vous", "organisation", &[("label", "Votre structure"), ("required", "oui")]).await;
    let role = add(
        &mut b,
        editor,
        "vous",
        "single_choice",
        &[("label", "Vous êtes"), ("options", "Dirigeant·e\nbenevole | Bénévole\n"), ("other", "oui")],
    )
    .await;
    let projet = add(&mut b, editor, "vous", "yes_no", &[("id", "projet"), ("label", "Un projet ?")]).await;
    let besoin = add(
        &mut b,
        editor,
        "vos_idees",
        "multiple_choice",
        &[("label", "Vos besoins"), ("options", "Financement\nFormation"), ("condition", "projet=oui")],
    )
    .await;
    let satisfaction = add(
        &mut b,
        editor,
        "vos_idees",
        "scale",
        &[("label", "Satisfaction"), ("min_label", "Pas du tout"), ("max_label", "Tout à fait")],
    )
    .await;
    let salaries =
        add(&mut b, editor, "vos_idees", "number", &[("label", "Salariés"), ("min", "0"), ("max", "1 000,5")]).await;
    let classement =
        add(&mut b, editor, "vos_idees", "ranking", &[("label", "Priorités"), ("options", "Emploi\nCoopération")])
            .await;
    let dispositifs = add(
        &mut b,
        editor,
        "vos_idees",
        "grid",
        &[("label", "Dispositifs"), ("rows", "dla | DLA\nPTCE"), ("columns", "Connu\nUtilisé\nInconnu")],
    )
    .await;
    let ville = add(&mut b, editor, "vos_idees", "short_text", &[("label", "Votre ville")]).await;
    let idee = add(
        &mut b,
        editor,
        "vos_idees",
        "long_text",
        &[("label", "Une idée"), ("help", "Quelques lignes."), ("contribution_kind", "proposition"), ("theme", "2")],
    )
    .await;

    let d = stored(&b.db, "essai");
    assert_eq!(d.title, "Questionnaire d'essai");
    assert_eq!(d.introduction, "Bienvenue.");
    assert_eq!(d.sections.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(), ["vous", "vos_idees"]);
    assert_eq!(d.sections[1].description, "Une page pour proposer.");
    let ids: Vec<&str> = d.questions().map(|(_, q)| q.id.as_str()).collect();
    assert_eq!(
        ids,
        [&identity, &role, &projet, &besoin, &satisfaction, &salaries, &classement, &dispositifs, &ville, &idee]
    );
    assert_eq!(projet, "projet", "the id asked for");
    let q = |id: &str| d.question(id).unwrap().clone();
    assert!(q(&identity).required);
    assert_eq!(q(&identity).kind, QuestionKind::Organisation);
    assert_eq!(
        q(&role).kind,
        QuestionKind::SingleChoice {
            options: vec![
                Choice { value: "dirigeant_e".into(), label: "Dirigeant·e".into() },
                Choice { value: "benevole".into(), label: "Bénévole".into() },
            ],
            other: true,
        }
    );
    assert_eq!(q(&projet).kind, QuestionKind::YesNo);
    assert!(
        matches!(q(&besoin).kind, QuestionKind::MultipleChoice { ref options, other: false } if options.len() == 2)
    );
    assert_eq!(q(&besoin).condition, Some(Condition { question: "projet".into(), any_of: vec!["oui".into()] }));
    assert_eq!(
        q(&satisfaction).kind,
        QuestionKind::Scale { min_label: "Pas du tout".into(), max_label: "Tout à fait".into() }
    );
    assert_eq!(q(&salaries).kind, QuestionKind::Number { min: Some(0.0), max: Some(1000.5) });
    assert!(matches!(q(&classement).kind, QuestionKind::Ranking { ref options } if options.len() == 2));
    let QuestionKind::Grid { rows, columns } = q(&dispositifs).kind else { panic!("a grid") };
    assert_eq!(rows.iter().map(|r| r.value.as_str()).collect::<Vec<_>>(), ["dla", "ptce"]);
    assert_eq!(columns.len(), 3);
    assert_eq!(q(&ville).kind, QuestionKind::ShortText);
    assert_eq!(q(&idee).kind, QuestionKind::LongText);
    assert_eq!(q(&idee).help, "Quelques lignes.");
    assert_eq!(q(&idee).contribution, Some(ContributionLink { theme: Some(2), kind: "proposition".into() }));

    // The list shows each question in order with its type, required flag, condition and link.
    let list = b.get(editor).await.text();
    for label in ["Identité de la structure", "Choix unique", "Échelle de 1 à 5", "Grille", "Classement"] {
        assert!(list.contains(label), "{label} in the list");
    }
    assert!(list.contains("si « Oui » à « Un projet ? »"));
    assert!(list.contains("Proposition, thème 2 « Second thème »"));
    assert!(list.contains("Vous modifiez la version 1, non publiée : personne ne peut encore y répondre"));
    // The identity block is offered no more: the questionnaire has one.
    assert!(!list.contains("<option value=\"organisation\">"));
    let preview = b.get("/staff/consultations/essai/questionnaire/apercu").await.text();
    assert!(preview.contains("Une idée") && preview.contains("Vos besoins"));
    let questionnaire = questionnaire_of(&mut b.db.conn(), consultation_id(&b.db, "essai")).unwrap().unwrap();
    let versions = versions_of(&mut b.db.conn(), questionnaire.id).unwrap();
    assert_eq!(versions.len(), 1, "every change went to the one unpublished version");
    assert!(versions[0].published_at.is_none());
}

#[actix_web::test]
async fn an_invalid_question_is_refused_next_to_its_fields_keeps_what_was_typed_and_stores_nothing() {
    let mut b = browser().await;
    b.login(ADMIN).await;
    let before = stored(&b.db, DEMO_SLUG);
    let refused = send(
        &mut b,
        &format!("{EDITOR}/sections/theme2/nouvelle-question"),
        &[
            ("kind", "single_choice"),
            ("label", "   "),
            ("help", "Aide <i>tapée</i>"),
            ("options", "Un financement\nUn local\nun financement"),
            ("other", "oui"),
            ("condition", "t5_visibilite=2"),
        ],
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    let page = refused.text();
    assert!(page.contains("Rien n'a été enregistré : 3 points à corriger"), "{page}");
    // Each message is in the summary, linked to its field, and next to the field.
    assert!(page.contains("<a href=\"#label\">L'intitulé est vide.</a>"));
    assert!(page.contains("id=\"label-error\""));
    assert!(page.contains("Ligne 3 : « un financement » est déjà à la ligne 1"));
    assert!(page.contains("La condition porte sur « t5_visibilite », qui n'est pas une question précédente."));
    assert!(refused.body.contains("id=\"options\" name=\"options\" rows=\"8\" aria-invalid=\"true\""));
    // What was typed is kept (escaped), boxes included.
    assert!(refused.body.contains(">Un financement\nUn local\nun financement</textarea>"));
    assert!(refused.body.contains(">Aide &#60;i&#62;tapée&#60;/i&#62;</textarea>"), "{}", refused.body);
    assert!(refused.body.contains("id=\"other\" name=\"other\" value=\"oui\" checked"));
    assert!(refused.body.contains("name=\"kind\" value=\"single_choice\""));
    assert_eq!(stored(&b.db, DEMO_SLUG), before, "nothing changed");
    assert_eq!(version_count(&b.db), 1, "no version started");

    // An edit of an existing question: its typed values come back too.
    let edit = send(
        &mut b,
        &format!("{EDITOR}/questions/t2_besoin"),
        &[("label", "Besoins"), ("options", "financement | Un financement"), ("condition", "t2_projet=oui")],
    )
    .await;
    assert_eq!(edit.status, StatusCode::SEE_OTHER, "{}", edit.body);
    let refused = send(&mut b, &format!("{EDITOR}/questions/t2_projet"), &[("label", "")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("L'intitulé est vide."));
    let number =
        send(&mut b, &format!("{EDITOR}/questions/t3_effectif"), &[("label", "Effectif"), ("min", "beaucoup")]).await;
    assert_eq!(number.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(number.text().contains("Le minimum doit être un nombre"));
    assert!(number.body.contains("value=\"beaucoup\""), "typed bound kept");
}

#[actix_web::test]
async fn editing_a_published_questionnaire_starts_a_new_version_and_the_old_keeps_its_responses() {
    let mut b = browser().await;
    let consultation = consultation_id(&b.db, DEMO_SLUG);
    let (questionnaire, v1, response) = {
        let mut conn = b.db.conn();
        let questionnaire = questionnaire_of(&mut conn, consultation).unwrap().unwrap();
        let v1 = published_version(&mut conn, questionnaire.id).unwrap().unwrap();
        let response = start_public(&mut conn, questionnaire.id).unwrap();
        (questionnaire, v1, response)
    };
    assert_eq!(response.version_id, v1.id);
    b.login(ADMIN).await;
    let list = b.get(EDITOR).await.text();
    assert!(list.contains("La version 1 est publiée : elle est figée"), "{list}");
    assert!(list.contains("Votre première modification crée la version 2"));

    let mut form = vec![("label", "Vous répondez en qualité de…"), ("other", "oui")];
    let options = "dirigeant | Dirigeant·e salarié·e\nelu | Élu·e ou administrateur·rice bénévole\nsalarie | Salarié·e\nbenevole | Bénévole\n";
    form.push(("options", options));
    let edited = send(&mut b, &format!("{EDITOR}/questions/role"), &form).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    assert!(edited.location().contains("version=2"), "{}", edited.location());
    let notice = b.get(edited.location()).await.text();
    assert!(notice.contains("La version 2, non publiée, a été créée pour cela"));
    assert!(notice.contains("Vous modifiez la version 2, non publiée. Les répondants voient la version 1"));

    let versions = versions_of(&mut b.db.conn(), questionnaire.id).unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].definition, v1.definition, "the published version is frozen");
    assert!(versions[0].published_at.is_some() && versions[1].published_at.is_none());
    assert_eq!(versions[1].parsed().unwrap().question("role").unwrap().label, "Vous répondez en qualité de…");
    assert_eq!(versions[0].parsed().unwrap().question("role").unwrap().label, "Vous répondez en tant que…");
    assert_eq!(
        find_response(&mut b.db.conn(), response.id).unwrap().version_id,
        v1.id,
        "the response keeps its version"
    );
    let later = start_public(&mut b.db.conn(), questionnaire.id).unwrap();
    assert_eq!(later.version_id, v1.id, "respondents answer the published version until the next is published");

    // A second change continues the same draft; the same form again changes nothing.
    let second =
        send(&mut b, &format!("{EDITOR}/sections/theme1"), &[("title", "Relations"), ("description", "")]).await;
    assert_eq!(second.status, StatusCode::SEE_OTHER);
    assert!(!second.location().contains("version="));
    let again =
        send(&mut b, &format!("{EDITOR}/sections/theme1"), &[("title", "Relations"), ("description", "")]).await;
    assert!(again.location().contains("fait=inchange"));
    assert_eq!(version_count(&b.db), 2);

    // Published, the draft is frozen in turn: the next change starts version 3.
    let token = b.csrf().await;
    b.post("/logout", &[("csrf_token", &token)]).await;
    b.login(ADMIN).await;
    let token = b.csrf().await;
    let published =
        b.post("/staff/consultations/ess-pays-de-la-loire-2016/questionnaire/publier", &[("csrf_token", &token)]).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let third =
        send(&mut b, &format!("{EDITOR}/sections/theme1"), &[("title", "Relations publiques"), ("description", "")])
            .await;
    assert!(third.location().contains("version=3"), "{}", third.location());
    assert_eq!(version_count(&b.db), 3);
    assert_eq!(find_response(&mut b.db.conn(), response.id).unwrap().version_id, v1.id);

    // Every change is in the audit log, with who made it and what it was.
    let staff: Id =
        accounts::table.filter(accounts::email.eq(ADMIN.0)).select(accounts::id).first(&mut b.db.conn()).unwrap();
    let entries: Vec<(Option<Id>, String)> = audit_log::table
        .filter(audit_log::action.eq("questionnaire.edit"))
        .filter(audit_log::details.like("%editeur%"))
        .order(audit_log::occurred_at.asc())
        .select((audit_log::actor_id, audit_log::details))
        .load(&mut b.db.conn())
        .unwrap();
    assert_eq!(entries.len(), 3, "{entries:?}");
    assert_eq!(entries[0].0, Some(staff));
    assert!(entries[0].1.contains("\"question.update\"") && entries[0].1.contains("\"role\""), "{}", entries[0].1);
    assert!(entries[1].1.contains("\"section.update\""));
}

#[actix_web::test]
async fn ids_stay_stable_and_a_new_question_never_takes_an_id_an_earlier_version_used() {
    let mut b = browser().await;
    b.login(ADMIN).await;
    let before = stored(&b.db, DEMO_SLUG);
    let mut form: Vec<(&str, &str)> = vec![("label", "Avec quelles institutions travaillez-vous ?"), ("other", "oui")];
    let options = "region | Conseil régional des Pays de la Loire\ndepartement | Conseil départemental\nintercommunalite | Intercommunalité ou commune\netat | Services de l'État\ncdc | Caisse des Dépôts\nBpifrance\n";
    form.push(("options", options));
    let edited = send(&mut b, &format!("{EDITOR}/questions/t1_interlocuteurs"), &form).await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let after = stored(&b.db, DEMO_SLUG);
    let ids = |d: &Definition| d.questions().map(|(_, q)| q.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&after), ids(&before), "every question keeps its id");
    let QuestionKind::MultipleChoice { options, .. } = &after.question("t1_interlocuteurs").unwrap().kind else {
        panic!("a multiple choice")
    };
    assert_eq!(
        options.iter().map(|o| o.value.as_str()).collect::<Vec<_>>(),
        ["region", "departement", "intercommunalite", "etat", "cdc", "bpifrance"]
    );
    assert_eq!(options[0].label, "Conseil régional des Pays de la Loire");

    // Deleted in the draft, its id stays taken: the published version asked it.
    let confirm = b.get(&format!("{EDITOR}/questions/t1_proposition/supprimer")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(confirm.text().contains("Supprimer la question « Que faudrait-il changer"));
    let deleted = send(&mut b, &format!("{EDITOR}/questions/t1_proposition/supprimer"), &[]).await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER);
    assert!(stored(&b.db, DEMO_SLUG).question("t1_proposition").is_none());
    let id = add(&mut b, EDITOR, "theme1", "long_text", &[("label", "T1 proposition")]).await;
    assert_eq!(id, "t1_proposition_2");
    let taken = send(
        &mut b,
        &format!("{EDITOR}/sections/theme1/nouvelle-question"),
        &[("kind", "short_text"), ("id", "t1_proposition"), ("label", "Encore")],
    )
    .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken
        .text()
        .contains("L'identifiant « t1_proposition » est déjà pris, dans cette version ou une précédente"));
    // A question another one depends on cannot go.
    let refused = send(&mut b, &format!("{EDITOR}/questions/t2_projet/supprimer"), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("s'affiche selon la réponse à celle-ci"));
    assert!(stored(&b.db, DEMO_SLUG).question("t2_projet").is_some());
}

#[actix_web::test]
async fn questions_and_sections_move_up_and_down_but_never_before_what_their_condition_tests() {
    let mut b = browser().await;
    b.login(ADMIN).await;
    let order = |d: &Definition| d.questions().map(|(_, q)| q.id.clone()).collect::<Vec<_>>();
    let before = order(&stored(&b.db, DEMO_SLUG));
    let up = send(&mut b, &format!("{EDITOR}/questions/t1_interlocuteurs/deplacer"), &[("sens", "haut")]).await;
    assert_eq!(up.status, StatusCode::SEE_OTHER);
    assert!(up.location().ends_with("#q-t1_interlocuteurs"));
    let after = order(&stored(&b.db, DEMO_SLUG));
    let at = |ids: &[String], id: &str| ids.iter().position(|i| i == id).unwrap();
    assert_eq!(at(&after, "t1_interlocuteurs") + 1, at(&after, "t1_relation"));
    let down = send(&mut b, &format!("{EDITOR}/questions/t1_interlocuteurs/deplacer"), &[("sens", "bas")]).await;
    assert_eq!(down.status, StatusCode::SEE_OTHER);
    assert_eq!(order(&stored(&b.db, DEMO_SLUG)), before);
    // The first question of a section goes up into the previous one.
    send(&mut b, &format!("{EDITOR}/questions/t1_relation/deplacer"), &[("sens", "haut")]).await;
    let d = stored(&b.db, DEMO_SLUG);
    assert_eq!(d.sections[0].questions.last().unwrap().id, "t1_relation");

    let refused = send(&mut b, &format!("{EDITOR}/questions/t2_besoin/deplacer"), &[("sens", "haut")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused
        .text()
        .contains("Déplacement refusé : la question « Si oui, de quoi auriez-vous le plus besoin ? »"));
    assert_eq!(stored(&b.db, DEMO_SLUG), d, "nothing moved");

    let section = send(&mut b, &format!("{EDITOR}/sections/theme5/deplacer"), &[("sens", "haut")]).await;
    assert_eq!(section.status, StatusCode::SEE_OTHER);
    let ids: Vec<String> = stored(&b.db, DEMO_SLUG).sections.iter().map(|s| s.id.clone()).collect();
    assert_eq!(at(&ids, "theme5") + 1, at(&ids, "theme4"));
    let bad = send(&mut b, &format!("{EDITOR}/sections/theme5/deplacer"), &[("sens", "ailleurs")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn only_staff_edit_and_every_form_needs_its_token() {
    let mut b = browser().await;
    let anonymous = b.get(EDITOR).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/login?next="), "{}", anonymous.location());
    let token = b.csrf().await;
    let anonymous_post =
        b.post(&format!("{EDITOR}/nouvelle-section"), &[("csrf_token", &token), ("title", "Intrus")]).await;
    assert_eq!(anonymous_post.status, StatusCode::SEE_OTHER);
    b.login(FACILITATOR).await;
    for path in [
        EDITOR.to_owned(),
        format!("{EDITOR}/general"),
        format!("{EDITOR}/nouvelle-section"),
        format!("{EDITOR}/sections/theme1"),
        format!("{EDITOR}/sections/theme1/nouvelle-question?type=yes_no"),
        format!("{EDITOR}/questions/role"),
        format!("{EDITOR}/questions/role/supprimer"),
    ] {
        assert_eq!(b.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let token = b.csrf().await;
    for (path, fields) in [
        (format!("{EDITOR}/nouvelle-section"), vec![("title", "Intrus")]),
        (format!("{EDITOR}/questions/role"), vec![("label", "Intrus")]),
        (format!("{EDITOR}/questions/role/deplacer"), vec![("sens", "bas")]),
        (format!("{EDITOR}/questions/role/supprimer"), vec![]),
        (format!("{EDITOR}/sections/theme1/supprimer"), vec![]),
    ] {
        let mut form = vec![("csrf_token", token.as_str())];
        form.extend(fields);
        assert_eq!(b.post(&path, &form).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let token = b.csrf().await;
    b.post("/logout", &[("csrf_token", &token)]).await;
    // Staff follow the questionnaire; administrators set it up (PRODUCT.md), as with the import.
    b.login(STAFF).await;
    assert_eq!(b.get(EDITOR).await.status, StatusCode::FORBIDDEN);
    let token = b.csrf().await;
    let by_staff = b.post(&format!("{EDITOR}/nouvelle-section"), &[("csrf_token", &token), ("title", "Intrus")]).await;
    assert_eq!(by_staff.status, StatusCode::FORBIDDEN);
    b.post("/logout", &[("csrf_token", &token)]).await;

    b.login(ADMIN).await;
    let before = stored(&b.db, DEMO_SLUG);
    let no_token = b.post(&format!("{EDITOR}/nouvelle-section"), &[("title", "Sans jeton")]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert!(no_token.text().contains("Ce formulaire n'a pas pu être vérifié"));
    let wrong = b
        .post(
            &format!("{EDITOR}/questions/role/deplacer"),
            &[("csrf_token", "0123456789abcdef0123456789abcdef"), ("sens", "bas")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert_eq!(stored(&b.db, DEMO_SLUG), before);
    assert_eq!(version_count(&b.db), 1);
    // An unknown question or section is a 404, not a new one.
    assert_eq!(b.get(&format!("{EDITOR}/questions/nulle_part")).await.status, StatusCode::NOT_FOUND);
    let missing =
        send(&mut b, &format!("{EDITOR}/sections/nulle_part/nouvelle-question"), &[("kind", "yes_no"), ("label", "X")])
            .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn html_typed_in_a_label_is_shown_as_text() {
    let mut b = browser().await;
    b.login(ADMIN).await;
    let label = "<script>alert(1)</script> <b>gras</b> & « guillemets »";
    let id = add(
        &mut b,
        EDITOR,
        "structure",
        "single_choice",
        &[("label", label), ("options", "<img src=x onerror=alert(2)>\nDeux")],
    )
    .await;
    assert_eq!(stored(&b.db, DEMO_SLUG).question(&id).unwrap().label, label, "stored as typed");
    for path in [EDITOR.to_owned(), format!("{EDITOR}/questions/{id}"), format!("{EDITOR}/questions/{id}/supprimer")] {
        let page = b.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        assert!(!page.body.contains("<script>alert") && !page.body.contains("<b>gras"), "{path}");
        assert!(page.body.contains("&#60;script&#62;alert(1)&#60;/script&#62;"), "{path}: {}", page.body);
    }
    let edit = b.get(&format!("{EDITOR}/questions/{id}")).await;
    assert!(!edit.body.contains("<img src=x"));
    let preview = b.get("/staff/consultations/ess-pays-de-la-loire-2016/questionnaire/apercu").await;
    assert!(!preview.body.contains("<script>alert") && !preview.body.contains("<img src=x"));
    assert!(preview.body.contains("&#60;script&#62;"));
}
