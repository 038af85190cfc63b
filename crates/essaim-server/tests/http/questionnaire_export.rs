//! Staff download the submitted responses as CSV or XLSX; a facilitator cannot; every export
//! is in the audit log.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use essaim_contributions::questionnaire::export::seed_submitted;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::audit::AuditEntry;
use essaim_core::schema::{audit_log, responses};
use essaim_core::testing::demo_account;

use crate::common::{browser, ADMIN, FACILITATOR, STAFF};

fn address(format: &str) -> String {
    format!("/staff/consultations/{DEMO_SLUG}/questionnaire/export/reponses.{format}")
}

fn exports(b: &crate::common::Browser<impl Sized>) -> Vec<AuditEntry> {
    audit_log::table
        .filter(audit_log::action.eq("questionnaire.export"))
        .order(audit_log::id.asc())
        .select(AuditEntry::as_select())
        .load(&mut b.db.conn())
        .unwrap()
}

#[actix_web::test]
async fn a_facilitator_is_refused_and_a_visitor_sent_to_the_login() {
    let mut visitor = browser().await;
    let anonymous = visitor.get(&address("csv")).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(anonymous.location().starts_with("/login"), "{}", anonymous.location());

    let mut b = browser().await;
    seed_submitted(&mut b.db.conn(), DEMO_SLUG, 3).unwrap();
    b.login(FACILITATOR).await;
    for format in ["csv", "xlsx"] {
        let refused = b.get(&address(format)).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{format}");
        assert!(!refused.body.contains("Identifiant de la réponse"));
    }
    assert!(exports(&b).is_empty(), "nothing exported, nothing recorded");
}

#[actix_web::test]
async fn staff_download_the_csv_as_an_attachment_never_cached_and_audited() {
    let mut b = browser().await;
    seed_submitted(&mut b.db.conn(), DEMO_SLUG, 25).unwrap();
    let ids: Vec<essaim_core::db::Id> = responses::table.select(responses::id).load(&mut b.db.conn()).unwrap();
    b.login(STAFF).await;
    let csv = b.get(&address("csv")).await;
    assert_eq!(csv.status, StatusCode::OK, "{}", csv.body);
    assert_eq!(csv.content_type(), "text/csv; charset=utf-8");
    let disposition = csv.headers.get("content-disposition").unwrap().to_str().unwrap();
    assert_eq!(disposition, format!("attachment; filename=\"reponses-{DEMO_SLUG}.csv\""));
    assert_eq!(csv.headers.get("cache-control").unwrap(), "no-store");
    assert!(csv.body.starts_with("\u{feff}\"Identifiant de la réponse\",\"Envoyée le (UTC)\""), "{}", &csv.body[..200]);
    assert_eq!(csv.body.lines().count(), 26, "a header and 25 responses");
    for id in &ids {
        assert!(csv.body.contains(&format!("\"{id}\"")), "{id} exported");
    }
    // A seeded answer starts with "=HYPERLINK(": defused.
    assert!(csv.body.contains("\"'=HYPERLINK("));
    assert!(!csv.body.contains("\"=HYPERLINK("));

    let audited = exports(&b);
    assert_eq!(audited.len(), 1);
    let staff = demo_account(&mut b.db.conn(), "staff");
    assert_eq!(audited[0].actor_id, Some(staff));
    assert_eq!(audited[0].target_kind, "questionnaire");
    let details: serde_json::Value = serde_json::from_str(&audited[0].details).unwrap();
    assert_eq!(details["format"], "csv");
    assert_eq!(details["rows"], 25);
}

#[actix_web::test]
async fn an_administrator_downloads_the_xlsx_and_an_unknown_consultation_is_not_found() {
    let mut b = browser().await;
    seed_submitted(&mut b.db.conn(), DEMO_SLUG, 5).unwrap();
    b.login(ADMIN).await;
    let xlsx = b.get(&address("xlsx")).await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(xlsx.content_type(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assert!(xlsx
        .headers
        .get("content-disposition")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"reponses-"));
    assert_eq!(xlsx.headers.get("cache-control").unwrap(), "no-store");
    assert!(xlsx.body.starts_with("PK"), "a zip archive");
    let details: serde_json::Value = serde_json::from_str(&exports(&b)[0].details).unwrap();
    assert_eq!(details["format"], "xlsx");
    assert_eq!(details["rows"], 5);

    let unknown = b.get("/staff/consultations/nulle-part/questionnaire/export/reponses.csv").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let other = b.get(&format!("/staff/consultations/{DEMO_SLUG}/questionnaire/export/reponses.ods")).await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);
    assert_eq!(exports(&b).len(), 1);
}

#[actix_web::test]
async fn a_head_answers_like_the_download_without_exporting_or_recording() {
    let mut b = browser().await;
    seed_submitted(&mut b.db.conn(), DEMO_SLUG, 5).unwrap();
    let head = |path: &str| actix_web::test::TestRequest::default().method(actix_web::http::Method::HEAD).uri(path);
    let anonymous = b.request(head(&address("csv"))).await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "the same rule as GET");
    b.login(FACILITATOR).await;
    assert_eq!(b.request(head(&address("csv"))).await.status, StatusCode::FORBIDDEN);

    b.login(STAFF).await;
    let staff = &mut b;
    for format in ["csv", "xlsx"] {
        let probed = staff.request(head(&address(format))).await;
        assert_eq!(probed.status, StatusCode::OK, "{format}");
        assert!(probed.body.is_empty());
        let disposition = probed.headers.get("content-disposition").unwrap().to_str().unwrap();
        assert_eq!(disposition, format!("attachment; filename=\"reponses-{DEMO_SLUG}.{format}\""));
        assert_eq!(probed.headers.get("cache-control").unwrap(), "no-store");
    }
    let unknown = staff.request(head("/staff/consultations/nulle-part/questionnaire/export/reponses.csv")).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(exports(staff).is_empty(), "a HEAD is not an export: nothing recorded");
    // The GET that follows is the one export recorded.
    assert_eq!(staff.get(&address("csv")).await.status, StatusCode::OK);
    assert_eq!(exports(staff).len(), 1);
}
