//! The questionnaire through the API: the definition, a draft saved section by section, and
//! submission — whole, with an idempotency key, or of a draft. The same rules as the pages.

use essaim_core::db::Lane;
use std::collections::BTreeMap;

use actix_web::{web, HttpRequest, HttpResponse};
use essaim_contributions::questionnaire::answers::Answers;
use essaim_contributions::questionnaire::responses::{
    prepare_whole, response_for_link, save_section, start_public_with_link, store_whole, submit_in, InvitationState,
    PreparedResponse, Response, Saved, SubmitContext, Submitted,
};
use essaim_contributions::questionnaire::store::{published_version, questionnaire_of, QuestionnaireStatus};
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::find_consultation;
use essaim_core::error::CoreError;
use essaim_core::mail::limits::Requester;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::app::AppState;
use crate::error::{ApiErrorBody, AppError};

/// The questionnaire of a consultation, as answers are taken on.
#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionnaireView {
    /// The version answers are recorded against.
    pub version: i32,
    /// Whether it takes answers now.
    pub open: bool,
    /// The definition (docs/questionnaire-json.md).
    #[schema(value_type = Object)]
    pub definition: serde_json::Value,
}

fn questionnaire_id(conn: &mut DbConnection, slug: &str) -> Result<(Id, QuestionnaireStatus), AppError> {
    let consultation = find_consultation(conn, slug)?;
    let questionnaire = questionnaire_of(conn, consultation.id)?.ok_or(AppError::NotFound)?;
    Ok((questionnaire.id, questionnaire.status))
}

/// `GET /api/v1/consultations/{slug}/questionnaire`
#[utoipa::path(get, path = "/api/v1/consultations/{slug}/questionnaire", tag = "questionnaire",
    params(("slug" = String, Path, description = "La consultation")),
    responses(
        (status = 200, description = "La définition publiée", body = QuestionnaireView),
        (status = 404, description = "Pas de questionnaire publié", body = ApiErrorBody)))]
pub async fn definition(state: web::Data<AppState>, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let view = state
        .db(move |conn| -> Result<QuestionnaireView, AppError> {
            let (questionnaire, status) = questionnaire_id(conn, &slug)?;
            let version = published_version(conn, questionnaire)?.ok_or(AppError::NotFound)?;
            Ok(QuestionnaireView {
                version: version.number,
                open: status == QuestionnaireStatus::Open,
                definition: serde_json::from_str(&version.definition).unwrap_or_default(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A response sent whole.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WholeResponse {
    /// The client's key: the same key again returns the same response, never a second one.
    #[schema(schema_with = super::schemas::submit_key)]
    pub idempotency_key: String,
    /// Field name → values (docs/questionnaire-json.md, « Réponses »). What is required and
    /// allowed is the published definition's (`GET …/questionnaire`), which a schema cannot
    /// state: a response that does not meet it is refused in 422, field by field.
    pub answers: BTreeMap<String, Vec<String>>,
    /// Where the copy of the answers goes (optional).
    #[serde(default)]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
}

/// A submitted response.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedView {
    /// The response.
    pub id: String,
    /// Always `submitted`.
    pub status: &'static str,
    /// Contributions its open answers recorded.
    pub contributions: usize,
    /// Submitted by an earlier call with the same key (or the same draft).
    pub replayed: bool,
    /// An address was given but the copy of the answers was not mailed to it: too many mails
    /// to that address, or asked by this client, in the hour. The response is stored.
    pub mail_withheld: bool,
}

fn submitted(s: &Submitted) -> HttpResponse {
    let body = SubmittedView {
        id: s.response.id.to_string(),
        status: "submitted",
        contributions: s.contributions.len(),
        replayed: !s.first_time,
        mail_withheld: s.mail_withheld,
    };
    if s.first_time {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    }
}

/// `POST /api/v1/consultations/{slug}/questionnaire/responses`: a complete response.
/// Acknowledged once durable, through the group commit.
#[utoipa::path(post, path = "/api/v1/consultations/{slug}/questionnaire/responses", tag = "questionnaire",
    params(("slug" = String, Path, description = "La consultation")),
    request_body = WholeResponse,
    responses(
        (status = 201, description = "Réponse enregistrée", body = SubmittedView),
        (status = 200, description = "Déjà enregistrée avec cette clé", body = SubmittedView),
        (status = 404, description = "Consultation inconnue, ou sans questionnaire", body = ApiErrorBody),
        (status = 409, description = "Questionnaire clos, ou clé déjà utilisée pour d'autres réponses", body = ApiErrorBody),
        (status = 422, description = "Réponses refusées, champ par champ (`invalid_input`) : clé ou adresse invalide, ou réponses qui ne suivent pas la définition publiée", body = ApiErrorBody)))]
pub async fn submit_response(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    body: web::Json<WholeResponse>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let body = body.into_inner();
    let base_url = state.config.base_url.clone();
    // The client counts against the limits of anonymous responses and mails (its pseudonym
    // is kept in memory after its first request).
    let requester = Requester(state.client_pseudonym(&req).await?);
    // Reading and checking on any pooled connection, in parallel; only the inserts go
    // through the group commit.
    let done = state
        .read_then_commit(
            Lane::of(&body.idempotency_key),
            move |conn| -> Result<PreparedResponse, AppError> {
                let consultation = find_consultation(conn, &slug)?;
                let questionnaire = questionnaire_of(conn, consultation.id)?.ok_or(AppError::NotFound)?;
                let answers = Answers(body.answers);
                Ok(prepare_whole(conn, &questionnaire, &answers, &body.idempotency_key, body.email.as_deref())?)
            },
            move |conn, prepared| -> Result<Submitted, AppError> {
                Ok(store_whole(conn, prepared, &SubmitContext { base_url: &base_url, requester: &requester })?)
            },
        )
        .await?;
    Ok(submitted(&done))
}

/// A draft just started.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftStarted {
    /// The draft's secret token: keep it, it is the only way back to the draft.
    pub token: String,
    /// Its revision (send it with each save).
    pub revision: i32,
}

/// `POST /api/v1/consultations/{slug}/questionnaire/drafts`: starts a draft.
#[utoipa::path(post, path = "/api/v1/consultations/{slug}/questionnaire/drafts", tag = "questionnaire",
    params(("slug" = String, Path, description = "La consultation")),
    responses((status = 201, description = "Brouillon créé", body = DraftStarted),
        (status = 404, description = "Consultation inconnue, ou sans questionnaire", body = ApiErrorBody),
        (status = 409, description = "Questionnaire clos", body = ApiErrorBody)))]
pub async fn start_draft(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let client = Requester(state.client_pseudonym(&req).await?);
    let started = state
        .db(move |conn| -> Result<DraftStarted, AppError> {
            let (questionnaire, _) = questionnaire_id(conn, &slug)?;
            let (response, token) = start_public_with_link(conn, questionnaire, &client)?;
            Ok(DraftStarted { token, revision: response.revision })
        })
        .await?;
    Ok(HttpResponse::Created().json(started))
}

/// A draft as stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftView {
    /// `draft` or `submitted`.
    pub status: &'static str,
    /// Its revision.
    pub revision: i32,
    /// Field name → values.
    pub answers: BTreeMap<String, Vec<String>>,
}

fn draft_view(response: &Response) -> DraftView {
    DraftView { status: response.status.as_str(), revision: response.revision, answers: response.stored().answers.0 }
}

/// The refusal for a sent anonymous response: its link reads and changes nothing.
fn sent_anonymously() -> AppError {
    AppError::Conflict(
        "Cette réponse est déjà envoyée ; le questionnaire est anonyme, elle ne peut plus être relue.".into(),
    )
}

fn response_of(conn: &mut DbConnection, token: &str) -> Result<Response, AppError> {
    match response_for_link(conn, token)? {
        Ok(InvitationState::Response(response)) => Ok(*response),
        Ok(InvitationState::SubmittedAnonymously) => Err(sent_anonymously()),
        Err(_) => Err(AppError::NotFound),
    }
}

/// `GET /api/v1/questionnaire/drafts/{token}`
#[utoipa::path(get, path = "/api/v1/questionnaire/drafts/{token}", tag = "questionnaire",
    params(("token" = String, Path, description = "Le jeton du brouillon ou de l'invitation")),
    responses((status = 200, description = "Le brouillon ; une réponse anonyme envoyée : `submitted`, sans réponses", body = DraftView),
        (status = 404, description = "Lien inconnu ou expiré", body = ApiErrorBody)))]
pub async fn get_draft(state: web::Data<AppState>, token: web::Path<String>) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let view = state
        .db(move |conn| -> Result<DraftView, AppError> {
            match response_for_link(conn, &token)? {
                Ok(InvitationState::Response(response)) => Ok(draft_view(&response)),
                // The confirmation only: no answer, no organisation, no revision to tie it to.
                Ok(InvitationState::SubmittedAnonymously) => {
                    Ok(DraftView { status: "submitted", revision: 0, answers: BTreeMap::new() })
                }
                Err(_) => Err(AppError::NotFound),
            }
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A section saved.
#[derive(Debug, Deserialize, ToSchema)]
pub struct SectionSave {
    /// The revision the client last read.
    #[serde(deserialize_with = "integral_revision")]
    #[schema(minimum = -2147483648_i64, maximum = 2147483647_i64)]
    pub revision: i32,
    /// The section's fields → values.
    pub answers: BTreeMap<String, Vec<String>>,
}

/// A revision as JSON has it: a number without a fractional part (`3` or `3.0`, the same
/// integer in JSON Schema; JavaScript clients may send either), within an `i32`.
fn integral_revision<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<i32, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    let value = number.as_i64().or_else(|| number.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64));
    value
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| serde::de::Error::custom(format!("révision {number} : un entier est attendu")))
}

/// What a save did.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionSaved {
    /// The draft's revision now.
    pub revision: i32,
    /// Questions another client changed since `revision`: their stored answer was kept.
    pub conflicts: Vec<String>,
}

/// `PUT /api/v1/questionnaire/drafts/{token}/sections/{section}`: saves one section (1-based).
#[utoipa::path(put, path = "/api/v1/questionnaire/drafts/{token}/sections/{section}", tag = "questionnaire",
    params(("token" = String, Path, description = "Le jeton"),
        ("section" = u32, Path, minimum = 1, description = "La page, à partir de 1")),
    request_body = SectionSave,
    responses((status = 200, description = "Enregistré", body = SectionSaved),
        (status = 404, description = "Lien inconnu ou expiré, ou page que le questionnaire n'a pas", body = ApiErrorBody),
        (status = 409, description = "Réponse déjà envoyée", body = ApiErrorBody)))]
pub async fn save_draft_section(
    state: web::Data<AppState>,
    path: web::Path<(String, usize)>,
    body: web::Json<SectionSave>,
) -> Result<HttpResponse, AppError> {
    let (token, section) = path.into_inner();
    let body = body.into_inner();
    let saved = state
        .db(move |conn| -> Result<SectionSaved, AppError> {
            let response = response_of(conn, &token)?;
            let section = section.checked_sub(1).ok_or(AppError::NotFound)?;
            let saved = save_section(conn, response.id, section, &Answers(body.answers), body.revision).map_err(
                |e| match e {
                    // The page is named by the path: one the questionnaire does not have is
                    // not found, as page 0 is, rather than a refused body.
                    CoreError::Validation(fields) if fields.0.iter().any(|f| f.field == "section") => {
                        AppError::NotFound
                    }
                    other => other.into(),
                },
            )?;
            match saved {
                Saved::Saved(r) => Ok(SectionSaved { revision: r.revision, conflicts: Vec::new() }),
                Saved::Conflict(r, conflicts) => Ok(SectionSaved { revision: r.revision, conflicts }),
                Saved::AlreadySubmitted(_) => Err(AppError::Conflict("Cette réponse est déjà envoyée.".into())),
            }
        })
        .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// `POST /api/v1/questionnaire/drafts/{token}/submit`: submits a draft, once.
#[utoipa::path(post, path = "/api/v1/questionnaire/drafts/{token}/submit", tag = "questionnaire",
    params(("token" = String, Path, description = "Le jeton")),
    responses((status = 201, description = "Envoyée", body = SubmittedView),
        (status = 200, description = "Déjà envoyée", body = SubmittedView),
        (status = 404, description = "Lien inconnu ou expiré", body = ApiErrorBody),
        (status = 409, description = "Questionnaire clos (`conflict`), ou brouillon à compléter (`incomplete`, avec ses champs)", body = ApiErrorBody)))]
pub async fn submit_draft(
    req: HttpRequest,
    state: web::Data<AppState>,
    token: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = token.into_inner();
    let base_url = state.config.base_url.clone();
    let requester = Requester(state.client_pseudonym(&req).await?);
    let done = state
        .commit(Lane::of(&token), move |conn| -> Result<Submitted, AppError> {
            let response = response_of(conn, &token)?;
            submit_in(conn, response.id, &SubmitContext { base_url: &base_url, requester: &requester }).map_err(|e| {
                // The draft is what is not ready, not the request (it has no body): 409.
                match AppError::from(e) {
                    AppError::Invalid(fields) => AppError::Incomplete(fields),
                    other => other,
                }
            })
        })
        .await?;
    Ok(submitted(&done))
}
