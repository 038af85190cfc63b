//! « Courriels types »: the texts of a consultation's mails and their sender
//! (`essaim_core::mail::texts`, docs/mails.md). The list of kinds with the sender's form; each
//! kind's form previews the typed text with sample values (nothing saved), saves it (refused,
//! field by field, with an unknown placeholder) or goes back to the default text.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::mail::texts::{
    check_text, render, reset_text, save_text, sender_of, set_sender, text_for, texts_of, MailKind, MailText, Rendered,
    Sender,
};
use essaim_core::{CoreError, FieldError};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, Staff};
use crate::views::{render as render_page, Layout};

/// One kind, as the list shows it.
struct KindLine {
    code: &'static str,
    label: &'static str,
    subject: String,
    customised: bool,
}

#[derive(Template)]
#[template(path = "staff/mail_texts.html")]
struct ListPage {
    layout: Layout,
    slug: String,
    title: String,
    kinds: Vec<KindLine>,
    sender: Sender,
    default_from: String,
    done: Option<String>,
    errors: Vec<FieldError>,
}

impl ListPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

/// What the list was redirected with.
#[derive(Deserialize)]
pub struct ListQuery {
    enregistre: Option<String>,
    retabli: Option<String>,
    expediteur: Option<String>,
}

async fn list_page(
    req: &HttpRequest,
    state: &AppState,
    slug: String,
    sender: Option<Sender>,
    done: Option<String>,
    errors: Vec<FieldError>,
) -> Result<HttpResponse, AppError> {
    let (consultation, texts, stored) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let texts = texts_of(conn, consultation.id)?;
            let stored = sender_of(conn, consultation.id)?;
            Ok((consultation, texts, stored))
        })
        .await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = ListPage {
        layout: Layout::for_request(req, format!("Courriels types — {}", consultation.title), "staff"),
        slug: consultation.slug,
        title: consultation.title,
        kinds: texts
            .into_iter()
            .map(|t| KindLine {
                code: t.kind.code(),
                label: t.kind.label(),
                subject: t.text.subject,
                customised: t.customised,
            })
            .collect(),
        sender: sender.unwrap_or(stored),
        default_from: state.config.mail_from.clone(),
        done,
        errors,
    };
    render_page(&page, status)
}

fn label_of(code: &str) -> &'static str {
    MailKind::parse(code).map_or("courriel", |k| k.label())
}

/// `GET /staff/consultations/{slug}/courriels-types`: every kind, custom or default, and the
/// sender.
pub async fn list(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let done = if let Some(code) = query.enregistre {
        Some(format!("Texte enregistré : {}.", label_of(&code)))
    } else if let Some(code) = query.retabli {
        Some(format!("Texte par défaut rétabli : {}.", label_of(&code)))
    } else {
        query.expediteur.map(|_| "Expéditeur enregistré.".to_owned())
    };
    list_page(&req, &state, slug.into_inner(), None, done, Vec::new()).await
}

/// The sender's form.
#[derive(Deserialize)]
pub struct SenderForm {
    #[serde(default)]
    sender_name: String,
    #[serde(default)]
    sender_address: String,
}

/// `POST /staff/consultations/{slug}/courriels-types/expediteur`: sets the sender; refused
/// (422, the form shown again) with an address that does not read.
pub async fn save_sender(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<SenderForm>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let form = form.into_inner();
    let sender = Sender { name: form.sender_name, address: form.sender_address };
    let (lookup, typed, actor) = (slug.clone(), sender.clone(), staff.0.id);
    let outcome = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            Ok(set_sender(conn, consultation.id, &typed, Some(actor)))
        })
        .await?;
    match outcome {
        Ok(_) => Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("/staff/consultations/{slug}/courriels-types?expediteur=1")))
            .finish()),
        Err(CoreError::Validation(refused)) => list_page(&req, &state, slug, Some(sender), None, refused.0).await,
        Err(other) => Err(other.into()),
    }
}

/// A placeholder, as the form's help lists it.
struct PlaceholderLine {
    written: String,
    description: &'static str,
}

#[derive(Template)]
#[template(path = "staff/mail_text.html")]
struct TextPage {
    layout: Layout,
    slug: String,
    title: String,
    code: &'static str,
    label: &'static str,
    appended: Option<&'static str>,
    placeholders: Vec<PlaceholderLine>,
    subject: String,
    body: String,
    errors: Vec<FieldError>,
    preview: Option<Rendered>,
}

impl TextPage {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

fn kind_of(code: &str) -> Result<MailKind, AppError> {
    MailKind::parse(code).ok_or(AppError::NotFound)
}

fn text_page(
    req: &HttpRequest,
    (slug, title): (String, String),
    kind: MailKind,
    text: MailText,
    errors: Vec<FieldError>,
    preview: Option<Rendered>,
) -> Result<HttpResponse, AppError> {
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let page = TextPage {
        layout: Layout::for_request(req, format!("{} — courriel type", kind.label()), "staff"),
        slug,
        title,
        code: kind.code(),
        label: kind.label(),
        appended: kind.appended(),
        placeholders: kind
            .placeholders()
            .iter()
            .map(|p| PlaceholderLine { written: format!("{{{}}}", p.name), description: p.description })
            .collect(),
        subject: text.subject,
        body: text.body,
        errors,
        preview,
    };
    render_page(&page, status)
}

/// `GET /staff/consultations/{slug}/courriels-types/{kind}`: the kind's form, with the
/// consultation's text or the default.
pub async fn edit(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, code) = path.into_inner();
    let kind = kind_of(&code)?;
    let (consultation, text) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let text = text_for(conn, consultation.id, kind)?;
            Ok((consultation, text))
        })
        .await?;
    text_page(&req, (consultation.slug, consultation.title), kind, text, Vec::new(), None)
}

/// The kind's form.
#[derive(Deserialize)]
pub struct TextForm {
    #[serde(default)]
    subject: String,
    #[serde(default)]
    body: String,
    /// `previsualiser` or `enregistrer`.
    #[serde(default)]
    action: String,
}

/// `POST /staff/consultations/{slug}/courriels-types/{kind}`: « Prévisualiser » renders the
/// typed text with sample values (nothing saved); « Enregistrer » saves it. A text with an
/// unknown placeholder is refused either way, naming its field.
pub async fn send(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<TextForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, code) = path.into_inner();
    let kind = kind_of(&code)?;
    let form = form.into_inner();
    let text = MailText { subject: form.subject, body: form.body };
    let saving = form.action != "previsualiser";
    let (typed, actor, lookup) = (text.clone(), staff.0.id, slug.clone());
    let (consultation, outcome) = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            let outcome = if saving {
                save_text(conn, consultation.id, kind, &typed, Some(actor))
            } else {
                check_text(kind, &typed).map_err(CoreError::Validation)
            };
            Ok((consultation, outcome))
        })
        .await?;
    let names = (consultation.slug, consultation.title);
    match outcome {
        Ok(()) if saving => Ok(HttpResponse::SeeOther()
            .insert_header((
                header::LOCATION,
                format!("/staff/consultations/{slug}/courriels-types?enregistre={}", kind.code()),
            ))
            .finish()),
        Ok(()) => {
            let preview = render(&text, &kind.sample_values());
            text_page(&req, names, kind, text, Vec::new(), Some(preview))
        }
        Err(CoreError::Validation(refused)) => text_page(&req, names, kind, text, refused.0, None),
        Err(other) => Err(other.into()),
    }
}

/// `POST /staff/consultations/{slug}/courriels-types/{kind}/retablir`: back to the default text.
pub async fn reset(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<crate::extract::NoFields>,
) -> Result<HttpResponse, AppError> {
    let (slug, code) = path.into_inner();
    let kind = kind_of(&code)?;
    let (lookup, actor) = (slug.clone(), staff.0.id);
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &lookup)?;
            Ok(reset_text(conn, consultation.id, kind, Some(actor))?)
        })
        .await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/staff/consultations/{slug}/courriels-types?retabli={}", kind.code()),
        ))
        .finish())
}
