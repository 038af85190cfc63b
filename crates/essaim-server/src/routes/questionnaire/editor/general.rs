//! The questionnaire's own form: its title and introduction, and on creation the title of its
//! first section (a questionnaire has one at least, so it is asked for at once).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::editor::{Edit, EditorState, GeneralInput};
use essaim_core::FieldError;
use serde::Deserialize;

use super::fields::FieldView;
use super::{apply, done, load, version_notice};
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{Admin, CsrfForm, CONTRIBUTION_FORM_LIMIT};
use crate::views::{render, Layout};

#[derive(Template)]
#[template(path = "questionnaire/editor_general.html")]
struct GeneralPage {
    layout: Layout,
    slug: String,
    version_notice: String,
    creating: bool,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
}

/// The questionnaire's own form.
#[derive(Deserialize)]
pub struct GeneralForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    introduction: String,
    #[serde(default)]
    first_section: String,
}

fn general_page(
    req: &HttpRequest,
    slug: String,
    st: &EditorState,
    input: &GeneralInput,
    errors: Vec<FieldError>,
) -> GeneralPage {
    let creating = st.definition.is_none();
    let mut fields = vec![
        FieldView::new("title", "Titre du questionnaire", &input.title, &errors),
        FieldView::new("introduction", "Introduction (facultative)", &input.introduction, &errors)
            .hint("Affichée sur la première page, avant la première section.")
            .lines(5),
    ];
    if creating {
        fields.push(
            FieldView::new("first_section", "Titre de la première section", &input.first_section, &errors)
                .hint("Chaque section est une page du questionnaire ; vous en ajouterez d'autres ensuite."),
        );
    }
    GeneralPage {
        layout: Layout::for_request(req, "Titre et introduction du questionnaire", "questionnaire"),
        slug,
        version_notice: version_notice(st),
        creating,
        errors,
        fields,
    }
}

/// `GET …/editeur/general`
pub async fn general_form(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (_, st) = load(&state, &slug).await?;
    let input = st
        .definition
        .as_ref()
        .map(|d| GeneralInput {
            title: d.title.clone(),
            introduction: d.introduction.clone(),
            first_section: String::new(),
        })
        .unwrap_or_default();
    render(&general_page(&req, slug, &st, &input, Vec::new()), StatusCode::OK)
}

/// `POST …/editeur/general`
pub async fn general_save(
    req: HttpRequest,
    Admin(actor): Admin,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<GeneralForm, CONTRIBUTION_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let form = form.into_inner();
    let input = GeneralInput { title: form.title, introduction: form.introduction, first_section: form.first_section };
    let (_, before) = load(&state, &slug).await?;
    match apply(&state, &slug, Edit::General(input.clone()), actor.id).await? {
        Ok(edited) => Ok(done(&slug, if before.definition.is_none() { "cree" } else { "general" }, &edited, None)),
        Err(errors) => render(&general_page(&req, slug, &before, &input, errors.0), StatusCode::UNPROCESSABLE_ENTITY),
    }
}
