//! Managing the questionnaire: administrators import (JSON or LimeSurvey), preview and
//! publish; staff invite and remind; a facilitator does neither.

use actix_web::http::StatusCode;
use diesel::prelude::*;
use essaim_core::schema::{outbox, questionnaire_versions};

use crate::common::{browser, ADMIN, FACILITATOR, STAFF};

const PAGE: &str = "/staff/consultations/ess-pays-de-la-loire-2016/questionnaire";

fn versions(db: &essaim_core::testing::TestDb) -> i64 {
    questionnaire_versions::table.count().get_result(&mut db.conn()).unwrap()
}

#[actix_web::test]
async fn an_admin_imports_a_limesurvey_file_previews_and_publishes_it_and_bad_input_changes_nothing() {
    let mut b = browser().await;
    b.login(FACILITATOR).await;
    assert_eq!(b.get(PAGE).await.status, StatusCode::FORBIDDEN);
    let token = b.csrf().await;
    b.post("/logout", &[("csrf_token", &token)]).await;
    b.login(ADMIN).await;
    let token = b.csrf().await;
    assert_eq!(versions(&b.db), 1);
    let refused =
        b.post(&format!("{PAGE}/definition"), &[("csrf_token", &token), ("definition", "{\"format\": 3}")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Rien n'a été importé"));
    assert!(refused.body.contains("{&#34;format&#34;: 3}</textarea>"), "what was pasted is kept, escaped");
    assert_eq!(versions(&b.db), 1, "nothing changed");
    let lss = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../essaim-contributions/tests/fixtures/limesurvey/survey.lss"
    ))
    .unwrap()
    .replace("Please upload", "<script>alert(1)</script>Please upload");
    let imported = b.post(&format!("{PAGE}/definition"), &[("csrf_token", &token), ("definition", &lss)]).await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    assert!(imported.text().contains("Version 2 enregistrée (non publiée)"));
    assert!(imported.text().contains("type « | »"), "the report names what was skipped");
    assert!(!imported.body.contains("<script>alert"));
    assert_eq!(versions(&b.db), 2);
    let preview = b.get(&format!("{PAGE}/apercu")).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("<fieldset") && !preview.body.contains("<script>alert"));
    let published = b.post(&format!("{PAGE}/publier"), &[("csrf_token", &token)]).await;
    assert_eq!(published.status, StatusCode::SEE_OTHER);
    let page = b.get(published.location()).await;
    assert!(page.text().contains("La version est publiée"));
    let export = b.get(&format!("{PAGE}/definition.json")).await;
    assert!(export.body.contains("\"format\": \"essaim-questionnaire/1\""));
}

#[actix_web::test]
async fn staff_invite_a_pasted_list_and_a_bad_line_sends_nothing() {
    let mut b = browser().await;
    b.login(STAFF).await;
    let token = b.csrf().await;
    let bad = b
        .post(
            &format!("{PAGE}/invitations"),
            &[("csrf_token", &token), ("invitees", "organisation;email\nA;a@exemple.fr\nB;pas-une-adresse\n")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("ligne 3"), "{}", bad.body);
    let mails = |b: &crate::common::Browser<_>| -> i64 { outbox::table.count().get_result(&mut b.db.conn()).unwrap() };
    assert_eq!(mails(&b), 0);
    let good = b
        .post(
            &format!("{PAGE}/invitations"),
            &[("csrf_token", &token), ("invitees", "organisation\temail\nA\ta@exemple.fr\nB\tb@exemple.fr\n")],
        )
        .await;
    assert_eq!(good.status, StatusCode::OK);
    assert!(good.text().contains("2 invitation(s) en file d'envoi"));
    assert!(good.text().contains("2 structures invitées"));
    assert_eq!(mails(&b), 2);
    // When each was sent, as the consultation's clocks read it (Europe/Paris), not in UTC.
    let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap().and_hms_opt(13, 5, 0).unwrap();
    diesel::update(essaim_core::schema::invitations::table)
        .set(essaim_core::schema::invitations::sent_at.eq(at))
        .execute(&mut b.db.conn())
        .unwrap();
    let listed = b.get(PAGE).await.text();
    assert!(listed.contains("6 décembre 2026 à 14 h 05"), "{listed}");
    assert!(!listed.contains("(UTC)"));
    // Back to "just now" for the reminders (a fixed date there made the test fail a day later).
    diesel::update(essaim_core::schema::invitations::table)
        .set(essaim_core::schema::invitations::sent_at.eq(essaim_core::clock::now()))
        .execute(&mut b.db.conn())
        .unwrap();
    let zero = b.post(&format!("{PAGE}/relances"), &[("csrf_token", &token), ("interval_hours", "0")]).await;
    assert_eq!(zero.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reminded = b.post(&format!("{PAGE}/relances"), &[("csrf_token", &token), ("interval_hours", "24")]).await;
    assert_eq!(reminded.status, StatusCode::SEE_OTHER);
    assert_eq!(mails(&b), 2, "invited just now: no reminder within the interval");
    // Staff may invite, not publish.
    assert_eq!(b.post(&format!("{PAGE}/publier"), &[("csrf_token", &token)]).await.status, StatusCode::FORBIDDEN);
}
