//! The published strategy for visitors, with no account: `/consultations/{slug}/strategie` (the
//! strategy by theme, its version and date, its downloads), one page per orientation (its text,
//! the plenary's verdict and retained amendments, its support, its quotes, and the accepted
//! contributions that fed it with the answer each got, a page at a time), and the published
//! version as PDF, ODT or DOCX. Everything is read from the published snapshot: nothing waiting
//! for moderation, rejected, discarded or not published is ever shown. A draft consultation is
//! 404 for visitors before any of this runs (`crate::scope`); a withdrawn strategy says so.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::Id;
use essaim_core::domain::consultation::{find_visible_consultation, Consultation};
use essaim_core::domain::look::{look_of, Look};
use essaim_core::domain::publication::answers::Answer;
use essaim_core::domain::publication::{latest_publication, Count, Publication, Snapshot};
use essaim_core::domain::Role;
use essaim_synthesis::publication::{published_contributions, render_publication, CONTRIBUTIONS_PER_PAGE};
use serde::Deserialize;

use crate::app::AppState;
use crate::auth::current_user;
use crate::error::AppError;
use crate::views::{french_in, render, Layout};

/// The consultation, its look and its current publication; a strategy never published is 404,
/// a withdrawn one the « retirée » page (410).
enum Found {
    Current(Box<(Consultation, Look, Publication, Snapshot)>),
    Withdrawn(Box<(Consultation, Look)>),
}

async fn find(req: &HttpRequest, state: &AppState, slug: String) -> Result<Found, AppError> {
    let staff = current_user(req).is_some_and(|a| matches!(a.role, Role::Admin | Role::Staff));
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_visible_consultation(conn, &slug, staff)?;
            let look = look_of(conn, consultation.id)?;
            match latest_publication(conn, consultation.id)? {
                None => Err(AppError::NotFound),
                Some(p) if p.is_withdrawn() => Ok(Found::Withdrawn(Box::new((consultation, look)))),
                Some(p) => {
                    let snapshot = p.snapshot()?;
                    Ok(Found::Current(Box::new((consultation, look, p, snapshot))))
                }
            }
        })
        .await
}

#[derive(Template)]
#[template(path = "publication/withdrawn.html")]
struct WithdrawnPage {
    layout: Layout,
    slug: String,
    title: String,
}

fn withdrawn(req: &HttpRequest, consultation: &Consultation, look: &Look) -> Result<HttpResponse, AppError> {
    render(
        &WithdrawnPage {
            layout: Layout::for_request(req, format!("Stratégie retirée — {}", consultation.title), "home")
                .for_consultation(&consultation.slug, look),
            slug: consultation.slug.clone(),
            title: consultation.title.clone(),
        },
        StatusCode::GONE,
    )
}

struct OrientationLine {
    id: String,
    number: String,
    title: String,
    verdict: Option<&'static str>,
    contributions: i64,
}

struct ThemeBlock {
    position: i32,
    title: String,
    orientations: Vec<OrientationLine>,
}

#[derive(Template)]
#[template(path = "publication/strategy.html")]
struct StrategyPage {
    layout: Layout,
    slug: String,
    title: String,
    organisers: String,
    version: i32,
    published: String,
    themes: Vec<ThemeBlock>,
}

/// `GET /consultations/{slug}/strategie`.
pub async fn strategy(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (consultation, look, publication, snapshot) = match find(&req, &state, slug.into_inner()).await? {
        Found::Withdrawn(found) => return withdrawn(&req, &found.0, &found.1),
        Found::Current(found) => *found,
    };
    let page = StrategyPage {
        layout: Layout::for_request(&req, format!("Stratégie — {}", snapshot.consultation_title), "home")
            .for_consultation(&consultation.slug, &look),
        slug: consultation.slug.clone(),
        title: snapshot.consultation_title.clone(),
        organisers: snapshot.organisers.clone(),
        version: publication.version,
        published: french_in(&consultation, publication.published_at),
        themes: snapshot
            .themes
            .iter()
            .map(|t| ThemeBlock {
                position: t.position,
                title: t.title.clone(),
                orientations: t
                    .orientations
                    .iter()
                    .enumerate()
                    .map(|(i, o)| OrientationLine {
                        id: o.id.to_string(),
                        number: format!("{}.{}", t.position, i + 1),
                        title: o.title.clone(),
                        verdict: o.verdict.map(|v| v.label()),
                        contributions: o.support.contributions,
                    })
                    .collect(),
            })
            .collect(),
    };
    render(&page, StatusCode::OK)
}

struct ContributionLine {
    id: String,
    text: String,
    meta: String,
    answer: Option<String>,
    answer_text: String,
}

#[derive(Template)]
#[template(path = "publication/orientation.html")]
struct OrientationPage {
    layout: Layout,
    slug: String,
    consultation_title: String,
    id: String,
    number: String,
    theme: String,
    title: String,
    text: String,
    verdict: Option<String>,
    amendments: Vec<String>,
    total: i64,
    by_channel: Vec<Count>,
    by_territory: Vec<Count>,
    by_legal_family: Vec<Count>,
    quotes: Vec<String>,
    contributions: Vec<ContributionLine>,
    page: usize,
    pages: usize,
}

/// The page of the orientation page's list.
#[derive(Deserialize)]
pub struct PageQuery {
    page: Option<String>,
}

/// `GET /consultations/{slug}/strategie/orientations/{id}[?page=N]`.
pub async fn orientation(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, raw) = path.into_inner();
    let id: Id = raw.parse().map_err(|_| AppError::NotFound)?;
    let (consultation, look, _publication, snapshot) = match find(&req, &state, slug).await? {
        Found::Withdrawn(found) => return withdrawn(&req, &found.0, &found.1),
        Found::Current(found) => *found,
    };
    let Some((theme, orientation)) = snapshot.orientation(id) else { return Err(AppError::NotFound) };
    let index = theme.orientations.iter().position(|o| o.id == id).unwrap_or(0);
    let pages = orientation.contributions.len().div_ceil(CONTRIBUTIONS_PER_PAGE).max(1);
    let page = query.page.as_deref().and_then(|p| p.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, pages);
    let published = orientation.clone();
    let consultation_id = consultation.id;
    let rows = state
        .db(move |conn| -> Result<_, AppError> {
            Ok(published_contributions(conn, consultation_id, &published, page)?)
        })
        .await?;
    let titles: std::collections::HashMap<Id, String> =
        snapshot.orientations().map(|(_, o)| (o.id, o.title.clone())).collect();
    let verdict = essaim_synthesis::publication::verdict_line(orientation);
    let contributions = rows
        .into_iter()
        .map(|c| {
            let mut meta = vec![c.kind, c.channel];
            meta.extend(c.territory);
            meta.push(french_in(&consultation, c.created_at));
            let (answer, answer_text) = match c.answer {
                Some(a) => {
                    let mut label = a.answer.label().to_owned();
                    if let Some(title) = a.orientation_id.and_then(|o| titles.get(&o)) {
                        if matches!(a.answer, Answer::Retained | Answer::Merged) {
                            label.push_str(&format!(" — orientation « {title} »"));
                        }
                    }
                    (Some(label), a.text)
                }
                None => (None, String::new()),
            };
            ContributionLine { id: c.id.to_string(), text: c.text, meta: meta.join(" · "), answer, answer_text }
        })
        .collect();
    let page = OrientationPage {
        layout: Layout::for_request(&req, orientation.title.clone(), "home")
            .for_consultation(&consultation.slug, &look),
        slug: consultation.slug.clone(),
        consultation_title: snapshot.consultation_title.clone(),
        id: id.to_string(),
        number: format!("{}.{}", theme.position, index + 1),
        theme: format!("Thème {} — {}", theme.position, theme.title),
        title: orientation.title.clone(),
        text: orientation.text.clone(),
        verdict,
        amendments: orientation.amendments.clone(),
        total: orientation.support.contributions,
        by_channel: orientation.support.by_channel.clone(),
        by_territory: orientation.support.by_territory.clone(),
        by_legal_family: orientation.support.by_legal_family.clone(),
        quotes: orientation.quotes.iter().map(|q| q.text.clone()).collect(),
        contributions,
        page,
        pages,
    };
    render(&page, StatusCode::OK)
}

/// `GET /consultations/{slug}/strategie/telecharger/{pdf|odt|docx}`: the published version.
pub async fn download(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, format) = path.into_inner();
    let (format, content_type, extension) = match format.as_str() {
        "pdf" => (essaim_documents::Format::Pdf, "application/pdf", "pdf"),
        "odt" => (essaim_documents::Format::Odt, "application/vnd.oasis.opendocument.text", "odt"),
        "docx" => (
            essaim_documents::Format::Docx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "docx",
        ),
        _ => return Err(AppError::NotFound),
    };
    let (consultation, look, publication, snapshot) = match find(&req, &state, slug).await? {
        Found::Withdrawn(found) => return withdrawn(&req, &found.0, &found.1),
        Found::Current(found) => *found,
    };
    let version = publication.version;
    let bytes =
        web::block(move || render_publication(&publication, &snapshot, format)).await?.map_err(AppError::Internal)?;
    let name = format!("strategie-{}-v{version}.{extension}", consultation.slug);
    let _ = look;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((actix_web::http::header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .body(bytes))
}
