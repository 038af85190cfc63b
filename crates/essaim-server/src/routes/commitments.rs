//! Commitments of the published strategy (docs/commitments.md): the staff page where each
//! published orientation gets its actions, statuses, progress and news, and the public pages
//! that show them — the whole strategy, one orientation — with their CSV. The rules are in
//! `essaim_synthesis::commitments`.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{find_consultation, find_visible_consultation, Consultation};
use essaim_core::domain::Role;
use essaim_core::FieldError;
use essaim_synthesis::commitments::{
    add_commitment, add_news, commitments_csv, delete_commitment, edit_commitment, mean_progress, strategy_commitments,
    CommitmentError, CommitmentForm, CommitmentStatus, NewsForm, OrientationCommitments,
};

use crate::app::AppState;
use crate::auth::current_user;
use crate::error::AppError;
use crate::extract::{CsrfForm, NoFields, Staff};
use crate::views::{french_date, french_in, render, Layout};

/// The commitments' routes, staff and public.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(super::get("/staff/consultations/{slug}/engagements", staff_page))
        .service(super::post("/staff/consultations/{slug}/engagements/orientations/{orientation}", add))
        .service(super::post("/staff/consultations/{slug}/engagements/{id}", edit))
        .service(super::post("/staff/consultations/{slug}/engagements/{id}/supprimer", delete))
        .service(super::post("/staff/consultations/{slug}/engagements/{id}/actualites", news))
        .service(super::get("/consultations/{slug}/strategie/engagements", public_page))
        .service(super::get("/consultations/{slug}/strategie/engagements.csv", csv))
        .service(super::get("/consultations/{slug}/strategie/engagements/{orientation}", public_orientation));
}

/// One news, as shown.
pub struct NewsLine {
    date: String,
    iso: String,
    body: String,
}

/// One commitment, as shown.
pub struct CommitmentLine {
    id: String,
    action: String,
    carrier: String,
    status: &'static str,
    status_code: &'static str,
    progress: i32,
    news: Vec<NewsLine>,
}

/// One published orientation with its commitments, as shown.
pub struct OrientationLine {
    theme: String,
    id: String,
    title: String,
    mean: Option<i32>,
    commitments: Vec<CommitmentLine>,
}

fn lines(list: Vec<OrientationCommitments>) -> Vec<OrientationLine> {
    list.into_iter()
        .map(|o| OrientationLine {
            mean: mean_progress(o.commitments.iter().map(|c| &c.commitment)),
            theme: o.theme,
            id: o.id.to_string(),
            title: o.title,
            commitments: o
                .commitments
                .into_iter()
                .map(|c| CommitmentLine {
                    id: c.commitment.id.to_string(),
                    action: c.commitment.action,
                    carrier: c.commitment.carrier,
                    status: c.commitment.status.label(),
                    status_code: c.commitment.status.as_str(),
                    progress: c.commitment.progress,
                    news: c
                        .news
                        .into_iter()
                        .map(|n| NewsLine {
                            date: french_date(n.happened_on),
                            iso: n.happened_on.format("%Y-%m-%d").to_string(),
                            body: n.body,
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

fn is_staff(req: &HttpRequest) -> bool {
    current_user(req).is_some_and(|a| matches!(a.role, Role::Admin | Role::Staff))
}

/// The consultation and its published commitments; 404 when nothing is published.
async fn published(
    state: &AppState,
    slug: String,
    staff: bool,
) -> Result<(Consultation, i32, String, Vec<OrientationCommitments>), AppError> {
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_visible_consultation(conn, &slug, staff)?;
            let (publication, list) = strategy_commitments(conn, consultation.id)?.ok_or(AppError::NotFound)?;
            let published = french_in(&consultation, publication.published_at);
            Ok((consultation, publication.version, published, list))
        })
        .await
}

#[derive(Template)]
#[template(path = "commitments/public.html")]
struct PublicPage {
    layout: Layout,
    slug: String,
    title: String,
    version: i32,
    published: String,
    /// One orientation's page, or the whole strategy's.
    single: bool,
    orientations: Vec<OrientationLine>,
}

/// `GET /consultations/{slug}/strategie/engagements`: every published orientation's commitments.
pub async fn public_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (consultation, version, published, list) = published(&state, path.into_inner(), is_staff(&req)).await?;
    let view = PublicPage {
        layout: Layout::for_request(&req, format!("Engagements — {}", consultation.title), ""),
        slug: consultation.slug,
        title: consultation.title,
        version,
        published,
        single: false,
        orientations: lines(list),
    };
    render(&view, StatusCode::OK)
}

/// `GET /consultations/{slug}/strategie/engagements/{orientation}`: one orientation's.
pub async fn public_orientation(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, raw) = path.into_inner();
    let wanted: Id = raw.parse().map_err(|_| AppError::NotFound)?;
    let (consultation, version, published, list) = published(&state, slug, is_staff(&req)).await?;
    let one: Vec<OrientationCommitments> = list.into_iter().filter(|o| o.id == wanted).collect();
    let Some(first) = one.first() else { return Err(AppError::NotFound) };
    let view = PublicPage {
        layout: Layout::for_request(&req, format!("Engagements — {}", first.title), ""),
        slug: consultation.slug,
        title: consultation.title,
        version,
        published,
        single: true,
        orientations: lines(one),
    };
    render(&view, StatusCode::OK)
}

/// `GET /consultations/{slug}/strategie/engagements.csv`.
pub async fn csv(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (consultation, _, _, list) = published(&state, path.into_inner(), is_staff(&req)).await?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"engagements-{}.csv\"", consultation.slug),
        ))
        .body(commitments_csv(&list)))
}

/// A form that was refused, to show again with what was typed.
#[derive(Default)]
struct Refused {
    /// `ajout-{orientation}`, `modifier-{commitment}` or `actualite-{commitment}`.
    form: String,
    commitment: CommitmentForm,
    news: NewsForm,
    errors: Vec<FieldError>,
}

#[derive(Template)]
#[template(path = "commitments/staff.html")]
struct StaffPage {
    layout: Layout,
    slug: String,
    title: String,
    version: Option<i32>,
    orientations: Vec<OrientationLine>,
    statuses: Vec<(&'static str, &'static str)>,
    done: Option<&'static str>,
    refused: Refused,
}

impl StaffPage {
    fn error(&self, form: &str, field: &str) -> Option<&str> {
        (self.refused.form == form)
            .then(|| self.refused.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str()))
            .flatten()
    }

    /// What a commitment's form shows: what was typed if this form was refused, else the
    /// commitment as stored (or nothing yet, for a new one).
    fn values(&self, form: &str, stored: Option<&CommitmentLine>) -> FormValues {
        if self.refused.form == form {
            let typed = &self.refused.commitment;
            return FormValues {
                action: typed.action.clone(),
                carrier: typed.carrier.clone(),
                status: typed.status.clone(),
                progress: typed.progress.clone(),
            };
        }
        match stored {
            Some(c) => FormValues {
                action: c.action.clone(),
                carrier: c.carrier.clone(),
                status: c.status_code.to_owned(),
                progress: c.progress.to_string(),
            },
            None => FormValues { status: CommitmentStatus::Planned.as_str().to_owned(), ..FormValues::default() },
        }
    }
}

/// The values a commitment's form shows.
#[derive(Default)]
struct FormValues {
    action: String,
    carrier: String,
    status: String,
    progress: String,
}

impl FormValues {
    fn is(&self, status: &str) -> bool {
        self.status == status
    }
}

/// What the page was redirected with.
#[derive(serde::Deserialize)]
pub struct Done {
    fait: Option<String>,
}

async fn staff_view(
    req: &HttpRequest,
    state: &AppState,
    slug: String,
    done: Option<&'static str>,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    let (consultation, published) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let published = strategy_commitments(conn, consultation.id)?;
            Ok((consultation, published))
        })
        .await?;
    let status = if refused.errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let (version, orientations) = match published {
        Some((publication, list)) => (Some(publication.version), lines(list)),
        None => (None, Vec::new()),
    };
    let page = StaffPage {
        layout: Layout::for_request(req, format!("Engagements — {}", consultation.title), "staff"),
        slug: consultation.slug,
        title: consultation.title,
        version,
        orientations,
        statuses: CommitmentStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect(),
        done,
        refused,
    };
    render(&page, status)
}

/// `GET /staff/consultations/{slug}/engagements`.
pub async fn staff_page(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    done: web::Query<Done>,
) -> Result<HttpResponse, AppError> {
    let done = match done.fait.as_deref() {
        Some("ajoute") => Some("L'engagement est ajouté."),
        Some("modifie") => Some("L'engagement est enregistré."),
        Some("supprime") => Some("L'engagement est supprimé."),
        Some("actualite") => Some("L'actualité est publiée."),
        _ => None,
    };
    staff_view(&req, &state, path.into_inner(), done, Refused::default()).await
}

fn back(slug: &str, done: &str, anchor: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/staff/consultations/{slug}/engagements?fait={done}#{anchor}")))
        .finish()
}

/// The outcome of a change: back to the page, or the page again with the refusal.
async fn answer(
    req: &HttpRequest,
    state: &AppState,
    slug: String,
    outcome: Result<&'static str, CommitmentError>,
    anchor: String,
    refused: Refused,
) -> Result<HttpResponse, AppError> {
    match outcome {
        Ok(done) => Ok(back(&slug, done, &anchor)),
        Err(CommitmentError::Invalid { field, message }) => {
            let errors = vec![FieldError { field: format!("{}-{field}", refused.form), message }];
            staff_view(req, state, slug, None, Refused { errors, ..refused }).await
        }
        Err(CommitmentError::NotFound(_)) => Err(AppError::NotFound),
        Err(CommitmentError::Store(e)) => Err(e.into()),
    }
}

fn id_in(raw: &str) -> Result<Id, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

/// Runs one change of the commitments on the consultation named by `slug`: the store's
/// failures are the request's, a refusal is the change's outcome.
async fn change<F>(state: &AppState, slug: &str, work: F) -> Result<Result<(), CommitmentError>, AppError>
where
    F: FnOnce(&mut DbConnection, Id) -> Result<(), CommitmentError> + Send + 'static,
{
    let lookup = slug.to_owned();
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            Ok(work(conn, consultation.id))
        })
        .await
}

/// `POST /staff/consultations/{slug}/engagements/orientations/{orientation}`: a new commitment.
pub async fn add(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<CommitmentForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, raw) = path.into_inner();
    let orientation = id_in(&raw)?;
    let typed = form.into_inner();
    let (sent, actor) = (typed.clone(), staff.0.id);
    let outcome = change(&state, &slug, move |conn, consultation| {
        add_commitment(conn, consultation, orientation, &sent, actor).map(|_| ())
    })
    .await?
    .map(|_| "ajoute");
    let form = format!("ajout-{orientation}");
    answer(
        &req,
        &state,
        slug,
        outcome,
        format!("orientation-{orientation}"),
        Refused { form, commitment: typed, ..Default::default() },
    )
    .await
}

/// `POST /staff/consultations/{slug}/engagements/{id}`: a commitment changed.
pub async fn edit(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<CommitmentForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, raw) = path.into_inner();
    let id = id_in(&raw)?;
    let typed = form.into_inner();
    let (sent, actor) = (typed.clone(), staff.0.id);
    let outcome =
        change(&state, &slug, move |conn, consultation| edit_commitment(conn, consultation, id, &sent, actor))
            .await?
            .map(|_| "modifie");
    let form = format!("modifier-{id}");
    answer(
        &req,
        &state,
        slug,
        outcome,
        format!("engagement-{id}"),
        Refused { form, commitment: typed, ..Default::default() },
    )
    .await
}

/// `POST /staff/consultations/{slug}/engagements/{id}/supprimer`.
pub async fn delete(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (slug, raw) = path.into_inner();
    let id = id_in(&raw)?;
    let actor = staff.0.id;
    change(&state, &slug, move |conn, consultation| delete_commitment(conn, consultation, id, actor)).await?.map_err(
        |e| match e {
            CommitmentError::Store(store) => AppError::from(store),
            _ => AppError::NotFound,
        },
    )?;
    Ok(back(&slug, "supprime", "engagements"))
}

/// `POST /staff/consultations/{slug}/engagements/{id}/actualites`: a dated news.
pub async fn news(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<NewsForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, raw) = path.into_inner();
    let id = id_in(&raw)?;
    let typed = form.into_inner();
    let (sent, actor) = (typed.clone(), staff.0.id);
    let outcome =
        change(&state, &slug, move |conn, consultation| add_news(conn, consultation, id, &sent, actor).map(|_| ()))
            .await?
            .map(|_| "actualite");
    let form = format!("actualite-{id}");
    answer(&req, &state, slug, outcome, format!("engagement-{id}"), Refused { form, news: typed, ..Default::default() })
        .await
}
