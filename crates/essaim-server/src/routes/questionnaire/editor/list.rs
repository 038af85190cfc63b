//! The editor's first page: the sections and their questions in order, each with its buttons,
//! and the notice of what the last change did. A refused move comes back here (there is no
//! form of its own to show the message on).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::definition::{Question, QuestionKind};
use essaim_contributions::questionnaire::editor::{blank_kind, condition_summary, EditorState, KIND_CODES};
use essaim_core::domain::ContributionKind;
use essaim_core::{FieldError, ValidationErrors};
use serde::Deserialize;

use super::{load, version_notice};
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::Admin;
use crate::views::{render, Layout};

fn done_notice(code: Option<&str>, version: Option<i32>) -> Option<String> {
    let said = match code? {
        "general" => "Le titre et l'introduction sont enregistrés.",
        "cree" => "Le questionnaire est créé. Ajoutez-lui des questions.",
        "section-ajoutee" => "La section est ajoutée.",
        "section-modifiee" => "La section est enregistrée.",
        "section-supprimee" => "La section et ses questions sont supprimées.",
        "section-deplacee" => "La section est déplacée.",
        "question-ajoutee" => "La question est ajoutée.",
        "question-modifiee" => "La question est enregistrée.",
        "question-supprimee" => "La question est supprimée.",
        "question-deplacee" => "La question est déplacée.",
        "inchange" => "Rien n'a changé : le formulaire redit ce qui était déjà enregistré.",
        _ => return None,
    };
    Some(match version {
        Some(n) => format!(
            "{said} La version {n}, non publiée, a été créée pour cela ; la version publiée reste telle quelle, avec ses réponses."
        ),
        None => said.to_owned(),
    })
}

struct QuestionRow {
    id: String,
    label: String,
    kind: &'static str,
    required: bool,
    condition: Option<String>,
    contribution: Option<String>,
    first: bool,
    last: bool,
}

struct SectionBlock {
    id: String,
    title: String,
    description: String,
    questions: Vec<QuestionRow>,
    first: bool,
    last: bool,
}

#[derive(Template)]
#[template(path = "questionnaire/editor.html")]
struct IndexPage {
    layout: Layout,
    slug: String,
    consultation: String,
    version_notice: String,
    notice: Option<String>,
    errors: Vec<FieldError>,
    title: Option<String>,
    introduction: String,
    anonymous: bool,
    sections: Vec<SectionBlock>,
    kinds: Vec<(&'static str, &'static str)>,
}

fn contribution_summary(question: &Question, themes: &[(i32, String)]) -> Option<String> {
    let link = question.contribution.as_ref()?;
    let kind = ContributionKind::parse(&link.kind).map_or(link.kind.as_str(), |k| k.label());
    let theme = match link.theme {
        Some(t) => match themes.iter().find(|(p, _)| *p == t) {
            Some((_, title)) => format!("thème {t} « {title} »"),
            None => format!("thème {t}"),
        },
        None => "à classer".to_owned(),
    };
    Some(format!("{kind}, {theme}"))
}

fn index_page(
    req: &HttpRequest,
    slug: String,
    consultation: String,
    st: &EditorState,
    notice: Option<String>,
    errors: Vec<FieldError>,
) -> IndexPage {
    let sections = st.definition.as_ref().map_or_else(Vec::new, |d| {
        let count = d.sections.len();
        let total = d.questions().count();
        let mut seen = 0;
        d.sections
            .iter()
            .enumerate()
            .map(|(s, section)| SectionBlock {
                id: section.id.clone(),
                title: section.title.clone(),
                description: section.description.clone(),
                questions: section
                    .questions
                    .iter()
                    .map(|q| {
                        seen += 1;
                        QuestionRow {
                            id: q.id.clone(),
                            label: q.label.clone(),
                            kind: q.kind.label(),
                            required: q.required,
                            condition: condition_summary(d, q),
                            contribution: contribution_summary(q, &st.themes),
                            first: seen == 1,
                            last: seen == total,
                        }
                    })
                    .collect(),
                first: s == 0,
                last: s + 1 == count,
            })
            .collect()
    });
    let has_identity = st
        .definition
        .as_ref()
        .is_some_and(|d| d.questions().any(|(_, q)| matches!(q.kind, QuestionKind::Organisation)));
    let kinds = KIND_CODES
        .iter()
        .filter(|c| !(has_identity && **c == "organisation"))
        .filter_map(|c| blank_kind(c).map(|k| (*c, k.label())))
        .collect();
    IndexPage {
        layout: Layout::for_request(req, format!("Éditeur du questionnaire — {consultation}"), "questionnaire"),
        slug,
        consultation,
        version_notice: version_notice(st),
        notice,
        errors,
        title: st.definition.as_ref().map(|d| d.title.clone()),
        introduction: st.definition.as_ref().map(|d| d.introduction.clone()).unwrap_or_default(),
        anonymous: st.definition.as_ref().is_some_and(|d| d.anonymous),
        sections,
        kinds,
    }
}

/// Query of the list (after a change).
#[derive(Deserialize)]
pub struct DoneQuery {
    fait: Option<String>,
    version: Option<i32>,
}

/// `GET /staff/consultations/{slug}/questionnaire/editeur`
pub async fn index(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let (consultation, st) = load(&state, &slug).await?;
    let notice = done_notice(query.fait.as_deref(), query.version);
    render(&index_page(&req, slug, consultation, &st, notice, Vec::new()), StatusCode::OK)
}

/// The list again, with why a move was refused.
pub(super) async fn index_refused(
    req: &HttpRequest,
    state: &AppState,
    slug: String,
    errors: ValidationErrors,
) -> Result<HttpResponse, AppError> {
    let (consultation, st) = load(state, &slug).await?;
    render(&index_page(req, slug, consultation, &st, None, errors.0), StatusCode::UNPROCESSABLE_ENTITY)
}
