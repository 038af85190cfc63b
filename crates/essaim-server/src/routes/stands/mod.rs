//! The treasure hunt (*chasse aux trésors*): a stand's public page made for a phone (idea
//! form, passport stamp), the anonymous passport, the staff pages of the circuit (list,
//! create, edit, revoke, posters) and the JSON API (docs/stands.md).

pub(crate) mod api;
mod public;
mod staff;

use actix_web::web;

use super::{get, get_post, post};

/// The pages of the treasure hunt.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(get_post("/s/{code}", public::stand, public::send))
        .service(get("/s/{code}/merci", public::thanks))
        .service(post("/s/{code}/tampon", public::stamp))
        .service(get("/consultations/{slug}/passeport", public::passport))
        .service(get("/staff/consultations/{slug}/stands", staff::list))
        .service(get_post("/staff/consultations/{slug}/stands/nouveau", staff::new_form, staff::create))
        .service(get("/staff/consultations/{slug}/stands/affiches", staff::posters_page))
        .service(get("/staff/consultations/{slug}/stands/affiches.pdf", staff::posters_pdf_all))
        .service(get_post("/staff/stands/{id}", staff::edit_form, staff::update))
        .service(get("/staff/stands/{id}/affiche", staff::poster_page))
        .service(get("/staff/stands/{id}/affiche.pdf", staff::poster_pdf))
        .service(post("/staff/stands/{id}/revoquer", staff::revoke))
        .service(post("/staff/stands/{id}/retablir", staff::restore));
}

/// The API routes of the treasure hunt, inside the `/api` scope.
pub fn register_api(cfg: &mut web::ServiceConfig) {
    cfg.service(get("/v1/consultations/{slug}/stands", api::list))
        .service(post("/v1/stands/{code}/ideas", api::leave_idea));
}
