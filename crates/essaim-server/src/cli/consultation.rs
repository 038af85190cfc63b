//! `essaim consultation list|export|import|schema`: a consultation's set-up as a file
//! (docs/consultation-json.md). The rules are the core's and the modules'; this only reads the
//! file, prints, and words the refusals.

use std::path::Path;

use essaim_core::db::DbConnection;
use essaim_core::domain::consultation::{find_consultation, list_consultations};
use essaim_core::domain::setup;
use essaim_core::domain::ConsultationState;
use essaim_core::CoreError;

use crate::sections::SECTIONS;

/// One line per consultation: short id, state, title.
pub fn list(conn: &mut DbConnection) -> Result<String, String> {
    let consultations = list_consultations(conn).map_err(|e| e.to_string())?;
    Ok(consultations.iter().map(|c| format!("{}\t{}\t{}\n", c.slug, c.state.as_str(), c.title)).collect())
}

/// The set-up of a consultation, as pretty JSON.
pub fn export(conn: &mut DbConnection, slug: &str) -> Result<String, String> {
    let file = setup::export(conn, slug, SECTIONS).map_err(|e| match e {
        CoreError::NotFound(_) => format!("consultation « {slug} » introuvable"),
        other => other.to_string(),
    })?;
    serde_json::to_string_pretty(&file).map(|json| json + "\n").map_err(|e| e.to_string())
}

/// Creates the consultation a set-up file describes, all or nothing.
pub fn import(conn: &mut DbConnection, path: &Path) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("lecture de {} : {e}", path.display()))?;
    let file = setup::parse(&text).map_err(refusal)?;
    let consultation = setup::import(conn, &file, SECTIONS).map_err(refusal)?;
    let mut out = format!(
        "Consultation « {} » créée ({}, {}) : {} thème(s), {} territoire(s), {} phase(s)",
        consultation.title,
        consultation.slug,
        consultation.state.label().to_lowercase(),
        file.themes.len(),
        file.territories.len(),
        file.phases.len(),
    );
    for key in file.sections.keys() {
        out.push_str(&format!(", {key}"));
    }
    out.push_str(".\n");
    Ok(out)
}

/// Moves a consultation to another state.
pub fn set_state(conn: &mut DbConnection, slug: &str, state: &str) -> Result<String, String> {
    let wanted = ConsultationState::parse(state.trim())
        .ok_or_else(|| format!("état « {state} » inconnu : draft, open, closed ou archived"))?;
    let consultation = find_consultation(conn, slug).map_err(|_| format!("consultation « {slug} » introuvable"))?;
    let changed =
        essaim_core::domain::consultation::set_state(conn, consultation.id, wanted, None).map_err(|e| e.to_string())?;
    Ok(format!("Consultation « {} » : {}.\n", changed.title, changed.state.label().to_lowercase()))
}

/// Sets how many days the consultation keeps its personal contact data after closing.
pub fn set_retention(conn: &mut DbConnection, slug: &str, days: i32) -> Result<String, String> {
    let consultation = find_consultation(conn, slug).map_err(|_| format!("consultation « {slug} » introuvable"))?;
    essaim_contributions::retention::set_personal_data_days(conn, consultation.id, days, None)
        .map_err(|e| e.to_string())?;
    Ok(format!(
        "Consultation « {} » : données personnelles de contact conservées {days} jours après sa clôture.\n",
        consultation.title
    ))
}

/// The refusals of a set-up file, one per line, each naming its field.
fn refusal(error: CoreError) -> String {
    match error {
        CoreError::Validation(errors) => {
            let lines: Vec<String> = errors.0.iter().map(|e| format!("  {} : {}", e.field, e.message)).collect();
            format!("fichier de paramétrage refusé, rien n'a été créé :\n{}", lines.join("\n"))
        }
        other => other.to_string(),
    }
}
