//! What the editor's forms post, as typed, and the way back: an existing question shown as its
//! form. Kept apart from the operations because the server's pages fill and redisplay these
//! (a refused form comes back with everything typed) without changing anything.

use crate::questionnaire::definition::{Choice, Question, QuestionKind};

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
