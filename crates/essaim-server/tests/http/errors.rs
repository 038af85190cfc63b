//! One error model: whatever goes wrong — a handler, an extractor, the route table — people
//! get a French page and machines (`/api`, `/healthz`) a JSON error with a stable code, never
//! actix's plain text. And the extractors refuse before a handler runs: the wrong role, no
//! session, a missing or wrong CSRF token.

use actix_web::http::{header, StatusCode};
use actix_web::test::TestRequest;
use diesel::prelude::*;
use essaim_core::db::Id;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::schema::{audit_log, orientation_members, orientations, synthesis_runs};
use essaim_core::testing::{demo, demo_account};
use essaim_server::error::AppError;

use crate::common::{browser, Reply, ADMIN, FACILITATOR, STAFF};

/// A French error page: the status, HTML, the heading of that error.
#[track_caller]
fn assert_page(reply: &Reply, status: StatusCode, heading: &str) {
    assert_eq!(reply.status, status, "{}", reply.text());
    assert!(reply.content_type().starts_with("text/html"), "HTML, not {:?}", reply.content_type());
    assert!(reply.body.contains("<html lang=\"fr\">"), "a whole French page: {}", reply.body);
    assert!(reply.text().contains(heading), "{heading:?} in {}", reply.text());
}

/// A JSON error: the status, JSON, `{"error": {"code", "message"}}` with this code.
#[track_caller]
fn assert_json(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert!(reply.content_type().starts_with("application/json"), "JSON, not {:?}", reply.content_type());
    let json = reply.json();
    assert_eq!(json["error"]["code"], code, "{json}");
    assert!(!json["error"]["message"].as_str().unwrap_or_default().is_empty(), "a message: {json}");
}

#[actix_web::test]
async fn unknown_addresses_get_a_french_404_page_or_a_json_error() {
    let mut b = browser().await;
    assert_page(&b.get("/nulle-part").await, StatusCode::NOT_FOUND, "Page introuvable");
    assert_page(&b.get("/consultations/inconnue").await, StatusCode::NOT_FOUND, "Page introuvable");
    assert_page(&b.get("/static/nulle-part.css").await, StatusCode::NOT_FOUND, "Page introuvable");

    assert_json(&b.get("/api/v1/nulle-part").await, StatusCode::NOT_FOUND, "not_found");
    assert_json(&b.get("/api/nulle-part").await, StatusCode::NOT_FOUND, "not_found");
    assert_json(&b.get("/api/v1/consultations/inconnue").await, StatusCode::NOT_FOUND, "not_found");
    assert_json(&b.get("/api/v1/consultations/inconnue/themes").await, StatusCode::NOT_FOUND, "not_found");
    // A path that is not even UTF-8 once decoded names nothing either.
    assert_json(&b.get("/api/v1/consultations/%FF").await, StatusCode::NOT_FOUND, "not_found");
}

#[actix_web::test]
async fn a_malformed_path_parameter_names_nothing_a_french_404() {
    let mut b = browser().await;
    b.login(STAFF).await;
    for path in [
        "/staff/orientations/pas-un-id".to_owned(),
        "/staff/orientations/00000000-0000-0000-0000-00000000000".to_owned(),
        format!("/staff/consultations/{DEMO_SLUG}/synthese/abc"),
        format!("/staff/consultations/{DEMO_SLUG}/synthese/99999999999"),
        format!("/staff/consultations/{DEMO_SLUG}/synthese/-1"),
        "/consultations/%FF".to_owned(),
    ] {
        let reply = b.get(&path).await;
        assert_page(&reply, StatusCode::NOT_FOUND, "Page introuvable");
    }
    let token = b.csrf().await;
    for path in [
        "/staff/orientations/pas-un-id/edit".to_owned(),
        "/staff/contributions/pas-un-id/move".to_owned(),
        format!("/staff/consultations/{DEMO_SLUG}/synthese/abc/run"),
        "/staff/courriels/pas-un-id/relancer".to_owned(),
    ] {
        let reply = b.post(&path, &[("csrf_token", &token), ("title", "x"), ("target", "x")]).await;
        assert_page(&reply, StatusCode::NOT_FOUND, "Page introuvable");
    }
    let mut admin = browser().await;
    admin.login(ADMIN).await;
    let token = admin.csrf().await;
    let reply = admin.post("/admin/accounts/pas-un-id/disable", &[("csrf_token", &token)]).await;
    assert_page(&reply, StatusCode::NOT_FOUND, "Page introuvable");
    let reply =
        admin.post("/admin/accounts/00000000-0000-0000-0000-000000000000/disable", &[("csrf_token", &token)]).await;
    assert_page(&reply, StatusCode::NOT_FOUND, "Page introuvable");
}

#[actix_web::test]
async fn a_malformed_query_gets_a_french_400_page() {
    let mut b = browser().await;
    // Each query is read into a struct: a field given twice cannot be.
    assert_page(&b.get("/login?next=/a&next=/b").await, StatusCode::BAD_REQUEST, "Requête invalide");
    assert_page(&b.get("/?deconnexion=ok&deconnexion=ok").await, StatusCode::BAD_REQUEST, "Requête invalide");
    b.login(STAFF).await;
    let reply = b.get(&format!("/staff/consultations/{DEMO_SLUG}/synthese/3?fait=a&fait=b")).await;
    assert_page(&reply, StatusCode::BAD_REQUEST, "Requête invalide");
    assert_page(&b.get("/staff/courriels?etat=echec&etat=echec").await, StatusCode::BAD_REQUEST, "Requête invalide");
    // A query the page does not know is ignored, not refused.
    assert_eq!(b.get("/login?inconnu=1").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn an_oversized_form_gets_413_a_page_or_json() {
    let mut b = browser().await;
    let token = b.csrf().await;
    let huge = "x".repeat(70 * 1024);
    let reply = b.post("/login", &[("csrf_token", &token), ("email", &huge), ("password", "x")]).await;
    assert_page(&reply, StatusCode::PAYLOAD_TOO_LARGE, "Envoi trop volumineux");
    assert!(!b.cookies.contains_key("essaim_session"));
    // Just under the limit is read (and is only a wrong login).
    let big = "x".repeat(60 * 1024);
    let reply = b.post("/login", &[("csrf_token", &token), ("email", &big), ("password", "x")]).await;
    assert_eq!(reply.status, StatusCode::OK);

    b.login(STAFF).await;
    let token = b.csrf().await;
    let reply = b
        .post(
            &format!("/staff/consultations/{DEMO_SLUG}/synthese/3/orientations"),
            &[("csrf_token", &token), ("title", "Trop long"), ("body", &huge)],
        )
        .await;
    assert_page(&reply, StatusCode::PAYLOAD_TOO_LARGE, "Envoi trop volumineux");
    assert_eq!(orientations::table.count().get_result::<i64>(&mut b.db.conn()).unwrap(), 0, "nothing added");

    // No API address reads a body today: a large one sent to one is answered in JSON too.
    let reply = b
        .request(
            TestRequest::post()
                .uri("/api/v1/consultations")
                .insert_header((header::CONTENT_TYPE, "application/json"))
                .set_payload(format!("{{\"x\": \"{huge}\"}}")),
        )
        .await;
    assert_json(&reply, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

/// The API's own limit on bodies, on an address of the API that reads one (added here for the
/// test, under the same settings and middleware as the real ones, since none reads a body yet).
#[actix_web::test]
async fn an_oversized_json_body_to_the_api_gets_413_payload_too_large() {
    use actix_web::{middleware, test, web, App, HttpResponse};

    async fn echo(body: web::Json<serde_json::Value>) -> HttpResponse {
        HttpResponse::Ok().json(body.into_inner())
    }
    let db = essaim_core::testing::TestDb::new();
    let state = crate::common::state_for(&db, essaim_synthesis::drafts::BACKGROUND_FROM);
    let app = test::init_service(
        App::new()
            .service(
                web::resource("/api/v1/essai")
                    .wrap(middleware::from_fn(essaim_server::error::json_errors))
                    .route(web::post().to(echo)),
            )
            .configure(essaim_server::app::configure(state)),
    )
    .await;
    let mut b = crate::common::Browser { app, cookies: Default::default(), ip: "192.0.2.30".into(), db, worker: None };
    let json = |body: String| {
        TestRequest::post()
            .uri("/api/v1/essai")
            .insert_header((header::CONTENT_TYPE, "application/json"))
            .set_payload(body)
    };
    let small = b.request(json("{\"texte\": \"bonjour\"}".into())).await;
    assert_eq!(small.status, StatusCode::OK, "{}", small.body);
    let huge = b.request(json(format!("{{\"texte\": \"{}\"}}", "x".repeat(70 * 1024)))).await;
    assert_json(&huge, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large");
    let wrong_type = b
        .request(
            TestRequest::post()
                .uri("/api/v1/essai")
                .insert_header((header::CONTENT_TYPE, "text/plain"))
                .set_payload("{}"),
        )
        .await;
    assert_json(&wrong_type, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let unreadable = b.request(json("{pas du JSON".into())).await;
    assert_json(&unreadable, StatusCode::UNPROCESSABLE_ENTITY, "invalid_input");
    // The real routes are still there, behind the probe.
    assert_eq!(b.get("/api/v1/consultations").await.status, StatusCode::OK);
}

#[actix_web::test]
async fn a_form_of_another_content_type_gets_a_french_415_page() {
    let mut b = browser().await;
    let token = b.csrf().await;
    let json = b
        .request(
            TestRequest::post().uri("/login").insert_header((header::CONTENT_TYPE, "application/json")).set_payload(
                format!("{{\"csrf_token\": \"{token}\", \"email\": \"{}\", \"password\": \"{}\"}}", STAFF.0, STAFF.1),
            ),
        )
        .await;
    assert_page(&json, StatusCode::UNSUPPORTED_MEDIA_TYPE, "Contenu non pris en charge");
    assert!(!b.cookies.contains_key("essaim_session"));
    let none = b.request(TestRequest::post().uri("/login").set_payload(format!("csrf_token={token}"))).await;
    assert_page(&none, StatusCode::UNSUPPORTED_MEDIA_TYPE, "Contenu non pris en charge");
    let multipart = b
        .request(
            TestRequest::post()
                .uri("/login")
                .insert_header((header::CONTENT_TYPE, "multipart/form-data; boundary=x"))
                .set_payload("--x--"),
        )
        .await;
    assert_page(&multipart, StatusCode::UNSUPPORTED_MEDIA_TYPE, "Contenu non pris en charge");
    // The form's own type, with a charset, is read.
    let form = b
        .request(
            TestRequest::post()
                .uri("/login")
                .insert_header((header::CONTENT_TYPE, "application/x-www-form-urlencoded; charset=UTF-8"))
                .set_payload(format!("csrf_token={token}&email=x%40y.fr&password=z")),
        )
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.text());
}

#[actix_web::test]
async fn a_known_address_asked_with_another_method_gets_405_with_allow() {
    let mut b = browser().await;
    let post_home = b.post("/", &[]).await;
    assert_page(&post_home, StatusCode::METHOD_NOT_ALLOWED, "Méthode non permise");
    assert_eq!(post_home.allow(), "GET, HEAD");
    let delete_admin = b.request(TestRequest::delete().uri("/admin")).await;
    assert_page(&delete_admin, StatusCode::METHOD_NOT_ALLOWED, "Méthode non permise");
    assert_eq!(delete_admin.allow(), "GET, HEAD");
    let get_logout = b.get("/logout").await;
    assert_page(&get_logout, StatusCode::METHOD_NOT_ALLOWED, "Méthode non permise");
    assert_eq!(get_logout.allow(), "POST");
    let put_login = b.request(TestRequest::put().uri("/login")).await;
    assert_page(&put_login, StatusCode::METHOD_NOT_ALLOWED, "Méthode non permise");
    assert_eq!(put_login.allow(), "GET, HEAD, POST");
    let get_run = b.get(&format!("/staff/consultations/{DEMO_SLUG}/synthese/3/run")).await;
    assert_page(&get_run, StatusCode::METHOD_NOT_ALLOWED, "Méthode non permise");
    assert_eq!(get_run.allow(), "POST");

    let put_api = b.request(TestRequest::put().uri("/api/v1/consultations")).await;
    assert_json(&put_api, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert_eq!(put_api.allow(), "GET, HEAD");
    let delete_one = b.request(TestRequest::delete().uri(&format!("/api/v1/consultations/{DEMO_SLUG}"))).await;
    assert_json(&delete_one, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert_eq!(delete_one.allow(), "GET, HEAD");
    let post_health = b.post("/healthz", &[]).await;
    assert_json(&post_health, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert_eq!(post_health.allow(), "GET, HEAD");
    // HEAD is answered where GET is.
    assert_eq!(
        b.request(TestRequest::default().method(actix_web::http::Method::HEAD).uri("/")).await.status,
        StatusCode::OK
    );
}

#[actix_web::test]
async fn refused_input_gets_422_and_a_conflict_409_on_a_french_page() {
    let mut b = browser().await;
    b.login(ADMIN).await;
    let token = b.csrf().await;
    let admin = demo_account(&mut b.db.conn(), "admin");
    let own = b.post(&format!("/admin/accounts/{admin}/disable"), &[("csrf_token", &token)]).await;
    assert_page(&own, StatusCode::CONFLICT, "Action impossible pour l'instant");
    assert!(own.text().contains("Vous ne pouvez pas désactiver votre propre compte."));
    let stored = essaim_core::domain::find_account_by_email(&mut b.db.conn(), ADMIN.0).unwrap().unwrap();
    assert!(stored.disabled_at.is_none(), "still enabled");
    assert_eq!(b.get("/admin").await.status, StatusCode::OK, "still logged in");

    let refused =
        b.post("/admin/accounts", &[("csrf_token", &token), ("email", "pas une adresse"), ("role", "chef")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.content_type().starts_with("text/html"));
    assert!(refused.text().contains("Choisissez un rôle"));

    let mut staff = browser().await;
    staff.login(STAFF).await;
    let token = staff.csrf().await;
    let blank = staff
        .post(
            &format!("/staff/consultations/{DEMO_SLUG}/synthese/3/orientations"),
            &[("csrf_token", &token), ("title", "   "), ("body", "")],
        )
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(blank.content_type().starts_with("text/html"));
    assert!(blank.text().contains("Donnez un titre"));
}

/// One error of each variant, so every code `AppError::code` can give (the `match` below
/// stops compiling when a variant is added, so that this list follows).
fn every_error() -> Vec<AppError> {
    let all = vec![
        AppError::NotFound,
        AppError::MethodNotAllowed("GET"),
        AppError::LoginRequired { next: "/".into() },
        AppError::Forbidden,
        AppError::Csrf,
        AppError::TooManyAttempts,
        AppError::RateLimited(90),
        AppError::VoteClosed,
        AppError::UnknownDevice,
        AppError::VotingCodeRequired,
        AppError::BadRequest(String::new()),
        AppError::Invalid(Default::default()),
        AppError::Incomplete(Default::default()),
        AppError::Conflict("Ce thème est déjà en cours de synthèse.".into()),
        AppError::PayloadTooLarge,
        AppError::UnsupportedMediaType,
        AppError::Unavailable(String::new()),
        AppError::Internal(String::new()),
    ];
    for e in &all {
        // The stable codes, written out: changing one breaks clients, so it breaks this first.
        let code = match e {
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed(_) => "method_not_allowed",
            AppError::LoginRequired { .. } => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf_failed",
            AppError::TooManyAttempts => "too_many_attempts",
            AppError::RateLimited(_) => "rate_limited",
            AppError::VoteClosed => "vote_closed",
            AppError::UnknownDevice => "unknown_device",
            AppError::VotingCodeRequired => "voting_code_required",
            AppError::BadRequest(_) => "bad_request",
            AppError::Invalid(_) => "invalid_input",
            AppError::Incomplete(_) => "incomplete",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Unavailable(_) => "service_unavailable",
            AppError::Internal(_) => "internal_error",
        };
        assert_eq!(e.code(), code);
    }
    all
}

#[test]
fn every_json_error_code_is_documented_in_docs_api_md() {
    let doc = include_str!("../../../../docs/api.md");
    let missing: Vec<&str> =
        every_error().iter().map(AppError::code).filter(|code| !doc.contains(&format!("`{code}`"))).collect();
    assert!(missing.is_empty(), "codes missing from docs/api.md: {missing:?}");
}

#[actix_web::test]
async fn every_error_answers_json_with_its_code_and_a_french_message() {
    use actix_web::body::MessageBody;
    for e in every_error() {
        let res = e.json_response();
        assert!(res.status().is_client_error() || res.status().is_server_error(), "{}", e.code());
        let content_type = res.headers().get(header::CONTENT_TYPE).unwrap().to_str().unwrap().to_owned();
        assert!(content_type.starts_with("application/json"), "{}: {content_type}", e.code());
        let body = res.into_body().try_into_bytes().unwrap_or_default();
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(json["error"]["code"], e.code());
        assert!(!json["error"]["message"].as_str().unwrap().is_empty());
    }
}

// Refusals by the extractors.

/// Every staff address of the app, with real ids: (method, path).
fn staff_routes(orientation: Id, contribution: Id) -> Vec<(&'static str, String)> {
    let base = format!("/staff/consultations/{DEMO_SLUG}/synthese");
    vec![
        ("GET", base.clone()),
        ("GET", format!("{base}/export/csv")),
        ("GET", format!("{base}/export/pdf")),
        ("GET", format!("{base}/3")),
        ("GET", format!("/staff/orientations/{orientation}")),
        ("GET", "/staff/courriels".into()),
        ("POST", format!("{base}/3/run")),
        ("POST", format!("{base}/3/orientations")),
        ("POST", format!("/staff/orientations/{orientation}/edit")),
        ("POST", format!("/staff/orientations/{orientation}/merge")),
        ("POST", format!("/staff/orientations/{orientation}/discard")),
        ("POST", format!("/staff/orientations/{orientation}/split")),
        ("POST", format!("/staff/contributions/{contribution}/move")),
        ("POST", format!("/staff/courriels/{}/relancer", Id::new())),
    ]
}

/// What a refused POST must not have changed: drafts, placements, runs, the audit log.
fn footprint(conn: &mut essaim_core::db::DbConnection) -> (Vec<(String, String)>, i64, i64, i64) {
    let drafts = orientations::table
        .order(orientations::id.asc())
        .select((orientations::title, orientations::status))
        .load(conn)
        .unwrap();
    let placed = orientation_members::table.count().get_result(conn).unwrap();
    let runs = synthesis_runs::table.count().get_result(conn).unwrap();
    let audited = audit_log::table.filter(audit_log::action.ne("session.login")).count().get_result(conn).unwrap();
    (drafts, placed, runs, audited)
}

/// A staff theme with two hand-made orientations, one holding a contribution.
fn two_orientations(conn: &mut essaim_core::db::DbConnection) -> (Id, Id, Id) {
    let (consultation, themes) = demo(conn);
    let staff = demo_account(conn, "staff");
    let first = essaim_synthesis::drafts::add(conn, consultation, themes[2].id, "Première", "", staff).unwrap();
    let second = essaim_synthesis::drafts::add(conn, consultation, themes[2].id, "Seconde", "", staff).unwrap();
    let contribution: Id = essaim_core::schema::contributions::table
        .filter(essaim_core::schema::contributions::theme_id.eq(themes[2].id))
        .select(essaim_core::schema::contributions::id)
        .first(conn)
        .unwrap();
    essaim_synthesis::drafts::move_contribution(conn, contribution, first, staff).unwrap();
    (first, second, contribution)
}

#[actix_web::test]
async fn a_facilitator_gets_403_on_every_staff_address_and_changes_nothing() {
    let mut b = browser().await;
    let (first, second, contribution) = two_orientations(&mut b.db.conn());
    b.login(FACILITATOR).await;
    let token = b.csrf().await;
    let before = footprint(&mut b.db.conn());
    let target = second.to_string();
    let contribution_id = contribution.to_string();
    for (method, path) in staff_routes(first, contribution) {
        let reply = if method == "GET" {
            b.get(&path).await
        } else {
            let form = [
                ("csrf_token", token.as_str()),
                ("title", "Par un animateur"),
                ("body", ""),
                ("target", &target),
                ("contribution", &contribution_id),
            ];
            b.post(&path, &form).await
        };
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_page(&reply, StatusCode::FORBIDDEN, "Accès refusé");
    }
    assert_eq!(footprint(&mut b.db.conn()), before, "nothing changed");
    // The same addresses for staff, to be sure the refusal was the role's.
    let mut staff = browser().await;
    let (first, _, contribution) = two_orientations(&mut staff.db.conn());
    staff.login(STAFF).await;
    for (method, path) in staff_routes(first, contribution).into_iter().filter(|(m, _)| *m == "GET") {
        assert_eq!(staff.get(&path).await.status, StatusCode::OK, "{method} {path}");
    }
}

#[actix_web::test]
async fn anonymous_visitors_are_sent_to_the_login_page_from_every_staff_and_admin_address() {
    let mut b = browser().await;
    let (first, _, contribution) = two_orientations(&mut b.db.conn());
    let token = b.csrf().await;
    let before = footprint(&mut b.db.conn());
    let mut routes = staff_routes(first, contribution);
    let admin = demo_account(&mut b.db.conn(), "admin");
    routes.extend([
        ("GET", "/admin".to_owned()),
        ("GET", "/admin/accounts/new".to_owned()),
        ("POST", "/admin/accounts".to_owned()),
        ("POST", format!("/admin/accounts/{admin}/disable")),
        ("POST", format!("/admin/accounts/{admin}/enable")),
    ]);
    for (method, path) in routes {
        let reply = if method == "GET" {
            b.get(&path).await
        } else {
            b.post(&path, &[("csrf_token", &token), ("title", "Anonyme")]).await
        };
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{method} {path}");
        let next: String = url::form_urlencoded::byte_serialize(path.as_bytes()).collect();
        assert_eq!(reply.location(), format!("/login?next={next}"), "{method} {path}");
    }
    assert_eq!(footprint(&mut b.db.conn()), before, "nothing changed");
}

#[actix_web::test]
async fn a_staff_post_without_its_csrf_token_or_with_a_wrong_one_gets_403_and_changes_nothing() {
    let mut b = browser().await;
    let (first, second, contribution) = two_orientations(&mut b.db.conn());
    b.login(STAFF).await;
    let before = footprint(&mut b.db.conn());
    let target = second.to_string();
    let contribution_id = contribution.to_string();
    // Another browser's token, before login: well formed, not this session's.
    let foreign = browser().await.csrf().await;
    let posts: Vec<String> =
        staff_routes(first, contribution).into_iter().filter(|(m, _)| *m == "POST").map(|(_, p)| p).collect();
    for path in &posts {
        for token in [None, Some(""), Some("0123456789abcdef0123456789abcdef"), Some(foreign.as_str())] {
            let mut form = vec![
                ("title", "Sans jeton"),
                ("body", ""),
                ("target", target.as_str()),
                ("contribution", contribution_id.as_str()),
            ];
            if let Some(token) = token {
                form.push(("csrf_token", token));
            }
            let reply = b.post(path, &form).await;
            assert_page(&reply, StatusCode::FORBIDDEN, "Formulaire expiré");
        }
    }
    assert_eq!(footprint(&mut b.db.conn()), before, "nothing changed");
    let out = b.post("/logout", &[]).await;
    assert_page(&out, StatusCode::FORBIDDEN, "Formulaire expiré");
    assert!(b.get("/").await.body.contains("Se déconnecter"), "still logged in");

    // With its token, the same form goes through.
    let token = b.csrf().await;
    let renamed =
        b.post(&format!("/staff/orientations/{first}/edit"), &[("csrf_token", &token), ("title", "Renommée")]).await;
    assert_eq!(renamed.status, StatusCode::SEE_OTHER);
    assert_ne!(footprint(&mut b.db.conn()), before);
}

/// The workshops module has one error for its workshops, capture and plenary: each kind answers
/// with the status, code and message the workshops' and the plenary's refusals had when each had
/// its own type (a plenary's "not found" is a workshop's, and so on).
#[test]
fn workshop_and_plenary_refusals_keep_their_status_and_code() {
    use actix_web::ResponseError;
    use essaim_core::CoreError;
    use essaim_workshops::WorkshopError;

    let why = "Ouvrez d'abord le vote sur cette orientation.";
    let cases = [
        (WorkshopError::NotFound, StatusCode::NOT_FOUND, "not_found"),
        (WorkshopError::Forbidden, StatusCode::FORBIDDEN, "forbidden"),
        (WorkshopError::State(why.into()), StatusCode::CONFLICT, "conflict"),
        (
            WorkshopError::Core(CoreError::invalid("voting_code", "Code refusé.")),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        ),
        (WorkshopError::VoteClosed, StatusCode::CONFLICT, "vote_closed"),
        (WorkshopError::UnknownDevice, StatusCode::FORBIDDEN, "unknown_device"),
        (WorkshopError::CodeRequired, StatusCode::FORBIDDEN, "voting_code_required"),
    ];
    for (refusal, status, code) in cases {
        let shown = format!("{refusal:?}");
        let answer = AppError::from(refusal);
        assert_eq!((answer.status_code(), answer.code()), (status, code), "{shown}");
    }
    assert_eq!(
        AppError::from(WorkshopError::State(why.into())).message(),
        why,
        "the state's French message is shown as is"
    );
}
