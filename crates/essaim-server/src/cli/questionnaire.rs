//! `essaim questionnaire export|import` (the definition as JSON, or a LimeSurvey `.lss`) and
//! `essaim invitations send|remind`. Mail is only enqueued here: a running server's mail
//! worker sends it.

use std::path::Path;

use essaim_contributions::questionnaire::import::read_definition;
use essaim_contributions::questionnaire::invitations::{invite, parse_invitees, remind, InviteFileError};
use essaim_contributions::questionnaire::store::{
    latest_version, published_version, questionnaire_of, save_definition,
};
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

/// The questionnaire's id and the title mails give it (the published version's).
fn published(conn: &mut DbConnection, slug: &str) -> Result<(Id, String), String> {
    let consultation = consultation_id(conn, slug)?;
    let questionnaire = questionnaire_of(conn, consultation)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("la consultation « {slug} » n'a pas de questionnaire"))?;
    let version = published_version(conn, questionnaire.id)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "publiez le questionnaire avant d'envoyer des invitations".to_owned())?;
    Ok((questionnaire.id, version.parsed().map_err(|e| e.to_string())?.title))
}

/// Enqueues an invitation for each new organisation of the file; nothing if a line is bad.
pub fn send_invitations(conn: &mut DbConnection, slug: &str, path: &Path, base_url: &str) -> Result<String, String> {
    let (questionnaire, title) = published(conn, slug)?;
    let consultation = consultation_id(conn, slug)?;
    let text = decode(read_file(path)?)?.text;
    let invitees = match parse_invitees(conn, consultation, &text).map_err(|e| e.to_string())? {
        Ok(invitees) => invitees,
        Err(InviteFileError::File(message)) => return Err(format!("{} : {message}", path.display())),
        Err(InviteFileError::Lines(errors)) => {
            let mut message =
                format!("{} : {} ligne(s) refusée(s), rien n'a été importé :", path.display(), errors.len());
            for (line, reason) in errors.iter().take(50) {
                message.push_str(&format!("\n  ligne {line} : {reason}"));
            }
            return Err(message);
        }
    };
    let done = invite(conn, questionnaire, &title, &invitees, base_url, None).map_err(|e| e.to_string())?;
    Ok(format!(
        "{} invitation(s) mise(s) en file d'envoi, {} adresse(s) déjà invitée(s). Le serveur (essaim serve) les envoie.",
        done.sent, done.already
    ))
}

/// Enqueues a reminder for each organisation that has not answered, at most once per
/// `hours`.
pub fn send_reminders(conn: &mut DbConnection, slug: &str, hours: i64, base_url: &str) -> Result<String, String> {
    if hours < 1 {
        return Err("l'intervalle entre deux relances est d'au moins une heure (--interval-hours)".into());
    }
    let (questionnaire, title) = published(conn, slug)?;
    let sent = remind(conn, questionnaire, &title, chrono::Duration::hours(hours), base_url, None)
        .map_err(|e| e.to_string())?;
    Ok(format!("{sent} relance(s) mise(s) en file d'envoi."))
}
