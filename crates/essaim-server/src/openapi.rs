//! The OpenAPI 3 description of the JSON API, generated from the handlers (utoipa).

use utoipa::OpenApi;

use crate::error::{ApiErrorBody, ApiErrorDetail};
use crate::routes::{ConsultationDetail, ConsultationSummary, Health, PhaseView, TerritoryView, ThemeView};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Essaim API",
        description = "API de la plateforme de consultation Essaim. Les erreurs ont la forme {\"error\": {\"code\", \"message\"}} ; le code est stable."
    ),
    paths(crate::routes::api::healthz, crate::routes::api::list_consultations, crate::routes::api::get_consultation),
    components(schemas(
        Health,
        ConsultationSummary,
        ConsultationDetail,
        ThemeView,
        PhaseView,
        ApiErrorBody,
        ApiErrorDetail,
        TerritoryView
    ))
)]
struct ApiDoc;

/// The document served at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
