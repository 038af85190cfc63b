//! Staff pages of the synthesis: run it per theme, then edit the draft orientations, then
//! export the draft strategy. Every page reads through the core's counting queries, so a
//! theme of national size (150,000 contributions) stays a page that answers at once.

mod edit;
mod export;
mod orientation;
mod overview;
mod run;
mod theme;

use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{find_consultation, themes_of, Consultation};
use essaim_core::domain::Theme;

use crate::app::AppState;
use crate::error::AppError;

pub use edit::{
    add_orientation, discard_orientation, edit_orientation, merge_orientation, move_contribution, split_orientation,
    split_stances,
};
pub use export::export_drafts;
pub use orientation::orientation_view;
pub use overview::overview;
pub use run::run_theme;
pub use theme::theme_view;

/// A consultation's theme by its position, or 404.
fn find_theme(conn: &mut DbConnection, slug: &str, position: i32) -> Result<(Consultation, Theme), AppError> {
    let consultation = find_consultation(conn, slug)?;
    let theme =
        themes_of(conn, consultation.id)?.into_iter().find(|t| t.position == position).ok_or(AppError::NotFound)?;
    Ok((consultation, theme))
}

async fn theme_of(state: &AppState, slug: &str, position: i32) -> Result<(Id, Theme), AppError> {
    let slug = slug.to_owned();
    state.db(move |conn| find_theme(conn, &slug, position).map(|(c, t)| (c.id, t))).await
}

fn theme_address(slug: &str, position: i32) -> String {
    format!("/staff/consultations/{slug}/synthese/{position}")
}
