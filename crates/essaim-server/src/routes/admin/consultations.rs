//! « Nouvelle consultation »: started from nothing (a few fields, its themes and territories:
//! essaim_core::domain::setup::create_blank), or the next edition from a previous one's
//! set-up with new dates (essaim_core::domain::setup::next_edition); both are drafts that open
//! on their set-up page. Administrators only.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use essaim_core::domain::consultation::list_consultations;
use essaim_core::domain::setup::{create_blank, next_edition, BlankConsultation, NextEdition};
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

/// The blank consultation's form, as typed.
#[derive(Deserialize, Default, Clone)]
pub struct BlankForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    organisers: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    /// One theme per line.
    #[serde(default)]
    themes: String,
    /// Official codes, separated by commas or spaces.
    #[serde(default)]
    territories: String,
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
    blank: BlankForm,
    blank_errors: Vec<FieldError>,
}

impl EditionPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// The blank form's one-line fields: name, label, value, hint, input type.
    fn blank_inputs(&self) -> Vec<(&'static str, &'static str, String, &'static str, &'static str)> {
        let b = &self.blank;
        vec![
            ("title", "Titre", b.title.clone(), "Par exemple : Stratégie régionale de l'ESS — Bretagne 2027.", "text"),
            (
                "slug",
                "Identifiant court (dans les adresses)",
                b.slug.clone(),
                "Lettres minuscules sans accent, chiffres et tirets : ess-bretagne-2027.",
                "text",
            ),
            ("region", "Région", b.region.clone(), "Par exemple : Bretagne.", "text"),
            (
                "organisers",
                "Organisateurs",
                b.organisers.clone(),
                "Tels qu'une phrase les nomme : la Région Bretagne et l'État.",
                "text",
            ),
            ("starts_on", "Premier jour", b.starts_on.clone(), "jj/mm/aaaa", "date"),
            ("ends_on", "Dernier jour", b.ends_on.clone(), "jj/mm/aaaa", "date"),
        ]
    }

    /// The blank form's lists: name, label, value, hint, rows.
    fn blank_areas(&self) -> Vec<(&'static str, &'static str, String, &'static str, usize)> {
        vec![
            ("themes", "Thèmes", self.blank.themes.clone(), "Un thème par ligne, dans l'ordre : de 1 à 12.", 6),
            (
                "territories",
                "Territoires",
                self.blank.territories.clone(),
                "Codes officiels séparés par des virgules : 22, 29, 35, 56 ; une région s'écrit R et son code (R53). Les territoires à vous (pays, EPCI) s'ajoutent ensuite dans le paramétrage.",
                2,
            ),
        ]
    }

    /// The messages of the blank form's field `name`: the core names `consultation.title`,
    /// `themes[2].title`, `territories[1]`; the page has one field for each list.
    fn blank_error(&self, name: &str) -> Vec<&str> {
        self.blank_errors
            .iter()
            .filter(|e| {
                let field = e.field.trim_start_matches("consultation.");
                field == name || field.starts_with(&format!("{name}["))
            })
            .map(|e| e.message.as_str())
            .collect()
    }
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    (form, errors): (EditionForm, Vec<FieldError>),
    (blank, blank_errors): (BlankForm, Vec<FieldError>),
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let listed = state.db(|conn| list_consultations(conn).map_err(AppError::from)).await?;
    let sources =
        listed.into_iter().map(|c| Source { selected: c.slug == form.depuis, slug: c.slug, title: c.title }).collect();
    render(
        &EditionPage {
            layout: Layout::for_request(req, "Nouvelle consultation", "admin"),
            errors,
            sources,
            form,
            blank,
            blank_errors,
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
    page(&req, &state, (query.into_inner(), Vec::new()), Default::default(), StatusCode::OK).await
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
    page(&req, &state, (form, errors), Default::default(), StatusCode::UNPROCESSABLE_ENTITY).await
}

/// A day typed in a date field, or by hand as jj/mm/aaaa.
fn typed_day(typed: &str, field: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    let day = NaiveDate::parse_from_str(typed, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(typed, "%d/%m/%Y"));
    if day.is_err() {
        errors
            .push(FieldError { field: field.into(), message: format!("Date illisible : « {typed} » (jj/mm/aaaa).") });
    }
    day.ok()
}

/// `POST /admin/consultations/creer`: a consultation from nothing, as a draft, then its
/// set-up page.
pub async fn create_blank_consultation(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    form: CsrfForm<BlankForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let mut errors = Vec::new();
    let blank = BlankConsultation {
        slug: form.slug.clone(),
        title: form.title.clone(),
        region: form.region.clone(),
        organisers: form.organisers.clone(),
        starts_on: typed_day(&form.starts_on, "starts_on", &mut errors),
        ends_on: typed_day(&form.ends_on, "ends_on", &mut errors),
        themes: form.themes.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect(),
        territories: form
            .territories
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|c| !c.is_empty())
            .map(str::to_owned)
            .collect(),
    };
    if errors.is_empty() {
        match state.db(move |conn| create_blank(conn, &blank, SECTIONS)).await {
            Ok(made) => {
                let next = format!("/staff/consultations/{}/parametrage", made.slug);
                return Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, next)).finish());
            }
            Err(CoreError::Validation(refused)) => errors.extend(refused.0),
            Err(other) => return Err(other.into()),
        }
    }
    page(&req, &state, Default::default(), (form, errors), StatusCode::UNPROCESSABLE_ENTITY).await
}
