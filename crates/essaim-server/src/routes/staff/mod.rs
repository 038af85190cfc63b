//! The staff's way in: `/staff`, the consultations with what calls for action, and each
//! consultation's staff home, linking every staff page and giving a theme to contributions
//! that came without one.

pub(crate) mod mails;
pub mod setup;

use actix_web::{http::header, web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::Id;
use essaim_core::domain::attention::attention_of;
use essaim_core::domain::consultation::{find_consultation, list_consultations, themes_of, Theme};
use essaim_core::domain::contribution::{assign_theme, without_theme};
use essaim_core::domain::scope::limits_of;
use essaim_core::domain::MailState;
use essaim_core::mail::outbox::mail_counts;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, Staff};
use crate::views::{french_local, french_period, render, Layout};

/// One consultation on the dashboard.
struct Line {
    slug: String,
    title: String,
    state: &'static str,
    accepted: i64,
    pending: i64,
    without_theme: i64,
    to_synthesise: usize,
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    layout: Layout,
    consultations: Vec<Line>,
    failed_mails: i64,
}

/// `GET /staff`: every consultation the account may see, with what waits.
pub async fn dashboard(
    req: HttpRequest,
    Staff(account): Staff,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let (consultations, failed_mails) = state
        .db(move |conn| -> Result<_, AppError> {
            let limits = limits_of(conn, &account)?;
            let mut lines = Vec::new();
            let visible =
                list_consultations(conn)?.into_iter().filter(|c| limits.as_ref().is_none_or(|ids| ids.contains(&c.id)));
            for c in visible {
                let a = attention_of(conn, c.id)?;
                lines.push(Line {
                    slug: c.slug,
                    title: c.title,
                    state: c.state.label(),
                    accepted: a.accepted,
                    pending: a.pending,
                    without_theme: a.without_theme,
                    to_synthesise: a.themes_to_synthesise.len(),
                });
            }
            let failed = mail_counts(conn)?.into_iter().find(|(s, _)| *s == MailState::Failed).map_or(0, |(_, n)| n);
            Ok((lines, failed))
        })
        .await?;
    render(
        &DashboardPage { layout: Layout::for_request(&req, "Espace équipe", "staff"), consultations, failed_mails },
        actix_web::http::StatusCode::OK,
    )
}

/// A contribution waiting for its theme, as the staff home lists it.
struct Unthemed {
    id: String,
    channel: &'static str,
    kind: &'static str,
    date: String,
    text: String,
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct HomePage {
    layout: Layout,
    slug: String,
    title: String,
    state: &'static str,
    period: String,
    done: Option<String>,
    clear: bool,
    accepted: i64,
    pending: i64,
    without_theme: i64,
    to_synthesise: Vec<Theme>,
    listed: i64,
    unthemed: Vec<Unthemed>,
    themes: Vec<Theme>,
}

/// What the staff home was redirected with.
#[derive(Deserialize)]
pub struct HomeQuery {
    /// How many contributions were just given a theme.
    classees: Option<usize>,
}

/// `GET /staff/consultations/{slug}`: the consultation's staff home.
pub async fn home(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<HomeQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (consultation, attention, unthemed, themes) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let attention = attention_of(conn, consultation.id)?;
            let unthemed = without_theme(conn, consultation.id)?;
            let themes = themes_of(conn, consultation.id)?;
            Ok((consultation, attention, unthemed, themes))
        })
        .await?;
    let page = HomePage {
        layout: Layout::for_request(&req, consultation.title.clone(), "staff"),
        slug: consultation.slug.clone(),
        title: consultation.title.clone(),
        state: consultation.state.label(),
        period: french_period(consultation.starts_on, consultation.ends_on).unwrap_or_default(),
        done: query.classees.map(|n| format!("{n} contribution(s) ont reçu leur thème.")),
        clear: attention.is_clear(),
        accepted: attention.accepted,
        pending: attention.pending,
        without_theme: attention.without_theme,
        to_synthesise: attention.themes_to_synthesise,
        listed: unthemed.len() as i64,
        unthemed: unthemed
            .into_iter()
            .map(|c| Unthemed {
                id: c.id.to_string(),
                channel: c.channel.label(),
                kind: c.kind.label(),
                date: french_local(consultation.local(c.created_at)),
                text: c.body,
            })
            .collect(),
        themes,
    };
    render(&page, actix_web::http::StatusCode::OK)
}

/// The form that gives a theme.
#[derive(Deserialize)]
pub struct ThemeForm {
    #[serde(default)]
    contribution: Vec<String>,
    #[serde(default)]
    theme: String,
}

/// `POST /staff/consultations/{slug}/sans-theme`: gives the chosen theme to the ticked
/// contributions, audited one by one.
pub async fn assign(
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<ThemeForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let form = form.into_inner();
    let ids: Vec<Id> = form.contribution.iter().filter_map(|raw| raw.parse().ok()).collect();
    let actor = staff.0.id;
    let lookup = slug.clone();
    let given = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            let theme = themes_of(conn, consultation.id)?
                .into_iter()
                .find(|t| t.position.to_string() == form.theme.trim())
                .ok_or_else(|| {
                    AppError::from(essaim_core::CoreError::invalid("theme", "Choisissez un thème de la consultation."))
                })?;
            Ok(assign_theme(conn, consultation.id, &ids, theme.id, Some(actor))?)
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/staff/consultations/{slug}?classees={given}")))
        .finish())
}
