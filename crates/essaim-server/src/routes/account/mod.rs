//! Login and logout.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::domain::session::{begin_login, close_session, finish_login, open_session, LoginError};
use essaim_core::security::random_token;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{current_user, expired_cookie, secure_cookie, CSRF_COOKIE, SESSION_COOKIE};
use crate::error::AppError;
use crate::extract::{CsrfForm, NoFields};
use crate::views::{render, Layout};

#[derive(Template)]
#[template(path = "account/login.html")]
struct LoginPage {
    layout: Layout,
    email: String,
    next: String,
    failed: bool,
}

/// Query of the login page.
#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Only a path on this site may follow a login, never another site (open redirect).
fn safe_next(next: Option<&str>) -> String {
    match next {
        // Browsers drop tabs and newlines from URLs ("/\t/evil" becomes "//evil"): refuse them.
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(|c| c.is_control() || c.is_whitespace()) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// `GET /login`
pub async fn login_form(req: HttpRequest, query: web::Query<LoginQuery>) -> Result<HttpResponse, AppError> {
    let page = LoginPage {
        layout: Layout::for_request(&req, "Connexion", "login"),
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        failed: false,
    };
    render(&page, StatusCode::OK)
}

/// The login form.
#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

/// `POST /login`: one answer for an unknown e-mail and a wrong password; 429 when throttled.
/// The password is checked with no database connection held and at most a few checks at
/// once, so a flood of logins cannot take the connections every page needs.
pub async fn login_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    // The address as the counters know it: its pseudonym, never the address itself.
    let (email, ip) = (form.email.clone(), state.client_pseudonym(&req).await?);
    let attempt = match state.db(move |conn| begin_login(conn, &email, &ip)).await {
        Ok(attempt) => attempt,
        Err(LoginError::InvalidCredentials) => return failed_login(&req, &form),
        Err(other) => return Err(other.into()),
    };
    let permit = state.password_checks.clone().acquire_owned().await.map_err(|e| AppError::Internal(e.to_string()))?;
    let password = form.password.clone();
    let (verified, attempt) = web::block(move || {
        let verified = attempt.verify(&password);
        drop(permit);
        (verified, attempt)
    })
    .await?;
    let earlier = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned());
    let outcome = state
        .db(move |conn| {
            let account = finish_login(conn, attempt, verified)?;
            // One browser, one session: the session this browser had (another account's, or the
            // same one's) ends on the server, so its cookie, kept or copied, opens nothing after.
            if let Some(token) = &earlier {
                close_session(conn, token).map_err(LoginError::from)?;
            }
            open_session(conn, &account).map_err(LoginError::from)
        })
        .await;
    match outcome {
        Ok(token) => {
            let tls = state.config.behind_tls();
            Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, safe_next(form.next.as_deref())))
                .cookie(secure_cookie(SESSION_COOKIE, token, tls))
                // A new CSRF token with the new session: a token seen before login is worthless after.
                .cookie(secure_cookie(CSRF_COOKIE, random_token(), tls))
                .finish())
        }
        Err(LoginError::InvalidCredentials) => failed_login(&req, &form),
        Err(other) => Err(other.into()),
    }
}

fn failed_login(req: &HttpRequest, form: &LoginForm) -> Result<HttpResponse, AppError> {
    let page = LoginPage {
        layout: Layout::for_request(req, "Connexion", "login"),
        email: form.email.trim().to_owned(),
        next: safe_next(form.next.as_deref()),
        failed: true,
    };
    render(&page, StatusCode::OK)
}

/// `POST /logout`: ends the session on the server and in the browser.
pub async fn logout(
    req: HttpRequest,
    state: web::Data<AppState>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()) {
        state.db(move |conn| close_session(conn, &token).map_err(AppError::from)).await?;
    }
    let was_logged_in = current_user(&req).is_some();
    let tls = state.config.behind_tls();
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, if was_logged_in { "/?deconnexion=ok" } else { "/" }))
        .cookie(expired_cookie(SESSION_COOKIE, tls))
        .finish())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_follow_a_login() {
        assert_eq!(safe_next(Some("/admin")), "/admin");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\n/evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
