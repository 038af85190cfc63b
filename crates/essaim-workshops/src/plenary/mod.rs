//! The plenary (docs/plenary.md). Part 1 presents the proposed orientations of each theme on
//! the projection screen ([`projection`]); part 2 puts them to the room: per orientation a
//! facilitator opens and closes the vote ([`run`]), participants vote from their phones
//! through the plenary's short address and QR code ([`votes`], [`devices`]), and the
//! facilitator records the room's verdict and the amendments retained, which become
//! contributions of the channel *débat en plénière*. What other modules need of it (the
//! outcome per orientation, for the draft strategy) is read through
//! `essaim_core::domain::plenary`.

pub mod cards;
pub mod codes;
pub mod demo;
pub mod devices;
pub mod projection;
pub mod results;
pub mod room;
pub mod run;
pub mod setup;
pub mod votes;

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::consultation::Consultation;
use essaim_core::domain::orientation::{find_orientation, Orientation};
use essaim_core::domain::plenary::{plenary_by_code, plenary_of, Plenary, ResultsMode};
use essaim_core::domain::{Account, OrientationStatus, Role};
use essaim_core::schema::{consultations, plenaries};
use essaim_core::CoreError;

use crate::stands::code::{new_code, normalize_code};
use crate::WorkshopError;

pub use essaim_core::domain::plenary::{Judgement, PlenaryItem, Tally, VoteState};

/// Result of the plenary's functions; the refusals are the module's ([`WorkshopError`]).
pub type PlenaryResult<T> = Result<T, WorkshopError>;

/// Staff, administrators and facilitators run a plenary (open and close votes, record
/// verdicts and amendments). Any facilitator may: a plenary has no assigned facilitators.
pub fn may_run(account: &Account) -> bool {
    matches!(account.role, Role::Admin | Role::Staff | Role::Facilitator)
}

/// Staff and administrators set a plenary up (create it, choose when results show).
pub fn may_set_up(account: &Account) -> bool {
    matches!(account.role, Role::Admin | Role::Staff)
}

fn check_runner(account: &Account) -> PlenaryResult<()> {
    if may_run(account) {
        Ok(())
    } else {
        Err(WorkshopError::Forbidden)
    }
}

/// The plenary at a code as typed (any case, spaces and dashes ignored); unknown is `NotFound`.
pub fn plenary_at(conn: &mut DbConnection, raw: &str) -> PlenaryResult<Plenary> {
    let Some(code) = normalize_code(raw) else { return Err(WorkshopError::NotFound) };
    plenary_by_code(conn, &code).map_err(|e| match e {
        CoreError::NotFound(_) => WorkshopError::NotFound,
        other => other.into(),
    })
}

/// The consultation of a plenary.
pub fn consultation_of(conn: &mut DbConnection, plenary: &Plenary) -> PlenaryResult<Consultation> {
    consultations::table
        .find(plenary.consultation_id)
        .select(Consultation::as_select())
        .first(conn)
        .optional()?
        .ok_or(WorkshopError::NotFound)
}

/// A draft orientation of the plenary's consultation (discarded ones are not put to the vote).
pub fn orientation_of(conn: &mut DbConnection, plenary: &Plenary, orientation: Id) -> PlenaryResult<Orientation> {
    match find_orientation(conn, orientation)? {
        Some(o) if o.consultation_id == plenary.consultation_id && o.status == OrientationStatus::Draft => Ok(o),
        _ => Err(WorkshopError::NotFound),
    }
}

fn unused_code(conn: &mut DbConnection) -> PlenaryResult<String> {
    for _ in 0..20 {
        let candidate = new_code();
        let taken: i64 = plenaries::table.filter(plenaries::code.eq(&candidate)).count().get_result(conn)?;
        if taken == 0 {
            return Ok(candidate);
        }
    }
    Err(CoreError::Internal("aucun code de plénière libre après 20 tirages".into()).into())
}

/// The consultation's plenary, made now (with a fresh code, results shown live) if it has
/// none; `actor` is audited (none for the demo seed). Only staff set a plenary up.
pub fn ensure_plenary(
    conn: &mut DbConnection,
    consultation: &Consultation,
    actor: Option<&Account>,
) -> PlenaryResult<Plenary> {
    if let Some(actor) = actor {
        if !may_set_up(actor) {
            return Err(WorkshopError::Forbidden);
        }
    }
    write_transaction(conn, |conn| {
        if let Some(existing) = plenary_of(conn, consultation.id)? {
            return Ok(existing);
        }
        let at = now();
        let plenary = Plenary {
            id: Id::new(),
            consultation_id: consultation.id,
            code: unused_code(conn)?,
            results_mode: ResultsMode::Live,
            created_at: at,
            updated_at: at,
            attendance: None,
            codes_required: false,
        };
        diesel::insert_into(plenaries::table).values(plenary.clone()).execute(conn)?;
        if let Some(actor) = actor {
            record(
                conn,
                AuditEvent::new(Some(actor.id), "plenary.create", "plenary", Some(plenary.id.to_string()))
                    .with_details(serde_json::json!({ "code": plenary.code, "consultation": consultation.slug })),
            )?;
        }
        Ok(plenary)
    })
}

/// Sets when the counts show (live, or once the vote is closed), audited. Staff only.
pub fn set_results_mode(
    conn: &mut DbConnection,
    plenary: &Plenary,
    mode: ResultsMode,
    actor: &Account,
) -> PlenaryResult<Plenary> {
    if !may_set_up(actor) {
        return Err(WorkshopError::Forbidden);
    }
    write_transaction(conn, |conn| {
        if plenary.results_mode != mode {
            diesel::update(plenaries::table.find(plenary.id))
                .set((plenaries::results_mode.eq(mode), plenaries::updated_at.eq(now())))
                .execute(conn)?;
            record(
                conn,
                AuditEvent::new(Some(actor.id), "plenary.settings", "plenary", Some(plenary.id.to_string()))
                    .with_details(serde_json::json!({
                        "before": plenary.results_mode.as_str(), "after": mode.as_str()
                    })),
            )?;
        }
        Ok(plenaries::table.find(plenary.id).select(Plenary::as_select()).first(conn)?)
    })
}

/// Whether the counts of an item may be shown to the room now.
pub fn counts_visible(plenary: &Plenary, state: VoteState) -> bool {
    plenary.results_mode == ResultsMode::Live || state == VoteState::Closed
}

/// Where the vote on one orientation stands, as the tally shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveTally {
    /// Its item, once its vote was opened.
    pub item: Option<PlenaryItem>,
    /// The votes cast.
    pub tally: Tally,
    /// Whether the counts may be shown to the room now ([`counts_visible`]).
    pub shown: bool,
}

/// The tally of one orientation of the plenary, in two small queries (the tally stream polls
/// it). The orientation is not checked here: callers checked it once.
pub fn live_tally(conn: &mut DbConnection, plenary: &Plenary, orientation: Id) -> PlenaryResult<LiveTally> {
    let item = essaim_core::domain::plenary::item_of(conn, plenary.id, orientation)?;
    let tally = match &item {
        Some(item) => essaim_core::domain::plenary::tally(conn, item.id)?,
        None => Tally::default(),
    };
    let shown = item.as_ref().is_some_and(|i| counts_visible(plenary, i.vote_state));
    Ok(LiveTally { item, tally, shown })
}

/// An address as typed from a screen: without `https://`.
pub fn short_address(address: &str) -> String {
    address.trim_start_matches("https://").trim_start_matches("http://").to_owned()
}

pub(crate) fn runner(account: &Account) -> PlenaryResult<()> {
    check_runner(account)
}

#[cfg(test)]
mod tests;
