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
//! (which stays frozen, with its responses), through
//! [`save_definition_with`](super::store::save_definition_with), which audits.
//!
//! Identifiers are stable: an edited question keeps its id; a new question gets one no
//! version of the questionnaire ever used (the exports' columns are the union of every
//! version's questions by id, so a reused id would merge two questions' answers).

mod consistency;
mod fields;
mod inputs;
mod questions;
mod sections;
mod storage;
#[cfg(test)]
mod test_support;
mod view;

use std::collections::HashSet;

use super::definition::Definition;

pub use fields::code_from;
pub use inputs::{
    blank_kind, choice_lines, condition_entry, french_number, kind_code, Direction, GeneralInput, QuestionInput,
    SectionInput, KIND_CODES,
};
pub use questions::{add_question, delete_question, move_question, update_question};
pub use sections::{add_section, delete_section, move_section, set_general, update_section};
pub use storage::{edit, editor_state, Edit, Edited, EditorState};
pub use view::{condition_choices, condition_summary, earlier_than_question, earlier_than_section_end};

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
