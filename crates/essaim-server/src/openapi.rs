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
    paths(
        crate::routes::api::healthz,
        crate::routes::api::list_consultations,
        crate::routes::api::get_consultation,
        crate::routes::api::questionnaire::definition,
        crate::routes::api::questionnaire::submit_response,
        crate::routes::api::questionnaire::start_draft,
        crate::routes::api::questionnaire::get_draft,
        crate::routes::api::questionnaire::save_draft_section,
        crate::routes::api::questionnaire::submit_draft
    ),
    components(schemas(
        Health,
        ConsultationSummary,
        ConsultationDetail,
        ThemeView,
        PhaseView,
        ApiErrorBody,
        ApiErrorDetail,
        TerritoryView,
        crate::routes::api::questionnaire::QuestionnaireView,
        crate::routes::api::questionnaire::WholeResponse,
        crate::routes::api::questionnaire::SubmittedView,
        crate::routes::api::questionnaire::DraftStarted,
        crate::routes::api::questionnaire::DraftView,
        crate::routes::api::questionnaire::SectionSave,
        crate::routes::api::questionnaire::SectionSaved
    ))
)]
struct ApiDoc;

/// The document served at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
