//! Recording one contribution, validated, once (a retried submission is not counted twice).

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::contribution::{find_by_idempotency_key, insert_contribution};
use essaim_core::domain::{AuthorKind, Channel, Contribution, ContributionKind, ModerationStatus};
use essaim_core::schema::themes;
use essaim_core::{CoreError, CoreResult, ValidationErrors};

/// Longest contribution accepted, in characters (about ten pages).
pub const MAX_CONTRIBUTION_CHARS: usize = 20_000;

/// A contribution as typed, before validation.
#[derive(Debug, Clone, Default)]
pub struct SubmittedContribution {
    /// The consultation.
    pub consultation_id: Option<Id>,
    /// Theme id, as typed (empty: not classified).
    pub theme_id: String,
    /// Kind code.
    pub kind: String,
    /// Channel code.
    pub channel: String,
    /// The text.
    pub body: String,
    /// Who logged it.
    pub logged_by: Option<Id>,
    /// Client-chosen key: the same key twice records one contribution.
    pub idempotency_key: Option<String>,
}

/// What [`submit`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum SubmitOutcome {
    /// Recorded now.
    Recorded(Contribution),
    /// Recorded earlier under the same key; nothing new was written.
    AlreadyRecorded(Contribution),
}

/// Validates and records one contribution (anonymous until the questionnaire brings authors).
pub fn submit(conn: &mut DbConnection, input: &SubmittedContribution) -> CoreResult<SubmitOutcome> {
    if let Some(key) = input.idempotency_key.as_deref() {
        if let Some(existing) = find_by_idempotency_key(conn, key)? {
            return Ok(SubmitOutcome::AlreadyRecorded(existing));
        }
    }
    let consultation_id = input.consultation_id.ok_or_else(|| CoreError::NotFound("consultation".into()))?;
    let mut errors = ValidationErrors::default();
    let body = input.body.trim();
    if body.is_empty() {
        errors.add("body", "Écrivez votre contribution.");
    } else if body.chars().count() > MAX_CONTRIBUTION_CHARS {
        errors.add(
            "body",
            format!("La contribution dépasse {MAX_CONTRIBUTION_CHARS} caractères : découpez-la en plusieurs."),
        );
    }
    let kind = ContributionKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.add("kind", "Choisissez le type : constat, proposition, expérience ou question.");
    }
    let channel = Channel::parse(input.channel.trim());
    if channel.is_none() {
        errors.add("channel", "Canal inconnu.");
    }
    let theme_id = match input.theme_id.trim() {
        "" => None,
        raw => {
            let parsed = raw.parse::<Id>().ok();
            let belongs = match parsed {
                Some(id) => {
                    themes::table
                        .filter(themes::id.eq(id))
                        .filter(themes::consultation_id.eq(consultation_id))
                        .count()
                        .get_result::<i64>(conn)?
                        > 0
                }
                None => false,
            };
            if !belongs {
                errors.add("theme_id", "Ce thème n'appartient pas à la consultation.");
            }
            parsed
        }
    };
    errors.into_result()?;
    let contribution = Contribution {
        id: Id::new(),
        consultation_id,
        theme_id,
        kind: kind.unwrap_or(ContributionKind::Proposition),
        channel: channel.unwrap_or(Channel::Online),
        body: body.to_owned(),
        author_kind: AuthorKind::Anonymous,
        organisation_id: None,
        author_name: None,
        territory_id: None,
        logged_by: input.logged_by,
        created_at: now(),
        moderation_status: ModerationStatus::Pending,
        external_ref: None,
        idempotency_key: input.idempotency_key.clone(),
    };
    insert_contribution(conn, &contribution)?;
    Ok(SubmitOutcome::Recorded(contribution))
}
