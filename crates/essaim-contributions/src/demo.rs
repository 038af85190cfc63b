//! The demo's questionnaire aux acteurs, seeded with the demo consultation and published.

use essaim_core::db::{DbConnection, Id};
use essaim_core::CoreResult;

use crate::questionnaire::definition::Definition;
use crate::questionnaire::store::{publish, questionnaire_of, save_definition};

/// The definition, as staff could have written it (docs/questionnaire-json.md).
pub const DEMO_QUESTIONNAIRE: &str = include_str!("demo/questionnaire-acteurs.json");

/// The demo questionnaire, parsed.
pub fn demo_definition() -> Definition {
    Definition::from_json(DEMO_QUESTIONNAIRE).expect("the demo questionnaire is a valid definition")
}

/// Gives the demo consultation its questionnaire (after [`essaim_core::demo::seed_demo`]).
pub fn seed_demo_questionnaire(conn: &mut DbConnection) -> CoreResult<bool> {
    let consultation = essaim_core::domain::consultation::find_consultation(conn, essaim_core::demo::DEMO_SLUG)?;
    seed_questionnaire(conn, consultation.id)
}

/// Gives a consultation the demo questionnaire, published and open, unless it has one.
/// Returns whether it was created.
pub fn seed_questionnaire(conn: &mut DbConnection, consultation: Id) -> CoreResult<bool> {
    if questionnaire_of(conn, consultation)?.is_some() {
        return Ok(false);
    }
    save_definition(conn, consultation, &demo_definition(), None)?;
    publish(conn, consultation, None)?;
    Ok(true)
}
