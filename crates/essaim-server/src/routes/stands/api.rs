//! The treasure hunt in the JSON API: a consultation's circuit, and an idea left at a stand
//! with the same rules as the page (pending moderation, once per key, limited per device and
//! per address: 429 `rate_limited` with `Retry-After`).

use actix_web::{web, HttpRequest, HttpResponse};
use essaim_core::domain::consultation::{find_consultation, themes_of};
use essaim_workshops::stands::ideas::{leave_idea as leave, IdeaForm, IdeaOutcome, Sender};
use essaim_workshops::stands::{active_stands_of, stand_by_code};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::error::{ApiErrorBody, AppError};
use crate::routes::api::schemas;
use crate::routes::ThemeView;

/// A stand of the circuit.
#[derive(Debug, Serialize, ToSchema)]
pub struct StandView {
    /// The short code of its address (`/s/{code}`).
    pub code: String,
    /// Its absolute address (what its poster's QR code encodes).
    pub address: String,
    /// Its place on the circuit, from 1.
    pub position: i32,
    /// The ESS experience shown.
    pub title: String,
    /// The organisation presenting it.
    pub organisation: String,
    /// What visitors read there.
    pub description: String,
    /// Where it stands, in words (may be empty).
    pub location: String,
    /// Its theme.
    pub theme: ThemeView,
}

/// `GET /api/v1/consultations/{slug}/stands`
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/stands", tag = "stands",
    params(("slug" = String, Path, description = "La consultation")),
    responses(
        (status = 200, description = "Les stands du circuit, dans l'ordre (les stands révoqués n'y sont pas)", body = [StandView]),
        (status = 404, description = "Consultation inconnue", body = ApiErrorBody)))]
pub async fn list(state: web::Data<AppState>, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let base_url = state.config.base_url.clone();
    let views = state
        .db(move |conn| -> Result<Vec<StandView>, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let themes = themes_of(conn, consultation.id)?;
            Ok(active_stands_of(conn, consultation.id)?
                .into_iter()
                .map(|s| {
                    let theme = themes.iter().find(|t| t.id == s.theme_id);
                    StandView {
                        address: s.address(&base_url),
                        code: s.code,
                        position: s.position,
                        title: s.title,
                        organisation: s.organisation,
                        description: s.description,
                        location: s.location,
                        theme: ThemeView {
                            position: theme.map(|t| t.position).unwrap_or(0),
                            title: theme.map(|t| t.title.clone()).unwrap_or_default(),
                        },
                    }
                })
                .collect())
        })
        .await?;
    Ok(HttpResponse::Ok().json(views))
}

/// An idea left at a stand.
#[derive(Debug, Deserialize, ToSchema)]
pub struct IdeaRequest {
    /// `constat`, `proposition`, `experience` or `question`.
    #[schema(schema_with = schemas::contribution_kind)]
    pub kind: String,
    /// The text (20,000 characters at most).
    #[schema(schema_with = schemas::contribution_body)]
    pub body: String,
    /// The organisation one speaks for.
    #[serde(default)]
    #[schema(schema_with = schemas::organisation)]
    pub organisation: String,
    /// The code of a territory of the consultation (`44`…).
    #[serde(default)]
    #[schema(schema_with = schemas::territory)]
    pub territory: String,
    /// A key made by the client for this idea: the same key again records nothing new.
    #[serde(default)]
    #[schema(schema_with = schemas::idea_key)]
    pub idempotency_key: String,
    /// A random id the client keeps for the device, for the per-device limit.
    #[serde(default)]
    pub device_id: String,
}

/// An idea received.
#[derive(Debug, Serialize, ToSchema)]
pub struct IdeaReceived {
    /// The contribution's reference.
    pub id: String,
    /// The stand's code.
    pub stand: String,
    /// `pending`: waiting for a moderator.
    pub status: String,
    /// True when an earlier request with the same key recorded it.
    pub replayed: bool,
}

/// `POST /api/v1/stands/{code}/ideas`
#[utoipa::path(post, path = "/api/v1/stands/{code}/ideas", tag = "stands",
    params(("code" = String, Path, description = "Le code court du stand")),
    request_body = IdeaRequest,
    responses(
        (status = 201, description = "Idée enregistrée, en attente de modération", body = IdeaReceived),
        (status = 200, description = "Déjà enregistrée avec cette clé", body = IdeaReceived),
        (status = 404, description = "Code inconnu ou révoqué", body = ApiErrorBody),
        (status = 409, description = "Clé déjà utilisée pour une autre idée", body = ApiErrorBody),
        (status = 422, description = "Idée refusée, champ par champ (`invalid_input`) : un territoire qui n'est pas de la consultation", body = ApiErrorBody),
        (status = 429, description = "Trop d'envois depuis cet appareil ou cette adresse (`rate_limited`, en-tête Retry-After)", body = ApiErrorBody)))]
pub async fn leave_idea(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    body: web::Json<IdeaRequest>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let body = body.into_inner();
    let sender = Sender { device: body.device_id.clone(), address: state.client_pseudonym(&req).await? };
    let form = IdeaForm {
        kind: body.kind,
        body: body.body,
        organisation: body.organisation,
        territory: body.territory,
        idempotency_key: body.idempotency_key,
    };
    let (stand, outcome) = state
        .db(move |conn| -> Result<_, AppError> {
            let stand = stand_by_code(conn, &code)?;
            let outcome = leave(conn, &stand, &form, &sender)?;
            Ok((stand, outcome))
        })
        .await?;
    match outcome {
        IdeaOutcome::Recorded { contribution, again } => {
            let view = IdeaReceived {
                id: contribution.id.to_string(),
                stand: stand.code,
                status: contribution.moderation_status.as_str().to_owned(),
                replayed: again,
            };
            Ok(if again { HttpResponse::Ok().json(view) } else { HttpResponse::Created().json(view) })
        }
        IdeaOutcome::Limited { retry_after_secs } => Err(AppError::RateLimited(retry_after_secs)),
    }
}
