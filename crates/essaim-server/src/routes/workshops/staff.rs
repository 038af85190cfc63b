//! Staff pages of the workshops: the overview of a consultation (contributions per theme and
//! channel, every workshop with its attendance and entries), the forms to create and edit a
//! workshop and assign its facilitators, and the exports of the workshop contributions.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{find_consultation, themes_of, Consultation};
use essaim_core::domain::Account;
use essaim_core::{CoreError, FieldError, ValidationErrors};
use essaim_workshops::export::{consultation_overview, download, ExportFormat};
use essaim_workshops::workshops::{
    create_workshop, facilitator_accounts, summary_for, update_workshop, WorkshopForm, MAX_PLACE_CHARS,
};
use essaim_workshops::{WorkshopPhase, WorkshopState};

use super::id_of;
use super::pages::when;
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, Staff};
use crate::views::{forms, render, Layout};

struct Row {
    theme: String,
    counts: Vec<i64>,
    total: i64,
}

struct WorkshopLine {
    title: String,
    href: String,
    edit_href: String,
    when: String,
    place: String,
    state: &'static str,
    facilitators: String,
    headcount: String,
    organisations: usize,
    entries: i64,
}

#[derive(Template)]
#[template(path = "workshops/staff_overview.html")]
struct OverviewPage {
    layout: Layout,
    slug: String,
    consultation: String,
    channels: Vec<&'static str>,
    rows: Vec<Row>,
    totals: Vec<i64>,
    grand_total: i64,
    workshops: Vec<WorkshopLine>,
}

/// `GET /staff/consultations/{slug}/ateliers`
pub async fn overview(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (consultation, overview) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let overview = consultation_overview(conn, consultation.id)?;
            Ok((consultation, overview))
        })
        .await?;
    let rows = overview
        .rows
        .iter()
        .map(|r| Row {
            theme: r
                .theme
                .as_ref()
                .map(|t| format!("{}. {}", t.position, t.title))
                .unwrap_or_else(|| "Thème à préciser".to_owned()),
            counts: r.counts.clone(),
            total: r.total,
        })
        .collect();
    let workshops = overview
        .workshops
        .iter()
        .map(|s| WorkshopLine {
            title: s.title(),
            href: format!("/ateliers/{}", s.workshop.id),
            edit_href: format!("/staff/ateliers/{}/modifier", s.workshop.id),
            when: when(s),
            place: s.workshop.place.clone(),
            state: s.workshop.state.label(),
            facilitators: s.facilitator_names(),
            headcount: s.workshop.headcount.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
            organisations: s.workshop.organisations().len(),
            entries: s.entries,
        })
        .collect();
    render(
        &OverviewPage {
            layout: Layout::for_request(
                &req,
                format!("Ateliers et participation — {}", consultation.title),
                "workshops",
            ),
            slug: consultation.slug,
            consultation: consultation.title,
            channels: overview.channels.iter().map(|c| c.label()).collect(),
            rows,
            grand_total: overview.channel_totals.iter().sum(),
            totals: overview.channel_totals,
            workshops,
        },
        StatusCode::OK,
    )
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "workshops/staff_form.html")]
struct FormPage {
    layout: Layout,
    slug: String,
    consultation: String,
    heading: String,
    action: String,
    themes: Vec<Choice>,
    phases: Vec<forms::Choice>,
    states: Vec<forms::Choice>,
    people: Vec<Choice>,
    form: WorkshopForm,
    errors: Vec<FieldError>,
    max_place: usize,
}

impl FormPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// Where each field's error sends the summary's link.
fn anchor(field: &str) -> &str {
    match field {
        "phase" => "phase-launch",
        "state" => "state-planned",
        "facilitators" => "facilitators-fieldset",
        "theme" | "place" | "date" | "time" => field,
        _ => "theme",
    }
}

struct FormData {
    consultation: Consultation,
    themes: Vec<essaim_core::domain::Theme>,
    people: Vec<Account>,
}

fn form_data(conn: &mut DbConnection, consultation: Consultation) -> Result<FormData, AppError> {
    let themes = themes_of(conn, consultation.id)?;
    let people = facilitator_accounts(conn)?;
    Ok(FormData { consultation, themes, people })
}

fn form_page(
    req: &HttpRequest,
    data: FormData,
    heading: String,
    action: String,
    form: WorkshopForm,
    errors: ValidationErrors,
) -> FormPage {
    let title = if errors.is_empty() { heading.clone() } else { format!("Erreur — {heading}") };
    FormPage {
        layout: Layout::for_request(req, title, "workshops"),
        slug: data.consultation.slug.clone(),
        consultation: data.consultation.title.clone(),
        heading,
        action,
        themes: data
            .themes
            .iter()
            .map(|t| Choice {
                value: t.position.to_string(),
                label: format!("{}. {}", t.position, t.title),
                selected: form.theme.trim() == t.position.to_string(),
            })
            .collect(),
        phases: WorkshopPhase::ALL
            .iter()
            .map(|p| forms::Choice::new(p.as_str(), p.label(), form.phase == p.as_str()))
            .collect(),
        states: WorkshopState::ALL
            .iter()
            .map(|s| forms::Choice::new(s.as_str(), s.label(), form.state == s.as_str()))
            .collect(),
        people: data
            .people
            .iter()
            .map(|a| Choice {
                value: a.id.to_string(),
                label: format!("{} ({})", a.display_name, a.email),
                selected: form.facilitators.iter().any(|f| f.trim() == a.id.to_string()),
            })
            .collect(),
        form,
        errors: errors.0.into_iter().map(|e| FieldError { field: anchor(&e.field).to_owned(), ..e }).collect(),
        max_place: MAX_PLACE_CHARS,
    }
}

/// `GET /staff/consultations/{slug}/ateliers/nouveau`
pub async fn new_form(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let data = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            form_data(conn, consultation)
        })
        .await?;
    let action = format!("/staff/consultations/{}/ateliers/nouveau", data.consultation.slug);
    let form = WorkshopForm { phase: "launch".into(), state: "planned".into(), ..WorkshopForm::default() };
    let page = form_page(&req, data, "Nouvel atelier".into(), action, form, ValidationErrors::default());
    render(&page, StatusCode::OK)
}

/// `POST /staff/consultations/{slug}/ateliers/nouveau`: creates the workshop (audited), then
/// shows it; a refused form comes back with what was typed.
pub async fn create(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<WorkshopForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let form = form.into_inner();
    let typed = form.clone();
    let actor = staff.0.id;
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            match create_workshop(conn, consultation.id, &typed, actor) {
                Ok(w) => Ok(Ok(w.id)),
                Err(CoreError::Validation(errors)) => Ok(Err((form_data(conn, consultation)?, errors))),
                Err(other) => Err(other.into()),
            }
        })
        .await?;
    match outcome {
        Ok(id) => Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/ateliers/{id}"))).finish()),
        Err((data, errors)) => {
            let action = format!("/staff/consultations/{}/ateliers/nouveau", data.consultation.slug);
            let page = form_page(&req, data, "Nouvel atelier".into(), action, form, errors);
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

fn consultation_of(conn: &mut DbConnection, id: Id) -> Result<Consultation, AppError> {
    use essaim_core::domain::consultation::list_consultations;
    let workshop = essaim_workshops::workshops::find_workshop(conn, id)?.ok_or(AppError::NotFound)?;
    list_consultations(conn)?.into_iter().find(|c| c.id == workshop.consultation_id).ok_or(AppError::NotFound)
}

/// `GET /staff/ateliers/{id}/modifier`
pub async fn edit_form(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path.into_inner())?;
    let who = staff.0;
    let (data, form) = state
        .db(move |conn| -> Result<_, AppError> {
            let summary = summary_for(conn, id, &who)?;
            let form = WorkshopForm::of(&summary.workshop, &summary.theme, &summary.facilitators);
            let consultation = consultation_of(conn, id)?;
            Ok((form_data(conn, consultation)?, form))
        })
        .await?;
    let page = form_page(
        &req,
        data,
        "Modifier l'atelier".into(),
        format!("/staff/ateliers/{id}/modifier"),
        form,
        ValidationErrors::default(),
    );
    render(&page, StatusCode::OK)
}

/// `POST /staff/ateliers/{id}/modifier`: changes the workshop and its facilitators (audited).
pub async fn update(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<String>,
    form: CsrfForm<WorkshopForm>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path.into_inner())?;
    let form = form.into_inner();
    let typed = form.clone();
    let actor = staff.0.id;
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            match update_workshop(conn, id, &typed, actor) {
                Ok(_) => Ok(None),
                Err(CoreError::Validation(errors)) => {
                    let consultation = consultation_of(conn, id)?;
                    Ok(Some((form_data(conn, consultation)?, errors)))
                }
                Err(other) => Err(other.into()),
            }
        })
        .await?;
    match outcome {
        None => Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/ateliers/{id}"))).finish()),
        Some((data, errors)) => {
            let page = form_page(
                &req,
                data,
                "Modifier l'atelier".into(),
                format!("/staff/ateliers/{id}/modifier"),
                form,
                errors,
            );
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// `GET /staff/consultations/{slug}/ateliers/export/{csv|json}`: the workshop contributions,
/// recorded in the audit log.
pub async fn export(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, format) = path.into_inner();
    let format = ExportFormat::parse(&format).ok_or(AppError::NotFound)?;
    let actor = staff.0.id;
    let export = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            Ok(download(conn, &consultation, format, actor)?)
        })
        .await?;
    Ok(crate::views::download(format.content_type(), &export.file_name, export.bytes))
}
