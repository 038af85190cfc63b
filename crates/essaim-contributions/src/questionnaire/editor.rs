//! Editing a definition piece by piece, as staff do on the editor's forms (one form per
//! section or question, no JavaScript): add, change, move and delete sections and questions.
//!
//! Each operation is a pure function of a [`Definition`]: it gives the new definition, or the
//! refused fields with their French messages (field names as the forms name them), and
//! changes nothing. The rules are the import's own (`definition`'s `text`, `identifier`,
//! `check_choices`, `check_condition`, `check_contribution`), applied field by field so that
//! each message can stand next to its field, then [`Definition::check`] on the whole result.
//!
//! [`edit`] applies one operation to the version staff are editing, in one transaction:
//! the unpublished version if there is one, else a new one started from the last published
//! (which stays frozen, with its responses), through [`save_definition_with`], which audits.
//!
//! Identifiers are stable: an edited question keeps its id; a new question gets one no
//! version of the questionnaire ever used (the exports' columns are the union of every
//! version's questions by id, so a reused id would merge two questions' answers).

use std::collections::HashSet;

use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::consultation::themes_of;
use essaim_core::domain::ContributionKind;
use essaim_core::{CoreError, CoreResult, ValidationErrors};

use super::definition::{
    check_choices, check_condition, check_contribution, check_kind, identifier, identifier_from, text, Choice,
    Condition, ContributionLink, Definition, DefinitionError, Question, QuestionKind, Section, FORMAT, MAX_QUESTIONS,
    OTHER,
};
use super::store::{questionnaire_of, save_definition_with, versions_of, Version};

/// The kinds of question, by the code the forms post (the JSON's `type`), in the order the
/// editor offers them.
pub const KIND_CODES: [&str; 10] = [
    "short_text",
    "long_text",
    "single_choice",
    "multiple_choice",
    "yes_no",
    "scale",
    "number",
    "ranking",
    "grid",
    "organisation",
];

/// A kind of question with nothing filled in, from its code.
pub fn blank_kind(code: &str) -> Option<QuestionKind> {
    Some(match code {
        "short_text" => QuestionKind::ShortText,
        "long_text" => QuestionKind::LongText,
        "single_choice" => QuestionKind::SingleChoice { options: Vec::new(), other: false },
        "multiple_choice" => QuestionKind::MultipleChoice { options: Vec::new(), other: false },
        "yes_no" => QuestionKind::YesNo,
        "scale" => QuestionKind::Scale { min_label: String::new(), max_label: String::new() },
        "number" => QuestionKind::Number { min: None, max: None },
        "ranking" => QuestionKind::Ranking { options: Vec::new() },
        "grid" => QuestionKind::Grid { rows: Vec::new(), columns: Vec::new() },
        "organisation" => QuestionKind::Organisation,
        _ => return None,
    })
}

/// The code of a kind (the JSON's `type`).
pub fn kind_code(kind: &QuestionKind) -> &'static str {
    match kind {
        QuestionKind::ShortText => "short_text",
        QuestionKind::LongText => "long_text",
        QuestionKind::SingleChoice { .. } => "single_choice",
        QuestionKind::MultipleChoice { .. } => "multiple_choice",
        QuestionKind::YesNo => "yes_no",
        QuestionKind::Scale { .. } => "scale",
        QuestionKind::Number { .. } => "number",
        QuestionKind::Ranking { .. } => "ranking",
        QuestionKind::Grid { .. } => "grid",
        QuestionKind::Organisation => "organisation",
    }
}

/// What the section form posts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectionInput {
    /// The page's heading.
    pub title: String,
    /// The text under it.
    pub description: String,
}

/// What the questionnaire's own form posts: its title and introduction, and, when the
/// questionnaire is created, the title of its first section (a definition has one at least).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GeneralInput {
    /// The questionnaire's title.
    pub title: String,
    /// Its introduction.
    pub introduction: String,
    /// The first section's title (creation only).
    pub first_section: String,
}

/// What the question form posts, as typed: lists are one entry per line, bounds as French
/// numbers, the condition as `question=value` entries (the ticked boxes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionInput {
    /// The identifier wanted for a new question (blank: made from the label). Ignored on edit.
    pub id: String,
    /// The question as asked.
    pub label: String,
    /// Its help.
    pub help: String,
    /// Must be answered.
    pub required: bool,
    /// Options (choices, ranking): one per line, `code | libellé` or a label alone.
    pub options: String,
    /// "Autre, précisez".
    pub other: bool,
    /// A grid's rows, as options.
    pub rows: String,
    /// A grid's columns, as options.
    pub columns: String,
    /// A scale's label of 1.
    pub min_label: String,
    /// A scale's label of 5.
    pub max_label: String,
    /// A number's smallest value (blank: none).
    pub min: String,
    /// A number's largest value (blank: none).
    pub max: String,
    /// The answers that show the question: `question=value` each, of one earlier question.
    pub condition: Vec<String>,
    /// The contribution kind its answers become (blank: none).
    pub contribution_kind: String,
    /// The theme's position (blank: to classify).
    pub theme: String,
}

impl QuestionInput {
    /// The form of an existing question, filled with what it holds.
    pub fn from_question(question: &Question) -> QuestionInput {
        let mut input = QuestionInput {
            id: question.id.clone(),
            label: question.label.clone(),
            help: question.help.clone(),
            required: question.required,
            ..QuestionInput::default()
        };
        match &question.kind {
            QuestionKind::SingleChoice { options, other } | QuestionKind::MultipleChoice { options, other } => {
                input.options = choice_lines(options);
                input.other = *other;
            }
            QuestionKind::Ranking { options } => input.options = choice_lines(options),
            QuestionKind::Grid { rows, columns } => {
                input.rows = choice_lines(rows);
                input.columns = choice_lines(columns);
            }
            QuestionKind::Scale { min_label, max_label } => {
                input.min_label = min_label.clone();
                input.max_label = max_label.clone();
            }
            QuestionKind::Number { min, max } => {
                input.min = min.map(french_number).unwrap_or_default();
                input.max = max.map(french_number).unwrap_or_default();
            }
            _ => {}
        }
        if let Some(condition) = &question.condition {
            input.condition = condition.any_of.iter().map(|v| condition_entry(&condition.question, v)).collect();
        }
        if let Some(link) = &question.contribution {
            input.contribution_kind = link.kind.clone();
            input.theme = link.theme.map(|t| t.to_string()).unwrap_or_default();
        }
        input
    }
}

/// A list as the textarea shows it: `code | libellé`, one a line.
pub fn choice_lines(choices: &[Choice]) -> String {
    choices.iter().map(|c| format!("{} | {}\n", c.value, c.label)).collect()
}

/// A condition's entry as its checkbox posts it.
pub fn condition_entry(question: &str, value: &str) -> String {
    format!("{question}={value}")
}

/// A number as French speakers write it (`2,5`).
pub fn french_number(value: f64) -> String {
    value.to_string().replace('.', ",")
}

/// One way up or down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Earlier.
    Up,
    /// Later.
    Down,
}

impl Direction {
    /// From the form's `sens` (`haut`, `bas`).
    pub fn parse(raw: &str) -> Option<Direction> {
        match raw {
            "haut" => Some(Direction::Up),
            "bas" => Some(Direction::Down),
            _ => None,
        }
    }
}

/// What an operation may not reuse or contradict: the identifiers of every version, and the
/// consultation's themes.
#[derive(Debug, Clone, Default)]
pub struct Context {
    /// Question identifiers any version ever used.
    pub question_ids: HashSet<String>,
    /// Section identifiers any version ever used.
    pub section_ids: HashSet<String>,
    /// The positions of the consultation's themes (empty: not checked).
    pub themes: Vec<i32>,
}

impl Context {
    /// The identifiers of these definitions (every version of a questionnaire).
    pub fn of<'a>(definitions: impl IntoIterator<Item = &'a Definition>, themes: Vec<i32>) -> Context {
        let mut context = Context { themes, ..Context::default() };
        for definition in definitions {
            for section in &definition.sections {
                context.section_ids.insert(section.id.clone());
                for question in &section.questions {
                    context.question_ids.insert(question.id.clone());
                }
            }
        }
        context
    }
}

/// What an operation gives: the new definition and the section or question it touched.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// The definition after the change, checked.
    pub definition: Definition,
    /// The identifier of the section or question added, changed, moved or deleted.
    pub subject: Option<String>,
}

fn invalid(field: &str, message: impl Into<String>) -> CoreError {
    CoreError::invalid(field, message)
}

/// Adds the message unless the field already has one (one message per field).
fn refuse(errors: &mut ValidationErrors, field: &str, message: impl Into<String>) {
    if errors.get(field).is_none() {
        errors.add(field, message);
    }
}

/// The whole definition checked, as the import checks it; a rule no field caught is said on
/// the form as a whole (`form`).
fn checked(definition: Definition, subject: Option<String>) -> CoreResult<Outcome> {
    definition.check().map_err(|e| invalid("form", e.0))?;
    Ok(Outcome { definition, subject })
}

/// An identifier made from a text: lower case ASCII, at most 30 characters, starting with a
/// letter (`fallback` when the text gives none).
pub fn code_from(text: &str, fallback: &str) -> String {
    let raw = identifier_from(text, "").to_lowercase();
    let mut code = String::new();
    for c in raw.chars() {
        if c == '_' && (code.is_empty() || code.ends_with('_')) {
            continue;
        }
        code.push(c);
    }
    let mut code: String = code.chars().take(30).collect();
    while code.ends_with(['_', '-']) {
        code.pop();
    }
    if code.starts_with(|c: char| c.is_ascii_alphabetic()) {
        code
    } else if code.is_empty() {
        fallback.to_owned()
    } else {
        format!("{fallback}_{code}").chars().take(40).collect()
    }
}

/// `base`, or `base_2`, `base_3`… the first that `taken` does not hold.
fn unique(base: String, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&base) {
        return base;
    }
    (2..).map(|n| format!("{base}_{n}")).find(|c| !taken(c)).unwrap_or(base)
}

/// Reads a list typed one entry a line: `code | libellé`, or a label alone (its code made
/// from it). Blank lines are skipped. A repeated label is refused with its lines.
fn parse_choices(raw: &str, field: &str, what: &str, min: usize, errors: &mut ValidationErrors) -> Vec<Choice> {
    let mut entries: Vec<(usize, Option<String>, String)> = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (code, label) = match line.split_once('|') {
            Some((code, label)) if !code.trim().is_empty() => (Some(code.trim().to_owned()), label.trim()),
            Some((_, label)) => (None, label.trim()),
            None => (None, line),
        };
        let folded = label.to_lowercase();
        if let Some((first, _, _)) = entries.iter().find(|(_, _, l)| !l.is_empty() && l.to_lowercase() == folded) {
            refuse(
                errors,
                field,
                format!(
                    "Ligne {} : « {label} » est déjà à la ligne {} ; chaque libellé n'apparaît qu'une fois.",
                    n + 1,
                    first
                ),
            );
        }
        entries.push((n + 1, code, label.to_owned()));
    }
    let explicit: HashSet<String> = entries.iter().filter_map(|(_, c, _)| c.clone()).collect();
    let mut made: HashSet<String> = HashSet::new();
    let choices: Vec<Choice> = entries
        .into_iter()
        .map(|(_, code, label)| {
            let value = code.unwrap_or_else(|| {
                let value =
                    unique(code_from(&label, "option"), |c| c == OTHER || explicit.contains(c) || made.contains(c));
                made.insert(value.clone());
                value
            });
            Choice { value, label }
        })
        .collect();
    if let Err(e) = check_choices(&choices, what, min, "") {
        refuse(errors, field, e.0);
    }
    choices
}

/// A bound typed as French speakers write it (`2,5`, `1 000`); blank: none.
fn parse_bound(raw: &str, field: &str, what: &str, errors: &mut ValidationErrors) -> Option<f64> {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return None;
    }
    match compact.replace(',', ".").parse::<f64>() {
        Ok(v) if v.is_finite() => Some(v),
        _ => {
            refuse(errors, field, format!("{what} doit être un nombre, par exemple 0 ou 2,5 (ou rester vide)."));
            None
        }
    }
}

fn field_error(errors: &mut ValidationErrors, field: &str, result: Result<(), DefinitionError>) {
    if let Err(DefinitionError(message)) = result {
        refuse(errors, field, message);
    }
}

/// Builds the question a form describes, standing after `earlier` (its condition may only
/// test those). Every refused field is in `errors`.
fn build_question(
    id: &str,
    kind: &QuestionKind,
    input: &QuestionInput,
    earlier: &[&Question],
    context: &Context,
    errors: &mut ValidationErrors,
) -> Question {
    let label = input.label.trim().to_owned();
    field_error(errors, "label", text(&label, "L'intitulé", true));
    let help = input.help.trim().to_owned();
    field_error(errors, "help", text(&help, "L'aide", false));
    let kind = match kind {
        QuestionKind::SingleChoice { .. } => QuestionKind::SingleChoice {
            options: parse_choices(&input.options, "options", "options", 1, errors),
            other: input.other,
        },
        QuestionKind::MultipleChoice { .. } => QuestionKind::MultipleChoice {
            options: parse_choices(&input.options, "options", "options", 1, errors),
            other: input.other,
        },
        QuestionKind::Ranking { .. } => {
            QuestionKind::Ranking { options: parse_choices(&input.options, "options", "options à classer", 2, errors) }
        }
        QuestionKind::Grid { .. } => QuestionKind::Grid {
            rows: parse_choices(&input.rows, "rows", "lignes", 1, errors),
            columns: parse_choices(&input.columns, "columns", "colonnes", 2, errors),
        },
        QuestionKind::Scale { .. } => {
            let (min_label, max_label) = (input.min_label.trim().to_owned(), input.max_label.trim().to_owned());
            field_error(errors, "min_label", text(&min_label, "Le libellé de 1", true));
            field_error(errors, "max_label", text(&max_label, "Le libellé de 5", true));
            QuestionKind::Scale { min_label, max_label }
        }
        QuestionKind::Number { .. } => {
            let min = parse_bound(&input.min, "min", "Le minimum", errors);
            let max = parse_bound(&input.max, "max", "Le maximum", errors);
            let kind = QuestionKind::Number { min, max };
            field_error(errors, "max", check_kind(&kind, ""));
            kind
        }
        other => other.clone(),
    };
    let condition = condition_of(input, earlier, errors);
    let contribution = contribution_of(&kind, input, context, errors);
    Question { id: id.to_owned(), label, help, required: input.required, kind, condition, contribution }
}

/// The condition the ticked boxes give, checked against the questions before.
fn condition_of(input: &QuestionInput, earlier: &[&Question], errors: &mut ValidationErrors) -> Option<Condition> {
    let mut question: Option<&str> = None;
    let mut values: Vec<String> = Vec::new();
    for entry in &input.condition {
        let Some((on, value)) = entry.split_once('=') else {
            refuse(errors, "condition", "La condition envoyée est illisible : cochez de nouveau les réponses voulues.");
            continue;
        };
        if question.is_some_and(|q| q != on) {
            refuse(
                errors,
                "condition",
                "Une condition porte sur une seule question : cochez des réponses d'une seule question.",
            );
            continue;
        }
        question = Some(on);
        if !values.iter().any(|v| v == value) {
            values.push(value.to_owned());
        }
    }
    let question = question?;
    // In the order the earlier question gives its answers, whatever the order posted.
    if let Some(order) = earlier.iter().find(|q| q.id == question).and_then(|q| q.kind.condition_values()) {
        values.sort_by_key(|v| order.iter().position(|o| o == v).unwrap_or(usize::MAX));
    }
    let condition = Condition { question: question.to_owned(), any_of: values };
    if let Err(e) = check_condition(&condition, earlier, "") {
        refuse(errors, "condition", e.0);
    }
    Some(condition)
}

/// The contribution link the two lists give.
fn contribution_of(
    kind: &QuestionKind,
    input: &QuestionInput,
    context: &Context,
    errors: &mut ValidationErrors,
) -> Option<ContributionLink> {
    let (code, theme) = (input.contribution_kind.trim(), input.theme.trim());
    if code.is_empty() {
        if !theme.is_empty() {
            refuse(
                errors,
                "contribution_kind",
                "Choisissez ce que deviennent les réponses (constat, proposition…) pour les rattacher à un thème.",
            );
        }
        return None;
    }
    let theme = if theme.is_empty() {
        None
    } else {
        match theme.parse::<i32>() {
            Ok(t) if context.themes.is_empty() || context.themes.contains(&t) => Some(t),
            _ => {
                refuse(
                    errors,
                    "theme",
                    "Ce thème n'est pas un thème de la consultation : choisissez-en un dans la liste.",
                );
                None
            }
        }
    };
    let link = ContributionLink { theme, kind: code.to_owned() };
    if let Err(e) = check_contribution(kind, &link, "") {
        let field =
            if kind.is_open() && ContributionKind::parse(code).is_some() { "theme" } else { "contribution_kind" };
        refuse(errors, field, e.0);
    }
    Some(link)
}

fn section_from(input: &SectionInput, errors: &mut ValidationErrors) -> (String, String) {
    let (title, description) = (input.title.trim().to_owned(), input.description.trim().to_owned());
    if let Err(e) = text(&title, "Le titre de la section", true) {
        refuse(errors, "title", e.0);
    }
    if let Err(e) = text(&description, "L'introduction de la section", false) {
        refuse(errors, "description", e.0);
    }
    (title, description)
}

fn section_index(definition: &Definition, id: &str) -> CoreResult<usize> {
    definition.sections.iter().position(|s| s.id == id).ok_or_else(|| CoreError::NotFound(format!("section « {id} »")))
}

fn question_place(definition: &Definition, id: &str) -> CoreResult<(usize, usize)> {
    definition
        .sections
        .iter()
        .enumerate()
        .find_map(|(s, section)| section.questions.iter().position(|q| q.id == id).map(|q| (s, q)))
        .ok_or_else(|| CoreError::NotFound(format!("question « {id} »")))
}

/// A new questionnaire (title, introduction, a first empty section), or the title and
/// introduction of an existing one changed.
pub fn set_general(current: Option<&Definition>, input: &GeneralInput, context: &Context) -> CoreResult<Outcome> {
    let mut errors = ValidationErrors::default();
    let (title, introduction) = (input.title.trim().to_owned(), input.introduction.trim().to_owned());
    if let Err(e) = text(&title, "Le titre du questionnaire", true) {
        refuse(&mut errors, "title", e.0);
    }
    if let Err(e) = text(&introduction, "L'introduction", false) {
        refuse(&mut errors, "introduction", e.0);
    }
    let definition = match current {
        Some(current) => Definition { title, introduction, ..current.clone() },
        None => {
            let first = input.first_section.trim().to_owned();
            if let Err(e) = text(&first, "Le titre de la première section", true) {
                refuse(&mut errors, "first_section", e.0);
            }
            let id = unique(code_from(&first, "section"), |c| context.section_ids.contains(c));
            Definition {
                format: FORMAT.to_owned(),
                title,
                introduction,
                anonymous: false,
                sections: vec![Section { id, title: first, description: String::new(), questions: Vec::new() }],
            }
        }
    };
    errors.into_result()?;
    checked(definition, None)
}

/// Adds a section at the end; its identifier is new.
pub fn add_section(definition: &Definition, input: &SectionInput, context: &Context) -> CoreResult<Outcome> {
    let mut errors = ValidationErrors::default();
    let (title, description) = section_from(input, &mut errors);
    errors.into_result()?;
    let id = unique(code_from(&title, "section"), |c| {
        context.section_ids.contains(c) || definition.sections.iter().any(|s| s.id == c)
    });
    let mut definition = definition.clone();
    definition.sections.push(Section { id: id.clone(), title, description, questions: Vec::new() });
    checked(definition, Some(id))
}

/// Changes a section's title and introduction.
pub fn update_section(definition: &Definition, id: &str, input: &SectionInput) -> CoreResult<Outcome> {
    let at = section_index(definition, id)?;
    let mut errors = ValidationErrors::default();
    let (title, description) = section_from(input, &mut errors);
    errors.into_result()?;
    let mut definition = definition.clone();
    definition.sections[at].title = title;
    definition.sections[at].description = description;
    checked(definition, Some(id.to_owned()))
}

/// The first question outside `leaving` whose condition tests a question of `leaving`.
fn dependent_outside<'a>(definition: &'a Definition, leaving: &[&str]) -> Option<(&'a Question, &'a Question)> {
    definition.questions().map(|(_, q)| q).filter(|q| !leaving.contains(&q.id.as_str())).find_map(|q| {
        let on = q.condition.as_ref()?;
        leaving.contains(&on.question.as_str()).then(|| definition.question(&on.question)).flatten().map(|t| (q, t))
    })
}

/// Deletes a section and its questions, unless another question's condition tests one of
/// them, or it is the only section.
pub fn delete_section(definition: &Definition, id: &str) -> CoreResult<Outcome> {
    let at = section_index(definition, id)?;
    if definition.sections.len() == 1 {
        return Err(invalid(
            "form",
            "Le questionnaire doit garder au moins une section : ajoutez-en une autre avant de supprimer celle-ci.",
        ));
    }
    let leaving: Vec<&str> = definition.sections[at].questions.iter().map(|q| q.id.as_str()).collect();
    if let Some((dependent, tested)) = dependent_outside(definition, &leaving) {
        return Err(invalid(
            "form",
            format!(
                "La question « {} » s'affiche selon la réponse à « {} », qui est dans cette section : modifiez d'abord sa condition.",
                dependent.label, tested.label
            ),
        ));
    }
    let mut definition = definition.clone();
    definition.sections.remove(at);
    checked(definition, Some(id.to_owned()))
}

/// A move refused because a condition would test a later question, said in words.
fn order_error(definition: &Definition) -> Option<String> {
    let mut seen: Vec<&str> = Vec::new();
    for (_, question) in definition.questions() {
        if let Some(condition) = &question.condition {
            if !seen.contains(&condition.question.as_str()) {
                let tested =
                    definition.question(&condition.question).map_or(condition.question.as_str(), |q| q.label.as_str());
                return Some(format!(
                    "Déplacement refusé : la question « {} » s'affiche selon la réponse à « {tested} », qui doit rester avant elle.",
                    question.label
                ));
            }
        }
        seen.push(&question.id);
    }
    None
}

fn moved(definition: Definition, subject: &str) -> CoreResult<Outcome> {
    if let Some(message) = order_error(&definition) {
        return Err(invalid("form", message));
    }
    checked(definition, Some(subject.to_owned()))
}

/// Moves a section one place up or down (nothing at either end).
pub fn move_section(definition: &Definition, id: &str, direction: Direction) -> CoreResult<Outcome> {
    let at = section_index(definition, id)?;
    let to = match direction {
        Direction::Up if at > 0 => at - 1,
        Direction::Down if at + 1 < definition.sections.len() => at + 1,
        _ => return Ok(Outcome { definition: definition.clone(), subject: Some(id.to_owned()) }),
    };
    let mut definition = definition.clone();
    definition.sections.swap(at, to);
    moved(definition, id)
}

/// Adds a question of a kind (its code) at the end of a section.
pub fn add_question(
    definition: &Definition,
    section: &str,
    kind: &str,
    input: &QuestionInput,
    context: &Context,
) -> CoreResult<Outcome> {
    let at = section_index(definition, section)?;
    let blank = blank_kind(kind).ok_or_else(|| invalid("kind", "Choisissez un type de question dans la liste."))?;
    let mut errors = ValidationErrors::default();
    let used = |c: &str| context.question_ids.contains(c) || definition.question(c).is_some();
    let wanted = input.id.trim();
    let id = if wanted.is_empty() {
        unique(code_from(&input.label, "question"), used)
    } else {
        if let Err(e) = identifier(wanted, "") {
            refuse(&mut errors, "id", e.0);
        } else if used(wanted) {
            refuse(
                &mut errors,
                "id",
                format!("L'identifiant « {wanted} » est déjà pris, dans cette version ou une précédente : choisissez-en un autre, ou laissez le champ vide."),
            );
        }
        wanted.to_owned()
    };
    if matches!(blank, QuestionKind::Organisation) {
        if let Some((_, q)) = definition.questions().find(|(_, q)| matches!(q.kind, QuestionKind::Organisation)) {
            refuse(
                &mut errors,
                "kind",
                format!(
                    "Le questionnaire a déjà un bloc d'identité de la structure (« {} ») : il n'en a qu'un.",
                    q.label
                ),
            );
        }
    }
    if definition.questions().count() >= MAX_QUESTIONS {
        refuse(
            &mut errors,
            "kind",
            format!("Le questionnaire a déjà {MAX_QUESTIONS} questions, le plus qu'il puisse avoir."),
        );
    }
    let earlier = earlier_than_section_end(definition, section);
    let question = build_question(&id, &blank, input, &earlier, context, &mut errors);
    errors.into_result()?;
    let mut definition = definition.clone();
    definition.sections[at].questions.push(question);
    checked(definition, Some(id))
}

/// Changes a question: everything but its identifier and its kind.
pub fn update_question(
    definition: &Definition,
    id: &str,
    input: &QuestionInput,
    context: &Context,
) -> CoreResult<Outcome> {
    let (s, q) = question_place(definition, id)?;
    let old = &definition.sections[s].questions[q];
    let mut errors = ValidationErrors::default();
    let earlier = earlier_than_question(definition, id);
    let question = build_question(id, &old.kind, input, &earlier, context, &mut errors);
    // A later question's condition must still find the answers it tests.
    if let Some(values) = question.kind.condition_values() {
        for (_, later) in definition.questions() {
            let Some(condition) = later.condition.as_ref().filter(|c| c.question == id) else { continue };
            if let Some(gone) = condition.any_of.iter().find(|v| !values.contains(v)) {
                let field = if gone == OTHER { "other" } else { "options" };
                refuse(
                    &mut errors,
                    field,
                    format!(
                        "La question « {} » s'affiche selon la réponse « {gone} » : gardez cette réponse, ou modifiez d'abord sa condition.",
                        later.label
                    ),
                );
            }
        }
    }
    errors.into_result()?;
    let mut definition = definition.clone();
    definition.sections[s].questions[q] = question;
    checked(definition, Some(id.to_owned()))
}

/// Deletes a question, unless another question's condition tests it.
pub fn delete_question(definition: &Definition, id: &str) -> CoreResult<Outcome> {
    let (s, q) = question_place(definition, id)?;
    if let Some((dependent, _)) = dependent_outside(definition, &[id]) {
        return Err(invalid(
            "form",
            format!(
                "La question « {} » s'affiche selon la réponse à celle-ci : modifiez d'abord sa condition.",
                dependent.label
            ),
        ));
    }
    let mut definition = definition.clone();
    definition.sections[s].questions.remove(q);
    checked(definition, Some(id.to_owned()))
}

/// Moves a question one place up or down; from the top of a section up to the end of the
/// previous one, from the bottom down to the start of the next (nothing at either end).
pub fn move_question(definition: &Definition, id: &str, direction: Direction) -> CoreResult<Outcome> {
    let (s, q) = question_place(definition, id)?;
    let mut definition = definition.clone();
    let count = definition.sections[s].questions.len();
    match direction {
        Direction::Up if q > 0 => definition.sections[s].questions.swap(q, q - 1),
        Direction::Up if s > 0 => {
            let question = definition.sections[s].questions.remove(q);
            definition.sections[s - 1].questions.push(question);
        }
        Direction::Down if q + 1 < count => definition.sections[s].questions.swap(q, q + 1),
        Direction::Down if s + 1 < definition.sections.len() => {
            let question = definition.sections[s].questions.remove(q);
            definition.sections[s + 1].questions.insert(0, question);
        }
        _ => return Ok(Outcome { definition, subject: Some(id.to_owned()) }),
    }
    moved(definition, id)
}

/// One change, as a form asks it.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// Creates the questionnaire, or changes its title and introduction.
    General(GeneralInput),
    /// Adds a section.
    AddSection(SectionInput),
    /// Changes a section.
    UpdateSection(String, SectionInput),
    /// Deletes a section and its questions.
    DeleteSection(String),
    /// Moves a section.
    MoveSection(String, Direction),
    /// Adds a question to a section.
    AddQuestion {
        /// The section.
        section: String,
        /// The kind's code.
        kind: String,
        /// The form.
        input: QuestionInput,
    },
    /// Changes a question.
    UpdateQuestion(String, QuestionInput),
    /// Deletes a question.
    DeleteQuestion(String),
    /// Moves a question.
    MoveQuestion(String, Direction),
}

impl Edit {
    /// Its name in the audit log.
    pub fn operation(&self) -> &'static str {
        match self {
            Edit::General(_) => "general",
            Edit::AddSection(_) => "section.add",
            Edit::UpdateSection(..) => "section.update",
            Edit::DeleteSection(_) => "section.delete",
            Edit::MoveSection(..) => "section.move",
            Edit::AddQuestion { .. } => "question.add",
            Edit::UpdateQuestion(..) => "question.update",
            Edit::DeleteQuestion(_) => "question.delete",
            Edit::MoveQuestion(..) => "question.move",
        }
    }

    /// The change applied to a definition (none yet: only [`Edit::General`] creates one).
    pub fn apply(&self, current: Option<&Definition>, context: &Context) -> CoreResult<Outcome> {
        if let Edit::General(input) = self {
            return set_general(current, input, context);
        }
        let definition = current.ok_or_else(|| CoreError::NotFound("questionnaire".into()))?;
        match self {
            Edit::General(_) => unreachable!("handled above"),
            Edit::AddSection(input) => add_section(definition, input, context),
            Edit::UpdateSection(id, input) => update_section(definition, id, input),
            Edit::DeleteSection(id) => delete_section(definition, id),
            Edit::MoveSection(id, direction) => move_section(definition, id, *direction),
            Edit::AddQuestion { section, kind, input } => add_question(definition, section, kind, input, context),
            Edit::UpdateQuestion(id, input) => update_question(definition, id, input, context),
            Edit::DeleteQuestion(id) => delete_question(definition, id),
            Edit::MoveQuestion(id, direction) => move_question(definition, id, *direction),
        }
    }
}

/// What an edit did to the stored questionnaire.
#[derive(Debug, Clone)]
pub struct Edited {
    /// The version edited (none when nothing changed and there is no questionnaire).
    pub version: Option<Version>,
    /// False when the form changed nothing (nothing stored, no version started).
    pub changed: bool,
    /// True when this edit started a new version (after a published one, or the first).
    pub new_version: bool,
    /// The section or question it touched.
    pub subject: Option<String>,
}

/// Applies one change to the version staff edit, in one transaction: read, change, check,
/// store (a new unpublished version after a published one), audited with the operation.
/// A refused change stores nothing.
pub fn edit(conn: &mut DbConnection, consultation: Id, change: &Edit, actor: Option<Id>) -> CoreResult<Edited> {
    write_transaction(conn, |conn| {
        let themes = themes_of(conn, consultation)?.into_iter().map(|t| t.position).collect();
        let versions = match questionnaire_of(conn, consultation)? {
            Some(questionnaire) => versions_of(conn, questionnaire.id)?,
            None => Vec::new(),
        };
        let latest = versions.last().cloned();
        let current = latest.as_ref().map(Version::parsed).transpose()?;
        // Older versions are read leniently: only their identifiers matter here.
        let older: Vec<Definition> =
            versions.iter().filter_map(|v| serde_json::from_str::<Definition>(&v.definition).ok()).collect();
        let context = Context::of(&older, themes);
        let outcome = change.apply(current.as_ref(), &context)?;
        if current.as_ref() == Some(&outcome.definition) {
            return Ok(Edited { version: latest, changed: false, new_version: false, subject: outcome.subject });
        }
        let details = serde_json::json!({
            "via": "editeur",
            "operation": change.operation(),
            "subject": outcome.subject,
        });
        let version = save_definition_with(conn, consultation, &outcome.definition, actor, Some(details))?;
        let new_version = latest.as_ref().is_none_or(|v| v.id != version.id);
        Ok(Edited { version: Some(version), changed: true, new_version, subject: outcome.subject })
    })
}

/// What the editor's pages show: the version being edited and the one answered.
#[derive(Debug, Clone)]
pub struct EditorState {
    /// The latest version's definition (none: no questionnaire yet).
    pub definition: Option<Definition>,
    /// The latest version's number, and whether it is published (then frozen: the next
    /// change starts version number + 1).
    pub latest: Option<(i32, bool)>,
    /// The number of the version respondents answer (the last published).
    pub published: Option<i32>,
    /// The consultation's themes: position and title.
    pub themes: Vec<(i32, String)>,
}

/// The editor's view of a consultation's questionnaire.
pub fn editor_state(conn: &mut DbConnection, consultation: Id) -> CoreResult<EditorState> {
    let themes = themes_of(conn, consultation)?.into_iter().map(|t| (t.position, t.title)).collect();
    let versions = match questionnaire_of(conn, consultation)? {
        Some(questionnaire) => versions_of(conn, questionnaire.id)?,
        None => Vec::new(),
    };
    let latest = versions.last();
    Ok(EditorState {
        definition: latest.map(Version::parsed).transpose()?,
        latest: latest.map(|v| (v.number, v.published_at.is_some())),
        published: versions.iter().rev().find(|v| v.published_at.is_some()).map(|v| v.number),
        themes,
    })
}

/// The labels of the answers a condition tests (`Oui`, an option's label, `3`…).
fn answer_label(tested: Option<&Question>, value: &str) -> String {
    match tested.map(|q| &q.kind) {
        Some(QuestionKind::YesNo) => if value == "oui" { "Oui" } else { "Non" }.to_owned(),
        Some(QuestionKind::Scale { min_label, max_label }) => match value {
            "1" => format!("1 — {min_label}"),
            "5" => format!("5 — {max_label}"),
            other => other.to_owned(),
        },
        Some(QuestionKind::SingleChoice { options, .. } | QuestionKind::MultipleChoice { options, .. }) => options
            .iter()
            .find(|o| o.value == value)
            .map_or_else(|| if value == OTHER { "Autre".to_owned() } else { value.to_owned() }, |o| o.label.clone()),
        _ => value.to_owned(),
    }
}

/// A question's condition in words, for the editor's list: « Oui » ou « Non » à « Label ».
pub fn condition_summary(definition: &Definition, question: &Question) -> Option<String> {
    let condition = question.condition.as_ref()?;
    let tested = definition.question(&condition.question);
    let answers: Vec<String> = condition.any_of.iter().map(|v| format!("« {} »", answer_label(tested, v))).collect();
    Some(format!(
        "si {} à « {} »",
        answers.join(" ou "),
        tested.map_or(condition.question.as_str(), |q| q.label.as_str())
    ))
}

/// The questions before a question (those its condition may test).
pub fn earlier_than_question<'a>(definition: &'a Definition, id: &str) -> Vec<&'a Question> {
    definition.questions().map(|(_, q)| q).take_while(|q| q.id != id).collect()
}

/// The questions up to the end of a section (those a question added to it may test).
pub fn earlier_than_section_end<'a>(definition: &'a Definition, section: &str) -> Vec<&'a Question> {
    let end = definition.sections.iter().position(|s| s.id == section).map_or(0, |at| at + 1);
    definition.sections[..end].iter().flat_map(|s| s.questions.iter()).collect()
}

/// Among `earlier`, the questions a condition may test, each with its answers' (value,
/// label) pairs.
pub fn condition_choices<'a>(earlier: &[&'a Question]) -> Vec<(&'a Question, Vec<(String, String)>)> {
    earlier
        .iter()
        .filter_map(|q| {
            let values = q.kind.condition_values()?;
            let pairs = values
                .into_iter()
                .map(|v| {
                    let label = answer_label(Some(q), &v);
                    (v, label)
                })
                .collect();
            Some((*q, pairs))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> Definition {
        crate::demo::demo_definition()
    }

    fn context_of(definition: &Definition) -> Context {
        Context::of([definition], vec![1, 2, 3, 4, 5])
    }

    fn text_input(label: &str) -> QuestionInput {
        QuestionInput { label: label.into(), ..QuestionInput::default() }
    }

    fn field(error: CoreError, name: &str) -> String {
        match error {
            CoreError::Validation(errors) => {
                errors.get(name).unwrap_or_else(|| panic!("no message for {name}: {errors:?}")).to_owned()
            }
            other => panic!("not a validation error: {other:?}"),
        }
    }

    #[test]
    fn a_question_of_each_kind_is_added_with_a_new_stable_id() {
        let def = demo();
        let ctx = context_of(&def);
        let mut def = def;
        let cases: Vec<(&str, QuestionInput)> = vec![
            ("short_text", text_input("Votre ville")),
            (
                "long_text",
                QuestionInput { contribution_kind: "proposition".into(), theme: "2".into(), ..text_input("Une idée") },
            ),
            (
                "single_choice",
                QuestionInput {
                    options: "Oui vraiment\nbof | Pas trop\n".into(),
                    other: true,
                    ..text_input("Un choix")
                },
            ),
            ("multiple_choice", QuestionInput { options: "A\nB\n".into(), ..text_input("Plusieurs") }),
            ("yes_no", text_input("D'accord ?")),
            (
                "scale",
                QuestionInput {
                    min_label: "Pas du tout".into(),
                    max_label: "Tout à fait".into(),
                    ..text_input("Échelle")
                },
            ),
            ("number", QuestionInput { min: "0".into(), max: "2,5".into(), ..text_input("Combien ?") }),
            ("ranking", QuestionInput { options: "Un\nDeux\n".into(), ..text_input("Classez") }),
            (
                "grid",
                QuestionInput {
                    rows: "DLA\n".into(), columns: "Connu\nUtilisé\n".into(), ..text_input("Dispositifs")
                },
            ),
        ];
        for (kind, input) in cases {
            let out = add_question(&def, "dispositifs", kind, &input, &ctx).unwrap_or_else(|e| panic!("{kind}: {e:?}"));
            let id = out.subject.clone().unwrap();
            assert!(!ctx.question_ids.contains(&id), "{id} is new");
            let added = out.definition.question(&id).unwrap();
            assert_eq!(kind_code(&added.kind), kind);
            def = out.definition;
        }
        let choice = def.question("un_choix").unwrap();
        assert_eq!(
            choice.kind,
            QuestionKind::SingleChoice {
                options: vec![
                    Choice { value: "oui_vraiment".into(), label: "Oui vraiment".into() },
                    Choice { value: "bof".into(), label: "Pas trop".into() }
                ],
                other: true
            }
        );
        assert_eq!(def.question("combien").unwrap().kind, QuestionKind::Number { min: Some(0.0), max: Some(2.5) });
        assert_eq!(
            def.question("une_idee").unwrap().contribution,
            Some(ContributionLink { theme: Some(2), kind: "proposition".into() })
        );
        // The demo has its identity block: a second one is refused.
        let again = add_question(&def, "dispositifs", "organisation", &text_input("Encore"), &ctx).unwrap_err();
        assert!(field(again, "kind").contains("déjà un bloc d'identité"));
        def.check().unwrap();
    }

    #[test]
    fn an_id_used_by_any_version_is_never_given_again() {
        let def = demo();
        let mut ctx = context_of(&def);
        ctx.question_ids.insert("votre_ville".into());
        let out = add_question(&def, "structure", "short_text", &text_input("Votre ville"), &ctx).unwrap();
        assert_eq!(out.subject.as_deref(), Some("votre_ville_2"));
        let wanted = QuestionInput { id: "role".into(), ..text_input("Autre rôle") };
        let refused = add_question(&def, "structure", "short_text", &wanted, &ctx).unwrap_err();
        assert!(field(refused, "id").contains("déjà pris"));
        let bad = QuestionInput { id: "é".into(), ..text_input("Autre rôle") };
        assert!(field(add_question(&def, "structure", "short_text", &bad, &ctx).unwrap_err(), "id").contains("1 à 40"));
    }

    #[test]
    fn an_edit_keeps_the_id_and_the_option_codes() {
        let def = demo();
        let ctx = context_of(&def);
        let mut input = QuestionInput::from_question(def.question("role").unwrap());
        assert!(input.options.contains("dirigeant | Dirigeant·e salarié·e\n"));
        input.label = "Vous êtes…".into();
        input.options = input.options.replace("Bénévole", "Bénévole actif·ve") + "Stagiaire\n";
        let out = update_question(&def, "role", &input, &ctx).unwrap();
        let role = out.definition.question("role").unwrap();
        assert_eq!(role.label, "Vous êtes…");
        let QuestionKind::SingleChoice { options, other: true } = &role.kind else { panic!("{:?}", role.kind) };
        assert_eq!(
            options.iter().map(|o| o.value.as_str()).collect::<Vec<_>>(),
            ["dirigeant", "elu", "salarie", "benevole", "stagiaire"]
        );
        assert_eq!(options[3].label, "Bénévole actif·ve");
        // Unchanged form, unchanged definition.
        let same =
            update_question(&def, "role", &QuestionInput::from_question(def.question("role").unwrap()), &ctx).unwrap();
        assert_eq!(same.definition, def);
    }

    #[test]
    fn an_invalid_question_is_refused_field_by_field() {
        let def = demo();
        let ctx = context_of(&def);
        let input = QuestionInput { label: "  ".into(), options: "Un\nDeux\nun\n".into(), ..QuestionInput::default() };
        let Err(CoreError::Validation(errors)) = add_question(&def, "structure", "single_choice", &input, &ctx) else {
            panic!("refused")
        };
        assert_eq!(errors.get("label"), Some("L'intitulé est vide."));
        assert!(errors.get("options").unwrap().contains("Ligne 3 : « un » est déjà à la ligne 1"), "{errors:?}");
        let codes = QuestionInput { options: "a | Un\na | Deux\n".into(), ..text_input("X") };
        let message = field(add_question(&def, "structure", "multiple_choice", &codes, &ctx).unwrap_err(), "options");
        assert_eq!(message, "La valeur « a » est en double.");
        let empty = field(
            add_question(
                &def,
                "structure",
                "ranking",
                &QuestionInput { options: "Un".into(), ..text_input("X") },
                &ctx,
            )
            .unwrap_err(),
            "options",
        );
        assert_eq!(empty, "Il faut au moins 2 options à classer.");
        let grid = QuestionInput { rows: String::new(), columns: "Oui\n".into(), ..text_input("G") };
        let Err(CoreError::Validation(errors)) = add_question(&def, "structure", "grid", &grid, &ctx) else { panic!() };
        assert_eq!(errors.get("rows"), Some("Il faut au moins 1 lignes."));
        assert_eq!(errors.get("columns"), Some("Il faut au moins 2 colonnes."));
        let scale = QuestionInput { min_label: "Peu".into(), ..text_input("S") };
        assert_eq!(
            field(add_question(&def, "structure", "scale", &scale, &ctx).unwrap_err(), "max_label"),
            "Le libellé de 5 est vide."
        );
        let number = QuestionInput { min: "dix".into(), max: "1".into(), ..text_input("N") };
        assert!(field(add_question(&def, "structure", "number", &number, &ctx).unwrap_err(), "min")
            .starts_with("Le minimum doit être un nombre"));
        let reversed = QuestionInput { min: "10".into(), max: "1".into(), ..text_input("N") };
        assert_eq!(
            field(add_question(&def, "structure", "number", &reversed, &ctx).unwrap_err(), "max"),
            "Le minimum dépasse le maximum."
        );
        let link = QuestionInput { contribution_kind: "avis".into(), ..text_input("T") };
        assert!(field(add_question(&def, "structure", "long_text", &link, &ctx).unwrap_err(), "contribution_kind")
            .contains("inconnu"));
        let theme = QuestionInput { contribution_kind: "constat".into(), theme: "9".into(), ..text_input("T") };
        assert!(field(add_question(&def, "structure", "long_text", &theme, &ctx).unwrap_err(), "theme")
            .contains("pas un thème"));
        let closed = QuestionInput { contribution_kind: "constat".into(), ..text_input("T") };
        assert!(field(add_question(&def, "structure", "yes_no", &closed, &ctx).unwrap_err(), "contribution_kind")
            .contains("ouverte"));
        assert!(matches!(
            add_question(&def, "nulle-part", "yes_no", &text_input("T"), &ctx),
            Err(CoreError::NotFound(_))
        ));
        assert!(field(add_question(&def, "structure", "dessin", &text_input("T"), &ctx).unwrap_err(), "kind")
            .contains("type"));
    }

    #[test]
    fn a_condition_tests_an_earlier_question_only() {
        let def = demo();
        let ctx = context_of(&def);
        // t2_besoin is shown "si oui" to t2_projet (theme2); t5_visibilite is later.
        let later = QuestionInput { condition: vec!["t5_visibilite=1".into()], ..text_input("Pourquoi ?") };
        let message = field(add_question(&def, "theme2", "long_text", &later, &ctx).unwrap_err(), "condition");
        assert_eq!(message, "La condition porte sur « t5_visibilite », qui n'est pas une question précédente.");
        let two =
            QuestionInput { condition: vec!["t2_projet=oui".into(), "role=elu".into()], ..text_input("Pourquoi ?") };
        assert!(field(add_question(&def, "theme2", "long_text", &two, &ctx).unwrap_err(), "condition")
            .contains("une seule question"));
        let text = QuestionInput { condition: vec!["t1_proposition=x".into()], ..text_input("Pourquoi ?") };
        assert!(field(add_question(&def, "theme2", "long_text", &text, &ctx).unwrap_err(), "condition")
            .contains("ne peut porter que"));
        let good =
            QuestionInput { condition: vec!["role=autre".into(), "role=elu".into()], ..text_input("Pourquoi ?") };
        let out = add_question(&def, "theme2", "long_text", &good, &ctx).unwrap();
        let added = out.definition.question("pourquoi").unwrap();
        assert_eq!(
            added.condition,
            Some(Condition { question: "role".into(), any_of: vec!["elu".into(), "autre".into()] })
        );
        assert_eq!(
            condition_summary(&out.definition, added).unwrap(),
            "si « Élu·e ou administrateur·rice bénévole » ou « Autre » à « Vous répondez en tant que… »"
        );
        // Removing an option a later condition tests is refused on the options field.
        let mut role = QuestionInput::from_question(out.definition.question("role").unwrap());
        role.options = role.options.replace("elu | Élu·e ou administrateur·rice bénévole\n", "");
        assert!(field(update_question(&out.definition, "role", &role, &ctx).unwrap_err(), "options")
            .contains("« Pourquoi ? »"));
        role = QuestionInput::from_question(out.definition.question("role").unwrap());
        role.other = false;
        assert!(
            field(update_question(&out.definition, "role", &role, &ctx).unwrap_err(), "other").contains("« autre »")
        );
        // The choices offered are those before the question.
        let offered: Vec<&str> =
            condition_choices(&earlier_than_question(&def, "t2_besoin")).iter().map(|(q, _)| q.id.as_str()).collect();
        assert_eq!(offered, ["role", "t1_relation", "t1_interlocuteurs", "t2_projet"]);
    }

    #[test]
    fn moves_keep_conditions_after_what_they_test() {
        let def = demo();
        // t2_besoin depends on t2_projet, just before it.
        let refused = move_question(&def, "t2_besoin", Direction::Up).unwrap_err();
        assert!(field(refused, "form").starts_with("Déplacement refusé"));
        let down = move_question(&def, "t2_projet", Direction::Down).unwrap_err();
        assert!(field(down, "form").contains("doit rester avant"));
        // The first question of a section goes up to the end of the previous one.
        let out = move_question(&def, "t1_relation", Direction::Up).unwrap();
        assert_eq!(out.definition.sections[0].questions.last().unwrap().id, "t1_relation");
        let back = move_question(&out.definition, "t1_relation", Direction::Down).unwrap();
        assert_eq!(back.definition, def);
        // At the very top, nothing moves.
        assert_eq!(move_question(&def, "identite", Direction::Up).unwrap().definition, def);
        let sections = move_section(&def, "theme5", Direction::Up).unwrap();
        let ids: Vec<&str> = sections.definition.sections.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(&ids[3..6], ["theme3", "theme5", "theme4"]);
        let swapped = move_section(&def, "theme2", Direction::Down).unwrap();
        assert_eq!(swapped.definition.sections[2].id, "theme3");
    }

    #[test]
    fn sections_are_added_changed_and_deleted_unless_something_depends_on_them() {
        let def = demo();
        let ctx = context_of(&def);
        let out =
            add_section(&def, &SectionInput { title: "Votre structure".into(), description: String::new() }, &ctx)
                .unwrap();
        assert_eq!(out.subject.as_deref(), Some("votre_structure"));
        let empty = add_section(&def, &SectionInput::default(), &ctx).unwrap_err();
        assert_eq!(field(empty, "title"), "Le titre de la section est vide.");
        let changed =
            update_section(&def, "theme1", &SectionInput { title: "Relations".into(), description: "Intro".into() })
                .unwrap();
        assert_eq!(changed.definition.sections[1].title, "Relations");
        assert_eq!(changed.definition.sections[1].id, "theme1");
        let deleted = delete_section(&def, "theme1").unwrap();
        assert!(deleted.definition.question("t1_relation").is_none());
        // A question elsewhere depending on a question of the section keeps it.
        let ctx = context_of(&def);
        let input = QuestionInput { condition: vec!["t2_projet=oui".into()], ..text_input("Suite") };
        let with_dependent = add_question(&def, "theme3", "short_text", &input, &ctx).unwrap().definition;
        assert!(field(delete_section(&with_dependent, "theme2").unwrap_err(), "form").contains("« Suite »"));
        assert!(field(delete_question(&with_dependent, "t2_projet").unwrap_err(), "form").contains("modifiez d'abord"));
        assert!(delete_question(&with_dependent, "suite").is_ok());
        let one = set_general(
            None,
            &GeneralInput { title: "Q".into(), introduction: String::new(), first_section: "Début".into() },
            &Context::default(),
        )
        .unwrap();
        assert!(field(delete_section(&one.definition, "debut").unwrap_err(), "form").contains("au moins une section"));
        let none = set_general(None, &GeneralInput::default(), &Context::default()).unwrap_err();
        assert!(
            matches!(&none, CoreError::Validation(e) if e.get("title").is_some() && e.get("first_section").is_some())
        );
    }

    #[test]
    fn codes_are_made_from_labels() {
        assert_eq!(code_from("Élu·e ou administrateur·rice", "option"), "elu_e_ou_administrateur_rice");
        assert_eq!(code_from("2. Votre avis", "question"), "question_2_votre_avis");
        assert_eq!(code_from("???", "option"), "option");
        assert_eq!(code_from("Autre", "option"), "autre");
        let mut errors = ValidationErrors::default();
        let choices = parse_choices("Autre\nautre_2 | Deux\n", "options", "options", 1, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(choices.iter().map(|c| c.value.as_str()).collect::<Vec<_>>(), ["autre_3", "autre_2"]);
        assert_eq!(french_number(2.5), "2,5");
        assert_eq!(french_number(10.0), "10");
    }

    #[test]
    fn an_edit_is_stored_on_a_new_version_after_the_published_one_and_a_refusal_stores_nothing() {
        use essaim_core::domain::consultation::find_consultation;
        let db = essaim_core::testing::TestDb::new();
        let mut conn = db.conn();
        essaim_core::demo::seed_demo(&mut conn, &[]).unwrap();
        crate::demo::seed_demo_questionnaire(&mut conn).unwrap();
        let consultation = find_consultation(&mut conn, essaim_core::demo::DEMO_SLUG).unwrap().id;
        let questionnaire = questionnaire_of(&mut conn, consultation).unwrap().unwrap().id;
        let refused = edit(&mut conn, consultation, &Edit::AddSection(SectionInput::default()), None).unwrap_err();
        assert_eq!(field(refused, "title"), "Le titre de la section est vide.");
        assert_eq!(versions_of(&mut conn, questionnaire).unwrap().len(), 1, "nothing stored");
        let first = edit(&mut conn, consultation, &Edit::MoveSection("theme5".into(), Direction::Up), None).unwrap();
        assert!(first.changed && first.new_version);
        assert_eq!(first.version.as_ref().unwrap().number, 2);
        let second = edit(&mut conn, consultation, &Edit::MoveSection("theme5".into(), Direction::Down), None).unwrap();
        assert!(second.changed && !second.new_version);
        let versions = versions_of(&mut conn, questionnaire).unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[1].parsed().unwrap(), versions[0].parsed().unwrap(), "moved back");
        let same = edit(&mut conn, consultation, &Edit::MoveSection("structure".into(), Direction::Up), None).unwrap();
        assert!(!same.changed, "the first section cannot go up: nothing stored");
        let state = editor_state(&mut conn, consultation).unwrap();
        assert_eq!((state.latest, state.published, state.themes.len()), (Some((2, false)), Some(1), 5));
    }
}
