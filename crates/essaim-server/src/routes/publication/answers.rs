//! The *suite donnée* from the staff pages: an answer for one contribution
//! (`POST /staff/contributions/{id}/reponse`), for every contribution of an orientation
//! (`POST /staff/orientations/{id}/reponses`), and the consultation's reusable answer texts
//! (`/staff/consultations/{slug}/reponses-types`). The rules (an orientation for *retenue*, a
//! reason for *non retenue*, no markup) are the core's; a refusal is the French 422 page.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::{write_transaction, Id};
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::contribution::find_contribution;
use essaim_core::domain::publication::answers::{
    answer_texts_of, delete_answer_text, find_answer_text, save_answer_text, set_answer, set_answers_of_orientation,
    Answer, AnswerInput, AnswerText,
};
use essaim_core::CoreError;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, NoFields, Staff};
use crate::views::{render, Layout};

fn see_other(to: String) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish()
}

/// A page to come back to: a staff page of this site, nothing else.
fn back_to(raw: &str, default: String) -> String {
    let raw = raw.trim();
    if raw.starts_with("/staff/") && !raw.contains("//") && !raw.contains('\\') && !raw.chars().any(char::is_control) {
        raw.to_owned()
    } else {
        default
    }
}

/// The answer form, one contribution or a whole orientation.
#[derive(Deserialize)]
pub struct AnswerForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    text: String,
    /// A reusable text to use when `text` is empty.
    #[serde(default)]
    text_id: String,
    /// The orientation (retenue, fusionnée), when not the one it is placed in.
    #[serde(default)]
    orientation: String,
    #[serde(default)]
    back: String,
}

impl AnswerForm {
    fn answer(&self) -> Result<Answer, AppError> {
        Answer::parse(self.answer.trim()).ok_or_else(|| {
            AppError::invalid("answer", "Choisissez une réponse : retenue, fusionnée, non retenue ou hors sujet.")
        })
    }

    fn orientation(&self) -> Result<Option<Id>, AppError> {
        match self.orientation.trim() {
            "" => Ok(None),
            raw => raw.parse().map(Some).map_err(|_| AppError::invalid("orientation", "Orientation inconnue.")),
        }
    }

    fn text_id(&self) -> Result<Option<Id>, AppError> {
        match self.text_id.trim() {
            "" => Ok(None),
            raw => raw.parse().map(Some).map_err(|_| AppError::invalid("text_id", "Texte de réponse inconnu.")),
        }
    }
}

/// `POST /staff/contributions/{id}/reponse`.
pub async fn answer_one(
    Staff(account): Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: CsrfForm<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let id: Id = id.into_inner().parse().map_err(|_| AppError::NotFound)?;
    let form = form.into_inner();
    let (answer, orientation, text_id) = (form.answer()?, form.orientation()?, form.text_id()?);
    let back = state
        .db(move |conn| -> Result<_, AppError> {
            let contribution = find_contribution(conn, id)?.ok_or(AppError::NotFound)?;
            let consultation = contribution.consultation_id;
            write_transaction(conn, |conn| -> Result<_, CoreError> {
                let text = match (form.text.trim().is_empty(), text_id) {
                    (true, Some(t)) => find_answer_text(conn, consultation, t)?.body,
                    _ => form.text.clone(),
                };
                set_answer(conn, consultation, id, &AnswerInput { answer, orientation, text }, Some(account.id))
            })?;
            Ok(back_to(&form.back, "/staff".into()))
        })
        .await?;
    Ok(see_other(back))
}

/// `POST /staff/orientations/{id}/reponses`: every accepted contribution of the orientation.
pub async fn answer_orientation(
    Staff(account): Staff,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: CsrfForm<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let id: Id = id.into_inner().parse().map_err(|_| AppError::NotFound)?;
    let form = form.into_inner();
    let (answer, orientation, text_id) = (form.answer()?, form.orientation()?, form.text_id()?);
    let n = state
        .db(move |conn| -> Result<_, AppError> {
            let context = essaim_core::domain::orientation::orientation_in_context(conn, id)?;
            let consultation = context.orientation.consultation_id;
            Ok(write_transaction(conn, |conn| -> Result<_, CoreError> {
                let text = match (form.text.trim().is_empty(), text_id) {
                    (true, Some(t)) => find_answer_text(conn, consultation, t)?.body,
                    _ => form.text.clone(),
                };
                set_answers_of_orientation(conn, id, &AnswerInput { answer, orientation, text }, Some(account.id))
            })?)
        })
        .await?;
    Ok(see_other(format!("/staff/orientations/{id}?reponses={n}")))
}

struct TextLine {
    id: String,
    answer: &'static str,
    answer_code: &'static str,
    title: String,
    body: String,
}

#[derive(Template)]
#[template(path = "publication/texts.html")]
struct TextsPage {
    layout: Layout,
    slug: String,
    title: String,
    texts: Vec<TextLine>,
    answers: Vec<(&'static str, &'static str)>,
    done: Option<&'static str>,
}

/// Query after a change.
#[derive(Deserialize)]
pub struct TextsQuery {
    fait: Option<String>,
}

fn line(t: AnswerText) -> TextLine {
    TextLine {
        id: t.id.to_string(),
        answer: t.answer.label(),
        answer_code: t.answer.as_str(),
        title: t.title,
        body: t.body,
    }
}

/// `GET /staff/consultations/{slug}/reponses-types`.
pub async fn texts_page(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<TextsQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (consultation, texts) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let texts = answer_texts_of(conn, consultation.id)?;
            Ok((consultation, texts))
        })
        .await?;
    let page = TextsPage {
        layout: Layout::for_request(&req, format!("Textes de réponse — {}", consultation.title), "staff"),
        slug: consultation.slug,
        title: consultation.title,
        texts: texts.into_iter().map(line).collect(),
        answers: Answer::ALL.iter().map(|a| (a.as_str(), a.label())).collect(),
        done: match query.fait.as_deref() {
            Some("enregistre") => Some("Le texte est enregistré."),
            Some("supprime") => Some("Le texte est supprimé."),
            _ => None,
        },
    };
    render(&page, StatusCode::OK)
}

/// A reusable text's form.
#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

async fn save(
    state: &AppState,
    account: Id,
    slug: String,
    id: Option<Id>,
    form: TextForm,
) -> Result<HttpResponse, AppError> {
    let answer =
        Answer::parse(form.answer.trim()).ok_or_else(|| AppError::invalid("answer", "Choisissez une réponse."))?;
    let to = format!("/staff/consultations/{slug}/reponses-types?fait=enregistre");
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            write_transaction(conn, |conn| {
                save_answer_text(conn, consultation.id, id, answer, &form.title, &form.body, Some(account))
            })?;
            Ok(())
        })
        .await?;
    Ok(see_other(to))
}

/// `POST /staff/consultations/{slug}/reponses-types`: a new text.
pub async fn add_text(
    Staff(account): Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<TextForm>,
) -> Result<HttpResponse, AppError> {
    save(&state, account.id, slug.into_inner(), None, form.into_inner()).await
}

/// `POST /staff/consultations/{slug}/reponses-types/{id}`: a text changed.
pub async fn save_text(
    Staff(account): Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<TextForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, raw) = path.into_inner();
    let id: Id = raw.parse().map_err(|_| AppError::NotFound)?;
    save(&state, account.id, slug, Some(id), form.into_inner()).await
}

/// `POST /staff/consultations/{slug}/reponses-types/{id}/supprimer`.
pub async fn delete_text(
    Staff(account): Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (slug, raw) = path.into_inner();
    let id: Id = raw.parse().map_err(|_| AppError::NotFound)?;
    let to = format!("/staff/consultations/{slug}/reponses-types?fait=supprime");
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            write_transaction(conn, |conn| delete_answer_text(conn, consultation.id, id, Some(account.id)))?;
            Ok(())
        })
        .await?;
    Ok(see_other(to))
}
