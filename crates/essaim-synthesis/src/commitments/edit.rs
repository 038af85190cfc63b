//! What staff do to commitments: add, change, delete, and write news. Each change is checked
//! (the orientation is published in this consultation, the fields hold), done in one
//! transaction and written to the audit log.

use chrono::NaiveDate;
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::schema::{commitment_news, commitments};

use super::{Commitment, CommitmentError, CommitmentStatus, News, MAX_ACTION_CHARS, MAX_CARRIER_CHARS, MAX_NEWS_CHARS};

/// A commitment as typed on the staff page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct CommitmentForm {
    /// What will be done.
    #[serde(default)]
    pub action: String,
    /// Who carries it.
    #[serde(default)]
    pub carrier: String,
    /// A [`CommitmentStatus`] code.
    #[serde(default)]
    pub status: String,
    /// Progress, 0 to 100, as typed.
    #[serde(default)]
    pub progress: String,
}

/// A news as typed on the staff page.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
pub struct NewsForm {
    /// The day, `YYYY-MM-DD` (the date field's value).
    #[serde(default)]
    pub happened_on: String,
    /// What happened.
    #[serde(default)]
    pub body: String,
}

fn invalid(field: &'static str, message: impl Into<String>) -> CommitmentError {
    CommitmentError::Invalid { field, message: message.into() }
}

fn text(field: &'static str, value: &str, max: usize, missing: &str) -> Result<String, CommitmentError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(invalid(field, missing));
    }
    if value.chars().count() > max {
        return Err(invalid(field, format!("Ce champ compte au plus {max} caractères.")));
    }
    Ok(value.to_owned())
}

struct Checked {
    action: String,
    carrier: String,
    status: CommitmentStatus,
    progress: i32,
}

impl CommitmentForm {
    fn check(&self) -> Result<Checked, CommitmentError> {
        let action = text("action", &self.action, MAX_ACTION_CHARS, "Décrivez l'action.")?;
        let carrier = text(
            "carrier",
            &self.carrier,
            MAX_CARRIER_CHARS,
            "Indiquez qui porte l'action (la Région, l'État, la CRESS, un réseau…).",
        )?;
        let status =
            CommitmentStatus::parse(self.status.trim()).ok_or_else(|| invalid("status", "Choisissez un statut."))?;
        let typed = self.progress.trim().trim_end_matches('%').trim();
        let progress = match typed {
            "" => 0,
            _ => typed
                .parse::<i32>()
                .ok()
                .filter(|p| (0..=100).contains(p))
                .ok_or_else(|| invalid("progress", "L'avancement est un nombre entier de 0 à 100."))?,
        };
        // A commitment carried out is done in full; one not started has not progressed.
        let progress = match status {
            CommitmentStatus::Done => 100,
            CommitmentStatus::Planned => 0,
            _ => progress,
        };
        Ok(Checked { action, carrier, status, progress })
    }
}

/// The orientation, if it is published in this consultation: commitments follow the
/// published strategy only.
fn published(conn: &mut DbConnection, consultation: Id, orientation: Id) -> Result<(), CommitmentError> {
    if super::is_published(conn, consultation, orientation)? {
        Ok(())
    } else {
        Err(CommitmentError::NotFound("orientation publiée"))
    }
}

fn existing(conn: &mut DbConnection, consultation: Id, id: Id) -> Result<Commitment, CommitmentError> {
    commitments::table
        .find(id)
        .filter(commitments::consultation_id.eq(consultation))
        .select(Commitment::as_select())
        .first(conn)
        .optional()?
        .ok_or(CommitmentError::NotFound("engagement"))
}

fn audit(
    conn: &mut DbConnection,
    actor: Id,
    action: &'static str,
    id: Id,
    details: serde_json::Value,
) -> Result<(), CommitmentError> {
    record(conn, AuditEvent::new(Some(actor), action, "commitment", Some(id.to_string())).with_details(details))?;
    Ok(())
}

/// Adds a commitment to a published orientation of this consultation.
pub fn add_commitment(
    conn: &mut DbConnection,
    consultation: Id,
    orientation: Id,
    form: &CommitmentForm,
    actor: Id,
) -> Result<Id, CommitmentError> {
    let checked = form.check()?;
    write_transaction(conn, |conn| {
        published(conn, consultation, orientation)?;
        let at = now();
        let commitment = Commitment {
            id: Id::new(),
            consultation_id: consultation,
            orientation_id: orientation,
            action: checked.action,
            carrier: checked.carrier,
            status: checked.status,
            progress: checked.progress,
            created_at: at,
            updated_at: at,
        };
        diesel::insert_into(commitments::table).values(commitment.clone()).execute(conn)?;
        let details = serde_json::json!({ "orientation": orientation.to_string(), "status": commitment.status });
        audit(conn, actor, "commitment.add", commitment.id, details)?;
        Ok(commitment.id)
    })
}

/// Changes a commitment of this consultation.
pub fn edit_commitment(
    conn: &mut DbConnection,
    consultation: Id,
    id: Id,
    form: &CommitmentForm,
    actor: Id,
) -> Result<(), CommitmentError> {
    let checked = form.check()?;
    write_transaction(conn, |conn| {
        let before = existing(conn, consultation, id)?;
        diesel::update(commitments::table.find(id))
            .set((
                commitments::action.eq(&checked.action),
                commitments::carrier.eq(&checked.carrier),
                commitments::status.eq(checked.status),
                commitments::progress.eq(checked.progress),
                commitments::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let details = serde_json::json!({
            "status": [before.status, checked.status],
            "progress": [before.progress, checked.progress],
        });
        audit(conn, actor, "commitment.edit", id, details)
    })
}

/// Deletes a commitment of this consultation, with its news.
pub fn delete_commitment(conn: &mut DbConnection, consultation: Id, id: Id, actor: Id) -> Result<(), CommitmentError> {
    write_transaction(conn, |conn| {
        let before = existing(conn, consultation, id)?;
        diesel::delete(commitment_news::table.filter(commitment_news::commitment_id.eq(id))).execute(conn)?;
        diesel::delete(commitments::table.find(id)).execute(conn)?;
        audit(conn, actor, "commitment.delete", id, serde_json::json!({ "action": before.action }))
    })
}

/// Adds a dated news to a commitment of this consultation; the commitment counts as changed.
pub fn add_news(
    conn: &mut DbConnection,
    consultation: Id,
    commitment: Id,
    form: &NewsForm,
    actor: Id,
) -> Result<Id, CommitmentError> {
    let happened_on = NaiveDate::parse_from_str(form.happened_on.trim(), "%Y-%m-%d")
        .map_err(|_| invalid("happened_on", "Donnez la date de l'actualité (jour, mois, année)."))?;
    let body = text("body", &form.body, MAX_NEWS_CHARS, "Écrivez l'actualité.")?;
    write_transaction(conn, |conn| {
        existing(conn, consultation, commitment)?;
        let news = News { id: Id::new(), commitment_id: commitment, happened_on, body, created_at: now() };
        diesel::insert_into(commitment_news::table).values(&news).execute(conn)?;
        diesel::update(commitments::table.find(commitment)).set(commitments::updated_at.eq(now())).execute(conn)?;
        let details = serde_json::json!({ "news": news.id.to_string(), "on": happened_on.to_string() });
        audit(conn, actor, "commitment.news", commitment, details)?;
        Ok(news.id)
    })
}
