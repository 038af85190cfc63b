//! The questionnaire through the API: a response submitted whole with an idempotency key
//! (once, even 50 times at once), refused answers field by field, and a draft's whole flow.

use actix_web::http::StatusCode;
use actix_web::test;
use diesel::prelude::*;
use essaim_core::schema::responses;
use serde_json::json;

use crate::common::browser;

const RESPONSES: &str = "/api/v1/consultations/ess-pays-de-la-loire-2016/questionnaire/responses";

fn complete_answers() -> serde_json::Value {
    json!({
        "identite.nom": ["Les Écossolies"], "identite.famille": ["association"], "identite.departement": ["44"],
        "t1_relation": ["4"], "t1_proposition": ["Des conventions pluriannuelles."],
        "t2_projet": ["non"], "t2_besoin": ["financement"],
        "t4_cooperation": ["oui"], "t5_visibilite": ["2"],
        "dispositifs.dla": ["utilise"], "dispositifs.dasess": ["connu"], "dispositifs.fonds_conseil": ["inconnu"],
        "dispositifs.innovation_sociale": ["connu"], "dispositifs.finance_solidaire": ["inconnu"],
        "dispositifs.contrat_impact": ["inconnu"], "dispositifs.iae": ["non_concerne"]
    })
}

fn json_post(path: &str, body: &serde_json::Value) -> test::TestRequest {
    test::TestRequest::post().uri(path).set_json(body)
}

#[actix_web::test]
async fn fifty_identical_submissions_at_once_store_one_response_with_one_id() {
    let b = browser().await;
    let body = json!({ "idempotency_key": "tablette-7f3a", "answers": complete_answers() });
    let replies =
        futures_util::future::join_all((0..50).map(|_| b.request_from("192.0.2.20", json_post(RESPONSES, &body))))
            .await;
    let created = replies.iter().filter(|r| r.status == StatusCode::CREATED).count();
    let again = replies.iter().filter(|r| r.status == StatusCode::OK).count();
    assert_eq!(
        (created, again),
        (1, 49),
        "{:?}",
        replies.iter().map(|r| (r.status, r.body.clone())).collect::<Vec<_>>()
    );
    let ids: std::collections::BTreeSet<String> =
        replies.iter().map(|r| r.json()["id"].as_str().expect("an id").to_owned()).collect();
    assert_eq!(ids.len(), 1, "every caller gets the same id");
    let stored: i64 = responses::table.count().get_result(&mut b.db.conn()).unwrap();
    assert_eq!(stored, 1);
    // The hidden answer (t2_besoin, shown only if t2_projet is "oui") was not kept.
    let first = replies.iter().find(|r| r.status == StatusCode::CREATED).unwrap().json();
    assert_eq!(first["contributions"], 1);
    // The same key with other answers is a conflict, never a second response.
    let mut changed = complete_answers();
    changed["t1_relation"] = json!(["5"]);
    let other = json!({ "idempotency_key": "tablette-7f3a", "answers": changed });
    let conflict = b.request_from("192.0.2.20", json_post(RESPONSES, &other)).await;
    assert_eq!(conflict.status, StatusCode::CONFLICT);
    assert_eq!(conflict.json()["error"]["code"], "conflict");
}

#[actix_web::test]
async fn refused_answers_come_back_field_by_field_and_store_nothing() {
    let b = browser().await;
    let mut answers = complete_answers();
    answers["identite.siret"] = json!(["732 829 320 00075"]);
    answers["t1_relation"] = json!(["9"]);
    let reply = b
        .request_from("192.0.2.20", json_post(RESPONSES, &json!({ "idempotency_key": "k1", "answers": answers })))
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", reply.body);
    let body = reply.json();
    assert_eq!(body["error"]["code"], "invalid_input");
    let fields: Vec<String> =
        body["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect();
    assert_eq!(fields, ["identite.siret", "t1_relation"]);
    assert!(body["error"]["fields"][0]["message"].as_str().unwrap().contains("clé de contrôle"));
    let stored: i64 = responses::table.count().get_result(&mut b.db.conn()).unwrap();
    assert_eq!(stored, 0);
    let no_key = b
        .request_from(
            "192.0.2.20",
            json_post(RESPONSES, &json!({ "idempotency_key": " ", "answers": complete_answers() })),
        )
        .await;
    assert_eq!(no_key.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[actix_web::test]
async fn a_draft_is_started_saved_read_and_submitted_through_the_api() {
    let b = browser().await;
    let started = b
        .request_from(
            "192.0.2.20",
            test::TestRequest::post().uri("/api/v1/consultations/ess-pays-de-la-loire-2016/questionnaire/drafts"),
        )
        .await;
    assert_eq!(started.status, StatusCode::CREATED, "{}", started.body);
    let token = started.json()["token"].as_str().unwrap().to_owned();
    let answers = complete_answers();
    for (section, fields) in [
        (1, vec!["identite.nom", "identite.famille", "identite.departement"]),
        (2, vec!["t1_relation", "t1_proposition"]),
        (3, vec!["t2_projet"]),
        (5, vec!["t4_cooperation"]),
        (6, vec!["t5_visibilite"]),
        (
            7,
            vec![
                "dispositifs.dla",
                "dispositifs.dasess",
                "dispositifs.fonds_conseil",
                "dispositifs.innovation_sociale",
                "dispositifs.finance_solidaire",
                "dispositifs.contrat_impact",
                "dispositifs.iae",
            ],
        ),
    ] {
        let current = b.get_from("192.0.2.20", &format!("/api/v1/questionnaire/drafts/{token}")).await.json();
        let part: serde_json::Map<String, serde_json::Value> =
            fields.iter().map(|f| ((*f).to_owned(), answers[*f].clone())).collect();
        let saved = b
            .request_from(
                "192.0.2.20",
                test::TestRequest::put()
                    .uri(&format!("/api/v1/questionnaire/drafts/{token}/sections/{section}"))
                    .set_json(json!({ "revision": current["revision"], "answers": part })),
            )
            .await;
        assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
        assert_eq!(saved.json()["conflicts"], json!([]));
    }
    let draft = b.get_from("192.0.2.20", &format!("/api/v1/questionnaire/drafts/{token}")).await.json();
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["answers"]["identite.nom"], json!(["Les Écossolies"]));
    let submit = format!("/api/v1/questionnaire/drafts/{token}/submit");
    let first = b.request_from("192.0.2.20", test::TestRequest::post().uri(&submit)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let second = b.request_from("192.0.2.20", test::TestRequest::post().uri(&submit)).await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(second.json()["replayed"], true);
    let openapi = b.get_from("192.0.2.20", "/api/openapi.json").await.json();
    assert!(openapi["paths"]["/api/v1/consultations/{slug}/questionnaire/responses"]["post"].is_object());
}

#[actix_web::test]
async fn a_response_sent_whole_is_followed_through_the_response_without_rows_of_its_own() {
    use essaim_core::schema::{follow_contributions, response_contributions};
    let b = browser().await;
    let body = json!({ "idempotency_key": "suivi-1", "answers": complete_answers(), "email": "suivi@example.org" });
    let sent = b.request_from("192.0.2.21", json_post(RESPONSES, &body)).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let mut conn = b.db.conn();
    let follow: essaim_core::db::Id = responses::table
        .select(responses::follow_id)
        .first::<Option<essaim_core::db::Id>>(&mut conn)
        .unwrap()
        .expect("a response with open answers is followed");
    let recorded: Vec<essaim_core::db::Id> =
        response_contributions::table.select(response_contributions::contribution_id).load(&mut conn).unwrap();
    assert_eq!(recorded.len(), 1);
    let rows: i64 = follow_contributions::table.count().get_result(&mut conn).unwrap();
    assert_eq!(rows, 0, "the follow goes through the response");
    let listed = essaim_contributions::questionnaire::follow::followed(&mut conn, follow).unwrap();
    assert_eq!(listed.iter().map(|f| f.contribution.id).collect::<Vec<_>>(), recorded);
}

#[actix_web::test]
async fn a_closed_consultation_refuses_a_response_sent_whole_in_french_and_keeps_the_one_sent_before() {
    use essaim_core::domain::consultation::{find_consultation, set_state};
    let b = browser().await;
    let before = json!({ "idempotency_key": "avant-cloture", "answers": complete_answers() });
    let first = b.request_from("192.0.2.30", json_post(RESPONSES, &before)).await;
    assert!(first.status.is_success(), "{}", first.body);
    let id = find_consultation(&mut b.db.conn(), essaim_core::demo::DEMO_SLUG).unwrap().id;
    set_state(&mut b.db.conn(), id, essaim_core::domain::ConsultationState::Closed, None).unwrap();

    let late = json!({ "idempotency_key": "apres-cloture", "answers": complete_answers() });
    let refused = b.request_from("192.0.2.30", json_post(RESPONSES, &late)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.json()["error"]["message"].as_str().unwrap().contains("est close"), "{}", refused.body);
    let replay = b.request_from("192.0.2.30", json_post(RESPONSES, &before)).await;
    assert_eq!(replay.json()["id"], first.json()["id"], "what was accepted before is answered as accepted");
    let stored: i64 = responses::table.count().get_result(&mut b.db.conn()).unwrap();
    assert_eq!(stored, 1);
}

#[actix_web::test]
async fn the_copy_of_a_response_sent_whole_goes_three_times_an_hour_to_one_address() {
    use essaim_core::schema::outbox;
    let b = browser().await;
    let mut withheld = Vec::new();
    for n in 1..=4 {
        // Four clients: the limit is the address's.
        let body = json!({ "idempotency_key": format!("copie-{n}"), "answers": complete_answers(), "email": "copie@example.org" });
        let reply = b.request_from(&format!("192.0.2.{n}"), json_post(RESPONSES, &body)).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        withheld.push(reply.json()["mail_withheld"].as_bool().expect("mail_withheld"));
    }
    assert_eq!(withheld, [false, false, false, true]);
    let stored: i64 = responses::table.count().get_result(&mut b.db.conn()).unwrap();
    assert_eq!(stored, 4, "the fourth response is stored");
    let mails: i64 =
        outbox::table.filter(outbox::recipient.eq("copie@example.org")).count().get_result(&mut b.db.conn()).unwrap();
    assert_eq!(mails, 3);
    // Without an address, nothing is said to be withheld.
    let body = json!({ "idempotency_key": "sans-adresse", "answers": complete_answers() });
    let reply = b.request_from("192.0.2.9", json_post(RESPONSES, &body)).await;
    assert_eq!(reply.json()["mail_withheld"], false);
}
