//! Moderation decides what is read: the rule on arrival, and the moderator's decision.
//!
//! A contribution someone vouches for is accepted on arrival: imported by staff, logged by an
//! account (a facilitator in a workshop or the plenary, staff), or answered by an invited
//! organisation. What arrives from anyone without an account (an online form, a stand of the
//! treasure hunt, a public questionnaire link) waits for a moderator. Only accepted
//! contributions are read by the synthesis and counted (docs/moderation.md).

use diesel::prelude::*;

use super::{find_contribution, Contribution};
use crate::clock::now;
use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::audit::{record, AuditEvent};
use crate::domain::vocab::{Channel, ModerationStatus};
use crate::error::{CoreError, CoreResult};
use crate::schema::contributions;
use crate::validation::required_text;

/// Longest rejection reason.
pub const MAX_MODERATION_NOTE_CHARS: usize = 500;

/// Who hands a contribution over, and so vouches for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitter {
    /// A file imported by staff (or the command line).
    Import,
    /// A logged-in account: a facilitator capturing live, staff typing a paper answer.
    Account(Id),
    /// An organisation answering through its personal invitation link.
    InvitedOrganisation,
    /// Anyone, without an account or invitation.
    Public,
}

/// The moderation status a contribution gets on arrival. The channel does not change the
/// rule, only who vouches does: an online form or a stand idea typed in by a facilitator is
/// accepted; the same typed by anyone waits.
pub fn initial_status(_channel: Channel, submitter: Submitter) -> ModerationStatus {
    match submitter {
        Submitter::Import | Submitter::Account(_) | Submitter::InvitedOrganisation => ModerationStatus::Accepted,
        Submitter::Public => ModerationStatus::Pending,
    }
}

/// A moderator's decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Accepted: read and counted from now on.
    Accept,
    /// Rejected, with a reason for staff.
    Reject(String),
    /// Rejected as a repeat of another contribution of the same consultation (its id): the
    /// note says so and `duplicate_of` points to it.
    Duplicate(Id),
}

/// The contribution a duplicate points to: the original itself, or the original of a
/// contribution already marked as a duplicate (so chains never grow). Refuses the
/// contribution itself, an unknown one, and one of another consultation, in French.
fn original_of(conn: &mut DbConnection, duplicate: &Contribution, original: Id) -> CoreResult<Id> {
    const FIELD: &str = "duplicate_of";
    let Some(target) = find_contribution(conn, original)? else {
        return Err(CoreError::invalid(FIELD, format!("Aucune contribution ne porte la référence {original}.")));
    };
    if target.consultation_id != duplicate.consultation_id {
        return Err(CoreError::invalid(
            FIELD,
            format!("La contribution {original} appartient à une autre consultation : choisissez-en une de celle-ci."),
        ));
    }
    let root = target.duplicate_of.unwrap_or(target.id);
    if root == duplicate.id {
        return Err(CoreError::invalid(FIELD, "Une contribution ne peut pas être le doublon d'elle-même."));
    }
    Ok(root)
}

/// Accepts, rejects or marks as a duplicate a contribution (any status to any other: a
/// mistake can be undone), audited. Accepting or rejecting clears `duplicate_of`.
pub fn moderate(conn: &mut DbConnection, id: Id, decision: Decision, actor: Id) -> CoreResult<Contribution> {
    let reason = checked_reason(&decision)?;
    write_transaction(conn, |conn| {
        let before = find_contribution(conn, id)?.ok_or_else(|| CoreError::NotFound("contribution".into()))?;
        apply(conn, &before, &decision, reason.as_deref(), actor)?;
        find_contribution(conn, id)?.ok_or_else(|| CoreError::NotFound("contribution".into()))
    })
}

/// Most contributions one bulk decision covers: a page of the queue at its largest, so that a
/// decision stays one short transaction.
pub const MAX_BULK: usize = super::MAX_PAGE_SIZE;

/// Accepts, or rejects with one reason, several contributions of `consultation` at once (the
/// queue's selection), in one transaction, each audited as if decided alone. A duplicate
/// needs its own original, so it is never a bulk decision. Every id must be a contribution of
/// this consultation: one that is not (unknown, or another consultation's, say a forged
/// form) makes the whole decision not found and nothing changes. Returns how many were decided.
pub fn moderate_many(
    conn: &mut DbConnection,
    consultation: Id,
    ids: &[Id],
    decision: Decision,
    actor: Id,
) -> CoreResult<usize> {
    if matches!(decision, Decision::Duplicate(_)) {
        return Err(CoreError::invalid("selection", "Un doublon se marque contribution par contribution."));
    }
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(CoreError::invalid("selection", "Cochez au moins une contribution."));
    }
    if ids.len() > MAX_BULK {
        return Err(CoreError::invalid(
            "selection",
            format!("Cochez {MAX_BULK} contributions au plus à la fois (vous en avez coché {}).", ids.len()),
        ));
    }
    let reason = checked_reason(&decision)?;
    write_transaction(conn, |conn| {
        for id in &ids {
            let before = super::find_contribution_in(conn, consultation, *id)?;
            apply(conn, &before, &decision, reason.as_deref(), actor)?;
        }
        Ok(ids.len())
    })
}

/// The reason of a rejection, checked (required, bounded) before any write.
fn checked_reason(decision: &Decision) -> CoreResult<Option<String>> {
    match decision {
        Decision::Reject(reason) => Ok(Some(
            required_text(reason, "le motif du rejet", MAX_MODERATION_NOTE_CHARS)
                .map_err(|m| CoreError::invalid("reason", m))?,
        )),
        Decision::Accept | Decision::Duplicate(_) => Ok(None),
    }
}

/// Writes one decision on `before` and audits it (inside the caller's transaction).
fn apply(
    conn: &mut DbConnection,
    before: &Contribution,
    decision: &Decision,
    reason: Option<&str>,
    actor: Id,
) -> CoreResult<()> {
    let (status, note, duplicate_of, action) = match decision {
        Decision::Accept => (ModerationStatus::Accepted, None, None, "contribution.accept"),
        Decision::Reject(_) => (ModerationStatus::Rejected, reason.map(str::to_owned), None, "contribution.reject"),
        Decision::Duplicate(original) => {
            let root = original_of(conn, before, *original)?;
            (
                ModerationStatus::Rejected,
                Some(format!("Doublon de la contribution {root}")),
                Some(root),
                "contribution.duplicate",
            )
        }
    };
    let at = now();
    diesel::update(contributions::table.find(before.id))
        .set((
            contributions::moderation_status.eq(status),
            contributions::moderated_by.eq(Some(actor)),
            contributions::moderated_at.eq(Some(at)),
            contributions::moderation_note.eq(&note),
            contributions::duplicate_of.eq(duplicate_of),
        ))
        .execute(conn)?;
    record(
        conn,
        AuditEvent::new(Some(actor), action, "contribution", Some(before.id.to_string())).with_details(
            serde_json::json!({
                "before": before.moderation_status.as_str(),
                "note": note,
                "duplicate_of": duplicate_of.map(|d| d.to_string()),
            }),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_someone_vouches_for_is_accepted_and_the_rest_waits() {
        let staff = Submitter::Account(Id::new());
        for channel in Channel::ALL {
            assert_eq!(initial_status(*channel, staff), ModerationStatus::Accepted);
            assert_eq!(initial_status(*channel, Submitter::Import), ModerationStatus::Accepted);
            assert_eq!(initial_status(*channel, Submitter::Public), ModerationStatus::Pending);
        }
        assert_eq!(initial_status(Channel::Questionnaire, Submitter::InvitedOrganisation), ModerationStatus::Accepted);
    }
}
