//! Accounts limited to a consultation: walked over every staff and facilitator route of the
//! route table (not a hand list), each naming the demo's own records, a staff account and a
//! facilitator limited to another consultation are refused; their own consultation opens.

use actix_web::http::StatusCode;
use actix_web::test::TestRequest;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::account::NewAccount;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::scope::create_limited_account;
use essaim_workshops::stands::stands_of;

use crate::common::{browser, STAFF};

const PASSWORD: &str = "une longue phrase de passe pour l'essai";

/// The routes a staff or facilitator account reaches (the public and API ones excepted).
fn staff_routes() -> Vec<(&'static str, String)> {
    essaim_server::routes::route_table()
        .into_iter()
        .filter(|(_, p)| {
            p.starts_with("/staff/")
                || p.starts_with("/pleniere/")
                || p.starts_with("/ateliers/")
                || p.starts_with("/api/v1/workshops/")
        })
        .filter(|(_, p)| p != "/ateliers/hors-ligne.js")
        .collect()
}

#[actix_web::test]
async fn accounts_limited_to_another_consultation_are_refused_on_every_staff_route() {
    let mut b = browser().await;
    // Bretagne beside the demo, and two accounts limited to it.
    let mut file = essaim_core::demo::demo_setup();
    file.sections.clear();
    file.consultation.slug = "ess-bretagne-2027".into();
    essaim_core::domain::setup::import(&mut b.db.conn(), &file, &[]).unwrap();
    let bretagne = find_consultation(&mut b.db.conn(), "ess-bretagne-2027").unwrap().id;
    for (email, role) in [("breton@region.bzh", "staff"), ("animatrice@region.bzh", "facilitator")] {
        let input = NewAccount {
            email: email.into(),
            display_name: email.into(),
            role: role.into(),
            password: PASSWORD.into(),
        };
        create_limited_account(&mut b.db.conn(), &input, &[bretagne], None).unwrap();
    }
    // The demo's own records, so that a refusal is the limit's, not an unknown id's.
    essaim_workshops::demo::seed_demo_workshops(&mut b.db.conn()).unwrap();
    let demo = find_consultation(&mut b.db.conn(), DEMO_SLUG).unwrap().id;
    let orientation = crate::plenary::add_orientation(&mut b.db.conn(), 1, "Une orientation de la démo").id.to_string();
    let stand = stands_of(&mut b.db.conn(), demo).unwrap()[0].id.to_string();
    let workshop =
        essaim_workshops::workshops::workshops_of(&mut b.db.conn(), demo).unwrap()[0].workshop.id.to_string();
    let contribution: essaim_core::db::Id = {
        use diesel::prelude::*;
        use essaim_core::schema::contributions;
        contributions::table
            .filter(contributions::consultation_id.eq(demo))
            .select(contributions::id)
            .first(&mut b.db.conn())
            .unwrap()
    };
    let contribution = contribution.to_string();
    let fill = |pattern: &str| -> String {
        let id = if pattern.starts_with("/staff/orientations/") || pattern.contains("/orientations/{id}") {
            &orientation
        } else if pattern.starts_with("/staff/stands/") {
            &stand
        } else if pattern.contains("ateliers/{id}") || pattern.starts_with("/api/v1/workshops/") {
            &workshop
        } else {
            &contribution
        };
        pattern
            .replace("{slug}", DEMO_SLUG)
            .replace("{id}", id)
            .replace("{position}", "1")
            .replace("{theme}", "1")
            .replace("{n}", "1")
            .replace("{section}", "1")
            .replace("{format}", "csv")
            .replace("{entry}", &contribution)
            .replace("{question}", "identite")
            .replace("{kind}", if pattern.contains("courriels-types") { "invitation" } else { "accessibilite" })
    };
    let routes = staff_routes();
    assert!(routes.len() > 50, "the whole table is walked ({} routes)", routes.len());

    // Unlimited staff reach the demo's pages: the refusals below are the limit's.
    b.login(STAFF).await;
    for page in [
        format!("/staff/consultations/{DEMO_SLUG}"),
        format!("/staff/orientations/{orientation}"),
        format!("/staff/stands/{stand}"),
    ] {
        assert_eq!(b.get(&page).await.status, StatusCode::OK, "{page}");
    }

    for email in ["breton@region.bzh", "animatrice@region.bzh"] {
        b.cookies.clear();
        assert_eq!(b.login((email, PASSWORD)).await.status, StatusCode::SEE_OTHER);
        let token = b.csrf().await;
        for (method, pattern) in &routes {
            let path = fill(pattern);
            let reply = if *method == "GET" {
                b.get(&path).await
            } else if path.starts_with("/api/") {
                let req = TestRequest::post()
                    .uri(&path)
                    .insert_header(("X-CSRF-Token", token.as_str()))
                    .set_json(serde_json::json!({"device_id": "appareil-1", "kind": "constat", "body": "Essai"}));
                b.request(req).await
            } else {
                b.post(&path, &[("csrf_token", &token)]).await
            };
            assert!(
                matches!(reply.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
                "{email} {method} {path}: {}",
                reply.status
            );
        }
    }

    // Their own consultation opens, and the dashboard shows it alone.
    let own = b.get("/staff").await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "a facilitator has no staff dashboard");
    b.cookies.clear();
    b.login(("breton@region.bzh", PASSWORD)).await;
    let dashboard = b.get("/staff").await;
    assert!(dashboard.body.contains("/staff/consultations/ess-bretagne-2027") && !dashboard.body.contains(DEMO_SLUG));
    assert_eq!(b.get("/staff/consultations/ess-bretagne-2027").await.status, StatusCode::OK);
}
