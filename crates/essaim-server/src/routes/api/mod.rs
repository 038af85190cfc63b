//! The JSON API (`/api/v1`), `/healthz` and the OpenAPI document.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use essaim_core::domain::consultation::{find_visible_consultation, phases_of, territories_of, themes_of};
use serde::Serialize;
use utoipa::ToSchema;

pub mod questionnaire;
pub mod schemas;

use crate::app::AppState;
use crate::error::{ApiErrorBody, AppError};

/// Service health.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the database answers.
    pub status: &'static str,
    /// `sqlite` or `postgresql`.
    pub backend: &'static str,
    /// Software version.
    pub version: &'static str,
}

/// `GET /healthz`
#[utoipa::path(get, path = "/healthz", tag = "service", responses(
    (status = 200, description = "Le service et sa base répondent", body = Health),
    (status = 500, description = "La base ne répond pas", body = ApiErrorBody)))]
pub async fn healthz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let backend = state.config.database_url.backend().as_str();
    state.db(|conn| essaim_core::db::ping(conn).map_err(AppError::from)).await?;
    Ok(HttpResponse::Ok().json(Health { status: "ok", backend, version: essaim_core::VERSION }))
}

/// A consultation in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationSummary {
    /// Short name used in addresses.
    pub slug: String,
    /// Title.
    pub title: String,
    /// Région.
    pub region: String,
    /// First day.
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
}

/// A theme.
#[derive(Debug, Serialize, ToSchema)]
pub struct ThemeView {
    /// Order, from 1.
    pub position: i32,
    /// Exact wording.
    pub title: String,
}

/// A phase.
#[derive(Debug, Serialize, ToSchema)]
pub struct PhaseView {
    /// Order, from 1.
    pub position: i32,
    /// Code: `launch_workshops`, `questionnaire`, `conference`, `plenary_part1`, `treasure_hunt`, `plenary_part2`, `synthesis`, `publication`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// First day.
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
    /// Place.
    pub location: Option<String>,
}

/// A territory.
#[derive(Debug, Serialize, ToSchema)]
pub struct TerritoryView {
    /// Official code.
    pub code: String,
    /// Name.
    pub name: String,
}

/// One consultation with its themes, phases and territories.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationDetail {
    /// Summary fields.
    #[serde(flatten)]
    pub summary: ConsultationSummary,
    /// Presentation.
    pub description: String,
    /// Themes, in order.
    pub themes: Vec<ThemeView>,
    /// Phases, in order.
    pub phases: Vec<PhaseView>,
    /// Territories, by code.
    pub territories: Vec<TerritoryView>,
}

fn summary(c: &essaim_core::domain::Consultation) -> ConsultationSummary {
    ConsultationSummary {
        slug: c.slug.clone(),
        title: c.title.clone(),
        region: c.region.clone(),
        starts_on: c.starts_on,
        ends_on: c.ends_on,
    }
}

/// `GET /api/v1/consultations`
#[utoipa::path(get, path = "/api/v1/consultations", tag = "consultations", responses(
    (status = 200, description = "Toutes les consultations", body = [ConsultationSummary])))]
pub async fn list_consultations(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let consultations =
        state.db(|conn| essaim_core::domain::consultation::public_consultations(conn).map_err(AppError::from)).await?;
    Ok(HttpResponse::Ok().json(consultations.iter().map(summary).collect::<Vec<_>>()))
}

/// `GET /api/v1/consultations/{slug}`
#[utoipa::path(get, path = "/api/v1/consultations/{slug}", tag = "consultations",
    params(("slug" = String, Path, description = "Identifiant court de la consultation")),
    responses(
        (status = 200, description = "La consultation", body = ConsultationDetail),
        (status = 404, description = "Consultation inconnue", body = ApiErrorBody)))]
pub async fn get_consultation(state: web::Data<AppState>, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let detail = state
        .db(move |conn| -> Result<_, AppError> {
            // The API is anonymous: a draft is not found.
            let c = find_visible_consultation(conn, &slug, false)?;
            let themes = themes_of(conn, c.id)?;
            let phases = phases_of(conn, c.id)?;
            let territories = territories_of(conn, c.id)?;
            Ok(ConsultationDetail {
                summary: summary(&c),
                description: c.description,
                themes: themes.into_iter().map(|t| ThemeView { position: t.position, title: t.title }).collect(),
                phases: phases
                    .into_iter()
                    .map(|p| PhaseView {
                        position: p.position,
                        kind: p.kind.as_str().to_owned(),
                        title: p.title,
                        starts_on: p.starts_on,
                        ends_on: p.ends_on,
                        location: p.location,
                    })
                    .collect(),
                territories: territories.into_iter().map(|t| TerritoryView { code: t.code, name: t.name }).collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// `GET /api/openapi.json`
pub async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(crate::openapi::document())
}
