//! The treasure hunt in the JSON API: the circuit, and ideas with the page's rules (pending,
//! once per key, 422 field by field, 404 for a revoked code, 429 `rate_limited`).

use actix_web::http::{header, StatusCode};
use actix_web::test;
use essaim_core::domain::contribution::find_contribution;
use essaim_core::domain::{Channel, ModerationStatus};
use essaim_workshops::stands::ideas::DEVICE_LIMIT;
use essaim_workshops::stands::set_stand_revoked;
use serde_json::json;

use super::stands::demo_stands;
use crate::common::browser;

const SLUG: &str = "ess-pays-de-la-loire-2016";

fn post(path: &str, body: serde_json::Value) -> test::TestRequest {
    test::TestRequest::post().uri(path).set_json(body)
}

#[actix_web::test]
async fn the_circuit_is_listed_in_order_with_each_stand_address_and_theme() {
    let mut b = browser().await;
    let listed = b.get(&format!("/api/v1/consultations/{SLUG}/stands")).await;
    assert_eq!(listed.status, StatusCode::OK);
    let stands = listed.json();
    let stands = stands.as_array().unwrap();
    assert_eq!(stands.len(), 13);
    assert_eq!(stands[0]["position"], 1);
    assert_eq!(stands[0]["organisation"], "COTESS du Pays d'Ancenis");
    assert_eq!(stands[0]["theme"]["position"], 4);
    let code = stands[0]["code"].as_str().unwrap();
    assert!(stands[0]["address"].as_str().unwrap().ends_with(&format!("/s/{code}")));
    let unknown = b.get("/api/v1/consultations/inconnue/stands").await;
    assert_eq!((unknown.status, unknown.json()["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let doc = b.get("/api/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/consultations/{slug}/stands"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/stands/{code}/ideas"]["post"]["responses"]["429"].is_object());
}

#[actix_web::test]
async fn an_idea_through_the_api_is_pending_once_per_key_and_refused_with_stable_codes() {
    let mut b = browser().await;
    let stand = demo_stands(&b).remove(5);
    let path = format!("/api/v1/stands/{}/ideas", stand.code);
    let idea = json!({"kind": "question", "body": "Quel guichet pour les collectivités ?", "territory": "72",
        "idempotency_key": "0190c5a4-7d2e-7000-8000-000000000001", "device_id": "phone-a"});
    let created = b.request(post(&path, idea.clone())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let body = created.json();
    assert_eq!((body["status"].as_str(), body["replayed"].as_bool()), (Some("pending"), Some(false)));
    let replay = b.request(post(&path, idea.clone())).await;
    assert_eq!(replay.status, StatusCode::OK);
    assert_eq!(replay.json()["id"], body["id"], "the same idea");
    let c = find_contribution(&mut b.db.conn(), body["id"].as_str().unwrap().parse().unwrap()).unwrap().unwrap();
    assert_eq!(
        (c.channel, c.moderation_status, c.theme_id),
        (Channel::TreasureHunt, ModerationStatus::Pending, Some(stand.theme_id))
    );

    let reused = b
        .request(post(&path, json!({"kind": "question", "body": "Autre", "idempotency_key": idea["idempotency_key"]})))
        .await;
    assert_eq!(reused.status, StatusCode::CONFLICT);
    assert_eq!(reused.json()["error"]["code"], "conflict");
    let invalid = b.request(post(&path, json!({"kind": "avis", "body": ""}))).await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let error = invalid.json();
    assert_eq!(error["error"]["code"], "invalid_input");
    let fields: Vec<&str> =
        error["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["kind", "body"]);
    let malformed = b
        .request(
            test::TestRequest::post()
                .uri(&path)
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload("{"),
        )
        .await;
    assert_eq!(malformed.json()["error"]["code"], "invalid_input", "never a panic");

    let staff = essaim_core::testing::demo_account(&mut b.db.conn(), "staff");
    set_stand_revoked(&mut b.db.conn(), stand.id, true, staff).unwrap();
    let revoked = b.request(post(&path, json!({"kind": "question", "body": "Après"}))).await;
    assert_eq!((revoked.status, revoked.json()["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
}

#[actix_web::test]
async fn a_flood_from_one_device_gets_429_rate_limited_with_retry_after() {
    let mut b = browser().await;
    let stand = demo_stands(&b).remove(0);
    let path = format!("/api/v1/stands/{}/ideas", stand.code);
    for n in 0..DEVICE_LIMIT.max {
        let sent = b
            .request(post(
                &path,
                json!({"kind": "constat", "body": format!("Constat {n}"), "device_id": "phone-b",
                "idempotency_key": format!("flood-{n}")}),
            ))
            .await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    }
    let over = b.request(post(&path, json!({"kind": "constat", "body": "De trop", "device_id": "phone-b"}))).await;
    assert_eq!(over.status, StatusCode::TOO_MANY_REQUESTS);
    let error = over.json();
    assert_eq!(error["error"]["code"], "rate_limited");
    assert!(error["error"]["message"].as_str().unwrap().starts_with("Trop d'envois"));
    let retry: i64 = over.headers.get(header::RETRY_AFTER).unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    let other =
        b.request(post(&path, json!({"kind": "constat", "body": "Autre appareil", "device_id": "phone-c"}))).await;
    assert_eq!(other.status, StatusCode::CREATED, "another device is not refused");
}
