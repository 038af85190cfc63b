//! The questionnaire's editor, for administrators (they set a questionnaire up, PRODUCT.md;
//! staff follow it): the sections and their questions in order, and one plain form per change
//! (add, edit, move, delete), working without JavaScript. Every change goes through `essaim_contributions::questionnaire::editor` (the import's rules, field by
//! field), on the unpublished version or a new one after the published (which stays frozen).
//! A refused form comes back with its messages and everything typed; nothing is stored.

mod fields;
mod general;
mod list;
mod questions;
mod sections;

use actix_web::http::header;
use actix_web::HttpResponse;
use essaim_contributions::questionnaire::editor::{edit, editor_state, Edit, Edited, EditorState};
use essaim_core::domain::consultation::find_consultation;
use essaim_core::{CoreError, ValidationErrors};

use crate::app::AppState;
use crate::error::AppError;

pub use general::{general_form, general_save};
pub use list::index;
pub use questions::{
    add_question, confirm_delete_question, delete_question, move_question, new_question_form, question_form,
    update_question,
};
pub use sections::{
    add_section, confirm_delete_section, delete_section, move_section, new_section_form, section_form, update_section,
};

fn editor_path(slug: &str) -> String {
    format!("/staff/consultations/{slug}/questionnaire/editeur")
}

/// What every page of the editor says about the version: which one is edited, and that
/// respondents see nothing of it before it is published.
fn version_notice(state: &EditorState) -> String {
    match (state.latest, state.published) {
        (None, _) => "Ce questionnaire n'existe pas encore : donnez-lui un titre et une première section.".into(),
        (Some((n, true)), _) => format!(
            "La version {n} est publiée : elle est figée, et les réponses déjà commencées la gardent. Votre première modification crée la version {}, non publiée ; les répondants voient la version {n} tant que la nouvelle n'est pas publiée.",
            n + 1
        ),
        (Some((n, false)), Some(p)) => format!(
            "Vous modifiez la version {n}, non publiée. Les répondants voient la version {p} tant que celle-ci n'est pas publiée (page Questionnaire, par un administrateur)."
        ),
        (Some((n, false)), None) => format!(
            "Vous modifiez la version {n}, non publiée : personne ne peut encore y répondre. Elle se publie depuis la page Questionnaire (par un administrateur)."
        ),
    }
}

/// The consultation's title and the editor's view of its questionnaire.
async fn load(state: &AppState, slug: &str) -> Result<(String, EditorState), AppError> {
    let slug = slug.to_owned();
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            Ok((consultation.title, editor_state(conn, consultation.id)?))
        })
        .await
}

/// Applies a change; a refusal comes back as its field errors.
async fn apply(
    state: &AppState,
    slug: &str,
    change: Edit,
    actor: essaim_core::db::Id,
) -> Result<Result<Edited, ValidationErrors>, AppError> {
    let slug = slug.to_owned();
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            match edit(conn, consultation.id, &change, Some(actor)) {
                Ok(edited) => Ok(Ok(edited)),
                Err(CoreError::Validation(errors)) => Ok(Err(errors)),
                Err(other) => Err(other.into()),
            }
        })
        .await
}

/// Back to the editor's list after a change, at what changed.
fn done(slug: &str, code: &str, edited: &Edited, anchor: Option<String>) -> HttpResponse {
    let code = if edited.changed { code } else { "inchange" };
    let mut location = format!("{}?fait={code}", editor_path(slug));
    if let Some(version) = edited.version.as_ref().filter(|_| edited.new_version) {
        location.push_str(&format!("&version={}", version.number));
    }
    if let Some(anchor) = anchor {
        location.push('#');
        location.push_str(&anchor);
    }
    HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish()
}
