//! One error model at the edge. Every failure is an [`AppError`]: handlers, extractors and
//! actix's own extractor errors all become one, answered as a French HTML page for people or,
//! under `/api` and `/healthz`, as JSON `{"error": {"code", "message", "fields"?}}` with a
//! stable code (docs/api.md lists them). Never a stack trace; details go to the log.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use essaim_contributions::questionnaire::responses::{Refused, SubmitError};
use essaim_core::domain::session::LoginError;
use essaim_core::{CoreError, FieldError, ValidationErrors};
use essaim_synthesis::drafts::DraftError;
use essaim_workshops::WorkshopError;
use serde::Serialize;

use crate::views::{render_error_page, ErrorPage};

/// What can go wrong in answering a request.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page or record (or not the caller's to see).
    #[error("introuvable")]
    NotFound,
    /// The path exists, not with this method.
    #[error("méthode non permise")]
    MethodNotAllowed(&'static str),
    /// Not logged in: go to the login page, then come back (401 for the API).
    #[error("connexion requise")]
    LoginRequired {
        /// Where to come back to.
        next: String,
    },
    /// Logged in, but the role does not allow it.
    #[error("accès refusé")]
    Forbidden,
    /// The form's CSRF token is missing or wrong.
    #[error("jeton de formulaire invalide")]
    Csrf,
    /// Too many failed logins.
    #[error("trop de tentatives")]
    TooManyAttempts,
    /// Too many sendings from one device or address (a stand's ideas); wait this many seconds.
    #[error("trop d'envois")]
    RateLimited(i64),
    /// A plenary vote sent after its close (or before its opening): nothing stored.
    #[error("vote clos")]
    VoteClosed,
    /// A plenary vote from a device token the server never gave: no vote.
    #[error("appareil inconnu")]
    UnknownDevice,
    /// A plenary vote from a device that has not redeemed the voting code the plenary requires.
    #[error("code de vote requis")]
    VotingCodeRequired,
    /// A malformed request (the detail is logged, not shown).
    #[error("requête invalide : {0}")]
    BadRequest(String),
    /// Input refused, field by field, in French.
    #[error("saisie invalide")]
    Invalid(ValidationErrors),
    /// A stored draft cannot be submitted yet: what is missing, field by field. A 409, not a
    /// 422: the request has no body to fix, the draft it names is what is not ready.
    #[error("réponse incomplète")]
    Incomplete(ValidationErrors),
    /// The request conflicts with what is under way or stored (French, shown).
    #[error("conflit : {0}")]
    Conflict(String),
    /// The body is larger than allowed.
    #[error("requête trop volumineuse")]
    PayloadTooLarge,
    /// The body is not of a type this address reads.
    #[error("type de contenu non pris en charge")]
    UnsupportedMediaType,
    /// The service is saturated for a moment (no database connection free in time).
    #[error("service momentanément saturé : {0}")]
    Unavailable(String),
    /// Anything else: logged, shown as a generic message.
    #[error("erreur interne : {0}")]
    Internal(String),
}

impl AppError {
    /// A refusal of one field, with its French message.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut errors = ValidationErrors::default();
        errors.add(field, message);
        AppError::Invalid(errors)
    }

    /// The stable code of the JSON answer.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::NotFound => "not_found",
            AppError::MethodNotAllowed(_) => "method_not_allowed",
            AppError::LoginRequired { .. } => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Csrf => "csrf_failed",
            AppError::TooManyAttempts => "too_many_attempts",
            AppError::RateLimited(_) => "rate_limited",
            AppError::VoteClosed => "vote_closed",
            AppError::UnknownDevice => "unknown_device",
            AppError::VotingCodeRequired => "voting_code_required",
            AppError::BadRequest(_) => "bad_request",
            AppError::Invalid(_) => "invalid_input",
            AppError::Incomplete(_) => "incomplete",
            AppError::Conflict(_) => "conflict",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::UnsupportedMediaType => "unsupported_media_type",
            AppError::Unavailable(_) => "service_unavailable",
            AppError::Internal(_) => "internal_error",
        }
    }

    /// The French message, for a page or a JSON answer.
    pub fn message(&self) -> String {
        match self {
            AppError::NotFound => "La page ou la ressource demandée n'existe pas ou n'existe plus.".into(),
            AppError::MethodNotAllowed(allowed) => {
                format!("Cette adresse ne s'utilise pas ainsi (méthodes acceptées : {allowed}).")
            }
            AppError::LoginRequired { .. } => "Connectez-vous pour continuer.".into(),
            AppError::Forbidden => "Votre compte ne permet pas d'ouvrir cette page. Si vous pensez que c'est une erreur, adressez-vous à un administrateur.".into(),
            AppError::Csrf => "Ce formulaire n'a pas pu être vérifié (jeton de sécurité absent ou périmé). Rechargez la page et envoyez-le de nouveau.".into(),
            AppError::TooManyAttempts => "Trop de tentatives ont échoué. Par sécurité, réessayez dans 15 minutes.".into(),
            AppError::RateLimited(seconds) => format!(
                "Trop d'envois depuis cet appareil ou cette connexion : réessayez dans {} minute{}. Rien n'a été enregistré.",
                minutes(*seconds), if minutes(*seconds) > 1 { "s" } else { "" }
            ),
            AppError::VoteClosed => "Le vote sur cette orientation est clos : votre vote n'a pas été enregistré.".into(),
            AppError::UnknownDevice => "Cet appareil n'est pas reconnu : rouvrez la page de vote de la plénière, puis votez de nouveau.".into(),
            AppError::VotingCodeRequired => "Cette plénière demande un code de vote : saisissez le code de votre carte, puis votez. Rien n'a été enregistré.".into(),
            AppError::BadRequest(_) => "La requête envoyée est incomplète ou mal formée. Revenez en arrière et réessayez.".into(),
            AppError::Invalid(errors) => {
                let messages: Vec<&str> = errors.0.iter().map(|e| e.message.as_str()).collect();
                if messages.is_empty() { "La saisie a été refusée.".into() } else { messages.join(" ") }
            }
            AppError::Incomplete(errors) => {
                let messages: Vec<&str> = errors.0.iter().map(|e| e.message.as_str()).collect();
                format!("Complétez la réponse avant de l'envoyer. {}", messages.join(" ")).trim_end().to_owned()
            }
            AppError::Conflict(message) => message.clone(),
            AppError::PayloadTooLarge => "Ce qui a été envoyé est trop volumineux.".into(),
            AppError::UnsupportedMediaType => "Le contenu envoyé n'est pas d'un type que cette adresse sait lire.".into(),
            AppError::Unavailable(_) => "Le service est très sollicité : réessayez dans un instant. Ce que vous aviez déjà envoyé est conservé.".into(),
            AppError::Internal(_) => "Une erreur est survenue de notre côté. Ce que vous aviez déjà envoyé est conservé ; réessayez dans un instant.".into(),
        }
    }

    fn heading(&self) -> &'static str {
        match self {
            AppError::NotFound => "Page introuvable",
            AppError::MethodNotAllowed(_) => "Méthode non permise",
            AppError::LoginRequired { .. } => "Connexion requise",
            AppError::Forbidden => "Accès refusé",
            AppError::Csrf => "Formulaire expiré",
            AppError::TooManyAttempts => "Trop de tentatives",
            AppError::RateLimited(_) => "Trop d'envois",
            AppError::VoteClosed => "Vote clos",
            AppError::UnknownDevice => "Appareil inconnu",
            AppError::VotingCodeRequired => "Code de vote requis",
            AppError::BadRequest(_) => "Requête invalide",
            AppError::Invalid(_) => "Saisie refusée",
            AppError::Incomplete(_) => "Réponse incomplète",
            AppError::Conflict(_) => "Action impossible pour l'instant",
            AppError::PayloadTooLarge => "Envoi trop volumineux",
            AppError::UnsupportedMediaType => "Contenu non pris en charge",
            AppError::Unavailable(_) => "Service saturé",
            AppError::Internal(_) => "Erreur du service",
        }
    }

    fn log(&self) {
        match self {
            AppError::BadRequest(detail) => tracing::info!(%detail, "requête refusée"),
            AppError::Unavailable(detail) => tracing::warn!(%detail, "service saturé"),
            AppError::Internal(detail) => tracing::error!(%detail, "erreur interne"),
            _ => {}
        }
    }

    fn headers(&self, response: &mut HttpResponse) {
        let value = match self {
            AppError::TooManyAttempts => Some((header::RETRY_AFTER, "900".to_owned())),
            AppError::RateLimited(seconds) => Some((header::RETRY_AFTER, seconds.max(&1).to_string())),
            AppError::Unavailable(_) => Some((header::RETRY_AFTER, "5".to_owned())),
            AppError::MethodNotAllowed(allowed) => Some((header::ALLOW, (*allowed).to_owned())),
            _ => None,
        };
        if let Some((name, value)) = value {
            if let Ok(value) = header::HeaderValue::from_str(&value) {
                response.headers_mut().insert(name, value);
            }
        }
    }

    /// The JSON answer (the API's rendering of the same error).
    pub fn json_response(&self) -> HttpResponse {
        self.log();
        let status = match self {
            AppError::LoginRequired { .. } => StatusCode::UNAUTHORIZED,
            other => other.status_code(),
        };
        let fields = match self {
            AppError::Invalid(errors) | AppError::Incomplete(errors) if !errors.is_empty() => Some(errors.0.clone()),
            _ => None,
        };
        let mut response = HttpResponse::build(status).json(ApiErrorBody {
            error: ApiErrorDetail { code: self.code().to_owned(), message: self.message(), fields },
        });
        self.headers(&mut response);
        response
    }
}

impl From<CoreError> for AppError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::NotFound(_) => AppError::NotFound,
            CoreError::Validation(errors) => AppError::Invalid(errors),
            CoreError::Conflict(message) => AppError::Conflict(capitalised(&message)),
            CoreError::Closed(message) => AppError::Conflict(message),
            CoreError::Pool(detail) => AppError::Unavailable(detail),
            CoreError::Limited { retry_after_secs } => AppError::RateLimited(retry_after_secs),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<DraftError> for AppError {
    fn from(e: DraftError) -> Self {
        match e {
            DraftError::NotFound(_) => AppError::NotFound,
            DraftError::Invalid(message) => AppError::invalid("form", message),
            DraftError::Synthesis(s) => AppError::invalid("form", s.to_string()),
            DraftError::Busy => {
                AppError::Conflict("Une synthèse de ce thème est déjà en cours : attendez qu'elle se termine.".into())
            }
            DraftError::Store(s) => s.into(),
        }
    }
}

impl From<essaim_synthesis::publication::PublicationError> for AppError {
    fn from(e: essaim_synthesis::publication::PublicationError) -> Self {
        use essaim_synthesis::publication::PublicationError;
        match e {
            PublicationError::NotFound => AppError::NotFound,
            PublicationError::Refused(message) => AppError::invalid("form", message),
            PublicationError::Store(s) => s.into(),
        }
    }
}

impl From<LoginError> for AppError {
    fn from(e: LoginError) -> Self {
        match e {
            LoginError::Throttled => AppError::TooManyAttempts,
            LoginError::InvalidCredentials => AppError::Forbidden,
            LoginError::Store(e) => e.into(),
        }
    }
}

impl From<SubmitError> for AppError {
    fn from(e: SubmitError) -> Self {
        match e {
            SubmitError::Store(e) => e.into(),
            SubmitError::Refused(Refused::Closed) => {
                AppError::Conflict("Le questionnaire n'accepte pas de réponses en ce moment.".into())
            }
            SubmitError::Refused(Refused::Invalid(errors)) => {
                let mut fields = ValidationErrors::default();
                for (section, error) in errors {
                    fields.add(&error.field, format!("Page {} : {}", section + 1, error.message));
                }
                AppError::Invalid(fields)
            }
        }
    }
}

/// The workshops module's one error (workshops, capture, exports, plenary): each kind mapped once.
impl From<WorkshopError> for AppError {
    fn from(e: WorkshopError) -> Self {
        match e {
            WorkshopError::NotFound => AppError::NotFound,
            WorkshopError::Forbidden => AppError::Forbidden,
            WorkshopError::State(message) => AppError::Conflict(message),
            WorkshopError::Core(e) => e.into(),
            WorkshopError::VoteClosed => AppError::VoteClosed,
            WorkshopError::UnknownDevice => AppError::UnknownDevice,
            WorkshopError::CodeRequired => AppError::VotingCodeRequired,
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(format!("tâche interrompue : {e}"))
    }
}

/// Whole minutes to wait, rounded up (at least one), for a French message.
pub fn minutes(seconds: i64) -> i64 {
    ((seconds.max(1) + 59) / 60).max(1)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => {
            let mut out: String = first.to_uppercase().collect();
            out.push_str(chars.as_str());
            if !out.ends_with(['.', '!', '?']) {
                out.push('.');
            }
            out
        }
        None => String::new(),
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            AppError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::TooManyAttempts | AppError::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::VoteClosed => StatusCode::CONFLICT,
            AppError::UnknownDevice | AppError::VotingCodeRequired => StatusCode::FORBIDDEN,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) | AppError::Incomplete(_) => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::LoginRequired { next } = self {
            let target =
                format!("/login?next={}", url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>());
            return HttpResponse::SeeOther().insert_header((header::LOCATION, target)).finish();
        }
        self.log();
        let page = ErrorPage::new(self.status_code(), self.heading(), self.message());
        let mut response = render_error_page(&page);
        self.headers(&mut response);
        response
    }
}

/// The body of every JSON error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    /// The error.
    pub error: ApiErrorDetail,
}

/// Stable code, a French message, and for `invalid_input` the refused fields.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorDetail {
    /// Stable, machine-readable code (docs/api.md).
    pub code: String,
    /// Human-readable message, in French.
    pub message: String,
    /// Each refused field with its message (`invalid_input` and `incomplete` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<Object>>)]
    pub fields: Option<Vec<FieldError>>,
}

/// Middleware of the machine routes (`/api`, `/healthz`): any error, whoever raised it (a
/// handler, an extractor, the route table), is answered as JSON instead of a page.
pub async fn json_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let json = res.response().error().and_then(|e| e.as_error::<AppError>()).map(AppError::json_response);
    Ok(match json {
        Some(response) => res.into_response(response),
        None => res,
    })
}

/// Maps actix's own extractor errors (a malformed path, query, form or JSON body, an oversized
/// body, a wrong content type) into ours, so they get the French page or the JSON error.
pub fn from_form_error(err: actix_web::error::UrlencodedError, _: &HttpRequest) -> actix_web::Error {
    use actix_web::error::UrlencodedError as E;
    match err {
        E::Overflow { .. } | E::UnknownLength => AppError::PayloadTooLarge,
        E::ContentType => AppError::UnsupportedMediaType,
        other => AppError::BadRequest(other.to_string()),
    }
    .into()
}

/// See [`from_form_error`].
pub fn from_json_error(err: actix_web::error::JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    match err {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => AppError::PayloadTooLarge,
        E::ContentType => AppError::UnsupportedMediaType,
        E::Deserialize(e) => AppError::invalid("body", format!("Corps JSON refusé : {e}")),
        other => AppError::BadRequest(other.to_string()),
    }
    .into()
}

/// See [`from_form_error`]. A path that does not parse names nothing that exists: 404.
pub fn from_path_error(err: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    tracing::debug!(error = %err, "chemin illisible");
    AppError::NotFound.into()
}

/// See [`from_form_error`].
pub fn from_query_error(err: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    AppError::BadRequest(err.to_string()).into()
}

/// See [`from_form_error`].
pub fn from_payload_error(err: actix_web::error::PayloadError) -> AppError {
    use actix_web::error::PayloadError as E;
    match err {
        E::Overflow => AppError::PayloadTooLarge,
        other => AppError::BadRequest(other.to_string()),
    }
}
