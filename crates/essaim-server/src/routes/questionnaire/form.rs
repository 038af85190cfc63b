//! A section of the questionnaire as the page shows it: each question with its values and
//! its messages, ready for the template (which escapes every text).

use essaim_contributions::questionnaire::answers::{
    identity_families, identity_territories, Answers, FieldError, EMPLOYEES_BANDS, MAX_SHORT_TEXT_CHARS,
    ORGANISATION_FIELDS,
};
use essaim_contributions::questionnaire::definition::{Definition, Question, QuestionKind, OTHER};
use essaim_core::domain::consultation::ConsultationFrame;
use essaim_core::domain::contribution::MAX_CONTRIBUTION_CHARS;

/// One option of a choice, a row's cell, or an entry of a list.
pub struct OptionView {
    /// The element's id.
    pub id: String,
    /// The submitted value.
    pub value: String,
    /// Shown.
    pub label: String,
    /// Ticked or selected.
    pub checked: bool,
}

/// One field of the identity block, a ranking or a grid row.
pub struct SubField {
    /// The field's name and id.
    pub field: String,
    /// Shown.
    pub label: String,
    /// Must be filled.
    pub required: bool,
    /// Its value (text fields).
    pub value: String,
    /// Its choices (lists, radio rows), empty for a text field.
    pub options: Vec<OptionView>,
    /// Its message.
    pub error: Option<String>,
}

/// What kind of control a question gets.
pub enum Control {
    /// A text box; `long` is a textarea.
    Text {
        /// Several lines.
        long: bool,
        /// The value.
        value: String,
        /// Its limit, in characters.
        max: usize,
    },
    /// Radio buttons or checkboxes, with "Autre, précisez".
    Choice {
        /// Checkboxes.
        multiple: bool,
        /// The options.
        options: Vec<OptionView>,
        /// "Autre, précisez": its text field, when the question has it.
        other: Option<SubField>,
    },
    /// A number.
    Number {
        /// The value.
        value: String,
    },
    /// Lists of ranks, rows of radio buttons, or the identity block: several sub-fields.
    Fields {
        /// Render as a table of radio rows (a grid) with these column headers.
        grid_columns: Vec<String>,
        /// The sub-fields.
        fields: Vec<SubField>,
    },
}

/// A question on the page.
pub struct QuestionView {
    /// Its id (the fieldset's id, and its main field's).
    pub id: String,
    /// The question.
    pub label: String,
    /// Help.
    pub help: String,
    /// Required.
    pub required: bool,
    /// Its main message (the whole question's).
    pub error: Option<String>,
    /// Shown only if an earlier answer on this page says so: (question, values), for the
    /// script, and the sentence that says it without script.
    pub condition: Option<(String, String, String)>,
    /// Its control.
    pub control: Control,
    /// Another tab saved a different answer: the one typed here, kept for the respondent.
    pub typed_elsewhere: Option<String>,
}

fn error_for(errors: &[FieldError], field: &str) -> Option<String> {
    errors.iter().find(|e| e.field == field).map(|e| e.message.clone())
}

fn options(id: &str, choices: impl Iterator<Item = (String, String)>, chosen: &[String]) -> Vec<OptionView> {
    choices
        .map(|(value, label)| OptionView {
            id: format!("{id}--{value}"),
            checked: chosen.contains(&value),
            value,
            label,
        })
        .collect()
}

/// The view of one question, with the values and messages of `answers`.
/// The identity block offers the consultation's territories and legal families (`frame`).
pub fn question_view(
    definition: &Definition,
    frame: &ConsultationFrame,
    question: &Question,
    answers: &Answers,
    errors: &[FieldError],
) -> QuestionView {
    let id = question.id.as_str();
    let control = match &question.kind {
        QuestionKind::ShortText => Control::Text {
            long: false,
            value: answers.values(id).first().cloned().unwrap_or_default(),
            max: MAX_SHORT_TEXT_CHARS,
        },
        QuestionKind::LongText => Control::Text {
            long: true,
            value: answers.values(id).first().cloned().unwrap_or_default(),
            max: MAX_CONTRIBUTION_CHARS,
        },
        QuestionKind::SingleChoice { options: list, other } | QuestionKind::MultipleChoice { options: list, other } => {
            let other_field = format!("{id}.{OTHER}");
            Control::Choice {
                multiple: matches!(question.kind, QuestionKind::MultipleChoice { .. }),
                options: options(id, list.iter().map(|o| (o.value.clone(), o.label.clone())), answers.values(id)),
                other: other.then(|| SubField {
                    label: "Autre, précisez".into(),
                    required: false,
                    value: answers.values(&other_field).first().cloned().unwrap_or_default(),
                    options: options(id, std::iter::once((OTHER.to_owned(), "Autre".to_owned())), answers.values(id)),
                    error: error_for(errors, &other_field),
                    field: other_field,
                }),
            }
        }
        QuestionKind::YesNo => Control::Choice {
            multiple: false,
            options: options(
                id,
                [("oui", "Oui"), ("non", "Non")].into_iter().map(|(v, l)| (v.into(), l.into())),
                answers.values(id),
            ),
            other: None,
        },
        QuestionKind::Scale { min_label, max_label } => Control::Choice {
            multiple: false,
            options: options(
                id,
                (1..=5).map(|n| {
                    let label = match n {
                        1 => format!("1 — {min_label}"),
                        5 => format!("5 — {max_label}"),
                        n => n.to_string(),
                    };
                    (n.to_string(), label)
                }),
                answers.values(id),
            ),
            other: None,
        },
        QuestionKind::Number { .. } => {
            Control::Number { value: answers.values(id).first().cloned().unwrap_or_default() }
        }
        QuestionKind::Ranking { options: list } => Control::Fields {
            grid_columns: Vec::new(),
            fields: list
                .iter()
                .map(|o| {
                    let field = format!("{id}.{}", o.value);
                    let chosen = answers.values(&field).to_vec();
                    SubField {
                        label: o.label.clone(),
                        required: question.required,
                        value: String::new(),
                        options: options(
                            &field,
                            (1..=list.len()).map(|n| (n.to_string(), format!("Rang {n}"))),
                            &chosen,
                        ),
                        error: error_for(errors, &field),
                        field,
                    }
                })
                .collect(),
        },
        QuestionKind::Grid { rows, columns } => Control::Fields {
            grid_columns: columns.iter().map(|c| c.label.clone()).collect(),
            fields: rows
                .iter()
                .map(|r| {
                    let field = format!("{id}.{}", r.value);
                    let chosen = answers.values(&field).to_vec();
                    SubField {
                        label: r.label.clone(),
                        required: question.required,
                        value: String::new(),
                        options: options(&field, columns.iter().map(|c| (c.value.clone(), c.label.clone())), &chosen),
                        error: error_for(errors, &field),
                        field,
                    }
                })
                .collect(),
        },
        QuestionKind::Organisation => Control::Fields {
            grid_columns: Vec::new(),
            fields: ORGANISATION_FIELDS
                .iter()
                .map(|(suffix, label, needed)| {
                    let field = format!("{id}.{suffix}");
                    let chosen = answers.values(&field).to_vec();
                    let list: Vec<(String, String)> = match *suffix {
                        "famille" => identity_families(frame),
                        "departement" => identity_territories(frame),
                        "effectif" => EMPLOYEES_BANDS.iter().map(|(c, n)| ((*c).into(), (*n).into())).collect(),
                        _ => Vec::new(),
                    };
                    SubField {
                        label: (*label).into(),
                        required: question.required && *needed,
                        value: chosen.first().cloned().unwrap_or_default(),
                        options: options(&field, list.into_iter(), &chosen),
                        error: error_for(errors, &field),
                        field,
                    }
                })
                .collect(),
        },
    };
    let condition = question.condition.as_ref().map(|c| {
        let earlier = definition.question(&c.question);
        let labels: Vec<String> = c
            .any_of
            .iter()
            .map(|v| match earlier.map(|q| &q.kind) {
                Some(QuestionKind::YesNo) => {
                    if v == "oui" {
                        "Oui".to_owned()
                    } else {
                        "Non".to_owned()
                    }
                }
                Some(QuestionKind::SingleChoice { options, .. } | QuestionKind::MultipleChoice { options, .. }) => {
                    options.iter().find(|o| &o.value == v).map_or_else(|| "Autre".to_owned(), |o| o.label.clone())
                }
                _ => v.clone(),
            })
            .map(|l| format!("« {l} »"))
            .collect();
        let sentence = format!(
            "À remplir seulement si vous avez répondu {} à la question « {} ».",
            labels.join(" ou "),
            earlier.map_or(c.question.as_str(), |q| q.label.as_str())
        );
        (c.question.clone(), c.any_of.join(" "), sentence)
    });
    QuestionView {
        id: id.to_owned(),
        label: question.label.clone(),
        help: question.help.clone(),
        required: question.required,
        error: error_for(errors, id),
        condition,
        control,
        typed_elsewhere: None,
    }
}

/// Reads a posted page: every field but the form's own (CSRF token, revision, button).
pub fn posted_answers(form: &[(String, String)]) -> Answers {
    let mut answers = Answers::default();
    for (name, value) in form {
        if matches!(name.as_str(), "csrf_token" | "revision" | "aller" | "email") {
            continue;
        }
        answers.0.entry(name.clone()).or_default().push(value.clone());
    }
    answers
}
