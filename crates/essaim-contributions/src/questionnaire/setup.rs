//! The questionnaire's part of a consultation's set-up file (docs/consultation-json.md): its
//! latest definition (docs/questionnaire-json.md) and whether that version is published.

use essaim_core::db::DbConnection;
use essaim_core::domain::setup::{SetupContext, SetupSection};
use essaim_core::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::definition::Definition;
use super::store::{latest_version, publish, questionnaire_of, save_definition};

/// The section `questionnaire`.
pub struct QuestionnaireSection;

/// What the section holds.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Section {
    /// The latest version was published (and so opens at once on import).
    published: bool,
    /// The definition, as `essaim questionnaire export` writes it.
    definition: Value,
}

impl SetupSection for QuestionnaireSection {
    fn key(&self) -> &'static str {
        "questionnaire"
    }

    fn export(&self, conn: &mut DbConnection, context: &SetupContext<'_>) -> CoreResult<Option<Value>> {
        let Some(questionnaire) = questionnaire_of(conn, context.consultation.id)? else { return Ok(None) };
        let Some(version) = latest_version(conn, questionnaire.id)? else { return Ok(None) };
        let definition = serde_json::to_value(version.parsed()?).map_err(|e| CoreError::Internal(e.to_string()))?;
        let section = Section { published: version.published_at.is_some(), definition };
        Ok(Some(serde_json::to_value(section).map_err(|e| CoreError::Internal(e.to_string()))?))
    }

    fn import(&self, conn: &mut DbConnection, context: &SetupContext<'_>, section: &Value) -> CoreResult<()> {
        let section: Section = serde_json::from_value(section.clone())
            .map_err(|e| CoreError::invalid("", format!("Section du questionnaire illisible : {e}.")))?;
        let definition = Definition::from_json(&section.definition.to_string())
            .map_err(|e| CoreError::invalid("definition", e.to_string()))?;
        for (_, question) in definition.questions() {
            let theme = question.contribution.as_ref().and_then(|link| link.theme);
            if let Some(position) = theme.filter(|p| *p < 1 || *p as usize > context.themes.len()) {
                return Err(CoreError::invalid(
                    "definition",
                    format!(
                        "La question « {} » verse ses réponses au thème {position}, mais la consultation a {} thème(s).",
                        question.id,
                        context.themes.len()
                    ),
                ));
            }
        }
        save_definition(conn, context.consultation.id, &definition, None)?;
        if section.published {
            publish(conn, context.consultation.id, None)?;
        }
        Ok(())
    }
}
