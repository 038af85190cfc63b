//! Where the pure operations meet the database: one change read, applied and stored in one
//! transaction on the version staff edit (a published version stays frozen, so the first
//! change after it starts the next), audited; and the state the editor's pages read.

use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::consultation::themes_of;
use essaim_core::{CoreError, CoreResult};

use super::{
    add_question, add_section, delete_question, delete_section, move_question, move_section, set_general,
    update_question, update_section, Context, Direction, GeneralInput, Outcome, QuestionInput, SectionInput,
};
use crate::questionnaire::definition::Definition;
use crate::questionnaire::store::{questionnaire_of, save_definition_with, versions_of, Version};

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

#[cfg(test)]
mod tests {
    use super::super::test_support::field;
    use super::*;

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
