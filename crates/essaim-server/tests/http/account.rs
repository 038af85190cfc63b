//! Login, logout, throttling and the CSRF token of the login form.

use actix_web::http::StatusCode;
use essaim_core::demo::DEMO_SLUG;
use futures_util::future::{join, join_all};

use crate::common::{browser, ADMIN, STAFF};

#[actix_web::test]
async fn login_needs_its_csrf_token() {
    let mut b = browser().await;
    b.get("/login").await;
    let reply = b.post("/login", &[("email", STAFF.0), ("password", STAFF.1)]).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.content_type().starts_with("text/html"));
    assert!(reply.text().contains("Formulaire expiré"));
    let reply = b
        .post(
            "/login",
            &[("csrf_token", "0123456789abcdef0123456789abcdef"), ("email", STAFF.0), ("password", STAFF.1)],
        )
        .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "a token that is not this browser's");
    assert!(reply.text().contains("Formulaire expiré"));
    assert!(!b.cookies.contains_key("essaim_session"));
}

#[actix_web::test]
async fn staff_log_in_see_their_name_and_log_out() {
    let mut b = browser().await;
    let before = b.csrf().await;
    let reply = b.login(STAFF).await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.location(), "/");
    assert_ne!(b.cookies["essaim_csrf"], before, "CSRF cookie renewed at login");
    assert_ne!(b.csrf().await, before, "forms carry a new token once logged in");
    let home = b.get("/").await;
    assert!(home.text().contains("Samuel Chargé de mission"));
    assert!(home.body.contains("Se déconnecter"));

    let session = b.cookies["essaim_session"].clone();
    let token = b.csrf().await;
    let home = b.get("/").await;
    assert_eq!(home.headers.get("cache-control").unwrap(), "no-store", "logged-in pages are not cached");
    let out = b.post("/logout", &[("csrf_token", &token)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key("essaim_session"));
    assert!(b.get(out.location()).await.text().contains("Vous êtes déconnecté"));
    // The old token opens nothing any more, even if replayed.
    b.cookies.insert("essaim_session".into(), session);
    let home = b.get("/").await;
    assert!(!home.body.contains("Se déconnecter"));
}

#[actix_web::test]
async fn a_login_over_a_session_ends_the_earlier_one_on_the_server() {
    let mut b = browser().await;
    b.login(STAFF).await;
    let staff_session = b.cookies["essaim_session"].clone();
    assert_eq!(b.get("/staff/courriels").await.status, StatusCode::OK);
    // An administrator logs in on the same browser, over the staff session.
    b.login(ADMIN).await;
    assert_ne!(b.cookies["essaim_session"], staff_session);
    assert!(b.get("/").await.text().contains("Alice Administratrice"));
    // The staff cookie, kept aside, opens nothing any more.
    b.cookies.insert("essaim_session".into(), staff_session);
    let replayed = b.get("/staff/courriels").await;
    assert_eq!(replayed.status, StatusCode::SEE_OTHER, "to the login page");
    assert!(replayed.location().starts_with("/login"));
}

#[actix_web::test]
async fn login_redirects_back_to_local_pages_only() {
    let mut b = browser().await;
    let token = b.csrf().await;
    let reply = b
        .post(
            "/login",
            &[("csrf_token", &token), ("email", ADMIN.0), ("password", ADMIN.1), ("next", "https://evil.example/")],
        )
        .await;
    assert_eq!(reply.location(), "/");
    let mut b = browser().await;
    let anonymous = b.get("/admin").await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert_eq!(anonymous.location(), "/login?next=%2Fadmin");
    let form = b.get(anonymous.location()).await;
    assert!(form.body.contains("name=\"next\" value=\"/admin\""));
    let token = b.csrf().await;
    let reply = b
        .post("/login", &[("csrf_token", &token), ("email", ADMIN.0), ("password", ADMIN.1), ("next", "/admin")])
        .await;
    assert_eq!(reply.location(), "/admin");
}

#[actix_web::test]
async fn unknown_email_and_wrong_password_get_the_same_page() {
    let mut b = browser().await;
    let unknown = b.login(("personne@demo.essaim.fr", "un mot de passe quelconque")).await;
    let wrong = b.login((STAFF.0, "un mot de passe quelconque")).await;
    assert_eq!(unknown.status, wrong.status);
    assert!(wrong.text().contains("Adresse e-mail ou mot de passe incorrect."));
    // Identical but for the e-mail typed, which is kept in the field.
    assert_eq!(unknown.body.replace("personne@demo.essaim.fr", "E"), wrong.body.replace(STAFF.0, "E"));
}

#[actix_web::test]
async fn repeated_failed_logins_get_429_from_that_address_only() {
    let mut b = browser().await;
    for _ in 0..10 {
        let reply = b.login((STAFF.0, "pas le bon mot de passe")).await;
        assert_eq!(reply.status, StatusCode::OK);
    }
    let blocked = b.login(STAFF).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS, "even the right password, while throttled");
    assert_eq!(blocked.headers.get("retry-after").unwrap(), "900");
    assert!(blocked.content_type().starts_with("text/html"));
    assert!(blocked.text().contains("Trop de tentatives"));

    // The owner, from their own address, is not locked out by what another address did.
    let token = b.csrf().await;
    let owner = b
        .post_from("198.51.100.7", "/login", &[("csrf_token", &token), ("email", STAFF.0), ("password", STAFF.1)])
        .await;
    assert_eq!(owner.status, StatusCode::SEE_OTHER);
}

/// A flood of failing logins from many addresses, with pages asked at the same time, on the
/// test pool of 4 connections: the password checks hold no connection, so nothing fails, pages
/// still answer, and the account's owner logs in afterwards.
#[actix_web::test]
async fn a_login_flood_from_many_addresses_takes_no_page_down_and_locks_no_one_out() {
    let mut b = browser().await;
    // Four for requests (on PostgreSQL, one more kept by each committing thread, which a
    // login never uses).
    let committing = match b.db.url.backend() {
        essaim_core::db::Backend::Postgresql => essaim_core::db::writers_for(b.db.url.backend()) as u32,
        essaim_core::db::Backend::Sqlite => 0,
    };
    assert_eq!(b.db.pool.max_size(), 4 + committing, "the test pool");
    let token = b.csrf().await;
    let consultation = format!("/consultations/{DEMO_SLUG}");
    let addresses: Vec<String> = (0..40).map(|n| format!("203.0.113.{}", n + 1)).collect();
    let form = [("csrf_token", token.as_str()), ("email", STAFF.0), ("password", "devinette")];
    let logins = addresses.iter().map(|ip| b.post_from(ip, "/login", &form));
    let pages = (0..20).map(|n| {
        let path = if n % 2 == 0 { "/" } else { consultation.as_str() };
        b.get_from("198.51.100.1", path)
    });
    let (logins, pages) = join(join_all(logins), join_all(pages)).await;

    for (n, reply) in logins.iter().enumerate() {
        assert_ne!(reply.status, StatusCode::INTERNAL_SERVER_ERROR, "login {n}: {}", reply.body);
        assert_eq!(reply.status, StatusCode::OK, "login {n} refused like any wrong password: {}", reply.text());
        assert!(reply.text().contains("Adresse e-mail ou mot de passe incorrect."), "login {n}");
    }
    for (n, reply) in pages.iter().enumerate() {
        assert_eq!(reply.status, StatusCode::OK, "page {n}: {}", reply.text());
    }
    let failures: i64 = {
        use diesel::prelude::*;
        essaim_core::schema::login_failures::table.count().get_result(&mut b.db.conn()).unwrap()
    };
    assert_eq!(failures, 40, "every failure counted");
    // Each under its address's pseudonym, keyed by the installation's secret: no address kept.
    let stored: std::collections::BTreeSet<String> = {
        use diesel::prelude::*;
        essaim_core::schema::login_failures::table
            .select(essaim_core::schema::login_failures::ip)
            .load::<String>(&mut b.db.conn())
            .unwrap()
            .into_iter()
            .collect()
    };
    let pseudonyms = essaim_core::security::AddressPseudonyms::new();
    let expected: std::collections::BTreeSet<String> =
        addresses.iter().map(|ip| pseudonyms.of(&mut b.db.conn(), ip).unwrap()).collect();
    assert_eq!(stored, expected);
    assert!(addresses.iter().all(|ip| !stored.contains(ip)));

    // The owner, from their usual address: 40 failures elsewhere lock no one out.
    let owner = b.login(STAFF).await;
    assert_eq!(owner.status, StatusCode::SEE_OTHER, "{}", owner.text());
    assert!(b.get("/").await.text().contains("Samuel Chargé de mission"));
}
