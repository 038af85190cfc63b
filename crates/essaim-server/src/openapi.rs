//! The OpenAPI 3 description of the JSON API, generated from the handlers (utoipa).

use utoipa::openapi::content::Content;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::response::{Response, ResponseBuilder};
use utoipa::openapi::{ObjectBuilder, Ref, RefOr, Type};
use utoipa::{Modify, OpenApi};

use crate::error::{ApiErrorBody, ApiErrorDetail};
use crate::routes::{ConsultationDetail, ConsultationSummary, Health, PhaseView, TerritoryView, ThemeView};

#[derive(OpenApi)]
#[openapi(
    modifiers(&CommonAnswers),
    info(
        title = "Essaim API",
        description = "API de la plateforme de consultation Essaim. Les erreurs ont la forme {\"error\": {\"code\", \"message\"}} ; le code est stable. Les caractères de contrôle (sauf tabulation et sauts de ligne) et les forçages bidirectionnels (U+202A–U+202E, U+2066–U+2069) sont retirés de tout texte reçu avant toute vérification, longueurs comprises."
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

/// The answers that come from the layers every operation goes through rather than from its
/// handler, added here once so that no operation — including one added later — forgets them:
/// the database (503), actix's JSON extractor (400, 413, 415, 422 for a body that is not the
/// schema's), the path extractor (404 for a parameter that names nothing), and the throttles
/// of the anonymous writes (429). An operation that states one of them keeps its own wording.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let mut seen_ids = std::collections::BTreeSet::new();
        for item in doc.paths.paths.values_mut() {
            for (method, operation) in operations_mut(item) {
                add_common_answers(method, operation);
                // One handler may serve two methods (a vote is PUT or POST): each operation
                // still needs its own id (OpenAPI requires them unique).
                if let Some(id) = operation.operation_id.as_mut() {
                    if !seen_ids.insert(id.clone()) {
                        id.push('_');
                        id.push_str(method);
                        seen_ids.insert(id.clone());
                    }
                }
            }
        }
    }
}

fn operations_mut(item: &mut PathItem) -> Vec<(&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("patch", item.patch.as_mut()),
    ]
    .into_iter()
    .filter_map(|(method, operation)| operation.map(|o| (method, o)))
    .collect()
}

fn add_common_answers(method: &str, operation: &mut Operation) {
    let has_path_parameter = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p.parameter_in, utoipa::openapi::path::ParameterIn::Path));
    let anonymous = !operation.responses.responses.contains_key("401");
    let writes = method != "get";
    let responses = &mut operation.responses.responses;
    let mut add = |status: &str, response: Response| {
        responses.entry(status.to_owned()).or_insert_with(|| RefOr::T(response));
    };
    if has_path_parameter {
        add("404", error("Adresse inconnue : un paramètre du chemin ne désigne rien (`not_found`)", false));
    }
    if operation.request_body.is_some() {
        add("400", error("Corps illisible : JSON mal formé ou interrompu (`bad_request`)", false));
        add("413", error("Corps de plus de 64 Kio (`payload_too_large`)", false));
        add("415", error("Corps absent ou d'un autre type que `application/json` (`unsupported_media_type`)", false));
        add("422", error("Corps JSON qui ne suit pas le schéma (`invalid_input`, champ `body`)", false));
    }
    if writes && anonymous {
        add(
            "429",
            error(
                "Trop d'envois depuis ce client (`rate_limited`) : réessayer après le délai de l'en-tête Retry-After ; rien n'est enregistré",
                true,
            ),
        );
    }
    add(
        "503",
        error(
            "Base de données injoignable ou saturée (`database_unavailable`, `service_unavailable`) : réessayer après le délai de l'en-tête Retry-After ; rien n'est perdu de ce qui a été accepté",
            true,
        ),
    );
}

/// A JSON error answer (`ApiErrorBody`), with `Retry-After` when the client is to wait.
fn error(description: &str, retry_after: bool) -> Response {
    let mut response = ResponseBuilder::new()
        .description(description)
        .content("application/json", Content::new(Some(Ref::from_schema_name("ApiErrorBody"))));
    if retry_after {
        response = response.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1)))
                .description(Some("Secondes à attendre avant de réessayer"))
                .build(),
        );
    }
    response.build()
}

/// The document served at `/api/openapi.json`.
pub fn document() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}
