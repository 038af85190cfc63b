//! Draft orientations that staff own: proposed by a run, then renamed, rewritten, merged, split,
//! moved, discarded or added by hand. A later run keeps all of that and only places the
//! contributions no run has seen.

mod document;
mod edit;
mod job;
mod model;
mod run;

use std::collections::HashMap;

use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::{ModerationStatus, OrientationStatus, PlacedBy};
use essaim_core::schema::{
    contributions, organisations, orientation_members, orientations, synthesis_runs, territories,
};
use essaim_core::CoreError;

pub use document::drafts_document;
pub use edit::{add, discard, edit, merge, move_contribution, split, split_stances, MAX_BODY_CHARS, MAX_TITLE_CHARS};
pub use job::{queue_run, run_job, run_now, run_status, user_message, BACKGROUND_FROM};
pub use model::{Draft, Member, Orientation, ThemeDrafts};

/// The opposite stances the run found in an orientation's group (none when unreadable).
pub fn stances_of(orientation: &Orientation) -> Option<crate::pipeline::Stances> {
    serde_json::from_str(&orientation.stances).ok()
}
pub use run::{plan_run, read_theme, run_theme, store_run, RunPlan, RunReport, ThemeState, ATTACH_THRESHOLD};

use crate::pipeline::{support, Item, Quote, SynthesisError};
use crate::run::RunError;

/// Why a change to the drafts was refused.
#[derive(Debug, thiserror::Error)]
pub enum DraftError {
    /// No such draft (or contribution).
    #[error("{0} introuvable")]
    NotFound(&'static str),
    /// Refused, with a French message for the page.
    #[error("{0}")]
    Invalid(String),
    /// A run of this theme is already queued or under way (here or on another server).
    #[error("une synthèse de ce thème est déjà en cours")]
    Busy,
    /// The synthesis could not run as asked.
    #[error(transparent)]
    Synthesis(#[from] SynthesisError),
    /// The store failed; nothing was changed.
    #[error(transparent)]
    Store(#[from] CoreError),
}

impl From<diesel::result::Error> for DraftError {
    fn from(e: diesel::result::Error) -> Self {
        DraftError::Store(CoreError::from(e))
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

fn member(id: Id, item: &Item, placed_by: Option<PlacedBy>) -> Member {
    Member {
        id,
        reference: item.reference.clone(),
        text: item.text.clone(),
        channel: item.channel.clone(),
        territory: item.territory.clone(),
        placed_by,
    }
}

/// One accepted contribution of a theme with where it stands: read in one joined query, so a
/// theme of any size costs one statement (no parameter per contribution).
pub(crate) struct PlacedItem {
    pub id: Id,
    pub item: Item,
    pub orientation: Option<Id>,
    pub reason: Option<String>,
    pub placed_by: Option<PlacedBy>,
}

pub(crate) fn placed_items(
    conn: &mut DbConnection,
    consultation: Id,
    theme: Id,
) -> Result<Vec<PlacedItem>, DraftError> {
    type Row = (
        Id,
        Option<String>,
        String,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<Id>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Row> = contributions::table
        .left_join(territories::table)
        .left_join(organisations::table)
        .left_join(orientation_members::table)
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::theme_id.eq(theme))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .select((
            contributions::id,
            contributions::external_ref,
            contributions::body,
            contributions::channel,
            contributions::kind,
            territories::code.nullable(),
            organisations::legal_family.nullable(),
            orientation_members::orientation_id.nullable(),
            orientation_members::set_aside_reason.nullable(),
            orientation_members::placed_by.nullable(),
        ))
        .load(conn)?;
    // Into a vector of the exact size, not collected in place: the rows' vector grew by
    // doubling and is larger than the items need.
    let mut placed = Vec::with_capacity(rows.len());
    placed.extend(rows.into_iter().map(
        |(id, reference, text, channel, kind, territory, legal_family, orientation, reason, placed_by)| PlacedItem {
            id,
            item: Item {
                reference: reference.unwrap_or_else(|| id.to_string()),
                text,
                channel,
                territory,
                legal_family,
                kind,
            },
            orientation,
            reason,
            placed_by: placed_by.as_deref().and_then(PlacedBy::parse),
        },
    ));
    // In the order of the ids, sorted here rather than by the database (see
    // `crate::run::read::read_items`).
    {
        use rayon::prelude::*;
        placed.par_sort_unstable_by_key(|p| p.id);
    }
    Ok(placed)
}

/// Whether a synthesis ever ran on the theme (whatever became of its drafts since).
pub fn theme_was_synthesised(conn: &mut DbConnection, theme: Id) -> Result<bool, DraftError> {
    use diesel::dsl::exists;
    Ok(diesel::select(exists(synthesis_runs::table.filter(synthesis_runs::theme_id.eq(theme)))).get_result(conn)?)
}

/// The drafts of a theme with everything behind them (for exports and runs; the staff pages
/// use the core's counting queries instead, so they stay fast on national-size themes).
pub fn theme_drafts(conn: &mut DbConnection, consultation: Id, theme: Id) -> Result<ThemeDrafts, DraftError> {
    let items = placed_items(conn, consultation, theme)?;
    drafts_of(conn, theme, &items)
}

/// [`theme_drafts`] over contributions already read with [`placed_items`] (an export needs
/// them too: they are read once).
pub(crate) fn drafts_of(conn: &mut DbConnection, theme: Id, items: &[PlacedItem]) -> Result<ThemeDrafts, DraftError> {
    let all: Vec<Orientation> = orientations::table
        .filter(orientations::theme_id.eq(theme))
        .order(orientations::created_at.asc())
        .select(Orientation::as_select())
        .load(conn)?;
    let mut members: HashMap<Id, Vec<(Member, &Item)>> = HashMap::new();
    let mut result = ThemeDrafts::default();
    for placed in items {
        let m = member(placed.id, &placed.item, placed.placed_by);
        match (placed.orientation, &placed.reason) {
            (Some(o), _) => members.entry(o).or_default().push((m, &placed.item)),
            (None, Some(r)) => result.set_aside.push((m, r.clone())),
            (None, None) if placed.placed_by.is_some() => {}
            (None, None) => result.unplaced.push(m),
        }
    }
    for orientation in all {
        let mut behind = members.remove(&orientation.id).unwrap_or_default();
        behind.sort_by(|a, b| a.0.reference.cmp(&b.0.reference));
        if orientation.status == OrientationStatus::Discarded {
            result.discarded_members.extend(behind.into_iter().map(|(m, _)| m));
            result.discarded.push(orientation);
            continue;
        }
        let items_behind: Vec<&Item> = behind.iter().map(|(_, item)| *item).collect();
        let quotes: Vec<Quote> = orientation
            .quote_list()
            .into_iter()
            .filter(|q| behind.iter().any(|(m, _)| m.reference == q.reference))
            .collect();
        result.drafts.push(Draft {
            key_phrases: orientation.key_phrase_list(),
            stances: stances_of(&orientation),
            quotes,
            support: support(&items_behind, items_behind.len()),
            members: behind.into_iter().map(|(m, _)| m).collect(),
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
