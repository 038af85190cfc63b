//! Draft orientations that staff own: proposed by a run, then renamed, rewritten, merged, split,
//! moved, discarded or added by hand. A later run keeps all of that and only places the
//! contributions no run has seen.

mod document;
mod edit;
mod model;
mod run;

use std::collections::HashMap;

use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::schema::{orientation_members, orientations};
use essaim_core::CoreError;

pub use document::drafts_document;
pub use edit::{add, discard, edit, merge, move_contribution, split, MAX_BODY_CHARS, MAX_TITLE_CHARS};
pub use model::{Draft, Member, Orientation, ThemeDrafts};
pub use run::{run_theme, RunReport, ATTACH_THRESHOLD};

use crate::pipeline::{support, Item, Quote, SynthesisError};
use crate::run::{load_items_with_ids, RunError};

/// Why a change to the drafts was refused.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// No such draft (or contribution).
    #[error("{0} introuvable")]
    NotFound(&'static str),
    /// Refused, with a French message for the page.
    #[error("{0}")]
    Invalid(String),
    /// The synthesis could not run as asked.
    #[error(transparent)]
    Synthesis(#[from] SynthesisError),
    /// The store failed; nothing was changed.
    #[error(transparent)]
    Store(#[from] CoreError),
}

impl From<diesel::result::Error> for DraftError {
    fn from(e: diesel::result::Error) -> Self {
        DraftError::Store(CoreError::Query(e))
    }
}

impl From<RunError> for DraftError {
    fn from(e: RunError) -> Self {
        match e {
            RunError::NotFound(_) => DraftError::NotFound("consultation"),
            RunError::Synthesis(s) => DraftError::Synthesis(s),
            RunError::Store(s) => DraftError::Store(s),
        }
    }
}

fn member(id: Id, item: &Item, placed_by: &str) -> Member {
    Member {
        id,
        reference: item.reference.clone(),
        text: item.text.clone(),
        channel: item.channel.clone(),
        territory: item.territory.clone(),
        placed_by: placed_by.to_owned(),
    }
}

/// The drafts of a theme with everything behind them.
pub fn theme_drafts(conn: &mut DbConnection, consultation: Id, theme: Id) -> Result<ThemeDrafts, DraftError> {
    let items = load_items_with_ids(conn, consultation, theme)?;
    let by_id: HashMap<Id, &Item> = items.iter().map(|(id, item)| (*id, item)).collect();
    let placements: Vec<(Id, Option<Id>, Option<String>, String)> = orientation_members::table
        .filter(orientation_members::contribution_id.eq_any(items.iter().map(|(id, _)| *id).collect::<Vec<_>>()))
        .select((
            orientation_members::contribution_id,
            orientation_members::orientation_id,
            orientation_members::set_aside_reason,
            orientation_members::placed_by,
        ))
        .load(conn)?;
    let all: Vec<Orientation> = orientations::table
        .filter(orientations::theme_id.eq(theme))
        .order(orientations::created_at.asc())
        .select(Orientation::as_select())
        .load(conn)?;
    let mut members: HashMap<Id, Vec<Member>> = HashMap::new();
    let mut result = ThemeDrafts::default();
    let mut seen = std::collections::HashSet::new();
    for (contribution, orientation, reason, placed_by) in placements {
        let Some(item) = by_id.get(&contribution) else { continue };
        seen.insert(contribution);
        match (orientation, reason) {
            (Some(o), _) => members.entry(o).or_default().push(member(contribution, item, &placed_by)),
            (None, Some(r)) => result.set_aside.push((member(contribution, item, &placed_by), r)),
            (None, None) => {}
        }
    }
    for (id, item) in &items {
        if !seen.contains(id) {
            result.unplaced.push(member(*id, item, ""));
        }
    }
    for orientation in all {
        let mut behind = members.remove(&orientation.id).unwrap_or_default();
        behind.sort_by(|a, b| a.reference.cmp(&b.reference));
        if orientation.status == "discarded" {
            result.discarded_members.extend(behind);
            result.discarded.push(orientation);
            continue;
        }
        let items_behind: Vec<&Item> = behind.iter().filter_map(|m| by_id.get(&m.id).copied()).collect();
        let quotes: Vec<Quote> = serde_json::from_str::<Vec<Quote>>(&orientation.quotes)
            .unwrap_or_default()
            .into_iter()
            .filter(|q| behind.iter().any(|m| m.reference == q.reference))
            .collect();
        result.drafts.push(Draft {
            key_phrases: serde_json::from_str(&orientation.key_phrases).unwrap_or_default(),
            quotes,
            support: support(&items_behind, items_behind.len()),
            members: behind,
            orientation,
        });
    }
    result.drafts.sort_by(|a, b| {
        b.members.len().cmp(&a.members.len()).then(a.orientation.created_at.cmp(&b.orientation.created_at))
    });
    result.set_aside.sort_by(|a, b| a.0.reference.cmp(&b.0.reference));
    result.unplaced.sort_by(|a, b| a.reference.cmp(&b.reference));
    Ok(result)
}
