//! Online contributions, outside the questionnaire: the public form of each theme and its
//! confirmation, the public page of a theme's accepted contributions, and the moderation
//! queue for staff (docs/online-contributions.md).

mod moderation;
mod public;

use actix_web::web;
use essaim_core::db::DbConnection;
use essaim_core::domain::consultation::{find_consultation, themes_of, Consultation, Theme};

use super::{get, get_post, post};
use crate::error::AppError;

/// The routes of online contributions.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(get_post("/consultations/{slug}/contribuer/{position}", public::form, public::send))
        .service(get("/consultations/{slug}/contribuer/{position}/merci", public::thanks))
        .service(get("/consultations/{slug}/contributions/{position}", public::accepted))
        .service(get("/staff/consultations/{slug}/moderation", moderation::queue))
        .service(post("/staff/consultations/{slug}/moderation/selection", moderation::selection))
        .service(post("/staff/consultations/{slug}/moderation/{id}/accepter", moderation::accept))
        .service(post("/staff/consultations/{slug}/moderation/{id}/rejeter", moderation::reject))
        .service(post("/staff/consultations/{slug}/moderation/{id}/doublon", moderation::duplicate));
}

/// A consultation and its theme at `position` (1 to 5); anything else is not found.
fn consultation_theme(conn: &mut DbConnection, slug: &str, position: &str) -> Result<(Consultation, Theme), AppError> {
    let consultation = find_consultation(conn, slug)?;
    let position: i32 = position.parse().map_err(|_| AppError::NotFound)?;
    let theme =
        themes_of(conn, consultation.id)?.into_iter().find(|t| t.position == position).ok_or(AppError::NotFound)?;
    Ok((consultation, theme))
}
