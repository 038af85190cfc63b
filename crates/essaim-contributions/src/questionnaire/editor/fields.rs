//! Reading a form field by field: each typed value becomes a piece of the definition (a list of
//! choices, a bound, a condition, a contribution link, a whole question) by the import's own
//! rules, and each refusal is kept under the field's name so that the page can show it beside
//! that field. Operations only assemble what these give.

use std::collections::HashSet;

use essaim_core::domain::ContributionKind;
use essaim_core::{CoreError, ValidationErrors};

use super::{Context, QuestionInput, SectionInput};
use crate::questionnaire::definition::{
    check_choices, check_condition, check_contribution, check_kind, identifier_from, text, Choice, Condition,
    ContributionLink, DefinitionError, Question, QuestionKind, OTHER,
};

pub(super) fn invalid(field: &str, message: impl Into<String>) -> CoreError {
    CoreError::invalid(field, message)
}

/// Adds the message unless the field already has one (one message per field).
pub(super) fn refuse(errors: &mut ValidationErrors, field: &str, message: impl Into<String>) {
    if errors.get(field).is_none() {
        errors.add(field, message);
    }
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
pub(super) fn unique(base: String, taken: impl Fn(&str) -> bool) -> String {
    if !taken(&base) {
        return base;
    }
    (2..).map(|n| format!("{base}_{n}")).find(|c| !taken(c)).unwrap_or(base)
}

/// Reads a list typed one entry a line: `code | libellé`, or a label alone (its code made
/// from it). Blank lines are skipped. A repeated label is refused with its lines.
pub(super) fn parse_choices(
    raw: &str,
    field: &str,
    what: &str,
    min: usize,
    errors: &mut ValidationErrors,
) -> Vec<Choice> {
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
pub(super) fn build_question(
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

pub(super) fn section_from(input: &SectionInput, errors: &mut ValidationErrors) -> (String, String) {
    let (title, description) = (input.title.trim().to_owned(), input.description.trim().to_owned());
    if let Err(e) = text(&title, "Le titre de la section", true) {
        refuse(errors, "title", e.0);
    }
    if let Err(e) = text(&description, "L'introduction de la section", false) {
        refuse(errors, "description", e.0);
    }
    (title, description)
}

#[cfg(test)]
mod tests {
    use super::super::french_number;
    use super::*;

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
}
