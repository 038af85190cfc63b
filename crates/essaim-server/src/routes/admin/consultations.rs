//! « Nouvelle consultation à partir de… »: the next edition from a previous one's set-up, with
//! new dates, as a draft (essaim_core::domain::setup::next_edition). Administrators only.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use essaim_core::domain::consultation::list_consultations;
use essaim_core::domain::setup::{next_edition, NextEdition};
use essaim_core::{CoreError, FieldError};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{Admin, CsrfForm};
use crate::sections::SECTIONS;
use crate::views::{render, Layout};

/// The form, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct EditionForm {
    #[serde(default)]
    depuis: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    starts_on: String,
}

struct Source {
    slug: String,
    title: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "admin/consultation_new.html")]
struct EditionPage {
    layout: Layout,
    errors: Vec<FieldError>,
    sources: Vec<Source>,
    form: EditionForm,
}

impl EditionPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    form: EditionForm,
    errors: Vec<FieldError>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let listed = state.db(|conn| list_consultations(conn).map_err(AppError::from)).await?;
    let sources =
        listed.into_iter().map(|c| Source { selected: c.slug == form.depuis, slug: c.slug, title: c.title }).collect();
    render(
        &EditionPage {
            layout: Layout::for_request(req, "Nouvelle consultation à partir d'une autre", "admin"),
            errors,
            sources,
            form,
        },
        status,
    )
}

/// `GET /admin/consultations/nouvelle[?depuis=SLUG]`
pub async fn new_form(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<EditionForm>,
) -> Result<HttpResponse, AppError> {
    page(&req, &state, query.into_inner(), Vec::new(), StatusCode::OK).await
}

/// `POST /admin/consultations/nouvelle`: creates the next edition, then opens its staff home.
pub async fn create(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    form: CsrfForm<EditionForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = Vec::new();
    // A date field sends 2027-03-01; a browser without one lets people type 01/03/2027.
    let starts_on = NaiveDate::parse_from_str(form.starts_on.trim(), "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(form.starts_on.trim(), "%d/%m/%Y"))
        .ok();
    if starts_on.is_none() {
        errors
            .push(FieldError { field: "starts_on".into(), message: "Indiquez la date de début (jj/mm/aaaa).".into() });
    }
    if form.depuis.trim().is_empty() {
        errors.push(FieldError { field: "depuis".into(), message: "Choisissez l'édition à reprendre.".into() });
    }
    if let (Some(starts_on), true) = (starts_on, errors.is_empty()) {
        let next = NextEdition { slug: form.slug.clone(), title: form.title.clone(), starts_on };
        let source = form.depuis.clone();
        match state.db(move |conn| next_edition(conn, &source, &next, SECTIONS)).await {
            Ok(made) => {
                let home = format!("/staff/consultations/{}", made.slug);
                return Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, home)).finish());
            }
            Err(CoreError::Validation(refused)) => errors.extend(refused.0),
            Err(CoreError::NotFound(_)) => errors
                .push(FieldError { field: "depuis".into(), message: "Choisissez l'édition à reprendre.".into() }),
            Err(other) => return Err(other.into()),
        }
    }
    page(&req, &state, form, errors, StatusCode::UNPROCESSABLE_ENTITY).await
}
