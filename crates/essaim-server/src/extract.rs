//! Extractors: who is asking, and forms that cannot be read before their CSRF token is checked.
//!
//! A handler that takes [`Staff`] cannot run for a facilitator or an anonymous visitor: the
//! extractor refuses first (login redirect, 403). A [`CsrfForm<T>`] gives its fields only once
//! the token matched; there is no way to reach them unchecked.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};
use essaim_core::domain::{Account, Role};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::auth::{current_user, verify_csrf};
use crate::error::{from_payload_error, AppError};

/// Largest form body read, in bytes.
pub const FORM_LIMIT: usize = 64 * 1024;
/// Largest questionnaire page: several answers of 20,000 characters each, URL-encoded (an
/// accented letter is 6 bytes there).
pub const LINK_FORM_LIMIT: usize = 2 * 1024 * 1024;

fn with_role(req: &HttpRequest, roles: &[Role]) -> Result<Account, AppError> {
    match current_user(req) {
        None => Err(AppError::LoginRequired { next: req.uri().path().to_owned() }),
        Some(account) if roles.contains(&account.role) => Ok(account),
        Some(_) => Err(AppError::Forbidden),
    }
}

macro_rules! role_extractor {
    ($(#[$meta:meta])* $name:ident, $roles:expr) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Account);

        impl FromRequest for $name {
            type Error = AppError;
            type Future = Ready<Result<Self, AppError>>;
            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                ready(with_role(req, $roles).map($name))
            }
        }
    };
}

role_extractor!(
    /// An administrator.
    Admin,
    &[Role::Admin]
);
role_extractor!(
    /// Région / État staff, or an administrator.
    Staff,
    &[Role::Admin, Role::Staff]
);
role_extractor!(
    /// Anyone logged in.
    SignedIn,
    &[Role::Admin, Role::Staff, Role::Facilitator]
);

#[derive(Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf_token: String,
}

/// Largest public contribution form: a text of 20,000 characters, URL-encoded (up to 12
/// bytes a character), with its few other fields.
pub const CONTRIBUTION_FORM_LIMIT: usize = 256 * 1024;

/// A form whose CSRF token was checked. Repeated fields (checkbox lists) read into `Vec`s.
/// Bodies over `LIMIT` bytes ([`FORM_LIMIT`] unless said) are refused.
#[derive(Debug)]
pub struct CsrfForm<T, const LIMIT: usize = FORM_LIMIT>(T);

impl<T, const LIMIT: usize> CsrfForm<T, LIMIT> {
    /// The checked form's fields.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T, const LIMIT: usize> std::ops::Deref for CsrfForm<T, LIMIT> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

/// A form with no field but its token (a button).
#[derive(Debug, Deserialize)]
pub struct NoFields {}

impl<T: DeserializeOwned + 'static, const LIMIT: usize> FromRequest for CsrfForm<T, LIMIT> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let is_form =
                req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                    v.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded")
                });
            if !is_form {
                return Err(AppError::UnsupportedMediaType);
            }
            let body = read_limited(&mut payload, LIMIT).await?;
            let token: TokenField =
                serde_html_form::from_bytes(&body).map_err(|e| AppError::BadRequest(format!("formulaire : {e}")))?;
            verify_csrf(&req, &token.csrf_token)?;
            let fields: T =
                serde_html_form::from_bytes(&body).map_err(|e| AppError::BadRequest(format!("formulaire : {e}")))?;
            Ok(CsrfForm(fields))
        })
    }
}

/// A form posted to an address that carries a respondent's secret link token
/// (`/questionnaire/r/{token}/…`). The token in the path is what a forger cannot know, so it
/// protects the form as a CSRF token would; no cookie is needed, so a respondent whose
/// cookie expired while answering never loses a page to "session expired" (Decidim #8504).
/// Fields in order, repeated ones repeated (checkboxes).
#[derive(Debug)]
pub struct LinkForm(pub Vec<(String, String)>);

impl FromRequest for LinkForm {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let is_form =
                req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| {
                    v.trim_start().to_ascii_lowercase().starts_with("application/x-www-form-urlencoded")
                });
            if !is_form {
                return Err(AppError::UnsupportedMediaType);
            }
            let body = read_limited(&mut payload, LINK_FORM_LIMIT).await?;
            let fields: Vec<(String, String)> =
                serde_html_form::from_bytes(&body).map_err(|e| AppError::BadRequest(format!("formulaire : {e}")))?;
            Ok(LinkForm(fields))
        })
    }
}

async fn read_limited(payload: &mut Payload, limit: usize) -> Result<Vec<u8>, AppError> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(from_payload_error)?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
