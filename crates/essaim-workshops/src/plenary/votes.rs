//! Votes from the participants' phones: confirmée, à amender or non confirmée, with an optional
//! amendment. One vote per device and orientation (`UNIQUE (item_id, device_id)`): a device
//! voting again changes its vote, until the vote closes; a replayed request is the same device,
//! so it updates, never adds. A vote is taken in two steps so the server can store it in its
//! group commit: [`prepare_vote`] reads and checks (no write), [`store_vote`] counts the attempt
//! against the limits, re-checks that the vote is still open under the item's row lock, and
//! writes.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::upsert::excluded;
use essaim_core::clock::now;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::plenary::{item_of, Plenary};
use essaim_core::domain::throttle::{hit, throttle_key, Limit, Verdict};
use essaim_core::schema::{plenary_items, plenary_votes};
use essaim_core::{CoreError, ValidationErrors};
use serde::Serialize;

use super::codes::{may_vote, redeem, Redeemed};
use super::devices::{device_of, DEVICES_PER_ADDRESS};
use super::{orientation_of, plenary_at, Judgement, PlenaryResult, VoteState};
use crate::WorkshopError;

/// Longest amendment typed on a phone.
pub const MAX_AMENDMENT_CHARS: usize = 2_000;

/// How often one device, and one address, may vote (changes included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteLimits {
    /// Votes of one device per window: someone changes their mind a few times per
    /// orientation; a script sends hundreds.
    pub per_device: Limit,
    /// Votes from one network address per window: a venue's Wi-Fi puts the whole room behind
    /// one address, so this stops a flood, not a crowd.
    pub per_address: Limit,
    /// Devices made from one address per window.
    pub devices_per_address: Limit,
}

impl Default for VoteLimits {
    fn default() -> Self {
        VoteLimits {
            per_device: Limit { max: 60, window_secs: 600 },
            per_address: Limit { max: 5_000, window_secs: 600 },
            devices_per_address: DEVICES_PER_ADDRESS,
        }
    }
}

impl VoteLimits {
    /// Reads `DEVICE,ADDRESS[,DEVICES]` (per ten minutes), e.g. `60,5000,2000`; the defaults
    /// for what is left out. `None` when it does not read.
    pub fn parse(raw: &str) -> Option<VoteLimits> {
        let mut limits = VoteLimits::default();
        let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
        if parts.is_empty() || parts.len() > 3 {
            return None;
        }
        let slots = [&mut limits.per_device, &mut limits.per_address, &mut limits.devices_per_address];
        for (slot, part) in slots.into_iter().zip(parts) {
            slot.max = part.parse::<i32>().ok().filter(|n| *n > 0)?;
        }
        Some(limits)
    }
}

/// A vote as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ballot {
    /// `confirmed`, `to_amend` or `not_confirmed`.
    pub choice: String,
    /// An optional amendment.
    pub amendment: String,
    /// A voting code to redeem first, when the plenary requires one and the device holds none
    /// (an API client sends it with its first vote; the vote page redeems it on its own form).
    pub voting_code: String,
}

/// A vote checked and ready to store.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedVote {
    /// The plenary.
    pub plenary: Plenary,
    /// The item voted on.
    pub item_id: Id,
    /// The orientation.
    pub orientation_id: Id,
    /// The device voting.
    pub device_id: Id,
    /// The choice.
    pub choice: Judgement,
    /// The amendment, if any.
    pub amendment: Option<String>,
    /// The voting code to redeem before the vote is stored (see [`Ballot::voting_code`]).
    pub redeem: Option<String>,
}

/// A stored vote.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = plenary_votes)]
pub struct Vote {
    /// Identifier.
    pub id: Id,
    /// The item.
    pub item_id: Id,
    /// The device.
    pub device_id: Id,
    /// The choice's code.
    pub choice: String,
    /// The amendment.
    pub amendment: Option<String>,
    /// First cast.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

impl Vote {
    /// The choice.
    pub fn judgement(&self) -> Option<Judgement> {
        Judgement::parse(&self.choice)
    }
}

/// What [`store_vote`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VoteOutcome {
    /// The device's first vote on this orientation.
    New(Vote),
    /// The device had voted: its vote is changed (the same row).
    Changed(Vote),
    /// Over a limit: nothing stored; try again in this many seconds.
    Limited {
        /// Seconds until the window ends.
        retry_after_secs: i64,
    },
    /// The vote closed before this one was stored: nothing stored.
    Closed,
}

/// Checks a ballot: the choice, and an amendment within [`MAX_AMENDMENT_CHARS`]. French
/// messages field by field (`choice`, `amendment`).
pub fn check_ballot(ballot: &Ballot) -> Result<(Judgement, Option<String>), ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let choice = Judgement::parse(ballot.choice.trim());
    if choice.is_none() {
        errors.add("choice", "Choisissez : confirmée, à amender ou non confirmée.");
    }
    let cleaned = ballot.amendment.replace("\r\n", "\n");
    let cleaned = essaim_core::text::clean(&cleaned);
    let amendment = cleaned.trim();
    let chars = amendment.chars().count();
    if chars > MAX_AMENDMENT_CHARS {
        errors.add(
            "amendment",
            format!("L'amendement compte {chars} caractères, {MAX_AMENDMENT_CHARS} au plus : raccourcissez-le."),
        );
    }
    let Some(choice) = choice.filter(|_| errors.is_empty()) else { return Err(errors) };
    Ok((choice, (!amendment.is_empty()).then(|| amendment.to_owned())))
}

/// Reads and checks a vote without writing: the plenary at `code`, a draft orientation of it
/// whose vote is open, the device holding `token` (and a voting code, when the plenary requires
/// one), the ballot. Refusals: `NotFound` (code, orientation), `UnknownDevice`, `CodeRequired`,
/// `VoteClosed` / `State` (not open), `Core(Validation)`.
pub fn prepare_vote(
    conn: &mut DbConnection,
    code: &str,
    orientation: Id,
    token: &str,
    ballot: &Ballot,
) -> PlenaryResult<PreparedVote> {
    let plenary = plenary_at(conn, code)?;
    orientation_of(conn, &plenary, orientation)?;
    let (choice, amendment) = check_ballot(ballot).map_err(CoreError::Validation)?;
    let device_id = device_of(conn, plenary.id, token)?.ok_or(WorkshopError::UnknownDevice)?;
    let redeem = match may_vote(conn, &plenary, device_id)? {
        true => None,
        false if ballot.voting_code.trim().is_empty() => return Err(WorkshopError::CodeRequired),
        false => Some(ballot.voting_code.clone()),
    };
    let item = item_of(conn, plenary.id, orientation)?
        .ok_or_else(|| WorkshopError::State("Le vote sur cette orientation n'est pas encore ouvert.".into()))?;
    if item.vote_state != VoteState::Open {
        return Err(WorkshopError::VoteClosed);
    }
    Ok(PreparedVote { plenary, item_id: item.id, orientation_id: orientation, device_id, choice, amendment, redeem })
}

/// Whether the vote on `item` is open, holding it open until the caller's transaction ends.
/// On PostgreSQL a shared row lock (`FOR SHARE`): a close (an `UPDATE` of the row) waits for
/// every vote in flight, or the vote sees it closed; votes do not wait on each other, so the
/// committing threads' batches of votes on one item commit side by side (an exclusive lock,
/// as a conditional `UPDATE` takes, made each wait for the other's commit). SQLite has one
/// writer at a time: the batch's write transaction already holds the close back.
fn still_open(conn: &mut DbConnection, item: Id) -> PlenaryResult<bool> {
    let open = plenary_items::table
        .filter(plenary_items::id.eq(item))
        .filter(plenary_items::vote_state.eq(VoteState::Open))
        .select(plenary_items::id);
    let found = match conn {
        DbConnection::Postgresql(c) => open.for_share().first::<Id>(c).optional()?,
        DbConnection::Sqlite(c) => open.first::<Id>(c).optional()?,
    };
    Ok(found.is_some())
}

/// Stores a prepared vote (in the caller's transaction: the group commit's savepoint). The
/// attempt is counted first, so a flood stays refused; then the item is checked open and held
/// so ([`still_open`]); then one upsert on `(item_id, device_id)` keeps one vote per device. A voting code sent with the vote is
/// redeemed first, in the same transaction: refused, nothing is stored.
pub fn store_vote(
    conn: &mut DbConnection,
    vote: &PreparedVote,
    address: &str,
    limits: VoteLimits,
) -> PlenaryResult<VoteOutcome> {
    if let Some(code) = &vote.redeem {
        if let Redeemed::Limited { retry_after_secs } = redeem(conn, vote.plenary.id, vote.device_id, code, address)? {
            return Ok(VoteOutcome::Limited { retry_after_secs });
        }
    }
    let device_key = throttle_key("plenary-vote-device", &vote.device_id.to_string());
    if let Verdict::Refused { retry_after_secs } = hit(conn, &device_key, limits.per_device)? {
        return Ok(VoteOutcome::Limited { retry_after_secs });
    }
    if let Verdict::Refused { retry_after_secs } =
        hit(conn, &throttle_key("plenary-vote-address", address), limits.per_address)?
    {
        return Ok(VoteOutcome::Limited { retry_after_secs });
    }
    if !still_open(conn, vote.item_id)? {
        return Ok(VoteOutcome::Closed);
    }
    let existing = plenary_votes::table
        .filter(plenary_votes::item_id.eq(vote.item_id))
        .filter(plenary_votes::device_id.eq(vote.device_id))
        .select(plenary_votes::id)
        .first::<Id>(conn)
        .optional()?;
    let at = now();
    let row = (
        plenary_votes::id.eq(Id::new()),
        plenary_votes::item_id.eq(vote.item_id),
        plenary_votes::device_id.eq(vote.device_id),
        plenary_votes::choice.eq(vote.choice),
        plenary_votes::amendment.eq(vote.amendment.clone()),
        plenary_votes::created_at.eq(at),
        plenary_votes::updated_at.eq(at),
    );
    let change = (
        plenary_votes::choice.eq(excluded(plenary_votes::choice)),
        plenary_votes::amendment.eq(excluded(plenary_votes::amendment)),
        plenary_votes::updated_at.eq(excluded(plenary_votes::updated_at)),
    );
    // One statement whatever races: the unique (item, device) turns a second insert into an update.
    match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(plenary_votes::table)
            .values(row)
            .on_conflict((plenary_votes::item_id, plenary_votes::device_id))
            .do_update()
            .set(change)
            .execute(c)?,
        DbConnection::Postgresql(c) => diesel::insert_into(plenary_votes::table)
            .values(row)
            .on_conflict((plenary_votes::item_id, plenary_votes::device_id))
            .do_update()
            .set(change)
            .execute(c)?,
    };
    let stored = vote_of(conn, vote.item_id, vote.device_id)?
        .ok_or_else(|| CoreError::Internal("vote enregistré introuvable".into()))?;
    Ok(if existing.is_some() { VoteOutcome::Changed(stored) } else { VoteOutcome::New(stored) })
}

/// The vote of a device on an item, if it voted.
pub fn vote_of(conn: &mut DbConnection, item: Id, device: Id) -> PlenaryResult<Option<Vote>> {
    Ok(plenary_votes::table
        .filter(plenary_votes::item_id.eq(item))
        .filter(plenary_votes::device_id.eq(device))
        .select(Vote::as_select())
        .first(conn)
        .optional()?)
}

/// The votes of an item that carry an amendment, oldest first (the facilitator chooses the
/// ones to retain).
pub fn amendments_proposed(conn: &mut DbConnection, item: Id) -> PlenaryResult<Vec<Vote>> {
    Ok(plenary_votes::table
        .filter(plenary_votes::item_id.eq(item))
        .filter(plenary_votes::amendment.is_not_null())
        .order(plenary_votes::created_at.asc())
        .select(Vote::as_select())
        .load(conn)?)
}

/// Casts a vote in one go (prepare, then store in a transaction): the command line, the tests.
pub fn cast_vote(
    conn: &mut DbConnection,
    code: &str,
    orientation: Id,
    token: &str,
    ballot: &Ballot,
    address: &str,
    limits: VoteLimits,
) -> PlenaryResult<VoteOutcome> {
    let prepared = prepare_vote(conn, code, orientation, token, ballot)?;
    essaim_core::db::write_transaction(conn, |conn| store_vote(conn, &prepared, address, limits))
}

/// The limits of this process: `ESSAIM_PLENARY_LIMITS` (docs/plenary.md), else the defaults.
pub fn limits_from_env() -> VoteLimits {
    std::env::var("ESSAIM_PLENARY_LIMITS").ok().and_then(|raw| VoteLimits::parse(&raw)).unwrap_or_default()
}
