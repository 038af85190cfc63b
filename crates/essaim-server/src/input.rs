//! Every request's text passes through [`essaim_core::text`] once, here, before any extractor
//! or handler sees it: a form's or a JSON body's values lose their control characters and
//! bidirectional overrides; a path holding one names nothing (404) and a query string holding
//! one is refused (400), since neither is something a person types. A NUL byte used to reach
//! PostgreSQL, which cannot store it, and answer 500 at a dozen addresses.
//!
//! Uploaded files (multipart) are left whole: their text is cleaned where it is decoded
//! ([`essaim_core::tabular::decode`], [`crate::extract::CsrfMultipart::text`]).

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web::Bytes;
use actix_web::HttpMessage;
use essaim_core::text::{clean, needs_cleaning};
use percent_encoding::percent_decode_str;

use crate::error::AppError;
use crate::extract::LINK_FORM_LIMIT;

/// The largest body buffered here: the largest any form or JSON extractor accepts.
const MAX_BODY: usize = LINK_FORM_LIMIT;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    Form,
    Json,
}

fn body_kind(req: &ServiceRequest) -> Option<BodyKind> {
    let content_type = req.headers().get(header::CONTENT_TYPE)?.to_str().ok()?.trim_start().to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        Some(BodyKind::Form)
    } else if content_type.starts_with("application/json") {
        Some(BodyKind::Json)
    } else {
        None
    }
}

/// The middleware (`middleware::from_fn`).
pub async fn clean_input(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if needs_cleaning(&percent_decode_str(req.path()).decode_utf8_lossy()) {
        return Ok(refuse(req, AppError::NotFound));
    }
    if url::form_urlencoded::parse(req.query_string().as_bytes())
        .any(|(key, value)| needs_cleaning(&key) || needs_cleaning(&value))
    {
        let refusal = AppError::BadRequest("l'adresse contient des caractères de contrôle".into());
        return Ok(refuse(req, refusal));
    }
    if let Some(kind) = body_kind(&req) {
        let body = match read_body(&mut req).await {
            Ok(body) => body,
            Err(refusal) => return Ok(refuse(req, refusal)),
        };
        let body = match kind {
            BodyKind::Form => cleaned_form(body),
            BodyKind::Json => cleaned_json(body),
        };
        if let Ok(length) = HeaderValue::from_str(&body.len().to_string()) {
            req.headers_mut().insert(header::CONTENT_LENGTH, length);
        }
        req.set_payload(Payload::from(body));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// A refusal answered before the route, as the route would answer it: JSON under `/api` and `/healthz`, a page elsewhere.
pub fn refuse(req: ServiceRequest, refusal: AppError) -> ServiceResponse<BoxBody> {
    let response = if req.path().starts_with("/api/") || req.path() == "/healthz" {
        refusal.json_response()
    } else {
        actix_web::ResponseError::error_response(&refusal)
    };
    req.into_response(response)
}

async fn read_body(req: &mut ServiceRequest) -> Result<Bytes, AppError> {
    use futures_util::StreamExt;
    let mut payload = req.take_payload();
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| AppError::BadRequest(format!("corps de la requête illisible : {e}")))?;
        if body.len() + chunk.len() > MAX_BODY {
            return Err(AppError::PayloadTooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Bytes::from(body))
}

/// A URL-encoded form with each name and value cleaned, in the same order; the same bytes when
/// nothing needed it (nearly always).
fn cleaned_form(body: Bytes) -> Bytes {
    let pairs = url::form_urlencoded::parse(&body);
    if !pairs.clone().any(|(key, value)| needs_cleaning(&key) || needs_cleaning(&value)) {
        return body;
    }
    let mut out = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        out.append_pair(&clean(&key), &clean(&value));
    }
    Bytes::from(out.finish())
}

/// A JSON body with every string (keys too) cleaned; the same bytes when nothing needed it,
/// or when it does not parse (the extractor then says why, as before).
fn cleaned_json(body: Bytes) -> Bytes {
    if !may_need_cleaning(&body) {
        return body;
    }
    let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&body) else { return body };
    if !clean_value(&mut value) {
        return body;
    }
    serde_json::to_vec(&value).map(Bytes::from).unwrap_or(body)
}

/// A quick look before parsing: a JSON text can only carry such a character escaped
/// (`\u…`) or raw.
fn may_need_cleaning(body: &[u8]) -> bool {
    body.windows(2).any(|w| w == b"\\u") || std::str::from_utf8(body).map_or(true, needs_cleaning)
}

/// Cleans every string of `value`; whether anything changed.
fn clean_value(value: &mut serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::String(text) => essaim_core::text::clean_in_place(text),
        Value::Array(items) => items.iter_mut().fold(false, |changed, item| clean_value(item) | changed),
        Value::Object(fields) => {
            let mut changed = false;
            if fields.keys().any(|k| needs_cleaning(k)) {
                let old = std::mem::take(fields);
                *fields = old.into_iter().map(|(k, v)| (clean(&k).into_owned(), v)).collect();
                changed = true;
            }
            fields.values_mut().fold(changed, |changed, item| clean_value(item) | changed)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_form_loses_its_control_characters_and_keeps_its_order() {
        let body = Bytes::from_static(b"csrf_token=abc&organisation=Asso%00ciation&choice=a&choice=b%E2%80%AE");
        let cleaned = cleaned_form(body);
        let pairs: Vec<(String, String)> =
            url::form_urlencoded::parse(&cleaned).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        let expected = [("csrf_token", "abc"), ("organisation", "Association"), ("choice", "a"), ("choice", "b")];
        assert_eq!(pairs, expected.map(|(k, v)| (k.to_owned(), v.to_owned())));
    }

    #[test]
    fn an_ordinary_form_or_json_body_is_passed_on_as_it_came() {
        let form = Bytes::from_static(b"text=%C3%89conomie+sociale&n=1");
        assert_eq!(cleaned_form(form.clone()), form);
        let json = Bytes::from_static("{\"text\": \"Économie sociale\\n« ESS »\", \"n\": [1, 2]}".as_bytes());
        assert_eq!(cleaned_json(json.clone()), json);
    }

    #[test]
    fn a_json_body_loses_escaped_and_raw_controls_in_keys_and_values() {
        let json = Bytes::from("{\"organisation\": \"a\\u0000b\", \"items\": [\"c\u{202E}d\"], \"k\\u0001\": 1}");
        let cleaned: serde_json::Value = serde_json::from_slice(&cleaned_json(json)).unwrap();
        assert_eq!(cleaned, serde_json::json!({"organisation": "ab", "items": ["cd"], "k": 1}));
        let broken = Bytes::from_static(b"{\"a\": \"\\u0000");
        assert_eq!(cleaned_json(broken.clone()), broken, "the extractor says what is wrong with it");
    }
}
