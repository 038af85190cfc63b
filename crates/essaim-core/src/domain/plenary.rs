//! The plenary, as other modules read it: a consultation's plenary, the orientations put to
//! the vote, the tally of each, the room's verdict and the amendments retained. The plenary
//! itself (opening and closing votes, casting them, recording verdicts) is written by
//! `essaim-workshops`; the synthesis reads the outcome from here to carry it into the draft
//! strategy, since a module never reads another module's tables (docs/architecture.md).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{DbConnection, Id};
use crate::error::{CoreError, CoreResult};
use crate::schema::{contributions, plenaries, plenary_amendments, plenary_items, plenary_votes};

crate::text_enum! {
    /// What a participant votes, and what the room decides, for one orientation.
    Judgement {
        /// The orientation is confirmed as it stands.
        Confirmed => ("confirmed", "Confirmée"),
        /// The orientation is kept, to be amended.
        ToAmend => ("to_amend", "À amender"),
        /// The orientation is not confirmed.
        NotConfirmed => ("not_confirmed", "Non confirmée"),
    }
}

crate::text_enum! {
    /// When a plenary shows the counts of a vote.
    ResultsMode {
        /// While the vote is open, live.
        Live => ("live", "En direct, pendant le vote"),
        /// Only once the vote is closed.
        AfterClose => ("after_close", "Seulement après la clôture du vote"),
    }
}

crate::text_enum! {
    /// Where the vote on one orientation stands.
    VoteState {
        /// Participants may vote and change their vote.
        Open => ("open", "Vote ouvert"),
        /// Closed: votes are frozen.
        Closed => ("closed", "Vote clos"),
    }
}

/// A consultation's plenary.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = plenaries)]
pub struct Plenary {
    /// Identifier.
    pub id: Id,
    /// Its consultation (one plenary each).
    pub consultation_id: Id,
    /// The short code of its vote page (`/p/{code}`), in capitals.
    pub code: String,
    /// When counts are shown.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub results_mode: ResultsMode,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// The room's head count, as the staff entered it (voting codes are generated from it, and
    /// the tally compares the voting devices with it).
    pub attendance: Option<i32>,
    /// Whether a phone must redeem a personal voting code before it votes (a vote that binds).
    pub codes_required: bool,
}

impl Plenary {
    /// The path of its public vote page.
    pub fn path(&self) -> String {
        format!("/p/{}", self.code)
    }

    /// Its absolute vote address, from the configured public address (what its QR code encodes).
    pub fn address(&self, base_url: &str) -> String {
        format!("{}{}", base_url.trim_end_matches('/'), self.path())
    }
}

/// One orientation put to the vote in a plenary.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = plenary_items)]
pub struct PlenaryItem {
    /// Identifier.
    pub id: Id,
    /// The plenary.
    pub plenary_id: Id,
    /// The orientation voted on.
    pub orientation_id: Id,
    /// Open or closed.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub vote_state: VoteState,
    /// When its vote was (last) opened.
    pub opened_at: NaiveDateTime,
    /// When its vote was closed.
    pub closed_at: Option<NaiveDateTime>,
    /// The code of the room's verdict, once recorded ([`PlenaryItem::verdict`]).
    #[diesel(column_name = verdict)]
    pub verdict_code: Option<String>,
    /// When the verdict was recorded.
    pub verdict_at: Option<NaiveDateTime>,
    /// Who recorded it.
    pub verdict_by: Option<Id>,
}

impl PlenaryItem {
    /// The room's verdict, once recorded.
    pub fn verdict(&self) -> Option<Judgement> {
        self.verdict_code.as_deref().and_then(Judgement::parse)
    }
}

/// The votes on one orientation, by choice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Tally {
    /// Votes "confirmée".
    pub confirmed: i64,
    /// Votes "à amender".
    pub to_amend: i64,
    /// Votes "non confirmée".
    pub not_confirmed: i64,
}

impl Tally {
    /// Every vote.
    pub fn total(&self) -> i64 {
        self.confirmed + self.to_amend + self.not_confirmed
    }

    /// The count of one choice.
    pub fn of(&self, choice: Judgement) -> i64 {
        match choice {
            Judgement::Confirmed => self.confirmed,
            Judgement::ToAmend => self.to_amend,
            Judgement::NotConfirmed => self.not_confirmed,
        }
    }

    fn add(&mut self, choice: &str, n: i64) {
        match Judgement::parse(choice) {
            Some(Judgement::Confirmed) => self.confirmed += n,
            Some(Judgement::ToAmend) => self.to_amend += n,
            Some(Judgement::NotConfirmed) => self.not_confirmed += n,
            None => {}
        }
    }
}

/// The plenary of a consultation, if it has one.
pub fn plenary_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Option<Plenary>> {
    Ok(plenaries::table
        .filter(plenaries::consultation_id.eq(consultation))
        .select(Plenary::as_select())
        .first(conn)
        .optional()?)
}

/// The plenary at a code as stored (capitals); unknown is `NotFound`.
pub fn plenary_by_code(conn: &mut DbConnection, code: &str) -> CoreResult<Plenary> {
    plenaries::table
        .filter(plenaries::code.eq(code))
        .select(Plenary::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("plénière".into()))
}

/// Every item of a plenary, in the order their votes were first opened.
pub fn items_of(conn: &mut DbConnection, plenary: Id) -> CoreResult<Vec<PlenaryItem>> {
    Ok(plenary_items::table
        .filter(plenary_items::plenary_id.eq(plenary))
        .order(plenary_items::id.asc())
        .select(PlenaryItem::as_select())
        .load(conn)?)
}

/// The item of one orientation in a plenary, if its vote was ever opened (or a verdict given).
pub fn item_of(conn: &mut DbConnection, plenary: Id, orientation: Id) -> CoreResult<Option<PlenaryItem>> {
    Ok(plenary_items::table
        .filter(plenary_items::plenary_id.eq(plenary))
        .filter(plenary_items::orientation_id.eq(orientation))
        .select(PlenaryItem::as_select())
        .first(conn)
        .optional()?)
}

/// The votes on one item, counted by the database (one grouped query on the unique index).
pub fn tally(conn: &mut DbConnection, item: Id) -> CoreResult<Tally> {
    let rows: Vec<(String, i64)> = plenary_votes::table
        .filter(plenary_votes::item_id.eq(item))
        .group_by(plenary_votes::choice)
        .select((plenary_votes::choice, count_star()))
        .load(conn)?;
    let mut tally = Tally::default();
    for (choice, n) in rows {
        tally.add(&choice, n);
    }
    Ok(tally)
}

/// The votes on every item of a plenary, in one grouped query.
pub fn tallies_of(conn: &mut DbConnection, plenary: Id) -> CoreResult<HashMap<Id, Tally>> {
    let rows: Vec<(Id, String, i64)> = plenary_votes::table
        .inner_join(plenary_items::table)
        .filter(plenary_items::plenary_id.eq(plenary))
        .group_by((plenary_votes::item_id, plenary_votes::choice))
        .select((plenary_votes::item_id, plenary_votes::choice, count_star()))
        .load(conn)?;
    let mut out: HashMap<Id, Tally> = HashMap::new();
    for (item, choice, n) in rows {
        out.entry(item).or_default().add(&choice, n);
    }
    Ok(out)
}

/// An amendment retained for an orientation: the contribution it became.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RetainedAmendment {
    /// The contribution (channel plenary_debate).
    pub contribution_id: Id,
    /// Its text.
    pub text: String,
    /// The vote it was proposed with, when it came from a phone.
    pub vote_id: Option<Id>,
    /// When it was retained.
    pub retained_at: NaiveDateTime,
}

/// The amendments retained for one item, in the order they were retained.
pub fn retained_amendments(conn: &mut DbConnection, item: Id) -> CoreResult<Vec<RetainedAmendment>> {
    let rows: Vec<(Id, String, Option<Id>, NaiveDateTime)> = plenary_amendments::table
        .inner_join(contributions::table)
        .filter(plenary_amendments::item_id.eq(item))
        .order((plenary_amendments::retained_at.asc(), plenary_amendments::contribution_id.asc()))
        .select((
            plenary_amendments::contribution_id,
            contributions::body,
            plenary_amendments::vote_id,
            plenary_amendments::retained_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(contribution_id, text, vote_id, retained_at)| RetainedAmendment {
            contribution_id,
            text,
            vote_id,
            retained_at,
        })
        .collect())
}

/// What the plenary said of one orientation: for the draft strategy and its exports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrientationOutcome {
    /// Where its vote stands.
    pub vote_state: VoteState,
    /// When the vote closed.
    pub closed_at: Option<NaiveDateTime>,
    /// The votes cast.
    pub tally: Tally,
    /// The room's verdict, if recorded.
    pub verdict: Option<Judgement>,
    /// When it was recorded.
    pub verdict_at: Option<NaiveDateTime>,
    /// The texts of the amendments retained.
    pub amendments: Vec<String>,
}

/// The plenary's outcome for every orientation of a consultation put to it, by orientation
/// (none when the consultation has no plenary). A few queries whatever the number of votes.
pub fn outcomes_of_consultation(
    conn: &mut DbConnection,
    consultation: Id,
) -> CoreResult<HashMap<Id, OrientationOutcome>> {
    let Some(plenary) = plenary_of(conn, consultation)? else { return Ok(HashMap::new()) };
    let items = items_of(conn, plenary.id)?;
    let tallies = tallies_of(conn, plenary.id)?;
    let amendments: Vec<(Id, String)> = plenary_amendments::table
        .inner_join(contributions::table)
        .inner_join(plenary_items::table)
        .filter(plenary_items::plenary_id.eq(plenary.id))
        .order((plenary_amendments::retained_at.asc(), plenary_amendments::contribution_id.asc()))
        .select((plenary_amendments::item_id, contributions::body))
        .load(conn)?;
    let mut out = HashMap::new();
    for item in items {
        out.insert(
            item.orientation_id,
            OrientationOutcome {
                vote_state: item.vote_state,
                closed_at: item.closed_at,
                tally: tallies.get(&item.id).copied().unwrap_or_default(),
                verdict: item.verdict(),
                verdict_at: item.verdict_at,
                amendments: amendments.iter().filter(|(i, _)| *i == item.id).map(|(_, t)| t.clone()).collect(),
            },
        );
    }
    Ok(out)
}
