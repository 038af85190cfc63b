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

/// One part of a `multipart/form-data` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The field's name.
    pub name: String,
    /// The file's name, for a file field.
    pub filename: Option<String>,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// A `multipart/form-data` form (a file upload) whose CSRF token was checked, or the news that
/// it was larger than `LIMIT` bytes: then nothing of it was read further, nor checked, and
/// the handler can only say so (it must write nothing).
#[derive(Debug)]
pub enum CsrfMultipart<const LIMIT: usize> {
    /// The checked fields, in order.
    Checked(Vec<Part>),
    /// Over the limit.
    TooLarge,
}

impl<const LIMIT: usize> CsrfMultipart<LIMIT> {
    /// The first field named `name`, as text (cleaned as every incoming text:
    /// [`essaim_core::text`]).
    pub fn text(parts: &[Part], name: &str) -> Option<String> {
        parts
            .iter()
            .find(|p| p.name == name)
            .map(|p| essaim_core::text::clean(&String::from_utf8_lossy(&p.data)).into_owned())
    }
}

impl<const LIMIT: usize> FromRequest for CsrfMultipart<LIMIT> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
            let boundary = multipart_boundary(content_type).ok_or(AppError::UnsupportedMediaType)?;
            let body = match read_limited(&mut payload, LIMIT).await {
                Ok(body) => body,
                Err(AppError::PayloadTooLarge) => return Ok(CsrfMultipart::TooLarge),
                Err(other) => return Err(other),
            };
            let parts = parse_multipart(&body, &boundary)
                .ok_or_else(|| AppError::BadRequest("formulaire multipart mal formé".into()))?;
            let token = parts.iter().find(|p| p.name == "csrf_token").map(|p| String::from_utf8_lossy(&p.data));
            verify_csrf(&req, token.as_deref().unwrap_or(""))?;
            Ok(CsrfMultipart::Checked(parts))
        })
    }
}

/// The boundary of a `multipart/form-data` content type.
fn multipart_boundary(content_type: &str) -> Option<String> {
    let mut pieces = content_type.split(';').map(str::trim);
    if !pieces.next()?.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    pieces
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"').to_owned())
        .filter(|b| !b.is_empty() && b.len() <= 70)
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

/// Reads a `multipart/form-data` body (RFC 7578): each part's name, file name and bytes.
pub fn parse_multipart(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}").into_bytes();
    let separator = format!("\r\n--{boundary}").into_bytes();
    let mut at = find(body, &delimiter, 0)? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Some(parts);
        }
        at = find(body, b"\r\n", at)? + 2;
        let headers_end = find(body, b"\r\n\r\n", at)?;
        let headers = std::str::from_utf8(&body[at..headers_end]).ok()?;
        let content_start = headers_end + 4;
        let content_end = find(body, &separator, content_start)?;
        let mut name = None;
        let mut filename = None;
        for line in headers.split("\r\n") {
            let Some((key, value)) = line.split_once(':') else { continue };
            if !key.trim().eq_ignore_ascii_case("content-disposition") {
                continue;
            }
            for param in value.split(';').map(str::trim).skip(1) {
                if let Some((k, v)) = param.split_once('=') {
                    let v = v.trim().trim_matches('"').to_owned();
                    match k.trim().to_ascii_lowercase().as_str() {
                        "name" => name = Some(v),
                        "filename" => filename = Some(v),
                        _ => {}
                    }
                }
            }
        }
        parts.push(Part { name: name?, filename, data: body[content_start..content_end].to_vec() });
        at = content_end + separator.len();
    }
}

#[cfg(test)]
mod multipart_tests {
    use super::*;

    #[test]
    fn a_multipart_body_is_read_part_by_part() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nabc\r\n--XyZ\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"l.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--X\r\n--XyZ--\r\n";
        let parts = parse_multipart(body, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], Part { name: "csrf_token".into(), filename: None, data: b"abc".to_vec() });
        assert_eq!(parts[1].filename.as_deref(), Some("l.png"));
        assert_eq!(parts[1].data, b"\x89PNG\r\n--X");
        assert_eq!(multipart_boundary("multipart/form-data; boundary=\"XyZ\"").as_deref(), Some("XyZ"));
        assert_eq!(multipart_boundary("application/x-www-form-urlencoded"), None);
        assert!(parse_multipart(b"--XyZ\r\nbroken", "XyZ").is_none());
    }
}
