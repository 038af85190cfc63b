//! A question's pages: one form for every kind, showing the fields its kind needs, the answers
//! of earlier questions its condition may test, and what its answers become as contributions;
//! then move, and delete after a confirmation.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::definition::{Definition, Question, QuestionKind};
use essaim_contributions::questionnaire::editor::{
    blank_kind, condition_choices, condition_entry, earlier_than_question, earlier_than_section_end, kind_code,
    Direction, Edit, EditorState, QuestionInput,
};
use essaim_core::domain::ContributionKind;
use essaim_core::FieldError;
use serde::Deserialize;

use super::fields::{error_of, ConfirmPage, FieldView, MoveForm};
use super::list::index_refused;
use super::{apply, done, editor_path, load, version_notice};
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{Admin, CsrfForm, NoFields, CONTRIBUTION_FORM_LIMIT};
use crate::views::{render, Layout};

/// One answer a condition may test: its checkbox.
pub struct ConditionBox {
    id: String,
    value: String,
    label: String,
    checked: bool,
}

/// An earlier question a condition may test, with its answers.
pub struct ConditionGroup {
    label: String,
    boxes: Vec<ConditionBox>,
}

#[derive(Template)]
#[template(path = "questionnaire/editor_question.html")]
struct QuestionPage {
    layout: Layout,
    slug: String,
    version_notice: String,
    heading: String,
    action: String,
    button: &'static str,
    creating: bool,
    kind_code: &'static str,
    kind_label: &'static str,
    kind_error: Option<String>,
    section_title: String,
    question_id: String,
    errors: Vec<FieldError>,
    head: Vec<FieldView>,
    required: bool,
    kind_fields: Vec<FieldView>,
    offers_other: bool,
    other: bool,
    other_error: Option<String>,
    condition_groups: Vec<ConditionGroup>,
    condition_error: Option<String>,
    condition_open: bool,
    open_question: bool,
    contribution_kinds: Vec<(&'static str, &'static str, bool)>,
    contribution_kind_error: Option<String>,
    themes: Vec<(String, String, bool)>,
    theme_error: Option<String>,
}

/// A question's form, as posted.
#[derive(Deserialize)]
pub struct QuestionForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    id: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    help: String,
    required: Option<String>,
    #[serde(default)]
    options: String,
    other: Option<String>,
    #[serde(default)]
    rows: String,
    #[serde(default)]
    columns: String,
    #[serde(default)]
    min_label: String,
    #[serde(default)]
    max_label: String,
    #[serde(default)]
    min: String,
    #[serde(default)]
    max: String,
    #[serde(default)]
    condition: Vec<String>,
    #[serde(default)]
    contribution_kind: String,
    #[serde(default)]
    theme: String,
}

impl QuestionForm {
    fn input(self) -> (String, QuestionInput) {
        let input = QuestionInput {
            id: self.id,
            label: self.label,
            help: self.help,
            required: self.required.is_some(),
            options: self.options,
            other: self.other.is_some(),
            rows: self.rows,
            columns: self.columns,
            min_label: self.min_label,
            max_label: self.max_label,
            min: self.min,
            max: self.max,
            condition: self.condition,
            contribution_kind: self.contribution_kind,
            theme: self.theme,
        };
        (self.kind, input)
    }
}

const LIST_HINT: &str = "Une par ligne. Devant le libellé, « code | » garde le code de l'option, repris par les réponses et les exports : ne le changez pas une fois le questionnaire publié. Une ligne sans code en reçoit un, fait à partir du libellé.";

/// Where the form is: a new question at the end of a section, or an existing one.
enum Place<'a> {
    New { section: &'a str },
    Existing { id: &'a str },
}

fn question_page(
    req: &HttpRequest,
    slug: String,
    st: &EditorState,
    place: Place<'_>,
    kind: &QuestionKind,
    input: &QuestionInput,
    errors: Vec<FieldError>,
) -> Result<QuestionPage, AppError> {
    let definition: &Definition = st.definition.as_ref().ok_or(AppError::NotFound)?;
    let (creating, action, section_title, earlier) = match place {
        Place::New { section } => {
            let s = definition.sections.iter().find(|s| s.id == section).ok_or(AppError::NotFound)?;
            (
                true,
                format!("{}/sections/{section}/nouvelle-question", editor_path(&slug)),
                s.title.clone(),
                earlier_than_section_end(definition, section),
            )
        }
        Place::Existing { id } => {
            let (s, _) = definition.questions().find(|(_, q)| q.id == id).ok_or(AppError::NotFound)?;
            (
                false,
                format!("{}/questions/{id}", editor_path(&slug)),
                s.title.clone(),
                earlier_than_question(definition, id),
            )
        }
    };
    let mut head = Vec::new();
    if creating {
        head.push(FieldView::new("id", "Identifiant (facultatif)", &input.id, &errors).hint(
            "Nomme la question dans les exports ; il ne change plus ensuite. Lettres sans accent, chiffres, « _ » ou « - ». Laissé vide, il est fait à partir de l'intitulé.",
        ));
    }
    head.push(FieldView::new("label", "Intitulé de la question", &input.label, &errors).lines(2));
    head.push(
        FieldView::new("help", "Aide (facultative)", &input.help, &errors).hint("Affichée sous l'intitulé.").lines(2),
    );
    let mut kind_fields = Vec::new();
    match kind {
        QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. } => {
            kind_fields.push(FieldView::new("options", "Options", &input.options, &errors).hint(LIST_HINT).lines(8));
        }
        QuestionKind::Ranking { .. } => {
            kind_fields.push(
                FieldView::new("options", "Options à classer (au moins deux)", &input.options, &errors)
                    .hint(LIST_HINT)
                    .lines(8),
            );
        }
        QuestionKind::Grid { .. } => {
            kind_fields.push(
                FieldView::new("rows", "Lignes (une réponse chacune)", &input.rows, &errors).hint(LIST_HINT).lines(8),
            );
            kind_fields.push(
                FieldView::new(
                    "columns",
                    "Colonnes (les réponses possibles de chaque ligne, au moins deux)",
                    &input.columns,
                    &errors,
                )
                .hint(LIST_HINT)
                .lines(5),
            );
        }
        QuestionKind::Scale { .. } => {
            kind_fields.push(FieldView::new(
                "min_label",
                "Libellé de 1 (le bas de l'échelle)",
                &input.min_label,
                &errors,
            ));
            kind_fields.push(FieldView::new(
                "max_label",
                "Libellé de 5 (le haut de l'échelle)",
                &input.max_label,
                &errors,
            ));
        }
        QuestionKind::Number { .. } => {
            kind_fields.push(
                FieldView::new("min", "Minimum (facultatif)", &input.min, &errors)
                    .hint("Par exemple 0 ou 2,5.")
                    .decimal(),
            );
            kind_fields.push(
                FieldView::new("max", "Maximum (facultatif)", &input.max, &errors)
                    .hint("Par exemple 100 ou 2,5.")
                    .decimal(),
            );
        }
        _ => {}
    }
    let condition_groups: Vec<ConditionGroup> = condition_choices(&earlier)
        .into_iter()
        .map(|(q, answers)| ConditionGroup {
            label: q.label.clone(),
            boxes: answers
                .into_iter()
                .map(|(value, label)| {
                    let entry = condition_entry(&q.id, &value);
                    ConditionBox {
                        id: format!("condition--{}--{value}", q.id),
                        checked: input.condition.contains(&entry),
                        value: entry,
                        label,
                    }
                })
                .collect(),
        })
        .collect();
    let condition_error = error_of(&errors, "condition");
    let heading =
        if creating { format!("Nouvelle question : {}", kind.label()) } else { "Modifier la question".to_owned() };
    Ok(QuestionPage {
        layout: Layout::for_request(req, heading.clone(), "questionnaire"),
        version_notice: version_notice(st),
        heading,
        action,
        button: if creating { "Ajouter la question" } else { "Enregistrer la question" },
        creating,
        kind_code: kind_code(kind),
        kind_label: kind.label(),
        kind_error: error_of(&errors, "kind"),
        section_title,
        question_id: match place {
            Place::Existing { id } => id.to_owned(),
            Place::New { .. } => String::new(),
        },
        head,
        required: input.required,
        kind_fields,
        offers_other: matches!(kind, QuestionKind::SingleChoice { .. } | QuestionKind::MultipleChoice { .. }),
        other: input.other,
        other_error: error_of(&errors, "other"),
        condition_open: !input.condition.is_empty() || condition_error.is_some(),
        condition_groups,
        condition_error,
        open_question: kind.is_open(),
        contribution_kinds: ContributionKind::ALL
            .iter()
            .map(|k| (k.as_str(), k.label(), input.contribution_kind == k.as_str()))
            .collect(),
        contribution_kind_error: error_of(&errors, "contribution_kind"),
        themes: st
            .themes
            .iter()
            .map(|(p, title)| (p.to_string(), format!("{p} — {title}"), input.theme == p.to_string()))
            .collect(),
        theme_error: error_of(&errors, "theme"),
        errors,
        slug,
    })
}

/// The kind asked for a new question.
#[derive(Deserialize)]
pub struct KindQuery {
    #[serde(rename = "type", default)]
    kind: String,
}

/// `GET …/editeur/sections/{section}/nouvelle-question?type=…`
pub async fn new_question_form(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<KindQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, section) = path.into_inner();
    let Some(kind) = blank_kind(&query.kind) else {
        return Err(AppError::invalid("type", "Choisissez un type de question dans la liste."));
    };
    let (_, st) = load(&state, &slug).await?;
    let page =
        question_page(&req, slug, &st, Place::New { section: &section }, &kind, &QuestionInput::default(), Vec::new())?;
    render(&page, StatusCode::OK)
}

/// `POST …/editeur/sections/{section}/nouvelle-question`
pub async fn add_question(
    req: HttpRequest,
    Admin(actor): Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<QuestionForm, CONTRIBUTION_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let (slug, section) = path.into_inner();
    let (code, input) = form.into_inner().input();
    let Some(kind) = blank_kind(&code) else {
        return Err(AppError::invalid("kind", "Choisissez un type de question dans la liste."));
    };
    let change = Edit::AddQuestion { section: section.clone(), kind: code, input: input.clone() };
    match apply(&state, &slug, change, actor.id).await? {
        Ok(edited) => {
            let anchor = edited.subject.as_ref().map(|q| format!("q-{q}"));
            Ok(done(&slug, "question-ajoutee", &edited, anchor))
        }
        Err(errors) => {
            let (_, st) = load(&state, &slug).await?;
            let page = question_page(&req, slug, &st, Place::New { section: &section }, &kind, &input, errors.0)?;
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

fn find_question<'a>(st: &'a EditorState, id: &str) -> Result<&'a Question, AppError> {
    st.definition.as_ref().and_then(|d| d.question(id)).ok_or(AppError::NotFound)
}

/// `GET …/editeur/questions/{question}`
pub async fn question_form(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let (_, st) = load(&state, &slug).await?;
    let question = find_question(&st, &id)?;
    let input = QuestionInput::from_question(question);
    let page = question_page(&req, slug.clone(), &st, Place::Existing { id: &id }, &question.kind, &input, Vec::new())?;
    render(&page, StatusCode::OK)
}

/// `POST …/editeur/questions/{question}`
pub async fn update_question(
    req: HttpRequest,
    Admin(actor): Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<QuestionForm, CONTRIBUTION_FORM_LIMIT>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let (_, input) = form.into_inner().input();
    match apply(&state, &slug, Edit::UpdateQuestion(id.clone(), input.clone()), actor.id).await? {
        Ok(edited) => Ok(done(&slug, "question-modifiee", &edited, Some(format!("q-{id}")))),
        Err(errors) => {
            let (_, st) = load(&state, &slug).await?;
            let kind = find_question(&st, &id)?.kind.clone();
            let page = question_page(&req, slug, &st, Place::Existing { id: &id }, &kind, &input, errors.0)?;
            render(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// `POST …/editeur/questions/{question}/deplacer`
pub async fn move_question(
    req: HttpRequest,
    Admin(actor): Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<MoveForm>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let direction = Direction::parse(&form.sens).ok_or_else(|| AppError::BadRequest("sens inconnu".into()))?;
    match apply(&state, &slug, Edit::MoveQuestion(id.clone(), direction), actor.id).await? {
        Ok(edited) => Ok(done(&slug, "question-deplacee", &edited, Some(format!("q-{id}")))),
        Err(errors) => index_refused(&req, &state, slug, errors).await,
    }
}

fn confirm_question_page(
    req: &HttpRequest,
    slug: String,
    st: &EditorState,
    id: &str,
    errors: Vec<FieldError>,
) -> Result<ConfirmPage, AppError> {
    let question = find_question(st, id)?;
    let heading = format!("Supprimer la question « {} » ?", question.label);
    Ok(ConfirmPage {
        layout: Layout::for_request(req, heading.clone(), "questionnaire"),
        version_notice: version_notice(st),
        heading,
        explanation: format!(
            "{} — identifiant « {} ». Les réponses déjà reçues la gardent : elles restent sur la version qui la posait, et les exports gardent sa colonne.",
            question.kind.label(),
            question.id
        ),
        action: format!("{}/questions/{id}/supprimer", editor_path(&slug)),
        errors,
        slug,
    })
}

/// `GET …/editeur/questions/{question}/supprimer`
pub async fn confirm_delete_question(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let (_, st) = load(&state, &slug).await?;
    render(&confirm_question_page(&req, slug, &st, &id, Vec::new())?, StatusCode::OK)
}

/// `POST …/editeur/questions/{question}/supprimer`
pub async fn delete_question(
    req: HttpRequest,
    Admin(actor): Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    match apply(&state, &slug, Edit::DeleteQuestion(id.clone()), actor.id).await? {
        Ok(edited) => Ok(done(&slug, "question-supprimee", &edited, None)),
        Err(errors) => {
            let (_, st) = load(&state, &slug).await?;
            render(&confirm_question_page(&req, slug, &st, &id, errors.0)?, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}
