//! The demo's plenary: made once for the demo consultation, results shown live. It has no
//! items of its own: its agenda is the consultation's current draft orientations, read when a
//! page is opened, so it is ready to run on whatever the synthesis proposed from the demo
//! contributions (run it from the staff's synthesis pages first; docs/demo.md).

use essaim_core::db::DbConnection;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::plenary::{plenary_of, Plenary};
use essaim_core::{CoreError, CoreResult};

use super::ensure_plenary;
use crate::WorkshopError;

/// Seeds the demo plenary; a demo consultation that has one is left alone. `None` when there
/// is no demo consultation.
pub fn seed_demo_plenary(conn: &mut DbConnection) -> CoreResult<Option<Plenary>> {
    let consultation = match find_consultation(conn, DEMO_SLUG) {
        Ok(c) => c,
        Err(CoreError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e),
    };
    if let Some(existing) = plenary_of(conn, consultation.id)? {
        return Ok(Some(existing));
    }
    ensure_plenary(conn, &consultation, None).map(Some).map_err(|e| match e {
        WorkshopError::Core(e) => e,
        other => CoreError::Internal(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use essaim_core::testing::{demo, TestDb};

    #[test]
    fn the_demo_plenary_is_seeded_once() {
        let db = TestDb::new();
        let mut conn = db.conn();
        demo(&mut conn);
        let first = seed_demo_plenary(&mut conn).unwrap().unwrap();
        let again = seed_demo_plenary(&mut conn).unwrap().unwrap();
        assert_eq!(first, again);
        assert_eq!(crate::stands::normalize_code(&first.code).as_deref(), Some(first.code.as_str()));
    }
}
