//! The questionnaire's editor, for administrators (they set a questionnaire up, PRODUCT.md;
//! staff follow it): the sections and their questions in order, and one plain form per change
//! (add, edit, move, delete), working without JavaScript. Every change goes through `essaim_contributions::questionnaire::editor` (the import's rules, field by
//! field), on the unpublished version or a new one after the published (which stays frozen).
//! A refused form comes back with its messages and everything typed; nothing is stored.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::definition::{Definition, Question, QuestionKind};
use essaim_contributions::questionnaire::editor::{
    blank_kind, condition_choices, condition_entry, condition_summary, earlier_than_question, earlier_than_section_end,
    edit, editor_state, kind_code, Direction, Edit, Edited, EditorState, GeneralInput, QuestionInput, SectionInput,
    KIND_CODES,
};
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::ContributionKind;
use essaim_core::{CoreError, FieldError, ValidationErrors};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{Admin, CsrfForm, NoFields, CONTRIBUTION_FORM_LIMIT};
use crate::views::{render, Layout};

fn editor_path(slug: &str) -> String {
    format!("/staff/consultations/{slug}/questionnaire/editeur")
}

/// What every page of the editor says about the version: which one is edited, and that
/// respondents see nothing of it before it is published.
fn version_notice(state: &EditorState) -> String {
    match (state.latest, state.published) {
        (None, _) => "Ce questionnaire n'existe pas encore : donnez-lui un titre et une première section.".into(),
        (Some((n, true)), _) => format!(
            "La version {n} est publiée : elle est figée, et les réponses déjà commencées la gardent. Votre première modification crée la version {}, non publiée ; les répondants voient la version {n} tant que la nouvelle n'est pas publiée.",
            n + 1
        ),
        (Some((n, false)), Some(p)) => format!(
            "Vous modifiez la version {n}, non publiée. Les répondants voient la version {p} tant que celle-ci n'est pas publiée (page Questionnaire, par un administrateur)."
        ),
        (Some((n, false)), None) => format!(
            "Vous modifiez la version {n}, non publiée : personne ne peut encore y répondre. Elle se publie depuis la page Questionnaire (par un administrateur)."
        ),
    }
}

/// The consultation's title and the editor's view of its questionnaire.
async fn load(state: &AppState, slug: &str) -> Result<(String, EditorState), AppError> {
    let slug = slug.to_owned();
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            Ok((consultation.title, editor_state(conn, consultation.id)?))
        })
        .await
}

/// Applies a change; a refusal comes back as its field errors.
async fn apply(
    state: &AppState,
    slug: &str,
    change: Edit,
    actor: essaim_core::db::Id,
) -> Result<Result<Edited, ValidationErrors>, AppError> {
    let slug = slug.to_owned();
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            match edit(conn, consultation.id, &change, Some(actor)) {
                Ok(edited) => Ok(Ok(edited)),
                Err(CoreError::Validation(errors)) => Ok(Err(errors)),
                Err(other) => Err(other.into()),
            }
        })
        .await
}

/// Back to the editor's list after a change, at what changed.
fn done(slug: &str, code: &str, edited: &Edited, anchor: Option<String>) -> HttpResponse {
    let code = if edited.changed { code } else { "inchange" };
    let mut location = format!("{}?fait={code}", editor_path(slug));
    if let Some(version) = edited.version.as_ref().filter(|_| edited.new_version) {
        location.push_str(&format!("&version={}", version.number));
    }
    if let Some(anchor) = anchor {
        location.push('#');
        location.push_str(&anchor);
    }
    HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish()
}

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

// ---------------------------------------------------------------------------------------
// The list of sections and questions.

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
async fn index_refused(
    req: &HttpRequest,
    state: &AppState,
    slug: String,
    errors: ValidationErrors,
) -> Result<HttpResponse, AppError> {
    let (consultation, st) = load(state, &slug).await?;
    render(&index_page(req, slug, consultation, &st, None, errors.0), StatusCode::UNPROCESSABLE_ENTITY)
}

// ---------------------------------------------------------------------------------------
// Fields of the forms.

/// A text field or a textarea, with its hint and its message.
pub struct FieldView {
    name: &'static str,
    label: String,
    hint: String,
    value: String,
    error: Option<String>,
    rows: usize,
    inputmode: &'static str,
}

impl FieldView {
    fn new(name: &'static str, label: &str, value: &str, errors: &[FieldError]) -> FieldView {
        FieldView {
            name,
            label: label.to_owned(),
            hint: String::new(),
            value: value.to_owned(),
            error: errors.iter().find(|e| e.field == name).map(|e| e.message.clone()),
            rows: 0,
            inputmode: "",
        }
    }

    fn hint(mut self, hint: &str) -> FieldView {
        self.hint = hint.to_owned();
        self
    }

    fn lines(mut self, rows: usize) -> FieldView {
        self.rows = rows;
        self
    }

    fn decimal(mut self) -> FieldView {
        self.inputmode = "decimal";
        self
    }

    /// Its `aria-describedby` (hint, then message), empty when neither.
    fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.name));
        }
        ids.join(" ")
    }
}

fn error_of(errors: &[FieldError], field: &str) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
}

// ---------------------------------------------------------------------------------------
// Title and introduction (and creation).

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

// ---------------------------------------------------------------------------------------
// Sections.

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

fn find_section<'a>(
    st: &'a EditorState,
    id: &str,
) -> Result<&'a essaim_contributions::questionnaire::definition::Section, AppError> {
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

/// Which way a move goes.
#[derive(Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    sens: String,
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

#[derive(Template)]
#[template(path = "questionnaire/editor_confirm.html")]
struct ConfirmPage {
    layout: Layout,
    slug: String,
    version_notice: String,
    heading: String,
    explanation: String,
    action: String,
    errors: Vec<FieldError>,
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

// ---------------------------------------------------------------------------------------
// Questions.

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
