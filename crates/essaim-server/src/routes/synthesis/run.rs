//! `POST …/synthese/{position}/run`: small themes are grouped while the request waits; large
//! ones become a job that a worker of any server runs. Either way, one run per theme at a
//! time across every server: a second gets 409.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use essaim_core::domain::contribution::moderation_counts;
use essaim_synthesis::drafts::{self, DraftError};
use essaim_synthesis::pipeline::Params;

use super::theme::theme_page;
use super::{theme_address, theme_of};
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, NoFields, Staff};

/// Runs (or queues) the synthesis of a theme.
pub async fn run_theme(
    req: HttpRequest,
    Staff(actor): Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (slug, position) = path.into_inner();
    let (consultation, theme) = theme_of(&state, &slug, position).await?;
    let background_from = state.background_from;
    let outcome = state
        .db(move |conn| -> Result<&'static str, DraftError> {
            let size =
                usize::try_from(moderation_counts(conn, consultation, Some(theme.id))?.accepted).unwrap_or(usize::MAX);
            if size >= background_from {
                drafts::queue_run(conn, consultation, theme.id, &theme.title, &Params::default(), Some(actor.id))?;
                Ok("lancee")
            } else {
                drafts::run_now(conn, consultation, theme.id, &theme.title, &Params::default(), Some(actor.id))?;
                Ok("synthese")
            }
        })
        .await;
    let address = (slug.as_str(), position);
    match outcome {
        Ok(done) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{}?fait={done}", theme_address(&slug, position))))
            .finish()),
        Err(DraftError::Busy) => {
            let message = "Une synthèse de ce thème est déjà en cours : attendez qu'elle se termine.".to_owned();
            theme_page(&req, &state, address, None, Some(message), StatusCode::CONFLICT).await
        }
        Err(e @ (DraftError::Invalid(_) | DraftError::Synthesis(_))) => {
            let message = drafts::user_message(&e);
            theme_page(&req, &state, address, None, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}
