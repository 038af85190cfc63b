//! What the facilitator sees beside a tally to judge whether it is the room's (docs/plenary.md):
//! the devices that voted against the room's head count, and bursts — votes sent within
//! seconds of their device's making, all alike. A person opens the page, reads the orientation
//! and chooses: that takes longer than [`FAST_SECS`]. A script that makes a device before
//! each vote does not, and its votes all say the same thing.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::plenary::{Judgement, Plenary};
use essaim_core::schema::{plenary_devices, plenary_votes};

use super::PlenaryResult;

/// A vote sent less than this many seconds after its device was made is fast.
pub const FAST_SECS: i64 = 3;
/// Fast votes alike, at least, before a burst is flagged (a few quick people are no burst)…
pub const BURST_MIN_VOTES: i64 = 10;
/// …and at least this share of the votes, in percent.
pub const BURST_MIN_SHARE: i64 = 10;

/// Fast votes alike: the likely work of a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Burst {
    /// How many.
    pub votes: i64,
    /// What they all chose.
    pub choice: Judgement,
}

/// The room beside one tally.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RoomCheck {
    /// Devices that voted on this orientation.
    pub voting_devices: i64,
    /// The room's head count, as entered.
    pub attendance: Option<i32>,
    /// Whether more devices voted than people are in the room.
    pub over_attendance: bool,
    /// A burst of fast votes alike, if any.
    pub burst: Option<Burst>,
}

impl RoomCheck {
    /// « 143 appareils ont voté, pour 150 présents. » (or without the head count).
    pub fn describe(&self) -> String {
        let devices = match self.voting_devices {
            0 => "Aucun appareil n'a voté".to_owned(),
            1 => "1 appareil a voté".to_owned(),
            n => format!("{n} appareils ont voté"),
        };
        match self.attendance {
            Some(n) => format!("{devices}, pour {n} présent{} dans la salle.", if n > 1 { "s" } else { "" }),
            None => format!("{devices} (nombre de présents non renseigné)."),
        }
    }

    /// The warnings to show the facilitator, in French (none when all looks like the room).
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        if self.over_attendance {
            warnings.push(
                "Plus d'appareils ont voté que de personnes présentes : des votes viennent d'ailleurs, ou de plusieurs appareils par personne. Pour un vote qui engage, exigez les codes de vote."
                    .to_owned(),
            );
        }
        if let Some(burst) = self.burst {
            warnings.push(format!(
                "{} votes « {} » ont été envoyés moins de {FAST_SECS} secondes après l'ouverture de leur page : envoi automatisé probable. Pour un vote qui engage, exigez les codes de vote.",
                burst.votes,
                burst.choice.label()
            ));
        }
        warnings
    }
}

/// The room check of one item of `plenary` (`item`: none before its vote was ever opened).
pub fn room_check(conn: &mut DbConnection, plenary: &Plenary, item: Option<Id>) -> PlenaryResult<RoomCheck> {
    let mut check = RoomCheck { attendance: plenary.attendance, ..Default::default() };
    let Some(item) = item else { return Ok(check) };
    let votes: Vec<(String, NaiveDateTime, NaiveDateTime)> = plenary_votes::table
        .inner_join(plenary_devices::table)
        .filter(plenary_votes::item_id.eq(item))
        .select((plenary_votes::choice, plenary_votes::created_at, plenary_devices::created_at))
        .load(conn)?;
    check.voting_devices = votes.len() as i64;
    check.over_attendance = plenary.attendance.is_some_and(|n| check.voting_devices > i64::from(n));
    let mut fast = [0i64; 3];
    for (choice, cast, made) in &votes {
        if (*cast - *made).num_seconds() < FAST_SECS {
            if let Some(at) = Judgement::ALL.iter().position(|j| Some(*j) == Judgement::parse(choice)) {
                fast[at] += 1;
            }
        }
    }
    let (at, most) = fast.iter().enumerate().max_by_key(|(_, n)| **n).map(|(at, n)| (at, *n)).unwrap_or((0, 0));
    if most >= BURST_MIN_VOTES && most * 100 >= BURST_MIN_SHARE * check.voting_devices {
        check.burst = Some(Burst { votes: most, choice: Judgement::ALL[at] });
    }
    Ok(check)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plenary::codes::set_voting;
    use crate::plenary::run::open_vote;
    use crate::plenary::tests::{device, setup};
    use crate::plenary::votes::{cast_vote, Ballot, VoteLimits};
    use essaim_core::domain::plenary::item_of;
    use essaim_core::testing::TestDb;

    #[test]
    fn votes_sent_as_their_devices_are_made_are_a_burst_and_devices_beyond_the_room_are_said() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (plenary, o, staff) = setup(&mut conn);
        let plenary = set_voting(&mut conn, &plenary, Some(12), false, &staff).unwrap();
        open_vote(&mut conn, &plenary, o.id, &staff).unwrap();
        let item = item_of(&mut conn, plenary.id, o.id).unwrap().map(|i| i.id);
        let vote = |conn: &mut DbConnection, choice: &str| {
            let token = device(conn, &plenary);
            let ballot = Ballot { choice: choice.into(), ..Ballot::default() };
            cast_vote(conn, &plenary.code, o.id, &token, &ballot, "192.0.2.1", VoteLimits::default()).unwrap();
        };
        // People: devices made a minute before their vote (the page opened, then read).
        for choice in ["confirmed", "to_amend", "confirmed"] {
            vote(&mut conn, choice);
        }
        diesel::update(plenary_devices::table)
            .set(plenary_devices::created_at.eq(essaim_core::clock::now() - chrono::Duration::minutes(1)))
            .execute(&mut conn)
            .unwrap();
        let calm = room_check(&mut conn, &plenary, item).unwrap();
        assert_eq!((calm.voting_devices, calm.burst, calm.over_attendance), (3, None, false));
        assert!(calm.warnings().is_empty());
        assert_eq!(calm.describe(), "3 appareils ont voté, pour 12 présents dans la salle.");
        // A script: a device, then at once its vote, all alike.
        for _ in 0..BURST_MIN_VOTES {
            vote(&mut conn, "not_confirmed");
        }
        let check = room_check(&mut conn, &plenary, item).unwrap();
        assert_eq!(check.burst, Some(Burst { votes: BURST_MIN_VOTES, choice: Judgement::NotConfirmed }));
        assert!(check.over_attendance, "13 devices for 12 people");
        let warnings = check.warnings().join(" ");
        assert!(warnings.contains("10 votes « Non confirmée »") && warnings.contains("Plus d'appareils"), "{warnings}");
        assert_eq!(room_check(&mut conn, &plenary, None).unwrap().voting_devices, 0, "no vote opened yet");
    }
}
