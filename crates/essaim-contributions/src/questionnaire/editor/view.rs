//! What the editor's pages say about conditions: a condition in words, and the answers a new
//! condition may pick from. The questions before a given one are computed here once, for the
//! page that offers them and for the operation that accepts them.

use crate::questionnaire::definition::{Definition, Question, QuestionKind, OTHER};

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
