//! « Paramétrage »: a consultation set up from the pages, part by part, with the import's
//! rules; the public forms follow at once.

use actix_web::http::StatusCode;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::{find_consultation, phases_of, territories_of, themes_of};
use essaim_core::domain::ConsultationState;

use crate::common::{browser, FACILITATOR, STAFF};

fn page(slug: &str) -> String {
    format!("/staff/consultations/{slug}/parametrage")
}

#[actix_web::test]
async fn the_set_up_page_is_staff_only_and_linked_from_the_staff_home() {
    let mut b = browser().await;
    assert_eq!(b.get(&page(DEMO_SLUG)).await.status, StatusCode::SEE_OTHER, "anonymous: to the login");
    b.login(FACILITATOR).await;
    assert_eq!(b.get(&page(DEMO_SLUG)).await.status, StatusCode::FORBIDDEN);
    b.login(STAFF).await;
    let home = b.get(&format!("/staff/consultations/{DEMO_SLUG}")).await;
    assert!(home.body.contains(&format!("href=\"{}\"", page(DEMO_SLUG))));
    let shown = b.get(&page(DEMO_SLUG)).await;
    assert_eq!(shown.status, StatusCode::OK);
    for heading in ["La consultation", "Calendrier", "Thèmes", "Territoires", "Familles juridiques proposées", "État"]
    {
        assert!(shown.text().contains(heading), "{heading}");
    }
    assert!(
        shown.body.contains("id=\"t-44\" name=\"territoire\" value=\"44\" checked"),
        "the demo's départements ticked"
    );
    assert!(shown.body.contains("id=\"t-29\" name=\"territoire\" value=\"29\">"), "others offered, not ticked");
}

#[actix_web::test]
async fn bretagne_is_set_up_from_the_pages_and_its_forms_follow_at_once() {
    let mut b = browser().await;
    b.login(STAFF).await;
    let token = b.csrf().await;
    let id = find_consultation(&mut b.db.conn(), DEMO_SLUG).unwrap().id;
    let url = |part: &str| format!("{}/{part}", page(DEMO_SLUG));

    // A refusal keeps what was typed and names the field; nothing is written.
    let refused = b
        .post(
            &url("consultation"),
            &[
                ("csrf_token", &token),
                ("title", "Stratégie régionale de l'ESS — Bretagne 2027"),
                ("region", "Bretagne"),
                ("organisers", "la Région Bretagne et l'État"),
                ("starts_on", "2027-03-01"),
                ("ends_on", "01/02/2027"),
                ("time_zone", "Europe/Paris"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("La consultation finit avant de commencer."), "{}", refused.text());
    assert!(refused.body.contains("href=\"#f-consultation-ends_on\""), "the summary links the field");
    assert!(
        refused.body.contains("value=\"Stratégie régionale de l&#x27;ESS — Bretagne 2027\"")
            || refused.body.contains("value=\"Stratégie régionale de l&#39;ESS — Bretagne 2027\""),
        "typed value kept"
    );
    assert_ne!(find_consultation(&mut b.db.conn(), DEMO_SLUG).unwrap().region, "Bretagne");

    let saved = b
        .post(
            &url("consultation"),
            &[
                ("csrf_token", &token),
                ("title", "Stratégie régionale de l'ESS — Bretagne 2027"),
                ("region", "Bretagne"),
                ("organisers", "la Région Bretagne et l'État"),
                ("starts_on", "2027-03-01"),
                ("ends_on", "30/11/2027"),
                ("time_zone", "Europe/Paris"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert!(saved.location().contains("fait=consultation"));
    let c = find_consultation(&mut b.db.conn(), DEMO_SLUG).unwrap();
    assert_eq!((c.region.as_str(), c.ends_on), ("Bretagne", chrono::NaiveDate::from_ymd_opt(2027, 11, 30)));

    // The calendar: rows with no kind are dropped.
    let saved = b
        .post(
            &url("calendrier"),
            &[
                ("csrf_token", &token),
                ("kind", "questionnaire"),
                ("title", ""),
                ("starts_on", "2027-03-01"),
                ("ends_on", "2027-04-30"),
                ("location", ""),
                ("kind", "conference"),
                ("title", "Conférence régionale à Rennes"),
                ("starts_on", "2027-06-10"),
                ("ends_on", ""),
                ("location", "Rennes"),
                ("kind", ""),
                ("title", ""),
                ("starts_on", ""),
                ("ends_on", ""),
                ("location", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let phases = phases_of(&mut b.db.conn(), id).unwrap();
    assert_eq!(phases.len(), 2);
    assert_eq!(phases[1].location.as_deref(), Some("Rennes"));

    // Themes: one renamed keeps its contributions, one added; a full theme is not deleted.
    let before = themes_of(&mut b.db.conn(), id).unwrap();
    let renamed = b
        .post(
            &url("themes/1"),
            &[
                ("csrf_token", &token),
                ("title", "Coopérer en Bretagne"),
                ("description", "Avec qui ?"),
                ("action", "enregistrer"),
            ],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER, "{}", renamed.text());
    let added =
        b.post(&url("themes"), &[("csrf_token", &token), ("title", "Mer et littoral"), ("description", "")]).await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let themes = themes_of(&mut b.db.conn(), id).unwrap();
    assert_eq!(themes.len(), before.len() + 1);
    assert_eq!((themes[0].id, themes[0].title.as_str()), (before[0].id, "Coopérer en Bretagne"));
    let kept = b.post(&url("themes/1"), &[("csrf_token", &token), ("action", "supprimer")]).await;
    assert_eq!(kept.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(kept.text().contains("ne peut pas être supprimé"), "{}", kept.text());
    let position = themes.len().to_string();
    let gone = b.post(&url(&format!("themes/{position}")), &[("csrf_token", &token), ("action", "supprimer")]).await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER, "the empty theme goes");
    assert_eq!(themes_of(&mut b.db.conn(), id).unwrap().len(), before.len());

    // Territories: the four départements of Bretagne and a pays; an unknown code refused.
    let refused = b
        .post(
            &url("territoires"),
            &[("csrf_token", &token), ("territoire", "22"), ("custom_code", "44"), ("custom_name", "Nantes")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("code officiel"), "{}", refused.text());
    let saved = b
        .post(
            &url("territoires"),
            &[
                ("csrf_token", &token),
                ("territoire", "22"),
                ("territoire", "29"),
                ("territoire", "35"),
                ("territoire", "56"),
                ("custom_code", "PAYS-BREST"),
                ("custom_name", "Pays de Brest"),
                ("custom_code", ""),
                ("custom_name", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let codes: Vec<String> = territories_of(&mut b.db.conn(), id).unwrap().into_iter().map(|t| t.code).collect();
    assert_eq!(codes, ["22", "29", "35", "56", "PAYS-BREST"]);

    // The public form offers them at once (the frame kept in memory was read again).
    let form = b.get(&format!("/consultations/{DEMO_SLUG}/contribuer/1")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("Finistère (29)") && form.text().contains("Pays de Brest"), "{}", form.text());
    assert!(!form.text().contains("Vendée"), "Pays de la Loire is gone");

    // Legal families.
    let saved = b.post(&url("familles"), &[("csrf_token", &token), ("famille", "cooperative")]).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let refused = b.post(&url("familles"), &[("csrf_token", &token)]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("au moins une famille"));
}

#[actix_web::test]
async fn the_state_moves_along_its_buttons_and_never_back_from_archived() {
    let mut b = browser().await;
    b.login(STAFF).await;
    let token = b.csrf().await;
    let url = format!("{}/etat", page(DEMO_SLUG));
    let shown = b.get(&page(DEMO_SLUG)).await;
    assert!(shown.text().contains("Clore la consultation") && !shown.text().contains("Ouvrir la consultation"));
    let closed = b.post(&url, &[("csrf_token", &token), ("etat", "closed")]).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let c = find_consultation(&mut b.db.conn(), DEMO_SLUG).unwrap();
    assert_eq!(c.state, ConsultationState::Closed);
    let to_draft = b.post(&url, &[("csrf_token", &token), ("etat", "draft")]).await;
    assert_eq!(to_draft.status, StatusCode::CONFLICT, "a consultation that ran never goes back to draft");
    b.post(&url, &[("csrf_token", &token), ("etat", "archived")]).await;
    let reopened = b.post(&url, &[("csrf_token", &token), ("etat", "open")]).await;
    assert_eq!(reopened.status, StatusCode::CONFLICT);
    assert_eq!(find_consultation(&mut b.db.conn(), DEMO_SLUG).unwrap().state, ConsultationState::Archived);
    let no_token = b.post(&url, &[("etat", "open")]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN, "CSRF");
}

#[actix_web::test]
async fn an_administrator_starts_bretagne_from_nothing_and_it_waits_as_a_draft() {
    let mut b = browser().await;
    b.login(crate::common::ADMIN).await;
    let token = b.csrf().await;
    let form = b.get("/admin/consultations/nouvelle").await;
    assert!(form.text().contains("Partir de zéro") && form.text().contains("À partir d'une autre"));
    let mut fields = vec![
        ("csrf_token", token.as_str()),
        ("title", "Stratégie régionale de l'ESS — Bretagne 2027"),
        ("slug", "ess-bretagne-2027"),
        ("region", "Bretagne"),
        ("organisers", "la Région Bretagne et l'État"),
        ("starts_on", "2027-03-01"),
        ("ends_on", "2027-11-30"),
        ("themes", "Emploi\nFinancer\nCoopérer\nemploi"),
        ("territories", "22, 29, 35, 99"),
    ];
    let refused = b.post("/admin/consultations/creer", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("« emploi » est donné deux fois") && text.contains("« 99 »"), "{text}");
    assert!(refused.body.contains("id=\"b-themes\" name=\"themes\""), "typed themes kept");
    assert!(find_consultation(&mut b.db.conn(), "ess-bretagne-2027").is_err(), "nothing written");

    fields[7] = ("themes", "Emploi\nFinancer\nCoopérer\nInnover\nTerritoires\nMer et littoral");
    fields[8] = ("territories", "22, 29 35;56");
    let made = b.post("/admin/consultations/creer", &fields).await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.text());
    assert_eq!(made.location(), "/staff/consultations/ess-bretagne-2027/parametrage");
    let c = find_consultation(&mut b.db.conn(), "ess-bretagne-2027").unwrap();
    assert_eq!(c.state, ConsultationState::Draft);
    assert_eq!(themes_of(&mut b.db.conn(), c.id).unwrap().len(), 6);
    assert_eq!(territories_of(&mut b.db.conn(), c.id).unwrap().len(), 4);
    let setup = b.get(made.location()).await;
    assert!(setup.text().contains("Ouvrir la consultation"), "a draft opens from its set-up page");

    assert_eq!(b.get("/consultations/ess-bretagne-2027").await.status, StatusCode::OK, "its staff see it");
    let token = b.csrf().await;
    b.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(b.get("/consultations/ess-bretagne-2027").await.status, StatusCode::NOT_FOUND, "visitors do not");
}

#[actix_web::test]
async fn a_draft_s_forms_and_api_answer_its_staff_only_even_by_address() {
    let mut b = browser().await;
    // A short id no other test of this process opens: a process remembers, by short id, the
    // consultations it saw past draft (one database per process in production).
    let mut file = essaim_core::demo::demo_setup();
    file.sections.clear();
    file.consultation.slug = "brouillon-breton-par-adresse".into();
    file.consultation.state = ConsultationState::Draft;
    essaim_core::domain::setup::import(&mut b.db.conn(), &file, &[]).unwrap();
    for path in [
        "/consultations/brouillon-breton-par-adresse",
        "/consultations/brouillon-breton-par-adresse/contribuer/1",
        "/consultations/brouillon-breton-par-adresse/questionnaire",
        "/consultations/brouillon-breton-par-adresse/passeport",
        "/api/v1/consultations/brouillon-breton-par-adresse",
        "/api/v1/consultations/brouillon-breton-par-adresse/questionnaire",
    ] {
        assert_eq!(b.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let token = b.csrf().await;
    let sent = b
        .post(
            "/consultations/brouillon-breton-par-adresse/contribuer/1",
            &[("csrf_token", &token), ("kind", "proposition"), ("body", "Une idée envoyée par l'adresse")],
        )
        .await;
    assert_eq!(sent.status, StatusCode::NOT_FOUND, "nothing recorded by the address");
    let api = b.post("/api/v1/consultations/brouillon-breton-par-adresse/questionnaire/drafts", &[]).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.content_type().starts_with("application/json"), "the API's own error");
    // Facilitators are not its staff; staff try its forms out.
    b.login(FACILITATOR).await;
    assert_eq!(b.get("/consultations/brouillon-breton-par-adresse/contribuer/1").await.status, StatusCode::NOT_FOUND);
    b.login(STAFF).await;
    assert_eq!(b.get("/consultations/brouillon-breton-par-adresse/contribuer/1").await.status, StatusCode::OK);
    // The demo, open, is everyone's.
    let token = b.csrf().await;
    b.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(b.get(&format!("/consultations/{DEMO_SLUG}/contribuer/1")).await.status, StatusCode::OK);
}
