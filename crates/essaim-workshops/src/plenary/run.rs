//! Running part 2 of the plenary: a facilitator (or staff) opens the vote on an orientation,
//! closes it, records the room's verdict and retains amendments — those proposed from the
//! phones, and those heard in the room. Each retained amendment becomes a contribution
//! (channel *débat en plénière*, kind proposition, the orientation's theme) recorded through
//! the core's one entry point and linked to its orientation. Every action is audited.

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::contribution::{record_contribution, NewContribution, Recorded, Submitter};
use essaim_core::domain::plenary::{item_of, tally, Plenary};
use essaim_core::domain::{Account, Channel, ContributionKind};
use essaim_core::schema::{plenary_amendments, plenary_items, plenary_votes};
use essaim_core::{CoreError, ValidationErrors};

use super::votes::{Vote, MAX_AMENDMENT_CHARS};
use super::{orientation_of, runner, Judgement, PlenaryItem, PlenaryResult, VoteState};
use crate::WorkshopError;

fn audit(
    conn: &mut DbConnection,
    actor: &Account,
    action: &'static str,
    item: &PlenaryItem,
    details: serde_json::Value,
) -> PlenaryResult<()> {
    let mut details = details;
    details["orientation"] = serde_json::json!(item.orientation_id.to_string());
    record(
        conn,
        AuditEvent::new(Some(actor.id), action, "plenary_item", Some(item.id.to_string())).with_details(details),
    )?;
    Ok(())
}

fn reload(conn: &mut DbConnection, item: Id) -> PlenaryResult<PlenaryItem> {
    Ok(plenary_items::table.find(item).select(PlenaryItem::as_select()).first(conn)?)
}

/// Opens the vote on a draft orientation of the plenary's consultation (made an item of the
/// plenary the first time; a closed vote is opened again, its votes kept). Opening an open
/// vote changes nothing.
pub fn open_vote(
    conn: &mut DbConnection,
    plenary: &Plenary,
    orientation: Id,
    actor: &Account,
) -> PlenaryResult<PlenaryItem> {
    runner(actor)?;
    orientation_of(conn, plenary, orientation)?;
    write_transaction(conn, |conn| {
        let at = now();
        match item_of(conn, plenary.id, orientation)? {
            Some(item) if item.vote_state == VoteState::Open => Ok(item),
            Some(item) => {
                diesel::update(plenary_items::table.find(item.id))
                    .set((
                        plenary_items::vote_state.eq(VoteState::Open),
                        plenary_items::opened_at.eq(at),
                        plenary_items::closed_at.eq(None::<chrono::NaiveDateTime>),
                    ))
                    .execute(conn)?;
                audit(conn, actor, "plenary.vote.reopen", &item, serde_json::json!({ "closed_at": item.closed_at }))?;
                reload(conn, item.id)
            }
            None => {
                let item = PlenaryItem {
                    id: Id::new(),
                    plenary_id: plenary.id,
                    orientation_id: orientation,
                    vote_state: VoteState::Open,
                    opened_at: at,
                    closed_at: None,
                    verdict_code: None,
                    verdict_at: None,
                    verdict_by: None,
                };
                diesel::insert_into(plenary_items::table).values(item.clone()).execute(conn)?;
                audit(conn, actor, "plenary.vote.open", &item, serde_json::json!({}))?;
                Ok(item)
            }
        }
    })
}

/// Closes the vote on an orientation: from now on a vote is refused. Closing a closed vote
/// changes nothing; one never opened is `State`.
pub fn close_vote(
    conn: &mut DbConnection,
    plenary: &Plenary,
    orientation: Id,
    actor: &Account,
) -> PlenaryResult<PlenaryItem> {
    runner(actor)?;
    orientation_of(conn, plenary, orientation)?;
    write_transaction(conn, |conn| {
        let item = item_of(conn, plenary.id, orientation)?
            .ok_or_else(|| WorkshopError::State("Le vote sur cette orientation n'a pas été ouvert.".into()))?;
        if item.vote_state == VoteState::Closed {
            return Ok(item);
        }
        diesel::update(plenary_items::table.find(item.id))
            .set((plenary_items::vote_state.eq(VoteState::Closed), plenary_items::closed_at.eq(Some(now()))))
            .execute(conn)?;
        let counts = tally(conn, item.id)?;
        audit(conn, actor, "plenary.vote.close", &item, serde_json::json!({ "tally": counts }))?;
        reload(conn, item.id)
    })
}

/// Records the room's verdict on an orientation, with its time (audited with the one it
/// replaces). Refused while its vote is open; an orientation never put to the phones' vote
/// (a show of hands) gets its item now, closed.
pub fn record_verdict(
    conn: &mut DbConnection,
    plenary: &Plenary,
    orientation: Id,
    verdict: Judgement,
    actor: &Account,
) -> PlenaryResult<PlenaryItem> {
    runner(actor)?;
    orientation_of(conn, plenary, orientation)?;
    write_transaction(conn, |conn| {
        let at = now();
        let item = match item_of(conn, plenary.id, orientation)? {
            Some(item) if item.vote_state == VoteState::Open => {
                return Err(WorkshopError::State(
                    "Clôturez d'abord le vote : le verdict de la salle s'enregistre une fois le vote clos.".into(),
                ))
            }
            Some(item) => item,
            None => {
                let item = PlenaryItem {
                    id: Id::new(),
                    plenary_id: plenary.id,
                    orientation_id: orientation,
                    vote_state: VoteState::Closed,
                    opened_at: at,
                    closed_at: Some(at),
                    verdict_code: None,
                    verdict_at: None,
                    verdict_by: None,
                };
                diesel::insert_into(plenary_items::table).values(item.clone()).execute(conn)?;
                item
            }
        };
        diesel::update(plenary_items::table.find(item.id))
            .set((
                plenary_items::verdict.eq(Some(verdict.as_str())),
                plenary_items::verdict_at.eq(Some(at)),
                plenary_items::verdict_by.eq(Some(actor.id)),
            ))
            .execute(conn)?;
        let counts = tally(conn, item.id)?;
        audit(
            conn,
            actor,
            "plenary.verdict",
            &item,
            serde_json::json!({ "before": item.verdict_code, "after": verdict.as_str(), "tally": counts }),
        )?;
        reload(conn, item.id)
    })
}

/// What the facilitator retains: amendments proposed with votes (their ids) and, optionally,
/// one heard in the room, typed, with the form's key so a resent form records it once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Retained {
    /// Votes whose amendment is retained.
    pub votes: Vec<Id>,
    /// An amendment typed by the facilitator (empty: none).
    pub typed: String,
    /// The key of the form it was typed in.
    pub key: String,
}

/// Retains amendments for an orientation; returns how many became contributions now (one
/// already retained is not counted twice). The vote need not be closed: the room may retain an
/// amendment while others still vote.
pub fn retain_amendments(
    conn: &mut DbConnection,
    plenary: &Plenary,
    orientation: Id,
    retained: &Retained,
    actor: &Account,
) -> PlenaryResult<usize> {
    runner(actor)?;
    let orientation = orientation_of(conn, plenary, orientation)?;
    let typed = retained.typed.trim();
    if retained.votes.is_empty() && typed.is_empty() {
        // "Retenir" with nothing ticked nor typed: saying it worked would hide a missed click.
        let mut errors = ValidationErrors::default();
        errors.add(
            "retenir",
            "Aucun amendement à retenir : cochez un amendement proposé ou saisissez celui entendu dans la salle.",
        );
        return Err(CoreError::Validation(errors).into());
    }
    if typed.chars().count() > MAX_AMENDMENT_CHARS {
        let mut errors = ValidationErrors::default();
        errors.add("typed", format!("L'amendement compte au plus {MAX_AMENDMENT_CHARS} caractères."));
        return Err(CoreError::Validation(errors).into());
    }
    write_transaction(conn, |conn| {
        let item = match item_of(conn, plenary.id, orientation.id)? {
            Some(item) => item,
            None => return Err(WorkshopError::State("Ouvrez d'abord le vote sur cette orientation.".into())),
        };
        let mut texts: Vec<(Option<Id>, String, String)> = Vec::new();
        for vote_id in &retained.votes {
            let vote: Option<Vote> = plenary_votes::table
                .find(*vote_id)
                .filter(plenary_votes::item_id.eq(item.id))
                .select(Vote::as_select())
                .first(conn)
                .optional()?;
            let Some(vote) = vote else { return Err(WorkshopError::NotFound) };
            if let Some(text) = vote.amendment.clone() {
                texts.push((Some(vote.id), text, format!("pleniere-vote:{}", vote.id)));
            }
        }
        if !typed.is_empty() {
            let key =
                if retained.key.trim().is_empty() { Id::new().to_string() } else { retained.key.trim().to_owned() };
            texts.push((None, typed.to_owned(), format!("pleniere-salle:{key}")));
        }
        let mut made = 0;
        for (vote_id, text, key) in texts {
            if let Some(vote_id) = vote_id {
                let already: i64 = plenary_amendments::table
                    .filter(plenary_amendments::vote_id.eq(vote_id))
                    .count()
                    .get_result(conn)?;
                if already > 0 {
                    continue;
                }
            }
            let input = NewContribution::new(
                plenary.consultation_id,
                Channel::PlenaryDebate,
                ContributionKind::Proposition,
                text,
                Submitter::Account(actor.id),
            )
            .theme(orientation.theme_id)
            .idempotency_key(key);
            let Recorded::New(contribution) = record_contribution(conn, input)? else { continue };
            diesel::insert_into(plenary_amendments::table)
                .values((
                    plenary_amendments::contribution_id.eq(contribution.id),
                    plenary_amendments::item_id.eq(item.id),
                    plenary_amendments::orientation_id.eq(orientation.id),
                    plenary_amendments::vote_id.eq(vote_id),
                    plenary_amendments::retained_by.eq(Some(actor.id)),
                    plenary_amendments::retained_at.eq(now()),
                ))
                .execute(conn)?;
            audit(
                conn,
                actor,
                "plenary.amendment.retain",
                &item,
                serde_json::json!({ "contribution": contribution.id.to_string(), "vote": vote_id.map(|v| v.to_string()) }),
            )?;
            made += 1;
        }
        Ok(made)
    })
}

/// The votes whose amendment was already retained, among an item's.
pub fn retained_vote_ids(conn: &mut DbConnection, item: Id) -> PlenaryResult<Vec<Id>> {
    Ok(plenary_amendments::table
        .filter(plenary_amendments::item_id.eq(item))
        .filter(plenary_amendments::vote_id.is_not_null())
        .select(plenary_amendments::vote_id.assume_not_null())
        .load(conn)?)
}
