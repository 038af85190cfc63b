//! The treasure hunt's part of a consultation's set-up file (docs/consultation-json.md): the
//! stands of the circuit, in order. Short codes are not carried: an imported stand gets a new
//! one (a code is an address printed on a poster of one edition). Revoked stands are left out.

use essaim_core::db::DbConnection;
use essaim_core::domain::setup::{SetupContext, SetupSection};
use essaim_core::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{create_stand, stands_of, StandForm};

/// The section `stands`.
pub struct StandsSection;

/// One stand, as the file gives it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StandSetup {
    /// The theme's position in the consultation, from 1.
    theme: i32,
    /// The ESS experience shown.
    title: String,
    /// The organisation that presents it.
    #[serde(default)]
    organisation: String,
    /// What visitors read at the stand.
    #[serde(default)]
    description: String,
    /// Where it stands, in words.
    #[serde(default)]
    location: String,
}

impl SetupSection for StandsSection {
    fn key(&self) -> &'static str {
        "stands"
    }

    fn export(&self, conn: &mut DbConnection, context: &SetupContext<'_>) -> CoreResult<Option<Value>> {
        let stands: Vec<StandSetup> = stands_of(conn, context.consultation.id)?
            .into_iter()
            .filter(|s| s.is_active())
            .map(|s| StandSetup {
                theme: context.themes.iter().find(|t| t.id == s.theme_id).map_or(0, |t| t.position),
                title: s.title,
                organisation: s.organisation,
                description: s.description,
                location: s.location,
            })
            .collect();
        if stands.is_empty() {
            return Ok(None);
        }
        serde_json::to_value(stands).map(Some).map_err(|e| CoreError::Internal(e.to_string()))
    }

    fn import(&self, conn: &mut DbConnection, context: &SetupContext<'_>, section: &Value) -> CoreResult<()> {
        let stands: Vec<StandSetup> = serde_json::from_value(section.clone())
            .map_err(|e| CoreError::invalid("", format!("Liste des stands illisible : {e}.")))?;
        for (index, stand) in stands.into_iter().enumerate() {
            let form = StandForm {
                theme: stand.theme.to_string(),
                position: (index + 1).to_string(),
                title: stand.title,
                organisation: stand.organisation,
                description: stand.description,
                location: stand.location,
            };
            create_stand(conn, context.consultation, &form, None).map_err(|e| match e {
                CoreError::Validation(mut errors) => {
                    for error in &mut errors.0 {
                        error.field = format!("[{index}].{}", error.field);
                    }
                    CoreError::Validation(errors)
                }
                other => other,
            })?;
        }
        Ok(())
    }
}
