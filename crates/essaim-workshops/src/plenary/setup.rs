//! The plenary's settings in a consultation's set-up file (docs/consultation-json.md): when
//! the counts of a vote show (`results_mode`), and whether a phone needs a personal voting code
//! to vote (`codes_required`, for a vote that binds). That is all a plenary is set up with: its agenda
//! is the consultation's draft orientations when it runs, and its days are the phases of its
//! two parts (`plenary_part1`, `plenary_part2`), which the core's part of the file carries and
//! moves. Never written: its short code (an address shown on one edition's screens: an
//! imported plenary gets a new one), its items, votes, devices, verdicts and amendments.

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::DbConnection;
use essaim_core::domain::plenary::{plenary_of, ResultsMode};
use essaim_core::domain::setup::{SetupContext, SetupSection};
use essaim_core::schema::plenaries;
use essaim_core::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::ensure_plenary;
use crate::workshops::setup::unreadable;
use crate::WorkshopError;

/// The section `plenary`.
pub struct PlenarySection;

/// The plenary's settings, as the file gives them.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlenarySetup {
    /// `live` (counts shown while the vote is open) or `after_close`.
    #[serde(default = "live")]
    results_mode: String,
    /// Whether each phone must redeem a voting code before it votes (the codes themselves are
    /// generated for each edition from its attendance, never carried by the file).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    codes_required: bool,
}

fn live() -> String {
    ResultsMode::Live.as_str().to_owned()
}

impl SetupSection for PlenarySection {
    fn key(&self) -> &'static str {
        "plenary"
    }

    fn export(&self, conn: &mut DbConnection, context: &SetupContext<'_>) -> CoreResult<Option<Value>> {
        let Some(plenary) = plenary_of(conn, context.consultation.id)? else { return Ok(None) };
        let setup = PlenarySetup {
            results_mode: plenary.results_mode.as_str().to_owned(),
            codes_required: plenary.codes_required,
        };
        serde_json::to_value(setup).map(Some).map_err(|e| CoreError::Internal(e.to_string()))
    }

    fn import(&self, conn: &mut DbConnection, context: &SetupContext<'_>, section: &Value) -> CoreResult<()> {
        let setup: PlenarySetup = serde_json::from_value(section.clone()).map_err(|e| {
            let (field, message) = unreadable(&e, "Réglages de la plénière illisibles");
            CoreError::invalid(&field, message)
        })?;
        let Some(mode) = ResultsMode::parse(setup.results_mode.trim()) else {
            return Err(CoreError::invalid(
                "results_mode",
                format!(
                    "valeur inconnue « {} » (valeurs possibles : live, after_close) : les résultats s'affichent en direct (live) ou après la clôture du vote (after_close).",
                    setup.results_mode
                ),
            ));
        };
        let plenary = ensure_plenary(conn, context.consultation, None).map_err(|e| match e {
            WorkshopError::Core(e) => e,
            other => CoreError::Internal(other.to_string()),
        })?;
        if plenary.results_mode != mode || plenary.codes_required != setup.codes_required {
            diesel::update(plenaries::table.find(plenary.id))
                .set((
                    plenaries::results_mode.eq(mode),
                    plenaries::codes_required.eq(setup.codes_required),
                    plenaries::updated_at.eq(now()),
                ))
                .execute(conn)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use essaim_core::demo::DEMO_SLUG;
    use essaim_core::domain::setup::{export, import};
    use essaim_core::testing::{demo, TestDb};

    #[test]
    fn results_after_the_close_come_back_so_and_no_plenary_no_section() {
        let db = TestDb::new();
        let mut conn = db.conn();
        demo(&mut conn);
        let sections: [&dyn SetupSection; 1] = [&PlenarySection];
        let mut file = export(&mut conn, DEMO_SLUG, &sections).unwrap();
        assert!(!file.sections.contains_key("plenary"), "a consultation without a plenary has no section");
        file.consultation.slug = "ess-bretagne-2027".into();
        file.sections.insert("plenary".into(), serde_json::json!({"results_mode": "after_close"}));
        let made = import(&mut conn, &file, &sections).unwrap();
        let plenary = plenary_of(&mut conn, made.id).unwrap().expect("a plenary");
        assert_eq!(plenary.results_mode, ResultsMode::AfterClose);
        let again = export(&mut conn, "ess-bretagne-2027", &sections).unwrap();
        assert_eq!(again.sections["plenary"], serde_json::json!({"results_mode": "after_close"}));

        file.consultation.slug = "ess-bretagne-2028".into();
        file.sections.insert("plenary".into(), serde_json::json!({"code": "ABCDE"}));
        let Err(CoreError::Validation(errors)) = import(&mut conn, &file, &sections) else { panic!("refused") };
        assert_eq!(errors.get("sections.plenary.code"), Some("Champ inconnu : « code »."), "{errors:?}");
    }

    #[test]
    fn a_plenary_that_requires_voting_codes_is_set_up_so_again() {
        let db = TestDb::new();
        let mut conn = db.conn();
        demo(&mut conn);
        let sections: [&dyn SetupSection; 1] = [&PlenarySection];
        let mut file = export(&mut conn, DEMO_SLUG, &sections).unwrap();
        file.consultation.slug = "ess-bretagne-2027".into();
        file.sections.insert("plenary".into(), serde_json::json!({"codes_required": true}));
        let made = import(&mut conn, &file, &sections).unwrap();
        let plenary = plenary_of(&mut conn, made.id).unwrap().expect("a plenary");
        assert!(plenary.codes_required);
        assert_eq!(plenary.results_mode, ResultsMode::Live, "the default mode");
        let again = export(&mut conn, "ess-bretagne-2027", &sections).unwrap();
        assert_eq!(again.sections["plenary"], serde_json::json!({"results_mode": "live", "codes_required": true}));
    }
}
