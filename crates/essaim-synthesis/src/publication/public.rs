//! The accepted contributions behind a published orientation, as the public reads them: only
//! those the published version names and that are still accepted, their text scrubbed of
//! personal data, never their author.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::publication::answers::{answers_of, ContributionAnswer};
use essaim_core::domain::publication::PublishedOrientation;
use essaim_core::domain::ModerationStatus;
use essaim_core::schema::{contributions, territories};

use super::PublicationError;
use crate::export::labels;
use crate::run::person_names;
use crate::scrub::Scrubber;

/// Contributions on a page of a published orientation.
pub const CONTRIBUTIONS_PER_PAGE: usize = 20;

/// One contribution as the public reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicContribution {
    /// The contribution (its id is its public reference).
    pub id: Id,
    /// Its text, scrubbed.
    pub text: String,
    /// Its kind, in French.
    pub kind: String,
    /// Its channel, in French.
    pub channel: String,
    /// Its territory, in French, if known.
    pub territory: Option<String>,
    /// When it was recorded (UTC).
    pub created_at: NaiveDateTime,
    /// The answer it was given, if any (its text is plain and escaped where shown).
    pub answer: Option<ContributionAnswer>,
}

/// Page `page` (from 1) of the contributions behind a published orientation: the slice of
/// the published list, less any no longer accepted since (a contribution rejected later
/// disappears from the public pages at once).
pub fn published_contributions(
    conn: &mut DbConnection,
    consultation: Id,
    orientation: &PublishedOrientation,
    page: usize,
) -> Result<Vec<PublicContribution>, PublicationError> {
    let start = page.saturating_sub(1).saturating_mul(CONTRIBUTIONS_PER_PAGE);
    let ids: Vec<Id> = orientation.contributions.iter().skip(start).take(CONTRIBUTIONS_PER_PAGE).copied().collect();
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    type Row = (Id, String, String, String, Option<String>, NaiveDateTime);
    let rows: Vec<Row> = contributions::table
        .left_join(territories::table)
        .filter(contributions::id.eq_any(&ids))
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .order(contributions::id.asc())
        .select((
            contributions::id,
            contributions::body,
            contributions::kind,
            contributions::channel,
            territories::code.nullable(),
            contributions::created_at,
        ))
        .load(conn)?;
    let names = person_names(conn, consultation).map_err(|e| match e {
        crate::run::RunError::Store(s) => PublicationError::Store(s),
        other => PublicationError::Refused(other.to_string()),
    })?;
    let scrubber = Scrubber::new(&names);
    let mut answers = answers_of(conn, &ids)?;
    Ok(rows
        .into_iter()
        .map(|(id, body, kind, channel, territory, created_at)| PublicContribution {
            id,
            text: scrubber.scrub(&body),
            kind: labels::kind(&kind),
            channel: labels::channel(&channel),
            territory: territory.as_deref().map(labels::territory),
            created_at,
            answer: answers.remove(&id),
        })
        .collect())
}
