//! The OpenAPI document tells the truth: it is the committed `docs/openapi.json` (a snapshot,
//! refreshed on purpose), it lists every route under `/api` and no other, every operation lists
//! the answers of the layers it goes through, and the limits it states are the server's.
//! (CI also runs schemathesis against the release binary: docs/api.md.)

use std::collections::BTreeSet;

use actix_web::http::{header, StatusCode};
use actix_web::test;
use serde_json::{json, Value};

use crate::common::browser;

const SLUG: &str = "ess-pays-de-la-loire-2016";

fn document() -> Value {
    serde_json::to_value(essaim_server::openapi::document()).expect("the document serialises")
}

#[actix_web::test]
async fn the_committed_document_is_the_one_the_server_serves() {
    let b = browser().await;
    let served = b.get_from("192.0.2.60", "/api/openapi.json").await.json();
    assert_eq!(served, document(), "the served document is openapi::document()");
    let current = format!("{}\n", serde_json::to_string_pretty(&document()).unwrap());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var_os("ESSAIM_UPDATE_OPENAPI").is_some() {
        std::fs::write(&path, &current).expect("docs/openapi.json written");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == current,
        "docs/openapi.json is not the document the server serves. If the change of the API is \
         meant, refresh it with `ESSAIM_UPDATE_OPENAPI=1 cargo test -p essaim-server --test http \
         openapi::the_committed` and commit it (review its diff: it is the API's contract)."
    );
}

/// (method, path) of every operation of the document.
fn documented() -> BTreeSet<(String, String)> {
    let doc = document();
    let mut operations = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "delete", "patch"] {
            if item.get(method).is_some() {
                operations.insert((method.to_owned(), path.clone()));
            }
        }
    }
    operations
}

#[actix_web::test]
async fn every_route_under_api_is_documented_and_every_operation_is_routed() {
    let _b = browser().await; // configures the app, which fills the route table
    let routed: BTreeSet<(String, String)> = essaim_server::routes::route_table()
        .into_iter()
        .filter_map(|(method, path)| {
            // Routes inside the `/api` scope are recorded without it.
            let full = if path.starts_with("/v1/") { format!("/api{path}") } else { path };
            let api = full.starts_with("/api/") || full == "/healthz";
            // The document does not describe itself.
            (api && full != "/api/openapi.json").then(|| (method.to_lowercase(), full))
        })
        .collect();
    let documented = documented();
    assert!(routed.len() >= 15, "the route table was filled: {routed:?}");
    assert_eq!(
        routed.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "routed but not documented: add #[utoipa::path] to the handler and list it in openapi.rs"
    );
    assert_eq!(
        documented.difference(&routed).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "documented but not routed"
    );
    // Operation ids are unique (the vote is one handler for PUT and POST).
    let doc = document();
    let ids: Vec<&str> =
        documented.iter().map(|(m, p)| doc["paths"][p][m]["operationId"].as_str().expect("an operation id")).collect();
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len(), "{ids:?}");
}

#[actix_web::test]
async fn every_operation_lists_the_answers_of_the_layers_it_goes_through() {
    let doc = document();
    for (method, path) in documented() {
        let operation = &doc["paths"][&path][&method];
        let statuses: BTreeSet<&str> = operation["responses"].as_object().unwrap().keys().map(String::as_str).collect();
        let has = |s: &str| statuses.contains(s);
        assert!(has("503"), "{method} {path}: the database may be unreachable");
        assert!(
            operation["responses"]["503"]["headers"]["Retry-After"].is_object(),
            "{method} {path}: 503 says when to retry"
        );
        if path.contains('{') {
            assert!(has("404"), "{method} {path}: a path parameter may name nothing");
        }
        if operation.get("requestBody").is_some() {
            for status in ["400", "413", "415", "422"] {
                assert!(has(status), "{method} {path}: the JSON body may answer {status}");
            }
        }
        if method != "get" && !has("401") {
            assert!(has("429"), "{method} {path}: an anonymous write is throttled");
        }
        for (status, response) in operation["responses"].as_object().unwrap() {
            if status.starts_with('4') || status.starts_with('5') {
                assert_eq!(
                    response["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/ApiErrorBody",
                    "{method} {path} {status}: errors are the one JSON shape"
                );
            }
        }
    }
}

fn property<'a>(doc: &'a Value, schema: &str, field: &str) -> &'a Value {
    &doc["components"]["schemas"][schema]["properties"][field]
}

#[actix_web::test]
async fn the_idempotency_key_limit_the_document_states_is_the_servers() {
    let b = browser().await;
    let doc = document();
    let max = property(&doc, "WholeResponse", "idempotency_key")["maxLength"].as_u64().expect("a maxLength") as usize;
    let send = |key: String| {
        test::TestRequest::post()
            .uri(&format!("/api/v1/consultations/{SLUG}/questionnaire/responses"))
            .set_json(json!({ "idempotency_key": key, "answers": {} }))
    };
    let refused_fields = |reply: &crate::common::Reply| -> Vec<String> {
        reply.json()["error"]["fields"]
            .as_array()
            .map(|f| f.iter().map(|f| f["field"].as_str().unwrap_or("").to_owned()).collect())
            .unwrap_or_default()
    };
    let at_limit = b.request_from("192.0.2.61", send("k".repeat(max))).await;
    assert!(!refused_fields(&at_limit).contains(&"idempotency_key".to_owned()), "{}", at_limit.body);
    let over = b.request_from("192.0.2.61", send("k".repeat(max + 1))).await;
    assert_eq!(over.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", over.body);
    assert_eq!(refused_fields(&over), vec!["idempotency_key".to_owned()]);
}

#[actix_web::test]
async fn the_kinds_the_document_lists_are_the_ones_a_stand_takes() {
    let b = browser().await;
    let doc = document();
    let kinds = property(&doc, "IdeaRequest", "kind")["enum"].as_array().expect("an enum").clone();
    assert_eq!(kinds.len(), 4);
    let stands = b.get_from("192.0.2.62", &format!("/api/v1/consultations/{SLUG}/stands")).await.json();
    let code = stands[0]["code"].as_str().expect("a demo stand").to_owned();
    for (n, kind) in kinds.iter().enumerate() {
        let idea = b
            .request_from(
                &format!("192.0.2.{}", 70 + n),
                test::TestRequest::post()
                    .uri(&format!("/api/v1/stands/{code}/ideas"))
                    .set_json(json!({ "kind": kind, "body": "Une idée." })),
            )
            .await;
        assert_eq!(idea.status, StatusCode::CREATED, "{kind}: {}", idea.body);
    }
}

#[actix_web::test]
async fn a_body_without_its_content_type_is_415_as_documented() {
    let b = browser().await;
    let reply = b
        .request_from(
            "192.0.2.63",
            test::TestRequest::post()
                .uri(&format!("/api/v1/consultations/{SLUG}/questionnaire/responses"))
                .set_payload(r#"{"idempotency_key":"k","answers":{}}"#),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", reply.body);
    assert_eq!(reply.json()["error"]["code"], "unsupported_media_type");
    assert!(reply.headers.get(header::CONTENT_TYPE).is_some());
}

#[actix_web::test]
async fn a_page_the_questionnaire_does_not_have_is_not_found_and_an_incomplete_draft_is_409() {
    let b = browser().await;
    let started = b
        .request_from(
            "192.0.2.64",
            test::TestRequest::post().uri(&format!("/api/v1/consultations/{SLUG}/questionnaire/drafts")),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    let token = started.json()["token"].as_str().unwrap().to_owned();
    let save = |section: u32| {
        test::TestRequest::put()
            .uri(&format!("/api/v1/questionnaire/drafts/{token}/sections/{section}"))
            .set_json(json!({ "revision": 0, "answers": {} }))
    };
    assert_eq!(b.request_from("192.0.2.64", save(1)).await.status, StatusCode::OK);
    let past = b.request_from("192.0.2.64", save(999)).await;
    assert_eq!(past.status, StatusCode::NOT_FOUND, "{}", past.body);
    assert_eq!(past.json()["error"]["code"], "not_found");
    // Nothing answered yet: the draft is what is not ready, field by field.
    let submit = test::TestRequest::post().uri(&format!("/api/v1/questionnaire/drafts/{token}/submit"));
    let refused = b.request_from("192.0.2.64", submit).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert_eq!(refused.json()["error"]["code"], "incomplete");
    assert!(!refused.json()["error"]["fields"].as_array().expect("its fields").is_empty());
}
