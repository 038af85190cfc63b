//! Workshops: who sees what, the staff forms, attendance, the report in three formats, the
//! overview and the exports (docs/workshops.md).

use std::io::Read;

use actix_web::http::StatusCode;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::audit::history_of;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::find_account_by_email;
use essaim_workshops::demo::{seed_demo_workshops, DEMO_FACILITATORS};
use essaim_workshops::workshops::workshops_for;
use essaim_workshops::{WorkshopPhase, WorkshopState};

use crate::common::{browser, FACILITATOR, STAFF};

/// The demo workshop of `phase` and theme `position`.
pub fn demo_workshop(conn: &mut DbConnection, phase: WorkshopPhase, position: i32) -> Id {
    seed_demo_workshops(conn).expect("demo workshops");
    let staff = find_account_by_email(conn, STAFF.0).unwrap().unwrap();
    workshops_for(conn, &staff)
        .unwrap()
        .into_iter()
        .find(|s| s.workshop.phase == phase && s.theme.position == position)
        .expect("demo workshop")
        .workshop
        .id
}

fn zipped(bytes: &[u8], part: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut text = String::new();
    archive.by_name(part).expect("part").read_to_string(&mut text).unwrap();
    text
}

#[actix_web::test]
async fn a_facilitator_sees_only_their_workshops_and_is_refused_the_others() {
    let mut b = browser().await;
    let mine = demo_workshop(&mut b.db.conn(), WorkshopPhase::Conference, 1);
    let theirs = demo_workshop(&mut b.db.conn(), WorkshopPhase::Conference, 3);
    assert_eq!(b.get("/ateliers").await.location(), "/login?next=%2Fateliers", "anonymous: log in first");
    b.login(FACILITATOR).await;
    let page = b.get("/ateliers").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&format!("/ateliers/{mine}")));
    assert!(!page.body.contains(&format!("/ateliers/{theirs}")), "not their workshop");
    assert_eq!(b.get(&format!("/ateliers/{mine}")).await.status, StatusCode::OK);
    for path in ["", "/saisie", "/compte-rendu/pdf"] {
        assert_eq!(b.get(&format!("/ateliers/{theirs}{path}")).await.status, StatusCode::FORBIDDEN, "{path}");
    }
    let token = b.csrf().await;
    let refused = b.post(&format!("/ateliers/{theirs}/presence"), &[("csrf_token", &token), ("headcount", "3")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let refused = b.post(&format!("/ateliers/{theirs}/etat"), &[("csrf_token", &token), ("state", "closed")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get(&format!("/ateliers/{}", Id::new())).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get("/ateliers/pas-un-id").await.status, StatusCode::NOT_FOUND);
    // Staff pages stay closed to a facilitator.
    let slug = essaim_core::demo::DEMO_SLUG;
    assert_eq!(b.get(&format!("/staff/consultations/{slug}/ateliers")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(b.get(&format!("/staff/consultations/{slug}/ateliers/export/csv")).await.status, StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn staff_create_and_assign_a_workshop_with_french_messages_for_bad_input() {
    let mut b = browser().await;
    seed_demo_workshops(&mut b.db.conn()).unwrap();
    let hugo = find_account_by_email(&mut b.db.conn(), DEMO_FACILITATORS[0].0).unwrap().unwrap();
    b.login(STAFF).await;
    let slug = essaim_core::demo::DEMO_SLUG;
    let form = format!("/staff/consultations/{slug}/ateliers/nouveau");
    assert_eq!(b.get(&form).await.status, StatusCode::OK);
    let token = b.csrf().await;
    let refused = b
        .post(
            &form,
            &[
                ("csrf_token", &token),
                ("theme", "7"),
                ("phase", "launch"),
                ("place", "Saumur"),
                ("date", "28/06"),
                ("state", "planned"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("Choisissez le thème de l'atelier."), "{text}");
    assert!(text.contains("La date s'écrit AAAA-MM-JJ"));
    assert!(text.contains("value=\"Saumur\""), "what was typed is kept");
    let hugo_id = hugo.id.to_string();
    let created = b
        .post(
            &form,
            &[
                ("csrf_token", &token),
                ("theme", "2"),
                ("phase", "conference"),
                ("place", "Saumur, salle des fêtes"),
                ("date", "2016-06-28"),
                ("time", "16:30"),
                ("state", "open"),
                ("facilitators", &hugo_id),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let id = created.location().trim_start_matches("/ateliers/").to_owned();
    let page = b.get(created.location()).await;
    assert!(page.text().contains("Saumur, salle des fêtes") && page.text().contains("Hugo Animateur"));
    assert!(page.text().contains("28 juin 2016 à 16 h 30"));
    let history = history_of(&mut b.db.conn(), "workshop", &id).unwrap();
    assert_eq!(history[0].action, "workshop.create");
    // Reassigned to the demo facilitator, who then sees it.
    let fatou = find_account_by_email(&mut b.db.conn(), FACILITATOR.0).unwrap().unwrap().id.to_string();
    let edit = format!("/staff/ateliers/{id}/modifier");
    assert!(b.get(&edit).await.body.contains("Saumur, salle des fêtes"));
    let updated = b
        .post(
            &edit,
            &[
                ("csrf_token", &token),
                ("theme", "2"),
                ("phase", "conference"),
                ("place", "Saumur"),
                ("state", "open"),
                ("facilitators", &fatou),
            ],
        )
        .await;
    assert_eq!(updated.status, StatusCode::SEE_OTHER, "{}", updated.body);
    assert_eq!(history_of(&mut b.db.conn(), "workshop", &id).unwrap()[0].action, "workshop.update");
    let overview = b.get(&format!("/staff/consultations/{slug}/ateliers")).await;
    assert_eq!(overview.status, StatusCode::OK);
    assert!(overview.text().contains("Contributions acceptées par thème et par canal"));
    assert!(overview.text().contains("Atelier de la conférence"));
    b.post("/logout", &[("csrf_token", &token)]).await;
    b.login(FACILITATOR).await;
    assert!(b.get("/ateliers").await.body.contains(&format!("/ateliers/{id}")));
}

#[actix_web::test]
async fn attendance_and_report_then_the_report_in_three_formats() {
    let mut b = browser().await;
    let id = demo_workshop(&mut b.db.conn(), WorkshopPhase::Conference, 1);
    b.login(FACILITATOR).await;
    let token = b.csrf().await;
    let path = format!("/ateliers/{id}");
    let bad = b
        .post(
            &format!("{path}/presence"),
            &[("csrf_token", &token), ("headcount", "beaucoup"), ("report", "Brouillon gardé.")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("Indiquez un nombre de participants"));
    assert!(bad.text().contains("Brouillon gardé."), "the text is kept");
    let saved = b
        .post(
            &format!("{path}/presence"),
            &[
                ("csrf_token", &token),
                ("headcount", "42"),
                ("organisations", "Les Ecossolies\nFINANSOL"),
                ("report", "Les participants veulent un guichet unique."),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let entry = Id(uuid::Uuid::new_v4()).to_string();
    let sent = b
        .post(
            &format!("{path}/saisie"),
            &[
                ("csrf_token", &token),
                ("device_id", &entry),
                ("kind", "proposition"),
                ("body", "Un guichet unique pour les porteurs de projet."),
            ],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);

    let pdf = b.get(&format!("{path}/compte-rendu/pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.content_type(), "application/pdf");
    assert!(pdf
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .contains("compte-rendu-atelier-conference-theme-1.pdf"));
    let req = actix_web::test::TestRequest::get().uri(&format!("{path}/compte-rendu/docx"));
    let docx = b.request(req).await;
    assert!(docx.content_type().contains("wordprocessingml"));
    // The test client reads bodies as UTF-8 text: fetch the bytes through the module instead.
    let fatou = find_account_by_email(&mut b.db.conn(), FACILITATOR.0).unwrap().unwrap();
    let report = essaim_workshops::report::workshop_report(&mut b.db.conn(), id, &fatou).unwrap();
    for (format, part) in [
        (essaim_workshops::report::ReportFormat::Docx, "word/document.xml"),
        (essaim_workshops::report::ReportFormat::Odt, "content.xml"),
    ] {
        let (_, bytes) = report.render(format).unwrap();
        let xml = zipped(&bytes, part);
        for expected in [
            "Un guichet unique pour les porteurs de projet.",
            "FINANSOL",
            "42",
            "Les participants veulent un guichet unique.",
        ] {
            assert!(xml.contains(expected), "{part}: {expected}");
        }
    }
    assert_eq!(b.get(&format!("{path}/compte-rendu/xlsx")).await.status, StatusCode::NOT_FOUND);
    let history = history_of(&mut b.db.conn(), "workshop", &id.to_string()).unwrap();
    assert!(history.iter().any(|h| h.action == "workshop.attendance"));
}

#[actix_web::test]
async fn the_exports_neutralise_formulas_and_are_audited() {
    let mut b = browser().await;
    let id = demo_workshop(&mut b.db.conn(), WorkshopPhase::Conference, 2);
    b.login(FACILITATOR).await;
    let token = b.csrf().await;
    let entry = Id::new().to_string();
    b.post(
        &format!("/ateliers/{id}/saisie"),
        &[("csrf_token", &token), ("device_id", &entry), ("kind", "constat"), ("body", "=1+1 est une formule")],
    )
    .await;
    b.post("/logout", &[("csrf_token", &token)]).await;
    b.login(STAFF).await;
    let slug = essaim_core::demo::DEMO_SLUG;
    let csv = b.get(&format!("/staff/consultations/{slug}/ateliers/export/csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.content_type().starts_with("text/csv"));
    assert!(csv.body.contains("\"'=1+1 est une formule\""), "{}", csv.body);
    assert!(csv.body.starts_with('\u{feff}'), "UTF-8 with a BOM, as every CSV");
    let line = csv.body.lines().find(|l| l.contains("est une formule")).unwrap();
    assert!(line.contains("\"Atelier de la conférence\"") && line.contains("\"Constat\""), "in words: {line}");
    let json = b.get(&format!("/staff/consultations/{slug}/ateliers/export/json")).await;
    let rows = json.json();
    assert!(rows.as_array().unwrap().iter().any(|r| r["text"] == "=1+1 est une formule"));
    assert!(rows.as_array().unwrap().len() > 1, "the launch workshops' demo entries too");
    assert_eq!(b.get(&format!("/staff/consultations/{slug}/ateliers/export/xls")).await.status, StatusCode::NOT_FOUND);
    let consultation = find_consultation(&mut b.db.conn(), slug).unwrap();
    let audit = history_of(&mut b.db.conn(), "consultation", &consultation.id.to_string()).unwrap();
    assert_eq!(audit.iter().filter(|a| a.action == "workshops.export").count(), 2);
}

#[actix_web::test]
async fn a_facilitator_closes_and_a_closed_workshop_refuses_entries() {
    let mut b = browser().await;
    let id = demo_workshop(&mut b.db.conn(), WorkshopPhase::Conference, 2);
    b.login(FACILITATOR).await;
    let token = b.csrf().await;
    let closed = b.post(&format!("/ateliers/{id}/etat"), &[("csrf_token", &token), ("state", "closed")]).await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER);
    let state = essaim_workshops::workshops::find_workshop(&mut b.db.conn(), id).unwrap().unwrap().state;
    assert_eq!(state, WorkshopState::Closed);
    let reopen = b.post(&format!("/ateliers/{id}/etat"), &[("csrf_token", &token), ("state", "open")]).await;
    assert_eq!(reopen.status, StatusCode::CONFLICT, "only staff reopen");
    let entry = Id::new().to_string();
    let refused = b
        .post(
            &format!("/ateliers/{id}/saisie"),
            &[("csrf_token", &token), ("device_id", &entry), ("kind", "constat"), ("body", "Trop tard")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("L'atelier est clos"));
    assert!(refused.text().contains("Trop tard"), "the text is kept");
}
