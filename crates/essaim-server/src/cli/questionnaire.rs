//! `essaim questionnaire export|import` (the definition as JSON, or a LimeSurvey `.lss`) and
//! `essaim invitations send|remind`. Mail is only enqueued here: a running server's mail
//! worker sends it.

use std::path::Path;

use essaim_contributions::questionnaire::import::read_definition;
use essaim_contributions::questionnaire::invitations::{invite_list, remind_all};
use essaim_contributions::questionnaire::store::{latest_version, questionnaire_of, save_definition};
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::find_consultation;
use essaim_core::tabular::{decode, read_file};

fn consultation_id(conn: &mut DbConnection, slug: &str) -> Result<Id, String> {
    find_consultation(conn, slug).map(|c| c.id).map_err(|_| format!("consultation « {slug} » introuvable"))
}

/// The definition staff edit (else the published one), as JSON.
pub fn export_definition(conn: &mut DbConnection, slug: &str) -> Result<String, String> {
    let consultation = consultation_id(conn, slug)?;
    let questionnaire = questionnaire_of(conn, consultation)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("la consultation « {slug} » n'a pas de questionnaire"))?;
    let version = latest_version(conn, questionnaire.id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("la consultation « {slug} » n'a pas de questionnaire"))?;
    Ok(version.parsed().map_err(|e| e.to_string())?.to_json())
}

/// Stores a definition as the questionnaire's unpublished version: nothing is changed if the
/// file does not hold; publishing stays a separate, deliberate step.
pub fn import_definition(conn: &mut DbConnection, slug: &str, path: &Path) -> Result<String, String> {
    let consultation = consultation_id(conn, slug)?;
    let (definition, report) = read_definition(read_file(path)?)?;
    let version = save_definition(conn, consultation, &definition, None).map_err(|e| match e {
        essaim_core::CoreError::Validation(errors) => {
            errors.0.iter().map(|f| f.message.clone()).collect::<Vec<_>>().join(" ; ")
        }
        other => other.to_string(),
    })?;
    let questions = definition.questions().count();
    let mut out = format!(
        "Questionnaire « {} » importé : {} section(s), {questions} question(s), version {} (non publiée).\n",
        definition.title,
        definition.sections.len(),
        version.number
    );
    if let Some(report) = report {
        out.push_str(&report);
        out.push('\n');
    }
    Ok(out)
}

/// Enqueues an invitation for each new organisation of the file; nothing if a line is bad.
pub fn send_invitations(conn: &mut DbConnection, slug: &str, path: &Path, base_url: &str) -> Result<String, String> {
    let consultation = consultation_id(conn, slug)?;
    let text = decode(read_file(path)?)?.text;
    match invite_list(conn, consultation, &text, base_url, None).map_err(|e| e.to_string())? {
        Ok(done) => Ok(format!(
            "{} invitation(s) mise(s) en file d'envoi, {} adresse(s) déjà invitée(s). Le serveur (essaim serve) les envoie.",
            done.sent, done.already
        )),
        Err(refusal) => Err(format!("{} : {refusal}", path.display())),
    }
}

/// Enqueues a reminder for each organisation that has not answered, at most once per
/// `hours`.
pub fn send_reminders(conn: &mut DbConnection, slug: &str, hours: i64, base_url: &str) -> Result<String, String> {
    let consultation = consultation_id(conn, slug)?;
    match remind_all(conn, consultation, hours, base_url, None).map_err(|e| e.to_string())? {
        Ok(sent) => Ok(format!("{sent} relance(s) mise(s) en file d'envoi.")),
        Err(refusal) => Err(format!("{refusal} (--interval-hours)")),
    }
}
