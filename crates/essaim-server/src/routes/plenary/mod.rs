//! The plenary (docs/plenary.md): part 1's projection, one orientation per screen; part 2's
//! facilitator console (open and close votes, record verdicts and amendments), the public vote
//! page reached by the plenary's short code and QR code (`/p/{code}`, made for a phone, never
//! refreshed by itself), the tally page for projection (server-sent events, and a link to
//! refresh without JavaScript), and the vote API. Every handler calls one function of
//! `essaim_workshops::plenary`, which checks on the record who may do what.

pub(crate) mod api;
mod console;
pub mod hub;
mod public;

use std::sync::OnceLock;

use actix_web::cookie::time;
use actix_web::{web, HttpRequest, HttpResponse};
use essaim_core::db::Id;
use essaim_workshops::plenary::votes::{limits_from_env, VoteLimits};

use super::{get, get_post, post};
use crate::auth::secure_cookie;
use crate::error::AppError;

/// The cookie holding a participant's device token (random; stored hashed).
pub const DEVICE_COOKIE: &str = "essaim_appareil";
/// The header an API client sends its device token in (instead of the cookie).
pub const DEVICE_HEADER: &str = "x-device-token";

/// The limits of this process (`ESSAIM_PLENARY_LIMITS`, read once).
pub fn limits() -> VoteLimits {
    static LIMITS: OnceLock<VoteLimits> = OnceLock::new();
    *LIMITS.get_or_init(limits_from_env)
}

/// The device token a request carries: the header, else the cookie.
pub fn device_token(req: &HttpRequest) -> String {
    req.headers()
        .get(DEVICE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| req.cookie(DEVICE_COOKIE).map(|c| c.value().to_owned()))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// The cookie handing a device its token, kept through the conference day.
pub fn device_cookie(token: String, behind_tls: bool) -> actix_web::cookie::Cookie<'static> {
    let mut cookie = secure_cookie(DEVICE_COOKIE, token, behind_tls);
    cookie.set_max_age(time::Duration::days(7));
    cookie
}

/// An id from the address, or the French 404.
fn id_of(raw: &str) -> Result<Id, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

const SCRIPT: &str = include_str!("../../../../../frontend/static/plenary.js");

/// `GET /static/plenary.js`: live tally (EventSource) and arrow keys on the projection; the
/// pages work without it.
async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(SCRIPT)
}

/// The pages of the plenary.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(get("/static/plenary.js", script))
        .service(get("/p/{code}", public::vote_page))
        .service(post("/p/{code}/votes/{orientation}", public::vote_send))
        .service(post("/p/{code}/carte", public::card_send))
        .service(get("/p/{code}/decompte/{orientation}", public::tally_page))
        .service(get("/p/{code}/decompte/{orientation}/flux", public::tally_stream))
        .service(get_post("/pleniere/{slug}", console::console, console::create))
        .service(post("/pleniere/{slug}/reglages", console::settings))
        .service(post("/pleniere/{slug}/votants", console::voting))
        .service(post("/pleniere/{slug}/codes", console::codes))
        .service(get("/pleniere/{slug}/codes/{format}", console::cards))
        .service(get("/pleniere/{slug}/orientations/{id}", console::item_page))
        .service(post("/pleniere/{slug}/orientations/{id}/ouvrir", console::open))
        .service(post("/pleniere/{slug}/orientations/{id}/clore", console::close))
        .service(post("/pleniere/{slug}/orientations/{id}/verdict", console::verdict))
        .service(post("/pleniere/{slug}/orientations/{id}/amendements", console::amendments))
        .service(get("/pleniere/{slug}/projection/{theme}", console::projection_first))
        .service(get("/pleniere/{slug}/projection/{theme}/{n}", console::projection))
        .service(get("/staff/consultations/{slug}/pleniere/export/{format}", console::export));
}

/// The vote API, inside the `/api` scope.
pub fn register_api(cfg: &mut web::ServiceConfig) {
    cfg.service(get("/v1/plenaries/{code}", api::plenary))
        .service(post("/v1/plenaries/{code}/devices", api::new_device))
        .service(
            web::resource({
                // Recorded for the route table, as `get` and `post` do (the document's test).
                super::record("PUT", "/v1/plenaries/{code}/orientations/{orientation}/vote");
                super::record("POST", "/v1/plenaries/{code}/orientations/{orientation}/vote");
                "/v1/plenaries/{code}/orientations/{orientation}/vote"
            })
            .route(web::put().to(api::vote))
            .route(web::post().to(api::vote))
            .default_service(web::to(super::not_allowed("PUT, POST"))),
        )
        .service(get("/v1/plenaries/{code}/orientations/{orientation}/tally", api::tally));
}
