//! `GET /staff/consultations/{slug}/synthese`: every theme, its figures and its runs.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::domain::consultation::{find_consultation, themes_of};
use essaim_core::domain::contribution::moderation_counts;
use essaim_core::domain::orientation::theme_standing;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::Staff;
use crate::views::{render, Layout};

struct ThemeLine {
    position: i32,
    title: String,
    contributions: i64,
    pending: i64,
    orientations: i64,
    unplaced: i64,
}

#[derive(Template)]
#[template(path = "synthesis/overview.html")]
struct OverviewPage {
    layout: Layout,
    slug: String,
    consultation_title: String,
    themes: Vec<ThemeLine>,
    /// Contributions with no theme, which no synthesis reads until staff give them one.
    without_theme: i64,
}

/// The overview page.
pub async fn overview(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let key = slug.clone();
    let (title, themes, without_theme) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &key)?;
            let mut lines = Vec::new();
            for theme in themes_of(conn, consultation.id)? {
                let standing = theme_standing(conn, theme.id)?;
                let counts = moderation_counts(conn, consultation.id, Some(theme.id))?;
                lines.push(ThemeLine {
                    position: theme.position,
                    title: theme.title,
                    contributions: standing.contributions,
                    pending: counts.pending,
                    orientations: standing.orientations,
                    unplaced: standing.unplaced,
                });
            }
            let without_theme = essaim_core::domain::contribution::count_without_theme(conn, consultation.id)?;
            Ok((consultation.title, lines, without_theme))
        })
        .await?;
    let page = OverviewPage {
        layout: Layout::for_request(&req, "Synthèse", "home"),
        slug,
        consultation_title: title,
        themes,
        without_theme,
    };
    render(&page, StatusCode::OK)
}
