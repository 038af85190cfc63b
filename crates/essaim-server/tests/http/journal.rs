//! `/admin/journal`: the audit log for administrators only, filtered, paginated, as CSV.

use actix_web::http::StatusCode;
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::testing::demo_account;

use crate::common::{browser, ADMIN, STAFF};

#[actix_web::test]
async fn administrators_read_the_journal_filtered_paginated_and_as_csv_staff_do_not() {
    let mut b = browser().await;
    {
        let mut conn = b.db.conn();
        let staff = demo_account(&mut conn, "staff");
        for i in 0..60 {
            record(
                &mut conn,
                AuditEvent::new(Some(staff), "contribution.edit", "contribution", Some(format!("c{i}")))
                    .with_details(serde_json::json!({ "body": "=HYPERLINK(\"x\")" })),
            )
            .unwrap();
        }
        record(&mut conn, AuditEvent::new(None, "essai.journal", "essai", Some("a1".into()))).unwrap();
    }
    b.login(STAFF).await;
    assert_eq!(b.get("/admin/journal").await.status, StatusCode::FORBIDDEN, "staff: 403");
    assert_eq!(b.get("/admin/journal.csv").await.status, StatusCode::FORBIDDEN);
    b.cookies.clear();
    b.login(ADMIN).await;
    let all = b.get("/admin/journal").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert!(all.text().contains("page 1 sur"), "{}", all.body);
    assert_eq!(all.body.matches("<tr><td>").count(), 50, "50 lines a page");
    assert!(all.body.contains("Page suivante"));
    let edits = b.get("/admin/journal?type=contribution&page=2").await;
    assert!(edits.text().contains("60 action(s) — page 2 sur 2"), "{}", edits.body);
    assert_eq!(edits.body.matches("<tr><td>").count(), 10);
    let accounts = b.get("/admin/journal?type=essai").await;
    assert!(accounts.text().contains("1 action(s)"), "{}", accounts.body);
    assert!(accounts.text().contains("ligne de commande"));
    let empty = b.get("/admin/journal?type=essai&du=2000-01-01&au=2000-01-02").await;
    assert!(empty.text().contains("0 action(s)"));
    let bad = b.get("/admin/journal?du=31/12/2026").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("AAAA-MM-JJ"));
    let reversed = b.get("/admin/journal?du=2026-12-31&au=2026-01-01").await;
    assert!(reversed.text().contains("après la date de fin"));
    let csv = b.get("/admin/journal.csv?type=contribution").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'), "UTF-8 with a BOM");
    assert_eq!(csv.body.lines().count(), 61, "the header and every line, not one page");
    assert!(csv.body.contains("equipe@demo.essaim.fr"));
}
