//! What staff do to draft orientations: rename and rewrite, merge, discard, add, split, move.
//! Each action is one call to the synthesis module; a refusal shows the page again with the
//! French message (422), an unknown orientation is 404.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use essaim_core::db::Id;
use essaim_core::domain::orientation::orientation_in_context;
use essaim_synthesis::drafts::{self, DraftError};
use serde::Deserialize;

use super::orientation::orientation_page;
use super::theme::theme_page;
use super::{theme_address, theme_of};
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, NoFields, Staff};

fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

/// Where an orientation sits: its consultation's slug and its theme's position.
async fn place_of(state: &AppState, id: Id) -> Result<(String, i32), AppError> {
    state
        .db(move |conn| -> Result<_, AppError> {
            let context = orientation_in_context(conn, id)?;
            Ok((context.consultation_slug, context.theme_position))
        })
        .await
}

/// After a change: back to the theme page with its notice, or the page again with the refusal.
async fn after_change(
    req: &HttpRequest,
    state: &AppState,
    outcome: Result<(), DraftError>,
    (slug, position): (&str, i32),
    done: &str,
) -> Result<HttpResponse, AppError> {
    match outcome {
        Ok(()) => Ok(see_other(format!("{}?fait={done}", theme_address(slug, position)))),
        Err(e @ (DraftError::Invalid(_) | DraftError::Synthesis(_))) => {
            let message = drafts::user_message(&e);
            theme_page(req, state, (slug, position), None, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

/// The edit form.
#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// `POST /staff/orientations/{id}/edit`
pub async fn edit_orientation(
    req: HttpRequest,
    Staff(actor): Staff,
    state: web::Data<AppState>,
    id: web::Path<Id>,
    form: CsrfForm<EditForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (slug, position) = place_of(&state, id).await?;
    let form = form.into_inner();
    let outcome = state.db(move |conn| drafts::edit(conn, id, &form.title, &form.body, actor.id)).await;
    after_change(&req, &state, outcome, (&slug, position), "modifiee").await
}

/// The merge and move forms.
#[derive(Deserialize)]
pub struct TargetForm {
    #[serde(default)]
    target: String,
}

/// `POST /staff/orientations/{id}/merge`
pub async fn merge_orientation(
    req: HttpRequest,
    Staff(actor): Staff,
    state: web::Data<AppState>,
    id: web::Path<Id>,
    form: CsrfForm<TargetForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (slug, position) = place_of(&state, id).await?;
    let target: Id = form.target.parse().map_err(|_| AppError::invalid("target", "Choisissez une orientation."))?;
    let outcome = state.db(move |conn| drafts::merge(conn, id, target, actor.id)).await;
    after_change(&req, &state, outcome, (&slug, position), "fusionnee").await
}

/// `POST /staff/orientations/{id}/discard`
pub async fn discard_orientation(
    req: HttpRequest,
    Staff(actor): Staff,
    state: web::Data<AppState>,
    id: web::Path<Id>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (slug, position) = place_of(&state, id).await?;
    let outcome = state.db(move |conn| drafts::discard(conn, id, actor.id)).await;
    after_change(&req, &state, outcome, (&slug, position), "ecartee").await
}

/// `POST /staff/orientations/{id}/split-stances`: the contributions on the second of two
/// opposite stances become a new orientation.
pub async fn split_stances(
    req: HttpRequest,
    Staff(actor): Staff,
    state: web::Data<AppState>,
    id: web::Path<Id>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (slug, position) = place_of(&state, id).await?;
    let outcome = state.db(move |conn| drafts::split_stances(conn, id, actor.id).map(|_| ())).await;
    after_change(&req, &state, outcome, (&slug, position), "positions-separees").await
}

/// `POST /staff/consultations/{slug}/synthese/{position}/orientations`: adds one by hand.
pub async fn add_orientation(
    req: HttpRequest,
    Staff(actor): Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
    form: CsrfForm<EditForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, position) = path.into_inner();
    let (consultation, theme) = theme_of(&state, &slug, position).await?;
    let form = form.into_inner();
    let outcome = state
        .db(move |conn| drafts::add(conn, consultation, theme.id, &form.title, &form.body, actor.id).map(|_| ()))
        .await;
    after_change(&req, &state, outcome, (&slug, position), "ajoutee").await
}

/// The split form: the checked contributions (a repeated field) and the new title.
#[derive(Deserialize)]
pub struct SplitForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    contribution: Vec<String>,
}

/// `POST /staff/orientations/{id}/split`: the checked contributions become a new orientation.
pub async fn split_orientation(
    req: HttpRequest,
    Staff(actor): Staff,
    state: web::Data<AppState>,
    id: web::Path<Id>,
    form: CsrfForm<SplitForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (slug, position) = place_of(&state, id).await?;
    let form = form.into_inner();
    let chosen = form
        .contribution
        .iter()
        .map(|raw| raw.parse::<Id>())
        .collect::<Result<Vec<Id>, _>>()
        .map_err(|_| AppError::BadRequest("contribution illisible".into()))?;
    match state.db(move |conn| drafts::split(conn, id, &chosen, &form.title, actor.id)).await {
        Ok(_) => Ok(see_other(format!("{}?fait=scindee", theme_address(&slug, position)))),
        Err(e @ DraftError::Invalid(_)) => {
            let message = drafts::user_message(&e);
            orientation_page(&req, &state, id, None, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST /staff/contributions/{id}/move`
pub async fn move_contribution(
    req: HttpRequest,
    Staff(actor): Staff,
    state: web::Data<AppState>,
    id: web::Path<Id>,
    form: CsrfForm<TargetForm>,
) -> Result<HttpResponse, AppError> {
    let contribution = id.into_inner();
    let target: Id = form.target.parse().map_err(|_| AppError::NotFound)?;
    let (slug, position) = place_of(&state, target).await?;
    let outcome = state.db(move |conn| drafts::move_contribution(conn, contribution, target, actor.id)).await;
    after_change(&req, &state, outcome, (&slug, position), "deplacee").await
}
