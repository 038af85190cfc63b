//! `GET /staff/consultations/{slug}/publication`: what a publication would make public now (the
//! draft orientations, not discarded, with their verdicts), what it would change against the
//! latest version, the button to publish it, the button to withdraw the current one, the
//! versions with what each changed, and where the *suite donnée* stands.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::domain::publication::answers::{answer_counts, Answer};
use essaim_core::domain::publication::{publications_of, Changes};
use essaim_synthesis::publication::{self, PublicationError};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, NoFields, Staff};
use crate::views::{french_in, render, Layout};

struct PreviewOrientation {
    title: String,
    verdict: Option<&'static str>,
    contributions: i64,
    amendments: usize,
}

struct PreviewTheme {
    position: i32,
    title: String,
    orientations: Vec<PreviewOrientation>,
}

struct VersionLine {
    version: i32,
    published: String,
    state: String,
    summary: String,
    changes: Changes,
}

#[derive(Template)]
#[template(path = "publication/staff.html")]
struct StaffPage {
    layout: Layout,
    slug: String,
    title: String,
    done: Option<String>,
    error: Option<String>,
    themes: Vec<PreviewTheme>,
    orientations: usize,
    changes: Changes,
    expected: String,
    next_version: i32,
    current: Option<i32>,
    versions: Vec<VersionLine>,
    answers: Vec<(&'static str, i64)>,
}

/// What the page was redirected with.
#[derive(Deserialize)]
pub struct PageQuery {
    fait: Option<String>,
}

async fn staff_page(
    req: &HttpRequest,
    state: &AppState,
    slug: String,
    done: Option<String>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (preview, versions, counts) = state
        .db(move |conn| -> Result<_, AppError> {
            let preview = publication::preview(conn, &slug)?;
            let versions = publications_of(conn, preview.consultation.id)?;
            let counts = answer_counts(conn, preview.consultation.id)?;
            Ok((preview, versions, counts))
        })
        .await?;
    let consultation = &preview.consultation;
    let latest = preview.latest.as_ref();
    let page = StaffPage {
        layout: Layout::for_request(req, format!("Publication — {}", consultation.title), "staff"),
        slug: consultation.slug.clone(),
        title: consultation.title.clone(),
        done,
        error,
        orientations: preview.snapshot.orientation_count(),
        themes: preview
            .snapshot
            .themes
            .iter()
            .map(|t| PreviewTheme {
                position: t.position,
                title: t.title.clone(),
                orientations: t
                    .orientations
                    .iter()
                    .map(|o| PreviewOrientation {
                        title: o.title.clone(),
                        verdict: o.verdict.map(|v| v.label()),
                        contributions: o.support.contributions,
                        amendments: o.amendments.len(),
                    })
                    .collect(),
            })
            .collect(),
        changes: preview.changes.clone(),
        expected: latest.map(|p| p.version.to_string()).unwrap_or_else(|| "aucune".into()),
        next_version: latest.map_or(1, |p| p.version + 1),
        current: latest.filter(|p| !p.is_withdrawn()).map(|p| p.version),
        versions: versions
            .iter()
            .map(|p| {
                let changes = p.changes();
                VersionLine {
                    version: p.version,
                    published: french_in(consultation, p.published_at),
                    state: match p.withdrawn_at {
                        Some(at) => format!("Retirée le {}", french_in(consultation, at)),
                        None if Some(p.version) == latest.map(|l| l.version) => "En ligne".into(),
                        None => "Remplacée par une version suivante".into(),
                    },
                    summary: changes.summary(),
                    changes,
                }
            })
            .collect(),
        answers: Answer::ALL
            .iter()
            .map(|a| (a.label(), counts.iter().find(|(b, _)| b == a).map_or(0, |(_, n)| *n)))
            .collect(),
    };
    render(&page, status)
}

/// The page.
pub async fn page(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let done = match query.fait.as_deref() {
        Some("publiee") => Some("La stratégie est publiée.".to_owned()),
        Some("retiree") => Some("La stratégie est retirée : elle n'est plus affichée au public.".to_owned()),
        _ => None,
    };
    staff_page(&req, &state, slug.into_inner(), done, None, StatusCode::OK).await
}

/// The publish form: the latest version the preview was made against.
#[derive(Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    expected: String,
}

/// `POST …/publication/publier`.
pub async fn publish(
    req: HttpRequest,
    Staff(account): Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<PublishForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let expected = match form.into_inner().expected.trim() {
        "aucune" | "" => None,
        n => Some(n.parse::<i32>().map_err(|_| AppError::invalid("expected", "Version attendue illisible."))?),
    };
    let base_url = state.config.base_url.clone();
    let target = slug.clone();
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            Ok(publication::publish(conn, &target, Some(account.id), Some(expected), &base_url))
        })
        .await?;
    match outcome {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/staff/consultations/{slug}/publication?fait=publiee")))
            .finish()),
        Err(PublicationError::Refused(message)) => {
            staff_page(&req, &state, slug, None, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}

/// `POST …/publication/retirer`.
pub async fn withdraw(
    req: HttpRequest,
    Staff(account): Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let target = slug.clone();
    let outcome = state
        .db(move |conn| -> Result<_, AppError> { Ok(publication::withdraw(conn, &target, Some(account.id))) })
        .await?;
    match outcome {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/staff/consultations/{slug}/publication?fait=retiree")))
            .finish()),
        Err(PublicationError::Refused(message)) => {
            staff_page(&req, &state, slug, None, Some(message), StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(other) => Err(other.into()),
    }
}
