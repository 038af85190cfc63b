//! What every operation must leave true of the whole definition, whichever part it touched:
//! the import's check passes, and no condition tests a question that is gone or now comes
//! after it. Section and question operations share these, so a rule is said once.

use essaim_core::{CoreError, CoreResult};

use super::fields::invalid;
use super::Outcome;
use crate::questionnaire::definition::{Definition, Question};

/// The whole definition checked, as the import checks it; a rule no field caught is said on
/// the form as a whole (`form`).
pub(super) fn checked(definition: Definition, subject: Option<String>) -> CoreResult<Outcome> {
    definition.check().map_err(|e| invalid("form", e.0))?;
    Ok(Outcome { definition, subject })
}

pub(super) fn section_index(definition: &Definition, id: &str) -> CoreResult<usize> {
    definition.sections.iter().position(|s| s.id == id).ok_or_else(|| CoreError::NotFound(format!("section « {id} »")))
}

pub(super) fn question_place(definition: &Definition, id: &str) -> CoreResult<(usize, usize)> {
    definition
        .sections
        .iter()
        .enumerate()
        .find_map(|(s, section)| section.questions.iter().position(|q| q.id == id).map(|q| (s, q)))
        .ok_or_else(|| CoreError::NotFound(format!("question « {id} »")))
}

/// The first question outside `leaving` whose condition tests a question of `leaving`.
pub(super) fn dependent_outside<'a>(
    definition: &'a Definition,
    leaving: &[&str],
) -> Option<(&'a Question, &'a Question)> {
    definition.questions().map(|(_, q)| q).filter(|q| !leaving.contains(&q.id.as_str())).find_map(|q| {
        let on = q.condition.as_ref()?;
        leaving.contains(&on.question.as_str()).then(|| definition.question(&on.question)).flatten().map(|t| (q, t))
    })
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

pub(super) fn moved(definition: Definition, subject: &str) -> CoreResult<Outcome> {
    if let Some(message) = order_error(&definition) {
        return Err(invalid("form", message));
    }
    checked(definition, Some(subject.to_owned()))
}
