//! Workshops (*ateliers*, docs/workshops.md): "mes ateliers", a workshop's page with its
//! attendance and report, live capture (a plain form, improved by `workshops.js`), corrections
//! and deletions of entries, the report as PDF, DOCX or ODT; for staff, the overview of the
//! consultation, the workshop forms and the exports; and the capture API under `/api/v1`.
//! Every handler calls one function of `essaim_workshops`, which checks on the record that the
//! asking account may see and write it.

pub(crate) mod api;
mod pages;
mod staff;

use actix_web::{web, HttpResponse};
use essaim_core::db::Id;

use super::{get, get_post, post};
use crate::error::AppError;

/// An id from the address, or the French 404.
fn id_of(raw: &str) -> Result<Id, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

const SCRIPT: &str = include_str!("../../../../../frontend/static/workshops.js");

/// `GET /static/workshops.js`: the capture queue (IndexedDB, sent when the network allows);
/// the capture page works without it.
async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "public, max-age=3600"))
        .body(SCRIPT)
}

const SERVICE_WORKER: &str = include_str!("../../../../../frontend/static/workshops-sw.js");

/// `GET /ateliers/hors-ligne.js`: the capture page's service worker (scope `/ateliers/`),
/// which serves the page from the browser's copy when the network is down.
async fn service_worker() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "no-cache"))
        .insert_header(("Service-Worker-Allowed", "/ateliers/"))
        .body(SERVICE_WORKER)
}

/// The pages of the workshops.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(get("/static/workshops.js", script))
        .service(get("/ateliers", pages::mine))
        .service(get("/ateliers/hors-ligne.js", service_worker))
        .service(get("/ateliers/{id}", pages::workshop))
        .service(post("/ateliers/{id}/presence", pages::attendance))
        .service(post("/ateliers/{id}/etat", pages::state))
        .service(get_post("/ateliers/{id}/saisie", pages::capture_page, pages::capture_send))
        .service(get_post("/ateliers/{id}/entrees/{entry}/modifier", pages::edit_form, pages::edit_send))
        .service(post("/ateliers/{id}/entrees/{entry}/supprimer", pages::delete))
        .service(get("/ateliers/{id}/compte-rendu/{format}", pages::report))
        .service(get("/staff/consultations/{slug}/ateliers", staff::overview))
        .service(get_post("/staff/consultations/{slug}/ateliers/nouveau", staff::new_form, staff::create))
        .service(get("/staff/consultations/{slug}/ateliers/export/{format}", staff::export))
        .service(get_post("/staff/ateliers/{id}/modifier", staff::edit_form, staff::update));
}

/// The capture API (inside the `/api` scope, JSON errors).
pub fn register_api(cfg: &mut web::ServiceConfig) {
    cfg.service(
        {
            super::record("GET", "/api/v1/workshops/{id}/entries");
            super::record("POST", "/api/v1/workshops/{id}/entries");
            web::resource("/v1/workshops/{id}/entries")
        }
        .route(web::get().to(api::list_entries))
        .route(web::head().to(api::list_entries))
        .route(web::post().to(api::post_entry))
        .default_service(web::to(super::not_allowed("GET, HEAD, POST"))),
    );
}
