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
        crate::routes::api::questionnaire::submit_draft,
        crate::routes::stands::api::list,
        crate::routes::stands::api::leave_idea,
        crate::routes::workshops::api::list_entries,
        crate::routes::workshops::api::post_entry,
        crate::routes::plenary::api::plenary,
        crate::routes::plenary::api::new_device,
        crate::routes::plenary::api::vote,
        crate::routes::plenary::api::tally
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
        crate::routes::api::questionnaire::SectionSaved,
        crate::routes::stands::api::StandView,
        crate::routes::stands::api::IdeaRequest,
        crate::routes::stands::api::IdeaReceived,
        crate::routes::workshops::api::EntryView,
        crate::routes::workshops::api::EntryList,
        crate::routes::workshops::api::NewEntry,
        crate::routes::plenary::api::TallyView,
        crate::routes::plenary::api::OpenVote,
        crate::routes::plenary::api::PlenaryView,
        crate::routes::plenary::api::DeviceIssued,
        crate::routes::plenary::api::VoteRequest,
        crate::routes::plenary::api::VoteView
    ))
)]
struct ApiDoc;

/// The document served at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
