//! Managing a consultation's questionnaire: its versions (import a definition in JSON or a
//! LimeSurvey `.lss`, export it, preview, publish, open, close) for administrators, and its
//! invitations (a list pasted from a spreadsheet, reminders) for staff.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::answers::Answers;
use essaim_contributions::questionnaire::import::read_definition;
use essaim_contributions::questionnaire::invitations::{invitations_of, invite_list, remind_all, InviteRefusal};
use essaim_contributions::questionnaire::store::{
    latest_version, publish, published_version, questionnaire_of, save_definition, set_status, QuestionnaireStatus,
};
use essaim_core::db::DbConnection;
use essaim_core::domain::consultation::{find_consultation, frame_of};
use serde::Deserialize;

use super::form::{question_view, Control, QuestionView};
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{Admin, CsrfForm, NoFields, Staff};
use crate::views::{french_in, render, Layout};

struct InvitationLine {
    organisation: String,
    email: String,
    sent: String,
    opened: bool,
    submitted: bool,
}

struct Overview {
    slug: String,
    consultation: String,
    status: Option<QuestionnaireStatus>,
    latest: Option<(i32, bool, String)>,
    published: Option<i32>,
    invitations: Vec<InvitationLine>,
}

fn overview(conn: &mut DbConnection, slug: &str) -> Result<Overview, AppError> {
    let consultation = find_consultation(conn, slug)?;
    let Some(questionnaire) = questionnaire_of(conn, consultation.id)? else {
        return Ok(Overview {
            slug: consultation.slug,
            consultation: consultation.title,
            status: None,
            latest: None,
            published: None,
            invitations: Vec::new(),
        });
    };
    let latest = latest_version(conn, questionnaire.id)?;
    let published = published_version(conn, questionnaire.id)?.map(|v| v.number);
    let latest = match latest {
        Some(v) => Some((v.number, v.published_at.is_some(), v.parsed()?.title)),
        None => None,
    };
    let invitations = invitations_of(conn, questionnaire.id)?
        .into_iter()
        .map(|i| InvitationLine {
            organisation: i.organisation,
            email: i.email,
            sent: i.sent_at.map(|at| french_in(&consultation, at)).unwrap_or_default(),
            opened: i.opened_at.is_some(),
            submitted: i.submitted_at.is_some(),
        })
        .collect();
    Ok(Overview {
        slug: consultation.slug,
        consultation: consultation.title,
        status: Some(questionnaire.status),
        latest,
        published,
        invitations,
    })
}

#[derive(Template)]
#[template(path = "questionnaire/manage.html")]
struct ManagePage {
    layout: Layout,
    o: Overview,
    notice: Option<String>,
    error: Option<String>,
    definition_text: String,
    invitees_text: String,
    is_admin: bool,
    submitted: usize,
    opened: usize,
}

async fn page(
    req: &HttpRequest,
    state: &AppState,
    slug: String,
    (notice, error): (Option<String>, Option<String>),
    (definition_text, invitees_text): (String, String),
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let o = state.db(move |conn| overview(conn, &slug)).await?;
    let is_admin = crate::auth::current_user(req).is_some_and(|a| a.role == essaim_core::domain::Role::Admin);
    let submitted = o.invitations.iter().filter(|i| i.submitted).count();
    let opened = o.invitations.iter().filter(|i| i.opened).count();
    let layout = Layout::for_request(req, format!("Questionnaire — {}", o.consultation), "questionnaire");
    render(
        &ManagePage { layout, o, notice, error, definition_text, invitees_text, is_admin, submitted, opened },
        status,
    )
}

/// Query of the page (after an action).
#[derive(Deserialize)]
pub struct DoneQuery {
    fait: Option<String>,
}

fn done_notice(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "publie" => "La version est publiée : les réponses la suivent désormais.",
            "ouvert" => "Le questionnaire est ouvert aux réponses.",
            "clos" => "Le questionnaire est clos : les brouillons sont gardés, aucun envoi n'est plus accepté.",
            "relances" => "Les relances sont en file d'envoi (voir les courriels).",
            _ => return None,
        }
        .to_owned(),
    )
}

/// `GET /staff/consultations/{slug}/questionnaire`
pub async fn show(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = done_notice(query.fait.as_deref());
    page(&req, &state, slug.into_inner(), (notice, None), (String::new(), String::new()), StatusCode::OK).await
}

fn back(slug: &str, done: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/staff/consultations/{slug}/questionnaire?fait={done}")))
        .finish()
}

/// A definition pasted in the page.
#[derive(Deserialize)]
pub struct DefinitionForm {
    #[serde(default)]
    definition: String,
}

/// `POST /staff/consultations/{slug}/questionnaire/definition`: imports a definition (JSON or
/// `.lss`) as the unpublished version; nothing changes if it does not hold.
pub async fn import(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<DefinitionForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let text = form.into_inner().definition;
    let lookup = slug.clone();
    let pasted = text.clone();
    let outcome = state
        .db(move |conn| -> Result<Result<String, String>, AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            let (definition, report) = match read_definition(pasted.into_bytes()) {
                Ok(read) => read,
                Err(message) => return Ok(Err(message)),
            };
            match save_definition(conn, consultation.id, &definition, None) {
                Ok(version) => Ok(Ok(format!(
                    "Version {} enregistrée (non publiée) : {} section(s), {} question(s).{}",
                    version.number,
                    definition.sections.len(),
                    definition.questions().count(),
                    report.map(|r| format!(" {r}")).unwrap_or_default()
                ))),
                Err(essaim_core::CoreError::Validation(errors)) => {
                    Ok(Err(errors.0.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join(" ; ")))
                }
                Err(other) => Err(other.into()),
            }
        })
        .await?;
    match outcome {
        Ok(notice) => {
            page(&req, &state, slug, (Some(notice), None), (String::new(), String::new()), StatusCode::OK).await
        }
        Err(error) => {
            let message = format!("Rien n'a été importé : {error}");
            page(&req, &state, slug, (None, Some(message)), (text, String::new()), StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
    }
}

/// `GET /staff/consultations/{slug}/questionnaire/definition.json`: the latest version.
pub async fn export(
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let json = state
        .db(move |conn| -> Result<String, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let questionnaire = questionnaire_of(conn, consultation.id)?.ok_or(AppError::NotFound)?;
            let version = latest_version(conn, questionnaire.id)?.ok_or(AppError::NotFound)?;
            Ok(version.parsed()?.to_json())
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("application/json; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, "attachment; filename=\"questionnaire.json\""))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(json))
}

#[derive(Template)]
#[template(path = "questionnaire/preview.html")]
struct PreviewPage {
    layout: Layout,
    slug: String,
    title: String,
    number: i32,
    sections: Vec<(String, String, Vec<QuestionView>)>,
}

/// `GET /staff/consultations/{slug}/questionnaire/apercu`: every page of the latest version as
/// respondents will see it (forms inert).
pub async fn preview(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let lookup = slug.clone();
    let (number, definition, frame) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            let questionnaire = questionnaire_of(conn, consultation.id)?.ok_or(AppError::NotFound)?;
            let version = latest_version(conn, questionnaire.id)?.ok_or(AppError::NotFound)?;
            Ok((version.number, version.parsed()?, frame_of(conn, consultation.id)?))
        })
        .await?;
    let empty = Answers::default();
    let sections = definition
        .sections
        .iter()
        .map(|s| {
            let questions = s.questions.iter().map(|q| question_view(&definition, &frame, q, &empty, &[])).collect();
            (s.title.clone(), s.description.clone(), questions)
        })
        .collect();
    render(
        &PreviewPage {
            layout: Layout::for_request(&req, format!("Aperçu — {}", definition.title), "questionnaire"),
            slug,
            title: definition.title.clone(),
            number,
            sections,
        },
        StatusCode::OK,
    )
}

/// `POST /staff/consultations/{slug}/questionnaire/publier`
pub async fn publish_version(
    _admin: Admin,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let lookup = slug.clone();
    state
        .db(move |conn| -> Result<(), AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            publish(conn, consultation.id, None)?;
            Ok(())
        })
        .await?;
    Ok(back(&slug, "publie"))
}

/// `POST /staff/consultations/{slug}/questionnaire/ouvrir` and `…/clore`.
async fn change_status(state: &AppState, slug: String, status: QuestionnaireStatus) -> Result<HttpResponse, AppError> {
    let lookup = slug.clone();
    state
        .db(move |conn| -> Result<(), AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            set_status(conn, consultation.id, status, None)?;
            Ok(())
        })
        .await?;
    Ok(back(&slug, if status == QuestionnaireStatus::Open { "ouvert" } else { "clos" }))
}

/// `POST /staff/consultations/{slug}/questionnaire/ouvrir`
pub async fn open(
    _admin: Admin,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    change_status(&state, slug.into_inner(), QuestionnaireStatus::Open).await
}

/// `POST /staff/consultations/{slug}/questionnaire/clore`
pub async fn close(
    _admin: Admin,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    change_status(&state, slug.into_inner(), QuestionnaireStatus::Closed).await
}

/// The list of organisations pasted in the page.
#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    invitees: String,
}

/// `POST /staff/consultations/{slug}/questionnaire/invitations`: invites each new
/// organisation of the list; nothing if a line is bad (each named with its number).
pub async fn send_invitations(
    req: HttpRequest,
    Staff(actor): Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let text = form.into_inner().invitees;
    let base_url = state.config.base_url.clone();
    let (lookup, pasted) = (slug.clone(), text.clone());
    let outcome = state
        .db(move |conn| -> Result<Result<String, String>, AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            Ok(match invite_list(conn, consultation.id, &pasted, &base_url, Some(actor.id))? {
                Ok(done) => Ok(format!(
                    "{} invitation(s) en file d'envoi, {} adresse(s) déjà invitée(s).",
                    done.sent, done.already
                )),
                Err(refusal) => Err(refusal.to_string().replace("\n  ", " ; ")),
            })
        })
        .await?;
    match outcome {
        Ok(notice) => {
            page(&req, &state, slug, (Some(notice), None), (String::new(), String::new()), StatusCode::OK).await
        }
        Err(error) => {
            let message = format!("Aucune invitation envoyée : {error}");
            page(&req, &state, slug, (None, Some(message)), (String::new(), text), StatusCode::UNPROCESSABLE_ENTITY)
                .await
        }
    }
}

/// The reminder interval.
#[derive(Deserialize)]
pub struct RemindForm {
    #[serde(default)]
    interval_hours: String,
}

/// `POST /staff/consultations/{slug}/questionnaire/relances`
pub async fn send_reminders(
    Staff(actor): Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<RemindForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let hours: i64 = form.interval_hours.trim().parse().unwrap_or(0);
    let base_url = state.config.base_url.clone();
    let lookup = slug.clone();
    state
        .db(move |conn| -> Result<usize, AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            match remind_all(conn, consultation.id, hours, &base_url, Some(actor.id))? {
                Ok(sent) => Ok(sent),
                Err(InviteRefusal::Interval) => {
                    Err(AppError::invalid("interval_hours", "Indiquez un intervalle d'au moins une heure."))
                }
                Err(_) => Err(AppError::NotFound),
            }
        })
        .await?;
    Ok(back(&slug, "relances"))
}
