//! Staff pages of the synthesis: run it per theme, then edit the draft orientations.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::Id;
use essaim_core::domain::consultation::{find_consultation, themes_of};
use essaim_core::domain::{Account, Channel, Role, Theme};
use essaim_core::CoreError;
use essaim_synthesis::drafts::{self, DraftError, ThemeDrafts};
use essaim_synthesis::export::{render as render_export, Format};
use essaim_synthesis::pipeline::Params;
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::{require_role, verify_csrf};
use crate::error::AppError;
use crate::jobs::JobState;
use crate::views::{render, Layout};

const STAFF: &[Role] = &[Role::Admin, Role::Staff];

fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

fn draft_error(e: DraftError) -> Result<String, AppError> {
    match e {
        DraftError::Invalid(message) => Ok(message),
        DraftError::Synthesis(s) => Ok(s.to_string()),
        DraftError::NotFound(_) => Err(AppError::NotFound),
        DraftError::Store(s) => Err(AppError::from(s)),
    }
}

/// A form that carries only its CSRF token.
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    csrf_token: String,
}

struct ThemeLine {
    position: i32,
    title: String,
    contributions: usize,
    orientations: usize,
    unplaced: usize,
}

#[derive(Template)]
#[template(path = "staff/synthesis.html")]
struct SynthesisPage {
    layout: Layout,
    slug: String,
    consultation_title: String,
    themes: Vec<ThemeLine>,
}

/// `GET /staff/consultations/{slug}/synthese`
#[get("/staff/consultations/{slug}/synthese")]
pub async fn synthesis_view(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    require_role(&req, STAFF)?;
    let slug = slug.into_inner();
    let key = slug.clone();
    let (title, themes) = state
        .db(move |conn| {
            let consultation = find_consultation(conn, &key)?;
            let mut lines = Vec::new();
            for theme in themes_of(conn, consultation.id)? {
                let view = drafts::theme_drafts(conn, consultation.id, theme.id).map_err(store_error)?;
                lines.push(ThemeLine {
                    position: theme.position,
                    contributions: view.contributions(),
                    orientations: view.drafts.len(),
                    unplaced: view.unplaced.len(),
                    title: theme.title,
                });
            }
            Ok((consultation.title, lines))
        })
        .await?;
    let page = SynthesisPage {
        layout: Layout::for_request(&req, "Synthèse", "home"),
        slug,
        consultation_title: title,
        themes,
    };
    render(&page, StatusCode::OK)
}

fn store_error(e: DraftError) -> CoreError {
    match e {
        DraftError::Store(s) => s,
        DraftError::NotFound(what) => CoreError::NotFound(what.to_owned()),
        other => CoreError::Internal(other.to_string()),
    }
}

async fn theme_of(state: &AppState, slug: &str, position: i32) -> Result<(Id, Theme), AppError> {
    let slug = slug.to_owned();
    state
        .db(move |conn| {
            let consultation = find_consultation(conn, &slug)?;
            let theme = themes_of(conn, consultation.id)?
                .into_iter()
                .find(|t| t.position == position)
                .ok_or_else(|| CoreError::NotFound("thème".into()))?;
            Ok((consultation.id, theme))
        })
        .await
}

struct DraftLine {
    id: String,
    title: String,
    body: String,
    key_phrases: String,
    size: usize,
    channels: String,
    quotes: Vec<essaim_synthesis::pipeline::Quote>,
}

#[derive(Template)]
#[template(path = "staff/theme.html")]
struct ThemePage {
    layout: Layout,
    slug: String,
    position: i32,
    theme_title: String,
    /// A background run under way, since this time (UTC).
    running: Option<String>,
    contributions: usize,
    set_aside: usize,
    unplaced: usize,
    drafts: Vec<DraftLine>,
    notice: Option<String>,
    error: Option<String>,
}

fn channel_summary(support: &essaim_synthesis::pipeline::Support) -> String {
    let mut parts: Vec<(usize, String)> = support
        .by_channel
        .iter()
        .map(|(code, n)| (*n, format!("{} {n}", Channel::parse(code).map(|c| c.label()).unwrap_or(code))))
        .collect();
    parts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    parts.into_iter().map(|(_, p)| p).collect::<Vec<_>>().join(", ")
}

async fn theme_page(
    req: &HttpRequest,
    state: &AppState,
    slug: &str,
    position: i32,
    notice: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (consultation, theme) = theme_of(state, slug, position).await?;
    let theme_id = theme.id;
    let view: ThemeDrafts =
        state.db(move |conn| drafts::theme_drafts(conn, consultation, theme_id).map_err(store_error)).await?;
    let contributions = view.contributions();
    let (running, notice, error) = match state.jobs.take_for_display(theme_id) {
        Some(JobState::Running(since)) => (Some(since), notice, error),
        Some(JobState::Finished) => (
            None,
            Some("La synthèse lancée en arrière-plan est terminée : les contributions sont placées.".to_owned()),
            error,
        ),
        Some(JobState::Failed(message)) => (None, notice, Some(message)),
        None => (None, notice, error),
    };
    let page = ThemePage {
        running,
        layout: Layout::for_request(req, format!("Synthèse — thème {position}"), "home"),
        slug: slug.to_owned(),
        position,
        theme_title: theme.title,
        contributions,
        set_aside: view.set_aside.len(),
        unplaced: view.unplaced.len(),
        drafts: view
            .drafts
            .iter()
            .map(|d| DraftLine {
                id: d.orientation.id.to_string(),
                title: d.orientation.title.clone(),
                body: d.orientation.body.clone(),
                key_phrases: d.key_phrases.join(", "),
                size: d.members.len(),
                channels: channel_summary(&d.support),
                quotes: d.quotes.clone(),
            })
            .collect(),
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
            "deplacee" => "La contribution a été déplacée.",
            _ => return None,
        }
        .to_owned(),
    )
}

/// `GET /staff/consultations/{slug}/synthese/{position}`
#[get("/staff/consultations/{slug}/synthese/{position}")]
pub async fn theme_view(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
    query: web::Query<ThemeQuery>,
) -> Result<HttpResponse, AppError> {
    require_role(&req, STAFF)?;
    let (slug, position) = path.into_inner();
    theme_page(&req, &state, &slug, position, notice_for(query.fait.as_deref()), None, StatusCode::OK).await
}

/// How many contributions a theme holds, to decide whether its synthesis runs in the background.
fn theme_size(conn: &mut essaim_core::db::DbConnection, theme: Id) -> Result<usize, CoreError> {
    use diesel::prelude::*;
    use essaim_core::schema::contributions;
    let count: i64 = contributions::table.filter(contributions::theme_id.eq(theme)).count().get_result(conn)?;
    Ok(usize::try_from(count).unwrap_or(usize::MAX))
}

/// `POST /staff/consultations/{slug}/synthese/{position}/run`: small themes are grouped while
/// the request waits; large ones in the background (see `jobs`).
#[post("/staff/consultations/{slug}/synthese/{position}/run")]
pub async fn run_theme(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let actor = require_role(&req, STAFF)?;
    verify_csrf(&req, &form.csrf_token)?;
    let (slug, position) = path.into_inner();
    let (consultation, theme) = theme_of(&state, &slug, position).await?;
    let theme_id = theme.id;
    let size = state.db(move |conn| theme_size(conn, theme_id)).await?;
    if state.jobs.in_background(size) {
        if !state.jobs.start(theme_id, chrono::Utc::now().format("%H:%M").to_string()) {
            let message = "Une synthèse de ce thème est déjà en cours : attendez qu'elle se termine.".to_owned();
            return theme_page(&req, &state, &slug, position, None, Some(message), StatusCode::CONFLICT).await;
        }
        let pool = state.pool.clone();
        let run = move || {
            let mut conn = pool.get().map_err(|e| {
                tracing::error!(error = %e, "synthèse en arrière-plan : pas de connexion");
                "La base de données n'a pas répondu : relancez la synthèse.".to_owned()
            })?;
            drafts::run_theme(&mut conn, consultation, theme.id, &theme.title, &Params::default(), Some(actor.id))
                .map(|_| ())
                .map_err(|e| {
                    draft_error(e).unwrap_or_else(|e| {
                        tracing::error!(error = %e, "synthèse en arrière-plan");
                        "La synthèse a échoué sur une erreur interne : relancez-la ou prévenez l'administrateur."
                            .to_owned()
                    })
                })
        };
        state.jobs.spawn(theme_id, run).map_err(|e| AppError::Internal(format!("synthèse en arrière-plan : {e}")))?;
        return Ok(see_other(format!("/staff/consultations/{slug}/synthese/{position}?fait=lancee")));
    }
    let outcome = state
        .db(move |conn| {
            Ok(drafts::run_theme(conn, consultation, theme.id, &theme.title, &Params::default(), Some(actor.id)))
        })
        .await?;
    match outcome {
        Ok(_) => Ok(see_other(format!("/staff/consultations/{slug}/synthese/{position}?fait=synthese"))),
        Err(e) => {
            let message = draft_error(e)?;
            theme_page(&req, &state, &slug, position, None, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// The orientation being acted on, its theme's page, and who acts.
async fn context(req: &HttpRequest, state: &AppState, id: &str) -> Result<(Account, Id, String, i32), AppError> {
    let actor = require_role(req, STAFF)?;
    let id: Id = id.parse().map_err(|_| AppError::NotFound)?;
    let (slug, position) = state
        .db(move |conn| {
            use diesel::prelude::*;
            use essaim_core::schema::{consultations, orientations, themes};
            orientations::table
                .inner_join(themes::table.on(themes::id.eq(orientations::theme_id)))
                .inner_join(consultations::table.on(consultations::id.eq(orientations::consultation_id)))
                .filter(orientations::id.eq(id))
                .select((consultations::slug, themes::position))
                .first::<(String, i32)>(conn)
                .optional()?
                .ok_or_else(|| CoreError::NotFound("orientation".into()))
        })
        .await?;
    Ok((actor, id, slug, position))
}

async fn after_change(
    req: &HttpRequest,
    state: &AppState,
    outcome: Result<(), DraftError>,
    (slug, position): (&str, i32),
    done: &str,
) -> Result<HttpResponse, AppError> {
    match outcome {
        Ok(()) => Ok(see_other(format!("/staff/consultations/{slug}/synthese/{position}?fait={done}"))),
        Err(e) => {
            let message = draft_error(e)?;
            theme_page(req, state, slug, position, None, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// The edit form.
#[derive(Deserialize)]
pub struct EditForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

/// `POST /staff/orientations/{id}/edit`
#[post("/staff/orientations/{id}/edit")]
pub async fn edit_orientation(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<EditForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, id, slug, position) = context(&req, &state, &id).await?;
    verify_csrf(&req, &form.csrf_token)?;
    let form = form.into_inner();
    let outcome = state.db(move |conn| Ok(drafts::edit(conn, id, &form.title, &form.body, actor.id))).await?;
    after_change(&req, &state, outcome, (&slug, position), "modifiee").await
}

/// The merge form.
#[derive(Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    target: String,
}

/// `POST /staff/orientations/{id}/merge`
#[post("/staff/orientations/{id}/merge")]
pub async fn merge_orientation(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<MergeForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, id, slug, position) = context(&req, &state, &id).await?;
    verify_csrf(&req, &form.csrf_token)?;
    let target: Id = form.target.parse().map_err(|_| AppError::BadRequest("orientation de destination".into()))?;
    let outcome = state.db(move |conn| Ok(drafts::merge(conn, id, target, actor.id))).await?;
    after_change(&req, &state, outcome, (&slug, position), "fusionnee").await
}

/// `POST /staff/orientations/{id}/discard`
#[post("/staff/orientations/{id}/discard")]
pub async fn discard_orientation(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, id, slug, position) = context(&req, &state, &id).await?;
    verify_csrf(&req, &form.csrf_token)?;
    let outcome = state.db(move |conn| Ok(drafts::discard(conn, id, actor.id))).await?;
    after_change(&req, &state, outcome, (&slug, position), "ecartee").await
}

/// `POST /staff/consultations/{slug}/synthese/{position}/orientations`: adds one by hand.
#[post("/staff/consultations/{slug}/synthese/{position}/orientations")]
pub async fn add_orientation(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, i32)>,
    form: web::Form<EditForm>,
) -> Result<HttpResponse, AppError> {
    let actor = require_role(&req, STAFF)?;
    verify_csrf(&req, &form.csrf_token)?;
    let (slug, position) = path.into_inner();
    let (consultation, theme) = theme_of(&state, &slug, position).await?;
    let form = form.into_inner();
    let outcome = state
        .db(move |conn| Ok(drafts::add(conn, consultation, theme.id, &form.title, &form.body, actor.id).map(|_| ())))
        .await?;
    after_change(&req, &state, outcome, (&slug, position), "ajoutee").await
}

struct MemberLine {
    id: String,
    reference: String,
    text: String,
    channel: &'static str,
}

/// Contributions shown per page of an orientation: an orientation of thousands stays a page
/// that a browser, a screen reader and a slow connection can handle.
const MEMBERS_PER_PAGE: usize = 100;

/// Which slice of a list one page shows (pages count from 1).
#[derive(Debug, PartialEq, Eq)]
struct Pagination {
    page: usize,
    pages: usize,
    start: usize,
    end: usize,
}

/// A page number from the address: anything unreadable means the first page, anything past
/// the end the last one (a link kept from before a merge still lands somewhere sensible).
fn paginate(total: usize, requested: Option<&str>, per_page: usize) -> Pagination {
    let pages = total.div_ceil(per_page).max(1);
    let page = requested.and_then(|p| p.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, pages);
    let start = (page - 1) * per_page;
    Pagination { page, pages, start, end: (start + per_page).min(total) }
}

/// Query of the orientation page.
#[derive(Deserialize)]
pub struct OrientationQuery {
    page: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/orientation.html")]
struct OrientationPage {
    layout: Layout,
    slug: String,
    position: i32,
    id: String,
    title: String,
    total: usize,
    pagination: Pagination,
    members: Vec<MemberLine>,
    targets: Vec<(String, String)>,
    error: Option<String>,
}

async fn orientation_page(
    req: &HttpRequest,
    state: &AppState,
    id: &str,
    page: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (_, id, slug, position) = context(req, state, id).await?;
    let (consultation, theme) = theme_of(state, &slug, position).await?;
    let theme_id = theme.id;
    let view = state.db(move |conn| drafts::theme_drafts(conn, consultation, theme_id).map_err(store_error)).await?;
    let Some(draft) = view.drafts.iter().find(|d| d.orientation.id == id) else { return Err(AppError::NotFound) };
    let pagination = paginate(draft.members.len(), page, MEMBERS_PER_PAGE);
    let page = OrientationPage {
        layout: Layout::for_request(req, draft.orientation.title.clone(), "home"),
        slug,
        position,
        id: id.to_string(),
        title: draft.orientation.title.clone(),
        total: draft.members.len(),
        members: draft.members[pagination.start..pagination.end]
            .iter()
            .map(|m| MemberLine {
                id: m.id.to_string(),
                reference: m.reference.clone(),
                text: m.text.clone(),
                channel: Channel::parse(&m.channel).map(|c| c.label()).unwrap_or("autre"),
            })
            .collect(),
        targets: view
            .drafts
            .iter()
            .filter(|d| d.orientation.id != id)
            .map(|d| (d.orientation.id.to_string(), d.orientation.title.clone()))
            .collect(),
        pagination,
        error,
    };
    render(&page, status)
}

/// `GET /staff/orientations/{id}[?page=N]`: the contributions behind an orientation.
#[get("/staff/orientations/{id}")]
pub async fn orientation_view(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<OrientationQuery>,
) -> Result<HttpResponse, AppError> {
    orientation_page(&req, &state, &id, query.page.as_deref(), None, StatusCode::OK).await
}

/// `POST /staff/orientations/{id}/split`: the checked contributions become a new orientation.
/// The body is parsed by hand: a checkbox list repeats its field name.
#[post("/staff/orientations/{id}/split")]
pub async fn split_orientation(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let raw_id = id.into_inner();
    let (actor, id, slug, position) = context(&req, &state, &raw_id).await?;
    let (mut token, mut title, mut chosen) = (String::new(), String::new(), Vec::new());
    for (key, value) in url::form_urlencoded::parse(&body) {
        match key.as_ref() {
            "csrf_token" => token = value.into_owned(),
            "title" => title = value.into_owned(),
            "contribution" => {
                chosen.push(value.parse::<Id>().map_err(|_| AppError::BadRequest("contribution".into()))?)
            }
            _ => {}
        }
    }
    verify_csrf(&req, &token)?;
    match state.db(move |conn| Ok(drafts::split(conn, id, &chosen, &title, actor.id))).await? {
        Ok(_) => Ok(see_other(format!("/staff/consultations/{slug}/synthese/{position}?fait=scindee"))),
        Err(e) => {
            let message = draft_error(e)?;
            orientation_page(&req, &state, &raw_id, None, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

/// `POST /staff/contributions/{id}/move`
#[post("/staff/contributions/{id}/move")]
pub async fn move_contribution(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<MergeForm>,
) -> Result<HttpResponse, AppError> {
    require_role(&req, STAFF)?;
    verify_csrf(&req, &form.csrf_token)?;
    let contribution: Id = id.parse().map_err(|_| AppError::NotFound)?;
    let target = form.target.clone();
    let (actor, target, slug, position) = context(&req, &state, &target).await?;
    let outcome = state.db(move |conn| Ok(drafts::move_contribution(conn, contribution, target, actor.id))).await?;
    after_change(&req, &state, outcome, (&slug, position), "deplacee").await
}

/// `GET /staff/consultations/{slug}/synthese/export/{format}`: the drafts as staff left them,
/// as a file (json, csv, md, html), in one click.
#[get("/staff/consultations/{slug}/synthese/export/{format}")]
pub async fn export_drafts(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    require_role(&req, STAFF)?;
    let (slug, format) = path.into_inner();
    let format = match format.as_str() {
        "json" => Format::Json,
        "csv" => Format::Csv,
        "md" => Format::Markdown,
        "html" => Format::Html,
        "odt" => Format::Odt,
        "docx" => Format::Docx,
        "pdf" => Format::Pdf,
        _ => return Err(AppError::NotFound),
    };
    let output = state.db(move |conn| drafts::drafts_document(conn, &slug).map_err(store_error)).await?;
    // Laying out a large document takes a while: off the async workers, like database work.
    let (name, bytes) = web::block(move || render_export(&output.document, &output.inputs, format))
        .await
        .map_err(|e| AppError::Internal(format!("tâche interrompue : {e}")))?
        .map_err(AppError::Internal)?;
    Ok(HttpResponse::Ok()
        .content_type(format.content_type())
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .body(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_the_list_and_odd_page_numbers_land_somewhere_sensible() {
        assert_eq!(paginate(0, None, 100), Pagination { page: 1, pages: 1, start: 0, end: 0 });
        assert_eq!(paginate(250, Some("2"), 100), Pagination { page: 2, pages: 3, start: 100, end: 200 });
        assert_eq!(paginate(250, Some("3"), 100), Pagination { page: 3, pages: 3, start: 200, end: 250 });
        assert_eq!(paginate(250, Some("99"), 100).page, 3);
        assert_eq!(paginate(250, Some("0"), 100).page, 1);
        assert_eq!(paginate(250, Some("deux"), 100).page, 1);
        assert_eq!(paginate(250, Some("-1"), 100).page, 1);
    }
}
