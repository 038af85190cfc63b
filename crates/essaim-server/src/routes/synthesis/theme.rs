//! `GET /staff/consultations/{slug}/synthese/{position}`: a theme's draft orientations.

use std::collections::HashMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::Id;
use essaim_core::domain::orientation::{orientations_of_theme, references_behind, theme_counts, ThemeCounts};
use essaim_core::domain::{Channel, JobState, OrientationStatus, Quote};
use essaim_synthesis::drafts::run_status;
use serde::Deserialize;

use super::find_theme;
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::Staff;
use crate::views::{render, Layout};

pub(super) struct DraftLine {
    id: String,
    title: String,
    body: String,
    /// The body is still the run's proposed text.
    proposed: bool,
    /// Opposite stances held in the group, as a sentence, and a quote of each side.
    stances: Option<String>,
    stance_quotes: Vec<(String, Quote)>,
    key_phrases: String,
    size: i64,
    channels: String,
    quotes: Vec<Quote>,
}

#[derive(Template)]
#[template(path = "synthesis/theme.html")]
struct ThemePage {
    layout: Layout,
    slug: String,
    position: i32,
    theme_title: String,
    /// A run queued or under way, since this time (UTC).
    running: Option<String>,
    contributions: i64,
    set_aside: i64,
    unplaced: i64,
    drafts: Vec<DraftLine>,
    notice: Option<String>,
    error: Option<String>,
}

fn channel_summary(counts: &[(Channel, i64)]) -> String {
    let mut parts: Vec<(i64, String)> = counts.iter().map(|(c, n)| (*n, format!("{} {n}", c.label()))).collect();
    parts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    parts.into_iter().map(|(_, p)| p).collect::<Vec<_>>().join(", ")
}

/// What the page shows, read in one go.
struct ThemeView {
    title: String,
    standing: essaim_core::domain::orientation::ThemeStanding,
    drafts: Vec<DraftLine>,
    run: Option<essaim_core::jobs::Job>,
    /// The consultation, for its time zone.
    consultation: essaim_core::domain::consultation::Consultation,
}

fn read_theme(conn: &mut essaim_core::db::DbConnection, slug: &str, position: i32) -> Result<ThemeView, AppError> {
    let (consultation, theme) = find_theme(conn, slug, position)?;
    // The run's state first: a run stores its drafts and marks its job done in one
    // transaction, so drafts read after a job seen done are that run's. Read the other way
    // round, a run committing in between made the page say it had ended above the drafts of
    // before it (seen once on PostgreSQL under load).
    let run = run_status(conn, theme.id)?;
    let ThemeCounts { standing, by_orientation: counts } = theme_counts(conn, theme.id)?;
    let mut by_orientation: HashMap<Id, Vec<(Channel, i64)>> = HashMap::new();
    for count in counts {
        by_orientation.entry(count.orientation_id).or_default().push((count.channel, count.count));
    }
    let mut drafts = Vec::new();
    for orientation in orientations_of_theme(conn, theme.id, OrientationStatus::Draft)? {
        let channels = by_orientation.remove(&orientation.id).unwrap_or_default();
        let quotes = orientation.quote_list();
        let wanted: Vec<String> = quotes.iter().map(|q| q.reference.clone()).collect();
        let behind = references_behind(conn, orientation.id, &wanted)?;
        let stances = essaim_synthesis::drafts::stances_of(&orientation);
        drafts.push((
            orientation.created_at,
            DraftLine {
                id: orientation.id.to_string(),
                key_phrases: orientation.key_phrase_list().join(", "),
                size: channels.iter().map(|(_, n)| n).sum(),
                channels: channel_summary(&channels),
                quotes: quotes.into_iter().filter(|q| behind.contains(&q.reference)).collect(),
                proposed: orientation.body_proposed,
                stances: stances.as_ref().map(essaim_synthesis::export::stances_line),
                stance_quotes: stances
                    .map(|s| s.sides.into_iter().map(|side| (side.position, side.quote)).collect())
                    .unwrap_or_default(),
                title: orientation.title,
                body: orientation.body,
            },
        ));
    }
    // Largest first, then oldest first: the order the drafts have always been listed in.
    drafts.sort_by(|a, b| b.1.size.cmp(&a.1.size).then(a.0.cmp(&b.0)));
    Ok(ThemeView {
        title: theme.title,
        standing,
        drafts: drafts.into_iter().map(|(_, d)| d).collect(),
        run,
        consultation,
    })
}

/// The theme page with a notice or an error, at a status.
pub(super) async fn theme_page(
    req: &HttpRequest,
    state: &AppState,
    (slug, position): (&str, i32),
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let key = slug.to_owned();
    let view = state.db(move |conn| read_theme(conn, &key, position)).await?;
    let (mut notice, mut error, mut running) = (notice, error, None);
    if let Some(job) = &view.run {
        match job.state {
            JobState::Queued | JobState::Running => {
                // In the consultation's time zone, as staff read their clocks.
                let since = view.consultation.local(job.started_at.unwrap_or(job.created_at));
                running = Some(since.format("%H h %M").to_string())
            }
            JobState::Done => {
                notice =
                    Some("La synthèse lancée en arrière-plan est terminée : les contributions sont placées.".into())
            }
            JobState::Failed | JobState::Interrupted => {
                error = Some(job.error.clone().unwrap_or_else(|| "La synthèse n'a pas abouti : relancez-la.".into()))
            }
        }
    }
    let page = ThemePage {
        layout: Layout::for_request(req, format!("Synthèse — thème {position}"), "home"),
        slug: slug.to_owned(),
        position,
        theme_title: view.title,
        running,
        contributions: view.standing.contributions,
        set_aside: view.standing.set_aside,
        unplaced: view.standing.unplaced,
        drafts: view.drafts,
        notice,
        error,
    };
    render(&page, status)
}

/// Query of the theme page.
#[derive(Deserialize)]
pub struct ThemeQuery {
    fait: Option<String>,
}

fn notice_for(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "synthese" => "La synthèse a été faite : les contributions sont placées.",
            "lancee" => "La synthèse a été lancée. Elle tourne en arrière-plan : vous pouvez quitter cette page.",
            "modifiee" => "L'orientation a été enregistrée.",
            "fusionnee" => "Les deux orientations ont été fusionnées.",
            "ecartee" => "L'orientation a été écartée.",
            "ajoutee" => "L'orientation a été ajoutée.",
            "scindee" => "Les contributions cochées forment une nouvelle orientation.",
            "positions-separees" => "Les deux positions forment désormais deux orientations.",
            "deplacee" => "La contribution a été déplacée.",
            _ => return None,
        }
        .to_owned(),
    )
}

/// The theme page.
pub async fn theme_view(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
    query: web::Query<ThemeQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, position) = path.into_inner();
    theme_page(&req, &state, (&slug, position), notice_for(query.fait.as_deref()), None, StatusCode::OK).await
}
