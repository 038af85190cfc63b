//! Workshops (*ateliers*): one per consultation, theme and phase, with its place and time, its
//! facilitators, its state, its attendance and its report — and who may see and change what
//! (docs/workshops.md).
//!
//! A facilitator sees and writes only the workshops they are assigned to; staff and
//! administrators see and write all of them. Every function that takes the asking account
//! checks it on the record itself ([`workshop_for`]), so no route can forget.

mod access;
mod attendance;
mod form;
mod lists;
pub mod setup;
mod states;
#[cfg(test)]
pub(crate) mod tests;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use essaim_core::db::Id;
use essaim_core::domain::Channel;
use essaim_core::schema::workshops;
use serde::Serialize;

pub use crate::error::WorkshopError;
pub use access::{find_workshop, is_facilitator_of, is_staff, workshop_for};
pub use attendance::{record_attendance, AttendanceForm};
pub(crate) use form::insert_workshop;
pub use form::{create_workshop, update_workshop, WorkshopForm};
pub use lists::{facilitator_accounts, summary_for, title_of, workshops_for, workshops_of, WorkshopSummary};
pub use states::{next_states, set_state};

/// Longest place name.
pub const MAX_PLACE_CHARS: usize = 200;
/// Longest report, in characters (about five pages).
pub const MAX_REPORT_CHARS: usize = 10_000;
/// Most organisations listed as present.
pub const MAX_ORGANISATIONS: usize = 300;
/// Longest organisation name in the attendance: the core's, one for every form.
pub use essaim_core::domain::contribution::MAX_ORGANISATION_CHARS;
/// Largest headcount accepted (a typing slip beyond it).
pub const MAX_HEADCOUNT: i32 = 100_000;
/// Most facilitators of one workshop.
pub const MAX_FACILITATORS: usize = 10;

essaim_core::text_enum! {
    /// When a workshop takes place in the consultation.
    WorkshopPhase {
        /// A launch workshop, before the questionnaire.
        Launch => ("launch", "Atelier de lancement"),
        /// A workshop of the regional conference.
        Conference => ("conference", "Atelier de la conférence"),
    }
}

impl WorkshopPhase {
    /// The channel of the contributions captured in it.
    pub fn channel(self) -> Channel {
        match self {
            WorkshopPhase::Launch => Channel::LaunchWorkshop,
            WorkshopPhase::Conference => Channel::ConferenceWorkshop,
        }
    }

    fn order(self) -> u8 {
        match self {
            WorkshopPhase::Launch => 0,
            WorkshopPhase::Conference => 1,
        }
    }
}

essaim_core::text_enum! {
    /// Where a workshop stands.
    WorkshopState {
        /// Not started: nothing is captured yet.
        Planned => ("planned", "Prévu"),
        /// Under way: entries are captured, corrected or deleted.
        Open => ("open", "Ouvert"),
        /// Over: its entries are frozen (staff may reopen it).
        Closed => ("closed", "Clos"),
    }
}

/// One workshop.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = workshops)]
pub struct Workshop {
    /// Identifier.
    pub id: Id,
    /// The consultation.
    pub consultation_id: Id,
    /// Its theme.
    pub theme_id: Id,
    /// Launch or conference.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub phase: WorkshopPhase,
    /// Where it takes place.
    pub place: String,
    /// When it starts: the local time of the place, as typed (a wall-clock time).
    pub starts_at: Option<NaiveDateTime>,
    /// Planned, open, closed.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: WorkshopState,
    /// How many people attended.
    pub headcount: Option<i32>,
    /// The organisations present, one per line.
    pub organisations_present: String,
    /// The short report.
    pub report: String,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
}

impl Workshop {
    /// The organisations present, in the order typed.
    pub fn organisations(&self) -> Vec<String> {
        organisation_lines(&self.organisations_present)
    }
}

fn organisation_lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}
