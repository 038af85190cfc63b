//! Live capture: the plain form, corrections and deletions, the JSON API with its rules, and
//! 1,000 entries sent twice each, concurrently, giving 1,000 contributions.

use actix_web::http::{header, StatusCode};
use actix_web::test;
use diesel::prelude::*;
use essaim_core::db::Id;
use essaim_core::domain::audit::history_of;
use essaim_core::domain::Channel;
use essaim_core::schema::{contributions, workshop_entries};
use essaim_workshops::WorkshopPhase;
use serde_json::json;

use super::workshops::demo_workshop;
use crate::common::{browser, FACILITATOR, STAFF};

fn count_of(conn: &mut essaim_core::db::DbConnection, channel: Channel) -> i64 {
    contributions::table.filter(contributions::channel.eq(channel)).count().get_result(conn).unwrap()
}

fn json_post(path: &str, csrf: Option<&str>, body: &serde_json::Value) -> test::TestRequest {
    let mut req = test::TestRequest::post()
        .uri(path)
        .insert_header((header::CONTENT_TYPE, "application/json"))
        .set_payload(body.to_string());
    if let Some(token) = csrf {
        req = req.insert_header(("X-CSRF-Token", token));
    }
    req
}

#[actix_web::test]
async fn the_plain_form_saves_once_lists_the_entry_and_keeps_refused_text() {
    let mut b = browser().await;
    let id = demo_workshop(&mut b.db.conn(), WorkshopPhase::Conference, 1);
    b.login(FACILITATOR).await;
    let page = b.get(&format!("/ateliers/{id}/saisie")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"device_id\""));
    assert!(page.body.contains("/static/workshops.js"));
    let token = b.csrf().await;
    let before = count_of(&mut b.db.conn(), Channel::ConferenceWorkshop);
    let device = Id(uuid::Uuid::new_v4()).to_string();
    let form = [
        ("csrf_token", token.as_str()),
        ("device_id", device.as_str()),
        ("kind", "experience"),
        ("body", "Une coopérative d'activité à Cholet depuis dix ans."),
        ("organisation", "Coopérative Idéal"),
        ("territory", "49"),
    ];
    let sent = b.post(&format!("/ateliers/{id}/saisie"), &form).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER);
    assert!(sent.location().contains(&format!("ok={device}")), "{}", sent.location());
    let back = b.get(sent.location()).await;
    assert!(back.text().contains("Entrée enregistrée"));
    assert!(back.text().contains("Une coopérative d'activité à Cholet depuis dix ans."));
    assert!(back.text().contains("value=\"Coopérative Idéal\""), "the organisation stays chosen");
    // The same form sent again (a double click, a retry): still one contribution.
    assert_eq!(b.post(&format!("/ateliers/{id}/saisie"), &form).await.status, StatusCode::SEE_OTHER);
    assert_eq!(count_of(&mut b.db.conn(), Channel::ConferenceWorkshop), before + 1);

    let empty = [
        ("csrf_token", token.as_str()),
        ("device_id", &Id::new().to_string()),
        ("kind", "constat"),
        ("body", "  "),
        ("organisation", "Label ESS 85"),
    ];
    let refused = b.post(&format!("/ateliers/{id}/saisie"), &empty).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("Écrivez votre contribution."));
    assert!(refused.text().contains("value=\"Label ESS 85\""));
    let long = "x".repeat(20_001);
    let too_long = [
        ("csrf_token", token.as_str()),
        ("device_id", &Id::new().to_string()),
        ("kind", "constat"),
        ("body", long.as_str()),
    ];
    let refused = b.post(&format!("/ateliers/{id}/saisie"), &too_long).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("20000 au plus"));
    assert!(refused.body.contains(&long), "the text is kept");
    let no_token = b.post(&format!("/ateliers/{id}/saisie"), &form[1..]).await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert_eq!(count_of(&mut b.db.conn(), Channel::ConferenceWorkshop), before + 1);
}

#[actix_web::test]
async fn entries_are_corrected_and_deleted_while_open_and_audited() {
    let mut b = browser().await;
    let id = demo_workshop(&mut b.db.conn(), WorkshopPhase::Conference, 1);
    b.login(FACILITATOR).await;
    let token = b.csrf().await;
    let entry = Id::new().to_string();
    let form = [
        ("csrf_token", token.as_str()),
        ("device_id", entry.as_str()),
        ("kind", "constat"),
        ("body", "Texte tapé trop vite"),
    ];
    b.post(&format!("/ateliers/{id}/saisie"), &form).await;
    let edit = format!("/ateliers/{id}/entrees/{entry}/modifier");
    assert!(b.get(&edit).await.text().contains("Texte tapé trop vite"));
    let refused = b.post(&edit, &[("csrf_token", &token), ("kind", "constat"), ("body", "")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fixed = b.post(&edit, &[("csrf_token", &token), ("kind", "proposition"), ("body", "Texte corrigé")]).await;
    assert_eq!(fixed.status, StatusCode::SEE_OTHER);
    assert!(b.get(&format!("/ateliers/{id}")).await.text().contains("Texte corrigé"));
    let contribution: Id = workshop_entries::table
        .find(entry.parse::<Id>().unwrap())
        .select(workshop_entries::contribution_id)
        .first::<Option<Id>>(&mut b.db.conn())
        .unwrap()
        .unwrap();
    let history = history_of(&mut b.db.conn(), "contribution", &contribution.to_string()).unwrap();
    assert!(history[0].details.contains("Texte tapé trop vite"), "the old text is in the audit");

    // Staff close it: no more corrections nor deletions.
    let other = b.post(&format!("/ateliers/{id}/entrees/{entry}/supprimer"), &[("csrf_token", &token)]).await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get(&edit).await.status, StatusCode::NOT_FOUND, "deleted");
    let history = history_of(&mut b.db.conn(), "contribution", &contribution.to_string()).unwrap();
    assert_eq!(history[0].action, "contribution.delete");
    let second = Id::new().to_string();
    let form =
        [("csrf_token", token.as_str()), ("device_id", second.as_str()), ("kind", "constat"), ("body", "Deuxième")];
    b.post(&format!("/ateliers/{id}/saisie"), &form).await;
    b.post("/logout", &[("csrf_token", &token)]).await;
    b.login(STAFF).await;
    let staff_token = b.csrf().await;
    b.post(&format!("/ateliers/{id}/etat"), &[("csrf_token", &staff_token), ("state", "closed")]).await;
    let edit = format!("/ateliers/{id}/entrees/{second}/modifier");
    let refused = b.post(&edit, &[("csrf_token", &staff_token), ("kind", "constat"), ("body", "Changé")]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let refused = b.post(&format!("/ateliers/{id}/entrees/{second}/supprimer"), &[("csrf_token", &staff_token)]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text().contains("L'atelier est clos"));
}

#[actix_web::test]
async fn the_api_follows_the_pages_rules_and_answers_a_replay_with_the_first_answer() {
    let mut b = browser().await;
    let id = demo_workshop(&mut b.db.conn(), WorkshopPhase::Conference, 1);
    let theirs = demo_workshop(&mut b.db.conn(), WorkshopPhase::Conference, 3);
    let api = format!("/api/v1/workshops/{id}/entries");
    let device = Id(uuid::Uuid::new_v4()).to_string();
    let entry = json!({ "device_id": device, "kind": "question", "body": "Qui finance ?", "territory": "44" });
    let anonymous = b.request(json_post(&api, None, &entry)).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.json()["error"]["code"], "unauthenticated");
    b.login(FACILITATOR).await;
    let token = b.csrf().await;
    let no_csrf = b.request(json_post(&api, None, &entry)).await;
    assert_eq!(no_csrf.status, StatusCode::FORBIDDEN);
    assert_eq!(no_csrf.json()["error"]["code"], "csrf_failed");
    let other = b.request(json_post(&format!("/api/v1/workshops/{theirs}/entries"), Some(&token), &entry)).await;
    assert_eq!(other.status, StatusCode::FORBIDDEN);
    assert_eq!(other.json()["error"]["code"], "forbidden");
    assert_eq!(b.get(&format!("/api/v1/workshops/{theirs}/entries")).await.status, StatusCode::FORBIDDEN);

    let first = b.request(json_post(&api, Some(&token), &entry)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(first.json()["device_id"], device);
    assert_eq!(first.json()["territory"], "44");
    let again = b.request(json_post(&api, Some(&token), &entry)).await;
    assert_eq!(again.status, StatusCode::CREATED);
    assert_eq!(again.body, first.body, "the same answer");
    assert_eq!(again.headers.get("idempotent-replayed").unwrap(), "true");

    let bad = json!({ "device_id": "42", "kind": "avis", "body": "" });
    let refused = b.request(json_post(&api, Some(&token), &bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = refused.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["device_id"], "the id first: nothing else is read without it");
    let bad = json!({ "device_id": Id::new().to_string(), "kind": "avis", "body": "" });
    let refused = b.request(json_post(&api, Some(&token), &bad)).await;
    let fields = refused.json()["error"]["fields"].clone();
    assert!(fields.to_string().contains("kind") && fields.to_string().contains("body"), "{fields}");
    let not_json = b.request(json_post(&api, Some(&token), &json!("texte"))).await;
    assert_eq!(not_json.status, StatusCode::UNPROCESSABLE_ENTITY, "a body of the wrong shape: a JSON error, no panic");
    assert_eq!(not_json.json()["error"]["code"], "invalid_input");

    let list = b.get(&api).await;
    assert_eq!(list.status, StatusCode::OK);
    let entries = list.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["body"], "Qui finance ?");
    assert_eq!(list.headers.get(header::CACHE_CONTROL).unwrap(), "no-store");

    let launch = demo_workshop(&mut b.db.conn(), WorkshopPhase::Launch, 1);
    let closed = json!({ "device_id": Id::new().to_string(), "kind": "constat", "body": "Après coup" });
    let refused = b.request(json_post(&format!("/api/v1/workshops/{launch}/entries"), Some(&token), &closed)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.json()["error"]["message"].as_str().unwrap().contains("clos"));

    let doc = b.get("/api/openapi.json").await.json();
    assert!(doc["paths"]["/api/v1/workshops/{id}/entries"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/workshops/{id}/entries"]["get"].is_object());
}

#[actix_web::test]
async fn a_thousand_entries_sent_twice_each_concurrently_make_a_thousand_contributions() {
    let mut b = browser().await;
    let id = demo_workshop(&mut b.db.conn(), WorkshopPhase::Conference, 4);
    let staff = b.login(STAFF).await;
    assert_eq!(staff.status, StatusCode::SEE_OTHER);
    let token = b.csrf().await;
    let api = format!("/api/v1/workshops/{id}/entries");
    let before = count_of(&mut b.db.conn(), Channel::ConferenceWorkshop);
    let entries: Vec<serde_json::Value> = (0..1000)
        .map(|i| {
            let kind = ["constat", "proposition", "experience", "question"][i % 4];
            json!({
                "device_id": Id(uuid::Uuid::new_v4()).to_string(),
                "kind": kind,
                "body": format!("Entrée numéro {i} de l'atelier"),
            })
        })
        .collect();
    // Each entry twice, in a shuffled order (a fixed seed, so a failure can be replayed).
    let mut order: Vec<usize> = (0..2000).map(|i| i % 1000).collect();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in (1..order.len()).rev() {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        order.swap(i, (seed % (i as u64 + 1)) as usize);
    }
    let started = std::time::Instant::now();
    let replies = futures_util::future::join_all(
        order.iter().map(|&i| b.request_from("192.0.2.30", json_post(&api, Some(&token), &entries[i]))),
    )
    .await;
    let elapsed = started.elapsed();
    assert!(
        replies.iter().all(|r| r.status == StatusCode::CREATED),
        "{:?}",
        replies.iter().find(|r| r.status != StatusCode::CREATED).map(|r| &r.body)
    );
    let replayed = replies.iter().filter(|r| r.headers.contains_key("idempotent-replayed")).count();
    assert_eq!(replayed, 1000, "one of each pair is the replay");
    assert_eq!(count_of(&mut b.db.conn(), Channel::ConferenceWorkshop) - before, 1000);
    let links: i64 = workshop_entries::table
        .filter(workshop_entries::workshop_id.eq(id))
        .count()
        .get_result(&mut b.db.conn())
        .unwrap();
    assert_eq!(links, 1000);
    eprintln!("2,000 sends of 1,000 entries in {elapsed:?}");
}

#[actix_web::test]
async fn entries_show_when_they_were_said_in_the_consultation_s_time_zone() {
    use essaim_core::schema::consultations;
    let mut b = browser().await;
    let id = demo_workshop(&mut b.db.conn(), WorkshopPhase::Conference, 1);
    b.login(FACILITATOR).await;
    let token = b.csrf().await;
    let device = Id(uuid::Uuid::new_v4()).to_string();
    let form = [
        ("csrf_token", token.as_str()),
        ("device_id", device.as_str()),
        ("kind", "constat"),
        ("body", "Un fonds de garantie pour les coopératives naissantes."),
    ];
    assert_eq!(b.post(&format!("/ateliers/{id}/saisie"), &form).await.status, StatusCode::SEE_OTHER);
    // Said at 13:05 UTC on a winter day: 14 h 05 in Paris, 10 h 05 in Cayenne.
    let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap().and_hms_opt(13, 5, 0).unwrap();
    diesel::update(contributions::table).set(contributions::created_at.eq(at)).execute(&mut b.db.conn()).unwrap();
    for page in [format!("/ateliers/{id}/saisie"), format!("/ateliers/{id}")] {
        let text = b.get(&page).await.text();
        assert!(text.contains("· 14 h 05"), "Europe/Paris by default on {page}: {text}");
    }
    diesel::update(consultations::table)
        .set(consultations::time_zone.eq("America/Cayenne"))
        .execute(&mut b.db.conn())
        .unwrap();
    for page in [format!("/ateliers/{id}/saisie"), format!("/ateliers/{id}")] {
        let text = b.get(&page).await.text();
        assert!(text.contains("· 10 h 05"), "UTC−3 on {page}: {text}");
    }
}
