//! Errors at the edge: a French HTML page for people, a JSON body with a stable code for
//! programs. Never a stack trace; the detail goes to the log.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use essaim_core::CoreError;
use serde::Serialize;

use crate::views::{render_error_page, ErrorPage};

/// An error answered as an HTML page.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No such page or record.
    #[error("page introuvable")]
    NotFound,
    /// Logged in, but the role does not allow it.
    #[error("accès refusé")]
    Forbidden,
    /// The form's CSRF token is missing or wrong.
    #[error("jeton de formulaire invalide")]
    Csrf,
    /// Not logged in: go to the login page, then come back.
    #[error("connexion requise")]
    LoginRequired {
        /// Where to come back to.
        next: String,
    },
    /// Too many failed logins.
    #[error("trop de tentatives")]
    TooManyAttempts,
    /// Malformed request.
    #[error("requête invalide : {0}")]
    BadRequest(String),
    /// Anything else: logged, shown as a generic message.
    #[error("erreur interne : {0}")]
    Internal(String),
}

impl From<CoreError> for AppError {
    fn from(e: CoreError) -> Self {
        match e {
            CoreError::NotFound(_) => AppError::NotFound,
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Forbidden | AppError::Csrf => StatusCode::FORBIDDEN,
            AppError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let page = match self {
            AppError::LoginRequired { next } => {
                let target = format!("/login?next={}", url::form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>());
                return HttpResponse::SeeOther().insert_header((header::LOCATION, target)).finish();
            }
            AppError::NotFound => ErrorPage::new(status, "Page introuvable", "La page demandée n'existe pas ou n'existe plus. Vérifiez l'adresse, ou repartez de l'accueil."),
            AppError::Forbidden => ErrorPage::new(status, "Accès refusé", "Votre compte ne permet pas d'ouvrir cette page. Si vous pensez que c'est une erreur, adressez-vous à un administrateur."),
            AppError::Csrf => ErrorPage::new(status, "Formulaire expiré", "Ce formulaire n'a pas pu être vérifié (jeton de sécurité absent ou périmé). Rechargez la page et envoyez-le de nouveau."),
            AppError::TooManyAttempts => ErrorPage::new(status, "Trop de tentatives", "Trop de tentatives de connexion ont échoué. Par sécurité, réessayez dans 15 minutes."),
            AppError::BadRequest(detail) => {
                tracing::info!(%detail, "requête refusée");
                ErrorPage::new(status, "Requête invalide", "La requête envoyée est incomplète ou mal formée. Revenez en arrière et réessayez.")
            }
            AppError::Internal(detail) => {
                tracing::error!(%detail, "erreur interne");
                ErrorPage::new(status, "Erreur du service", "Une erreur est survenue de notre côté. Ce que vous aviez déjà envoyé est conservé ; réessayez dans un instant.")
            }
        };
        let mut response = render_error_page(&page);
        if matches!(self, AppError::TooManyAttempts) {
            response.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from_static("900"));
        }
        response
    }
}

/// The body of every JSON error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    /// The error.
    pub error: ApiErrorDetail,
}

/// Stable code and a French message.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorDetail {
    /// Stable, machine-readable code (`not_found`, `invalid_input`, `internal_error`…).
    pub code: String,
    /// Human-readable message, in French.
    pub message: String,
}

/// An error answered as JSON.
#[derive(Debug, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    /// A 404 with code `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        ApiError { status: StatusCode::NOT_FOUND, code: "not_found", message: message.into() }
    }
}

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::NotFound => ApiError::not_found("ressource introuvable"),
            AppError::Forbidden | AppError::Csrf => {
                ApiError { status: StatusCode::FORBIDDEN, code: "forbidden", message: "accès refusé".into() }
            }
            AppError::LoginRequired { .. } => ApiError {
                status: StatusCode::UNAUTHORIZED,
                code: "unauthenticated",
                message: "connexion requise".into(),
            },
            AppError::TooManyAttempts => ApiError {
                status: StatusCode::TOO_MANY_REQUESTS,
                code: "too_many_attempts",
                message: "trop de tentatives".into(),
            },
            AppError::BadRequest(m) => ApiError { status: StatusCode::BAD_REQUEST, code: "bad_request", message: m },
            AppError::Internal(detail) => {
                tracing::error!(%detail, "erreur interne (API)");
                ApiError {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    code: "internal_error",
                    message: "erreur interne du service".into(),
                }
            }
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status)
            .json(ApiErrorBody { error: ApiErrorDetail { code: self.code.to_owned(), message: self.message.clone() } })
    }
}
