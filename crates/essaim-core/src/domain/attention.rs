//! What calls for staff action in a consultation, for its staff home and the `/staff`
//! dashboard: contributions waiting for moderation, contributions with no theme (no synthesis
//! reads them), themes with accepted contributions but no draft orientation yet.

use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{DbConnection, Id};
use crate::domain::consultation::{themes_of, Theme};
use crate::domain::contribution::{count_without_theme, counts_by_theme};
use crate::domain::vocab::OrientationStatus;
use crate::error::CoreResult;
use crate::schema::orientations;

/// The figures of one consultation that call for action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attention {
    /// Contributions accepted (read by the synthesis).
    pub accepted: i64,
    /// Contributions waiting for a moderator.
    pub pending: i64,
    /// Contributions with no theme, not rejected: no synthesis reads them until staff give one.
    pub without_theme: i64,
    /// Themes with accepted contributions and no draft orientation: not synthesised yet.
    pub themes_to_synthesise: Vec<Theme>,
}

impl Attention {
    /// True when nothing waits.
    pub fn is_clear(&self) -> bool {
        self.pending == 0 && self.without_theme == 0 && self.themes_to_synthesise.is_empty()
    }
}

/// The figures of a consultation: three grouped queries.
pub fn attention_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Attention> {
    let counts = counts_by_theme(conn, consultation)?;
    let drafted: Vec<(Id, i64)> = orientations::table
        .filter(orientations::consultation_id.eq(consultation))
        .filter(orientations::status.eq(OrientationStatus::Draft))
        .group_by(orientations::theme_id)
        .select((orientations::theme_id, count_star()))
        .load(conn)?;
    let themes_to_synthesise = themes_of(conn, consultation)?
        .into_iter()
        .filter(|theme| {
            let accepted = counts.iter().find(|c| c.theme_id == Some(theme.id)).map_or(0, |c| c.counts.accepted);
            accepted > 0 && !drafted.iter().any(|(t, n)| *t == theme.id && *n > 0)
        })
        .collect();
    Ok(Attention {
        accepted: counts.iter().map(|c| c.counts.accepted).sum(),
        pending: counts.iter().map(|c| c.counts.pending).sum(),
        without_theme: count_without_theme(conn, consultation)?,
        themes_to_synthesise,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{contribution, demo, record, TestDb};

    #[test]
    fn the_demo_calls_for_its_synthesis_and_counts_what_waits() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, themes) = demo(&mut conn);
        let first = attention_of(&mut conn, consultation).unwrap();
        assert!(first.accepted > 0);
        assert_eq!(first.themes_to_synthesise.len(), 5, "no theme synthesised yet");
        let mut loose = contribution(consultation, themes[0].id, "Sans thème pour l'instant");
        loose.theme_id = None;
        record(&mut conn, loose);
        let after = attention_of(&mut conn, consultation).unwrap();
        assert_eq!(after.without_theme, first.without_theme + 1);
        assert!(!after.is_clear());
    }
}
