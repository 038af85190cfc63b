//! The stand of the treasure hunt an idea was left at, as other modules read it: the
//! moderation queue names it beside the idea, so a moderator knows which experience the
//! visitor was looking at. The stands themselves are written by `essaim-workshops`
//! (docs/stands.md); a module never reads another module's tables (docs/architecture.md).

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::{DbConnection, Id};
use crate::error::CoreResult;
use crate::schema::{stand_contributions, stands};

/// A stand as named next to an idea.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandOfIdea {
    /// Its place on the circuit, from 1.
    pub position: i32,
    /// The experience shown.
    pub title: String,
    /// Its organisation.
    pub organisation: String,
}

impl StandOfIdea {
    /// "stand 3 — the experience (its organisation)", as the queue shows it.
    pub fn label(&self) -> String {
        format!("stand {} — {} ({})", self.position, self.title, self.organisation)
    }
}

/// The stand of each of these contributions that was left at one (one query).
pub fn stands_of_ideas(conn: &mut DbConnection, contributions: &[Id]) -> CoreResult<HashMap<Id, StandOfIdea>> {
    if contributions.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Id, i32, String, String)> = stand_contributions::table
        .inner_join(stands::table)
        .filter(stand_contributions::contribution_id.eq_any(contributions))
        .select((stand_contributions::contribution_id, stands::position, stands::title, stands::organisation))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, position, title, organisation)| (id, StandOfIdea { position, title, organisation }))
        .collect())
}
