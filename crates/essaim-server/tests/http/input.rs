//! Control characters and bidirectional overrides in what clients send (essaim_core::text):
//! stripped from forms and JSON bodies before any handler, refused in addresses. A NUL byte
//! used to answer 500 on PostgreSQL at a dozen addresses, several of them anonymous.

use crate::common::value_of;
use actix_web::http::StatusCode;
use actix_web::test;
use diesel::prelude::*;
use essaim_core::schema::contributions;
use serde_json::json;

use super::stands::demo_stands;
use crate::common::browser;

const SLUG: &str = "ess-pays-de-la-loire-2016";
const FORM: &str = "/consultations/ess-pays-de-la-loire-2016/contribuer/2";

#[actix_web::test]
async fn an_address_holding_a_nul_names_nothing_and_a_query_holding_one_is_refused() {
    let mut b = browser().await;
    let page = b.get("/consultations/a%00b").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Page introuvable"), "the French page");
    let api = b.get("/api/v1/consultations/a%00b").await;
    assert_eq!((api.status, api.json()["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let bidi = b.get("/consultations/a%E2%80%AEb").await;
    assert_eq!(bidi.status, StatusCode::NOT_FOUND);
    let query = b.get(&format!("/staff/consultations/{SLUG}/moderation?q=a%00b")).await;
    assert_eq!(query.status, StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn the_online_form_stores_its_organisation_and_text_without_control_or_bidi_characters() {
    let mut b = browser().await;
    let page = b.get(FORM).await;
    let (csrf, key) = (value_of(&page.body, "csrf_token"), value_of(&page.body, "idempotency_key"));
    let fields = [
        ("csrf_token", csrf.as_str()),
        ("idempotency_key", key.as_str()),
        ("kind", "proposition"),
        ("body", "Un guichet\u{0} unique \u{202E}pour les porteurs de projets\u{202C}."),
        ("organisation", "Coop\u{0}érative\u{1b} Alpha\u{2066}"),
        ("territory", "49"),
        ("email", ""),
    ];
    let sent = b.post(FORM, &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let stored: Vec<(String, Option<String>)> = contributions::table
        .filter(contributions::body.like("Un guichet%"))
        .select((contributions::body, contributions::author_name))
        .load(&mut b.db.conn())
        .unwrap();
    let expected = ("Un guichet unique pour les porteurs de projets.".to_owned(), Some("Coopérative Alpha".to_owned()));
    assert_eq!(stored, [expected]);
}

#[actix_web::test]
async fn the_stand_api_and_the_login_form_take_a_nul_without_a_server_error() {
    let mut b = browser().await;
    let stand = demo_stands(&b).remove(5);
    let idea = json!({"kind": "question", "body": "Quel gui\u{0}chet pour les \u{202E}collectivités ?",
        "organisation": "Asso\u{0}ciation", "territory": "72",
        "idempotency_key": "0190c5a4-7d2e-7000-8000-0000000000ff", "device_id": "phone-\u{0}a"});
    let created =
        b.request(test::TestRequest::post().uri(&format!("/api/v1/stands/{}/ideas", stand.code)).set_json(idea)).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let stored: String = contributions::table
        .filter(contributions::body.like("Quel gu%"))
        .select(contributions::body)
        .first(&mut b.db.conn())
        .unwrap();
    assert_eq!(stored, "Quel guichet pour les collectivités ?");

    let csrf = b.csrf().await;
    let login =
        b.post("/login", &[("csrf_token", &csrf), ("email", "staff\u{0}@example.org"), ("password", "x")]).await;
    assert!(login.status.is_client_error() || login.status == StatusCode::OK, "{}", login.status);
    assert_ne!(login.status, StatusCode::INTERNAL_SERVER_ERROR);
}
