//! The published strategy (docs/publication.md): the staff page that previews, publishes and
//! withdraws it (`staff`), the answers given to contributions and their reusable texts
//! (`answers`), and the public pages a visitor reads without an account (`public`). Every rule
//! is the synthesis' (`essaim_synthesis::publication`) or the core's
//! (`essaim_core::domain::publication`).

mod answers;
mod public;
mod staff;

use actix_web::web;

use super::{get, get_post, post};

/// Registers the publication's routes.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(get("/staff/consultations/{slug}/publication", staff::page))
        .service(post("/staff/consultations/{slug}/publication/publier", staff::publish))
        .service(post("/staff/consultations/{slug}/publication/retirer", staff::withdraw))
        .service(get_post("/staff/consultations/{slug}/reponses-types", answers::texts_page, answers::add_text))
        .service(post("/staff/consultations/{slug}/reponses-types/{id}", answers::save_text))
        .service(post("/staff/consultations/{slug}/reponses-types/{id}/supprimer", answers::delete_text))
        .service(post("/staff/contributions/{id}/reponse", answers::answer_one))
        .service(post("/staff/orientations/{id}/reponses", answers::answer_orientation))
        .service(get("/consultations/{slug}/strategie", public::strategy))
        .service(get("/consultations/{slug}/strategie/orientations/{id}", public::orientation))
        .service(get("/consultations/{slug}/strategie/telecharger/{format}", public::download));
}
