//! Who is asking: the session cookie, the CSRF token, and the role checks every route makes.
//!
//! CSRF: before login, a random token lives in an HttpOnly, SameSite=Lax cookie and is repeated
//! in a hidden field of every form; a request must carry both, equal (double submit). Once
//! logged in, the form token is derived from the session token (which only the browser and the
//! server know), so a token planted in a cookie — from a sibling subdomain, say — is worthless.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{time, Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{web, Error, HttpMessage, HttpRequest};
use essaim_core::domain::session::resume_session;
use essaim_core::domain::Account;
use essaim_core::security::{constant_time_eq, hash_token, random_token};

use crate::app::AppState;
use crate::error::AppError;

/// Cookie holding the session token.
pub const SESSION_COOKIE: &str = "essaim_session";
/// Cookie holding the CSRF token.
pub const CSRF_COOKIE: &str = "essaim_csrf";

/// The logged-in account, placed in the request's extensions by [`session_middleware`].
#[derive(Debug, Clone)]
pub struct CurrentUser(pub Account);

/// The CSRF token to put in this request's forms.
#[derive(Debug, Clone)]
pub struct CsrfToken(pub String);

fn is_token(value: &str) -> bool {
    value.len() == 32 && value.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A cookie with our security attributes.
pub fn secure_cookie(name: &'static str, value: String, behind_tls: bool) -> Cookie<'static> {
    Cookie::build(name, value).path("/").http_only(true).same_site(SameSite::Lax).secure(behind_tls).finish()
}

/// A cookie that tells the browser to forget `name`.
pub fn expired_cookie(name: &'static str, behind_tls: bool) -> Cookie<'static> {
    let mut cookie = secure_cookie(name, String::new(), behind_tls);
    cookie.set_max_age(time::Duration::ZERO);
    cookie
}

/// Loads the session (if any) and makes sure the browser holds a CSRF token.
pub async fn session_middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let path = req.path().to_owned();
    // Machine routes carry no cookies worth reading.
    if path.starts_with("/static/") || path == "/healthz" || path.starts_with("/api/") {
        let mut res = next.call(req).await?.map_into_boxed_body();
        if carries_personal_token(&path) {
            res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
        }
        return Ok(res);
    }
    let state =
        req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| AppError::Internal("état absent".into()))?;
    let tls = state.config.behind_tls();

    let existing_csrf = req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned()).filter(|v| is_token(v));
    let new_csrf = existing_csrf.is_none().then(random_token);
    let mut csrf = existing_csrf.clone().or_else(|| new_csrf.clone()).unwrap_or_default();

    let mut stale_session = false;
    let mut logged_in = false;
    if let Some(token) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        let key = token.clone();
        let found = if is_token(&token) {
            match state.db(move |conn| resume_session(conn, &key).map_err(AppError::from)).await {
                Ok(found) => found,
                // The database gone: 503 with Retry-After, as a page (machine routes skip this).
                Err(unavailable) => return Ok(crate::input::refuse(req, unavailable)),
            }
        } else {
            None
        };
        match found {
            Some((_, account)) => {
                req.extensions_mut().insert(CurrentUser(account));
                csrf = session_csrf_token(&token);
                logged_in = true;
            }
            None => stale_session = true,
        }
    }
    req.extensions_mut().insert(CsrfToken(csrf));

    let mut res = next.call(req).await?.map_into_boxed_body();
    let sets = |res: &ServiceResponse<BoxBody>, name: &str| res.response().cookies().any(|c| c.name() == name);
    if let Some(token) = new_csrf {
        if !sets(&res, CSRF_COOKIE) {
            res.response_mut().add_cookie(&secure_cookie(CSRF_COOKIE, token, tls))?;
        }
    }
    if stale_session && !sets(&res, SESSION_COOKIE) {
        res.response_mut().add_cookie(&expired_cookie(SESSION_COOKIE, tls))?;
    }
    // Pages for a logged-in person hold contributions and personal data: keep them out of
    // shared caches and of the browser's disk after logout.
    if logged_in && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    }
    // An answer reached by a respondent's link (or one handing out such a link) holds their
    // answers, their address or the link itself: never stored by a cache, whatever the handler
    // said, errors included.
    if carries_personal_token(&path) {
        res.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

/// The addresses that carry a respondent's link (`/questionnaire/r/{token}/…`, `/suivi/{token}`,
/// the e-mailed links, the draft API), or answer with a new one (the public start, the API's
/// new draft): one list, so no handler can forget its `Cache-Control: no-store`.
pub fn carries_personal_token(path: &str) -> bool {
    const PREFIXES: [&str; 5] = [
        "/questionnaire/r/",
        "/questionnaire/invitation/",
        "/questionnaire/reprendre/",
        "/suivi/",
        "/api/v1/questionnaire/drafts/",
    ];
    PREFIXES.iter().any(|p| path.starts_with(p))
        || (path.starts_with("/consultations/") && path.ends_with("/questionnaire"))
        || (path.starts_with("/api/v1/consultations/")
            && (path.ends_with("/questionnaire/drafts") || path.ends_with("/questionnaire/responses")))
}

/// The form token of a session: derived from the session token, never stored.
fn session_csrf_token(session_token: &str) -> String {
    hash_token(&format!("essaim-csrf:{session_token}"))[..32].to_owned()
}

/// The logged-in account, if any.
pub fn current_user(req: &HttpRequest) -> Option<Account> {
    req.extensions().get::<CurrentUser>().map(|u| u.0.clone())
}

/// The CSRF token for this request's forms.
pub fn csrf_token(req: &HttpRequest) -> String {
    req.extensions().get::<CsrfToken>().map(|t| t.0.clone()).unwrap_or_default()
}

/// Refuses a state-changing request whose form token is not this session's (once logged in)
/// or does not match the browser's CSRF cookie (before login).
pub fn verify_csrf(req: &HttpRequest, submitted: &str) -> Result<(), AppError> {
    let expected = if current_user(req).is_some() {
        req.cookie(SESSION_COOKIE).map(|c| session_csrf_token(c.value()))
    } else {
        req.cookie(CSRF_COOKIE).map(|c| c.value().to_owned()).filter(|v| is_token(v))
    };
    match expected {
        Some(token) if constant_time_eq(&token, submitted) => Ok(()),
        _ => Err(AppError::Csrf),
    }
}

/// The client's address, as the connection gives it. Never stored: the throttles and the
/// login counters keep its pseudonym (`AppState::client_pseudonym`).
pub fn client_ip(req: &HttpRequest) -> String {
    req.peer_addr().map(|a| a.ip().to_string()).unwrap_or_else(|| "inconnue".to_owned())
}
