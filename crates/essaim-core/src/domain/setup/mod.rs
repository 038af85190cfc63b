//! A consultation's whole set-up as one file (docs/consultation-json.md): the consultation,
//! its phases, themes, territories and legal families, and the sections of the modules (the
//! questionnaire, the stands, …) — never contributions, responses or personal data.
//!
//! The core reads and writes its own part and hands each module's section to that module
//! through [`SetupSection`]: the server passes the list of sections, so the core knows no
//! module and a module reads nothing of another's. An import is one write transaction: a
//! refused section leaves nothing behind.

mod blank;
pub mod edit;
mod edition;
mod export;
mod file;
mod import;
mod parse;

pub use blank::{create_blank, BlankConsultation};
pub use edition::{next_edition, NextEdition};
pub use export::export;
pub use file::{ConsultationSetup, PhaseSetup, SetupFile, TerritorySetup, ThemeSetup, FORMAT};
pub use import::{import, MAX_THEMES};
pub use parse::{parse, schema};

use serde_json::Value;

use crate::db::DbConnection;
use crate::domain::consultation::{Consultation, Territory, Theme};
use crate::error::CoreResult;

/// What a module's section sees of the consultation it belongs to.
pub struct SetupContext<'a> {
    /// The consultation (new ids on import).
    pub consultation: &'a Consultation,
    /// Its themes, in order (a section names a theme by its position, from 1).
    pub themes: &'a [Theme],
    /// Its territories.
    pub territories: &'a [Territory],
}

/// A module's part of the set-up file, under its own key.
pub trait SetupSection: Sync {
    /// The key of the section in the file, e.g. `questionnaire`.
    fn key(&self) -> &'static str;

    /// The section of this consultation, or `None` when the module has nothing set up for it.
    fn export(&self, conn: &mut DbConnection, context: &SetupContext<'_>) -> CoreResult<Option<Value>>;

    /// Writes the section for a consultation just created, inside the import's transaction.
    /// Refusals name their field within the section (`sections[2].title`); the core puts the
    /// section's key in front.
    fn import(&self, conn: &mut DbConnection, context: &SetupContext<'_>, section: &Value) -> CoreResult<()>;

    /// Moves every date of the section by `days` (the next edition: [`next_edition`] moves the
    /// core's dates by the start's offset and hands the same offset to each section). A value
    /// the module cannot read is left as it is, for the import to refuse. Nothing by default:
    /// a section without dates.
    fn shift_dates(&self, _section: &mut Value, _days: i64) {}
}
