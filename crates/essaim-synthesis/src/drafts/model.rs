//! Draft orientations as stored, and as pages show them.

use essaim_core::db::Id;
use essaim_core::domain::PlacedBy;

use crate::pipeline::{Quote, Support};

/// A draft orientation, as stored (the core's type: the plenary reads it too).
pub use essaim_core::domain::orientation::Orientation;

/// A contribution as the editing pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Contribution id.
    pub id: Id,
    /// Reference (external, or the id).
    pub reference: String,
    /// Text.
    pub text: String,
    /// Channel code.
    pub channel: String,
    /// Territory code.
    pub territory: Option<String>,
    /// Who placed it here (none: not placed yet).
    pub placed_by: Option<PlacedBy>,
}

/// An orientation with what stands behind it.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The stored orientation.
    pub orientation: Orientation,
    /// Key phrases.
    pub key_phrases: Vec<String>,
    /// Quotes still behind the orientation (a quote whose contribution moved away is dropped).
    pub quotes: Vec<Quote>,
    /// Opposite stances the run found in the group.
    pub stances: Option<crate::pipeline::Stances>,
    /// Contributions behind it, by reference.
    pub members: Vec<Member>,
    /// Figures.
    pub support: Support,
}

/// The drafts of a theme, and what is not placed.
#[derive(Debug, Clone, Default)]
pub struct ThemeDrafts {
    /// Draft orientations, largest first.
    pub drafts: Vec<Draft>,
    /// Contributions set aside by a run, with the reason code.
    pub set_aside: Vec<(Member, String)>,
    /// Contributions no run has seen yet.
    pub unplaced: Vec<Member>,
    /// Discarded orientations (their contributions stay traced to them).
    pub discarded: Vec<Orientation>,
    /// Contributions behind discarded orientations (still traced to them).
    pub discarded_members: Vec<Member>,
}

impl ThemeDrafts {
    /// Every contribution of the theme: placed, set aside, discarded with an orientation, or not
    /// yet seen by a run.
    pub fn contributions(&self) -> usize {
        self.drafts.iter().map(|d| d.members.len()).sum::<usize>()
            + self.set_aside.len()
            + self.unplaced.len()
            + self.discarded_members.len()
    }
}
