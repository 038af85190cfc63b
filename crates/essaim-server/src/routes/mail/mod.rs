//! The outbox as staff see it: every e-mail recorded, how it stands, and the failed ones with
//! their reason, to send again.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::Id;
use essaim_core::domain::MailState;
use essaim_core::mail::outbox::{mail_counts, recent_mail, retry_mail};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, NoFields, Staff};
use crate::views::{french_paris, render, Layout};

/// Messages listed on the page, at most.
const SHOWN: i64 = 200;

struct MailLine {
    id: String,
    created: String,
    topic: String,
    recipient: String,
    subject: String,
    state: &'static str,
    failed: bool,
    attempts: i32,
    error: String,
}

#[derive(Template)]
#[template(path = "mail/outbox.html")]
struct OutboxPage {
    layout: Layout,
    counts: Vec<(&'static str, i64)>,
    only_failed: bool,
    mails: Vec<MailLine>,
    notice: Option<&'static str>,
}

/// Query of the page.
#[derive(Deserialize)]
pub struct OutboxQuery {
    etat: Option<String>,
    fait: Option<String>,
}

/// `GET /staff/courriels[?etat=echec]`
pub async fn outbox(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, AppError> {
    let only_failed = query.etat.as_deref() == Some("echec");
    let filter = only_failed.then_some(MailState::Failed);
    let (counts, mails) = state
        .db(move |conn| -> Result<_, AppError> { Ok((mail_counts(conn)?, recent_mail(conn, filter, SHOWN)?)) })
        .await?;
    let page = OutboxPage {
        layout: Layout::for_request(&req, "Courriels envoyés", "home"),
        counts: counts.into_iter().map(|(s, n)| (s.label(), n)).collect(),
        only_failed,
        mails: mails
            .into_iter()
            .map(|m| MailLine {
                id: m.id.to_string(),
                created: french_paris(m.created_at),
                topic: m.topic,
                recipient: m.recipient,
                subject: m.subject,
                state: m.state.label(),
                failed: m.state == MailState::Failed,
                attempts: m.attempts,
                error: m.last_error.unwrap_or_default(),
            })
            .collect(),
        notice: (query.fait.as_deref() == Some("relance"))
            .then_some("Le courriel est de nouveau dans la file d'envoi."),
    };
    render(&page, StatusCode::OK)
}

/// `POST /staff/courriels/{id}/relancer`: a failed message goes back to the queue.
pub async fn retry(
    Staff(actor): Staff,
    state: web::Data<AppState>,
    id: web::Path<Id>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    state.db(move |conn| retry_mail(conn, id, actor.id).map_err(AppError::from)).await?;
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, "/staff/courriels?fait=relance")).finish())
}
