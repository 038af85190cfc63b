//! The demo's questionnaire aux acteurs: the `questionnaire` section of the demo's set-up file
//! (`essaim_core::demo::DEMO_SETUP`), published.

use essaim_core::db::{DbConnection, Id};
use essaim_core::CoreResult;

use crate::questionnaire::definition::Definition;
use crate::questionnaire::setup::QuestionnaireSection;
use crate::questionnaire::store::{publish, questionnaire_of, save_definition};

/// The demo questionnaire's definition, as the demo's set-up file gives it.
pub fn demo_definition() -> Definition {
    let file = essaim_core::demo::demo_setup();
    let definition = file.sections.get("questionnaire").and_then(|q| q.get("definition"));
    Definition::from_json(&definition.map(|d| d.to_string()).unwrap_or_default())
        .expect("the demo set-up file holds a valid questionnaire")
}

/// Gives the demo consultation its questionnaire when it was seeded without it (after
/// [`essaim_core::demo::seed_demo`] with no sections). Returns whether it was created.
pub fn seed_demo_questionnaire(conn: &mut DbConnection) -> CoreResult<bool> {
    let consultation = essaim_core::domain::consultation::find_consultation(conn, essaim_core::demo::DEMO_SLUG)?;
    if questionnaire_of(conn, consultation.id)?.is_some() {
        return Ok(false);
    }
    essaim_core::demo::seed_demo_section(conn, &QuestionnaireSection)?;
    Ok(true)
}

/// Gives any consultation the demo questionnaire, published and open, unless it has one (for
/// tests and benchmarks). Returns whether it was created.
pub fn seed_questionnaire(conn: &mut DbConnection, consultation: Id) -> CoreResult<bool> {
    if questionnaire_of(conn, consultation)?.is_some() {
        return Ok(false);
    }
    save_definition(conn, consultation, &demo_definition(), None)?;
    publish(conn, consultation, None)?;
    Ok(true)
}
