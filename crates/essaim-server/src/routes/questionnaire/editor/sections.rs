//! A section's pages: add, change, move, and delete with its questions after a confirmation
//! that says how many go with it.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::definition::Section;
use essaim_contributions::questionnaire::editor::{Direction, Edit, EditorState, SectionInput};
use essaim_core::FieldError;
use serde::Deserialize;

use super::fields::{ConfirmPage, FieldView, MoveForm};
use super::list::index_refused;
use super::{apply, done, editor_path, load, version_notice};
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{Admin, CsrfForm, NoFields, CONTRIBUTION_FORM_LIMIT};
use crate::views::{render, Layout};

#[derive(Template)]
#[template(path = "questionnaire/editor_section.html")]
struct SectionPage {
    layout: Layout,
    slug: String,
    version_notice: String,
    heading: String,
    action: String,
    button: &'static str,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
}

/// A section's form.
#[derive(Deserialize)]
pub struct SectionForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
}

fn section_page(
    req: &HttpRequest,
    slug: String,
    st: &EditorState,
    section: Option<&str>,
    input: &SectionInput,
    errors: Vec<FieldError>,
) -> SectionPage {
    let heading = match section {
        Some(_) => "Modifier la section".to_owned(),
        None => "Nouvelle section".to_owned(),
    };
    let action = match section {
        Some(id) => format!("{}/sections/{id}", editor_path(&slug)),
        None => format!("{}/nouvelle-section", editor_path(&slug)),
    };
    SectionPage {
        layout: Layout::for_request(req, heading.clone(), "questionnaire"),
        version_notice: version_notice(st),
        heading,
        action,
        button: if section.is_some() { "Enregistrer la section" } else { "Ajouter la section" },
        fields: vec![
            FieldView::new("title", "Titre de la section", &input.title, &errors)
                .hint("Chaque section est une page du questionnaire ; son titre en est l'intitulé."),
            FieldView::new("description", "Introduction de la section (facultative)", &input.description, &errors)
                .hint("Affichée sous le titre de la page.")
                .lines(4),
        ],
        errors,
        slug,
    }
}

fn find_section<'a>(st: &'a EditorState, id: &str) -> Result<&'a Section, AppError> {
    st.definition.as_ref().and_then(|d| d.sections.iter().find(|s| s.id == id)).ok_or(AppError::NotFound)
}

/// `GET …/editeur/nouvelle-section`
pub async fn new_section_form(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (_, st) = load(&state, &slug).await?;
    if st.definition.is_none() {
        return Err(AppError::NotFound);
    }
    render(&section_page(&req, slug, &st, None, &SectionInput::default(), Vec::new()), StatusCode::OK)
}

/// `POST …/editeur/nouvelle-section`
pub async fn add_section(
    req: HttpRequest,
    Admin(actor): Admin,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<SectionForm, CONTRIBUTION_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let form = form.into_inner();
    let input = SectionInput { title: form.title, description: form.description };
    match apply(&state, &slug, Edit::AddSection(input.clone()), actor.id).await? {
        Ok(edited) => {
            let anchor = edited.subject.as_ref().map(|s| format!("s-{s}"));
            Ok(done(&slug, "section-ajoutee", &edited, anchor))
        }
        Err(errors) => {
            let (_, st) = load(&state, &slug).await?;
            render(&section_page(&req, slug, &st, None, &input, errors.0), StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// `GET …/editeur/sections/{section}`
pub async fn section_form(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let (_, st) = load(&state, &slug).await?;
    let section = find_section(&st, &id)?;
    let input = SectionInput { title: section.title.clone(), description: section.description.clone() };
    render(&section_page(&req, slug, &st, Some(&id), &input, Vec::new()), StatusCode::OK)
}

/// `POST …/editeur/sections/{section}`
pub async fn update_section(
    req: HttpRequest,
    Admin(actor): Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<SectionForm, CONTRIBUTION_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let form = form.into_inner();
    let input = SectionInput { title: form.title, description: form.description };
    match apply(&state, &slug, Edit::UpdateSection(id.clone(), input.clone()), actor.id).await? {
        Ok(edited) => Ok(done(&slug, "section-modifiee", &edited, Some(format!("s-{id}")))),
        Err(errors) => {
            let (_, st) = load(&state, &slug).await?;
            render(&section_page(&req, slug, &st, Some(&id), &input, errors.0), StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// `POST …/editeur/sections/{section}/deplacer`
pub async fn move_section(
    req: HttpRequest,
    Admin(actor): Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let direction = Direction::parse(&form.sens).ok_or_else(|| AppError::BadRequest("sens inconnu".into()))?;
    match apply(&state, &slug, Edit::MoveSection(id.clone(), direction), actor.id).await? {
        Ok(edited) => Ok(done(&slug, "section-deplacee", &edited, Some(format!("s-{id}")))),
        Err(errors) => index_refused(&req, &state, slug, errors).await,
    }
}

fn confirm_section_page(
    req: &HttpRequest,
    slug: String,
    st: &EditorState,
    id: &str,
    errors: Vec<FieldError>,
) -> Result<ConfirmPage, AppError> {
    let section = find_section(st, id)?;
    let count = section.questions.len();
    let heading = format!("Supprimer la section « {} » ?", section.title);
    Ok(ConfirmPage {
        layout: Layout::for_request(req, heading.clone(), "questionnaire"),
        version_notice: version_notice(st),
        heading,
        explanation: match count {
            0 => "Elle n'a aucune question.".to_owned(),
            1 => "Sa question sera supprimée aussi.".to_owned(),
            n => format!("Ses {n} questions seront supprimées aussi."),
        },
        action: format!("{}/sections/{id}/supprimer", editor_path(&slug)),
        errors,
        slug,
    })
}

/// `GET …/editeur/sections/{section}/supprimer`
pub async fn confirm_delete_section(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let (_, st) = load(&state, &slug).await?;
    render(&confirm_section_page(&req, slug, &st, &id, Vec::new())?, StatusCode::OK)
}

/// `POST …/editeur/sections/{section}/supprimer`
pub async fn delete_section(
    req: HttpRequest,
    Admin(actor): Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    match apply(&state, &slug, Edit::DeleteSection(id.clone()), actor.id).await? {
        Ok(edited) => Ok(done(&slug, "section-supprimee", &edited, None)),
        Err(errors) => {
            let (_, st) = load(&state, &slug).await?;
            render(&confirm_section_page(&req, slug, &st, &id, errors.0)?, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}
