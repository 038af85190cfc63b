//! The demo's treasure-hunt circuit: the `stands` section of the demo's set-up file
//! (`essaim_core::demo::DEMO_SETUP`), from the press file of the 2016 conference — the eight
//! PTCE the Région supports, the three incubators of social innovation, FINANSOL and the
//! DASESS with FONDES. The texts say only what the press file says; the places on the
//! circuit are placeholders (docs/demo.md).

use diesel::prelude::*;
use essaim_core::db::DbConnection;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::schema::stands;
use essaim_core::CoreResult;

use super::setup::StandsSection;

/// Puts the demo circuit on the demo consultation when it was seeded without it (after
/// [`essaim_core::demo::seed_demo`] with no sections). Returns whether it was created.
pub fn seed_demo_stands(conn: &mut DbConnection) -> CoreResult<bool> {
    let consultation = find_consultation(conn, DEMO_SLUG)?;
    let present: i64 = stands::table.filter(stands::consultation_id.eq(consultation.id)).count().get_result(conn)?;
    if present > 0 {
        return Ok(false);
    }
    essaim_core::demo::seed_demo_section(conn, &StandsSection)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stands::stands_of;
    use essaim_core::testing::{demo, TestDb};

    #[test]
    fn the_demo_circuit_is_seeded_once_on_every_theme() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, themes) = demo(&mut conn);
        assert!(seed_demo_stands(&mut conn).unwrap());
        assert!(!seed_demo_stands(&mut conn).unwrap(), "idempotent");
        let stands = stands_of(&mut conn, consultation).unwrap();
        assert_eq!(stands.len(), 13);
        for theme in &themes {
            assert!(stands.iter().any(|s| s.theme_id == theme.id), "theme {} has a stand", theme.position);
        }
        let positions: Vec<i32> = stands.iter().map(|s| s.position).collect();
        assert_eq!(positions, (1..=13).collect::<Vec<_>>());
        let mut codes: Vec<&str> = stands.iter().map(|s| s.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 13);
    }
}
