//! Voting codes, for a vote that binds (docs/plenary.md). A phone is free to get a device, so
//! devices alone cannot tell a room of 150 from a script voting 150 times. A plenary may
//! therefore require each phone to redeem a personal code first: the staff generate as many
//! codes as the room has attendees, print them on cards (or on badges, from the CSV), and hand
//! one to each person. A code is redeemed by one device only and a device holds one code, so the
//! unique (item, device) of the votes makes it one vote per code and orientation.
//!
//! Codes are kept in clear, as the plenary's own short code is: the staff print them again when
//! a card is lost. Eight characters of the stands' alphabet (31⁸ ≈ 8.5 × 10¹¹), typed with or
//! without the dash, and guesses are limited per device and per address.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::plenary::Plenary;
use essaim_core::domain::throttle::{hit, throttle_key, Limit, Verdict};
use essaim_core::domain::Account;
use essaim_core::schema::{plenaries, plenary_voting_codes};
use essaim_core::CoreError;
use rand::Rng;
use serde::Serialize;

use super::{may_set_up, PlenaryResult};
use crate::stands::code::ALPHABET;
use crate::WorkshopError;

/// Characters in a voting code (shown as two groups of four).
pub const VOTING_CODE_LEN: usize = 8;
/// Codes generated at once, at most (a regional plenary seats a few hundred).
pub const MAX_CODES_AT_ONCE: i32 = 3_000;
/// The largest head count a plenary takes.
pub const MAX_ATTENDANCE: i32 = 100_000;
/// Attempts at redeeming a code from one device per window: a typo or two, not a search.
pub const REDEEM_PER_DEVICE: Limit = Limit { max: 10, window_secs: 600 };
/// Attempts from one address per window (a venue's Wi-Fi: the whole room, a few tries each).
pub const REDEEM_PER_ADDRESS: Limit = Limit { max: 3_000, window_secs: 600 };

/// One voting code.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Serialize)]
#[diesel(table_name = plenary_voting_codes)]
pub struct VotingCode {
    /// Identifier.
    pub id: Id,
    /// The plenary.
    pub plenary_id: Id,
    /// The card's number (1, 2, … in the order generated).
    pub number: i32,
    /// The code, as stored (eight capitals and digits, no dash).
    pub code: String,
    /// The device that redeemed it.
    pub device_id: Option<Id>,
    /// Generated.
    pub created_at: NaiveDateTime,
    /// Redeemed.
    pub redeemed_at: Option<NaiveDateTime>,
}

impl VotingCode {
    /// The code as printed: `ABCD-EFGH`.
    pub fn printed(&self) -> String {
        printed(&self.code)
    }
}

/// `ABCDEFGH` as printed: `ABCD-EFGH`.
pub fn printed(code: &str) -> String {
    if code.len() == VOTING_CODE_LEN && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_owned()
    }
}

fn new_voting_code() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..VOTING_CODE_LEN).map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char).collect()
}

/// The code as stored, from what was typed (any case, spaces and dashes ignored); none if it
/// cannot be a voting code.
pub fn normalize_voting_code(raw: &str) -> Option<String> {
    let code: String =
        raw.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    (code.len() == VOTING_CODE_LEN && code.bytes().all(|b| ALPHABET.contains(&b))).then_some(code)
}

/// Sets the room's head count and whether votes need a code (staff), audited.
pub fn set_voting(
    conn: &mut DbConnection,
    plenary: &Plenary,
    attendance: Option<i32>,
    codes_required: bool,
    actor: &Account,
) -> PlenaryResult<Plenary> {
    if !may_set_up(actor) {
        return Err(WorkshopError::Forbidden);
    }
    if let Some(n) = attendance.filter(|n| !(1..=MAX_ATTENDANCE).contains(n)) {
        return Err(CoreError::invalid(
            "attendance",
            format!("{n} présents : indiquez un nombre entre 1 et {MAX_ATTENDANCE}, ou laissez vide."),
        )
        .into());
    }
    write_transaction(conn, |conn| {
        diesel::update(plenaries::table.find(plenary.id))
            .set((
                plenaries::attendance.eq(attendance),
                plenaries::codes_required.eq(codes_required),
                plenaries::updated_at.eq(now()),
            ))
            .execute(conn)?;
        record(
            conn,
            AuditEvent::new(Some(actor.id), "plenary.voting", "plenary", Some(plenary.id.to_string()))
                .with_details(serde_json::json!({ "attendance": attendance, "codes_required": codes_required })),
        )?;
        Ok(plenaries::table.find(plenary.id).select(Plenary::as_select()).first(conn)?)
    })
}

/// Generates `count` new codes (staff), numbered after those already made, audited (the codes
/// themselves are not written to the audit log).
pub fn generate_codes(
    conn: &mut DbConnection,
    plenary: &Plenary,
    count: i32,
    actor: &Account,
) -> PlenaryResult<Vec<VotingCode>> {
    if !may_set_up(actor) {
        return Err(WorkshopError::Forbidden);
    }
    if !(1..=MAX_CODES_AT_ONCE).contains(&count) {
        return Err(CoreError::invalid(
            "count",
            format!("{count} codes : générez entre 1 et {MAX_CODES_AT_ONCE} codes à la fois."),
        )
        .into());
    }
    write_transaction(conn, |conn| {
        let last: Option<i32> = plenary_voting_codes::table
            .filter(plenary_voting_codes::plenary_id.eq(plenary.id))
            .select(diesel::dsl::max(plenary_voting_codes::number))
            .first(conn)?;
        let mut taken: std::collections::HashSet<String> = plenary_voting_codes::table
            .filter(plenary_voting_codes::plenary_id.eq(plenary.id))
            .select(plenary_voting_codes::code)
            .load::<String>(conn)?
            .into_iter()
            .collect();
        let at = now();
        let mut made = Vec::with_capacity(count as usize);
        for n in 1..=count {
            let code = std::iter::repeat_with(new_voting_code).find(|c| !taken.contains(c)).unwrap_or_default();
            taken.insert(code.clone());
            made.push(VotingCode {
                id: Id::new(),
                plenary_id: plenary.id,
                number: last.unwrap_or(0) + n,
                code,
                device_id: None,
                created_at: at,
                redeemed_at: None,
            });
        }
        // Inserted in chunks: one statement per row would be hundreds of round trips.
        for chunk in made.chunks(200) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|c| {
                    (
                        plenary_voting_codes::id.eq(c.id),
                        plenary_voting_codes::plenary_id.eq(c.plenary_id),
                        plenary_voting_codes::number.eq(c.number),
                        plenary_voting_codes::code.eq(&c.code),
                        plenary_voting_codes::created_at.eq(c.created_at),
                    )
                })
                .collect();
            match conn {
                DbConnection::Sqlite(c) => {
                    diesel::insert_into(plenary_voting_codes::table).values(rows).execute(c)?;
                }
                DbConnection::Postgresql(c) => {
                    diesel::insert_into(plenary_voting_codes::table).values(rows).execute(c)?;
                }
            }
        }
        record(
            conn,
            AuditEvent::new(Some(actor.id), "plenary.codes", "plenary", Some(plenary.id.to_string())).with_details(
                serde_json::json!({ "generated": count, "first": last.unwrap_or(0) + 1, "last": last.unwrap_or(0) + count }),
            ),
        )?;
        Ok(made)
    })
}

/// Every code of a plenary, by number.
pub fn codes_of(conn: &mut DbConnection, plenary: Id) -> PlenaryResult<Vec<VotingCode>> {
    Ok(plenary_voting_codes::table
        .filter(plenary_voting_codes::plenary_id.eq(plenary))
        .order(plenary_voting_codes::number.asc())
        .select(VotingCode::as_select())
        .load(conn)?)
}

/// How many codes a plenary has, and how many were redeemed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CodeCounts {
    /// Generated.
    pub issued: i64,
    /// Redeemed by a phone.
    pub redeemed: i64,
}

/// The counts of a plenary's codes.
pub fn code_counts(conn: &mut DbConnection, plenary: Id) -> PlenaryResult<CodeCounts> {
    let mine = plenary_voting_codes::table.filter(plenary_voting_codes::plenary_id.eq(plenary));
    Ok(CodeCounts {
        issued: mine.count().get_result(conn)?,
        redeemed: mine.filter(plenary_voting_codes::device_id.is_not_null()).count().get_result(conn)?,
    })
}

/// The code a device redeemed, if any.
pub fn code_of_device(conn: &mut DbConnection, device: Id) -> PlenaryResult<Option<VotingCode>> {
    Ok(plenary_voting_codes::table
        .filter(plenary_voting_codes::device_id.eq(device))
        .select(VotingCode::as_select())
        .first(conn)
        .optional()?)
}

/// What [`redeem`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redeemed {
    /// The device holds this code now (or held it already).
    Held(VotingCode),
    /// Too many attempts: wait this many seconds.
    Limited {
        /// Seconds until the window ends.
        retry_after_secs: i64,
    },
}

/// The message of a code that is not accepted, on the field `voting_code`. One message for an
/// unknown code and a code redeemed elsewhere, so that trying codes tells nothing.
pub const REFUSED: &str = "Ce code de vote n'est pas valable pour cette plénière, ou il a déjà servi sur un autre téléphone : vérifiez le code de votre carte, ou demandez-en une autre à l'accueil.";

/// Redeems `raw` for `device` (in the caller's transaction, which writes first: the attempt is
/// counted, so guessing stays limited). A device that holds a code keeps it; a code held by
/// another device is refused.
pub fn redeem(conn: &mut DbConnection, plenary: Id, device: Id, raw: &str, address: &str) -> PlenaryResult<Redeemed> {
    if let Some(held) = code_of_device(conn, device)? {
        return Ok(Redeemed::Held(held));
    }
    for (purpose, who, limit) in [
        ("plenary-code-device", device.to_string(), REDEEM_PER_DEVICE),
        ("plenary-code-address", address.to_owned(), REDEEM_PER_ADDRESS),
    ] {
        if let Verdict::Refused { retry_after_secs } = hit(conn, &throttle_key(purpose, &who), limit)? {
            return Ok(Redeemed::Limited { retry_after_secs });
        }
    }
    let refused = || WorkshopError::Core(CoreError::invalid("voting_code", REFUSED));
    let code = normalize_voting_code(raw).ok_or_else(refused)?;
    let Some(free) = free_code(conn, plenary, &code)? else {
        return Err(refused());
    };
    let at = now();
    // Conditional: of two phones redeeming one code at once, one row is updated.
    let taken = diesel::update(
        plenary_voting_codes::table
            .filter(plenary_voting_codes::id.eq(free))
            .filter(plenary_voting_codes::device_id.is_null()),
    )
    .set((plenary_voting_codes::device_id.eq(Some(device)), plenary_voting_codes::redeemed_at.eq(Some(at))))
    .execute(conn)?;
    if taken == 0 {
        return Err(refused());
    }
    Ok(Redeemed::Held(code_of_device(conn, device)?.ok_or_else(refused)?))
}

/// The id of `code` in `plenary` if no device holds it, locked until the caller's transaction
/// ends. On PostgreSQL a code that another transaction is redeeming right now counts as taken
/// (`SKIP LOCKED`) rather than being waited for: the committing threads' batches each redeem
/// several codes, and two batches taking two codes in opposite orders would otherwise wait on
/// each other until PostgreSQL broke the deadlock by failing one phone's vote. The phone told
/// "already used" while the other redemption was in flight is right once it commits; were it
/// undone, a second try succeeds. SQLite has one writer at a time: nothing is in flight.
fn free_code(conn: &mut DbConnection, plenary: Id, code: &str) -> PlenaryResult<Option<Id>> {
    let free = plenary_voting_codes::table
        .filter(plenary_voting_codes::plenary_id.eq(plenary))
        .filter(plenary_voting_codes::code.eq(code))
        .filter(plenary_voting_codes::device_id.is_null())
        .select(plenary_voting_codes::id);
    Ok(match conn {
        DbConnection::Postgresql(c) => free.for_update().skip_locked().first::<Id>(c).optional()?,
        DbConnection::Sqlite(c) => free.first::<Id>(c).optional()?,
    })
}

/// Whether `device` may vote in `plenary`: always, unless the plenary requires codes and the
/// device holds none.
pub fn may_vote(conn: &mut DbConnection, plenary: &Plenary, device: Id) -> PlenaryResult<bool> {
    if !plenary.codes_required {
        return Ok(true);
    }
    Ok(code_of_device(conn, device)?.is_some_and(|c| c.plenary_id == plenary.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plenary::devices::device_of;
    use crate::plenary::run::open_vote;
    use crate::plenary::tests::{account, device, setup};
    use crate::plenary::votes::{cast_vote, Ballot, VoteLimits, VoteOutcome};
    use essaim_core::domain::plenary::{item_of, tally};
    use essaim_core::testing::TestDb;

    fn ballot(choice: &str, code: &str) -> Ballot {
        Ballot { choice: choice.into(), amendment: String::new(), voting_code: code.into() }
    }

    #[test]
    fn codes_are_generated_by_staff_numbered_on_and_distinct() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (plenary, _, staff) = setup(&mut conn);
        let facilitator = account(&mut conn, "facilitator");
        assert!(matches!(generate_codes(&mut conn, &plenary, 5, &facilitator), Err(WorkshopError::Forbidden)));
        for wrong in [0, MAX_CODES_AT_ONCE + 1] {
            let refused = generate_codes(&mut conn, &plenary, wrong, &staff);
            assert!(matches!(refused, Err(WorkshopError::Core(CoreError::Validation(_)))), "{wrong}: {refused:?}");
        }
        generate_codes(&mut conn, &plenary, 150, &staff).unwrap();
        let more = generate_codes(&mut conn, &plenary, 10, &staff).unwrap();
        assert_eq!(more.first().map(|c| c.number), Some(151), "numbered after the others");
        let all = codes_of(&mut conn, plenary.id).unwrap();
        assert_eq!(all.iter().map(|c| c.number).collect::<Vec<_>>(), (1..=160).collect::<Vec<_>>());
        let distinct: std::collections::HashSet<&str> = all.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(distinct.len(), 160);
        assert!(all.iter().all(|c| normalize_voting_code(&c.code).as_deref() == Some(c.code.as_str())));
        assert_eq!(code_counts(&mut conn, plenary.id).unwrap(), CodeCounts { issued: 160, redeemed: 0 });
    }

    #[test]
    fn with_codes_required_a_phone_votes_once_per_code_and_a_code_serves_one_phone() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (plenary, o, staff) = setup(&mut conn);
        let plenary = set_voting(&mut conn, &plenary, Some(2), true, &staff).unwrap();
        assert_eq!((plenary.attendance, plenary.codes_required), (Some(2), true));
        let codes = generate_codes(&mut conn, &plenary, 2, &staff).unwrap();
        open_vote(&mut conn, &plenary, o.id, &staff).unwrap();
        let limits = VoteLimits::default();
        let (a, b, c) = (device(&mut conn, &plenary), device(&mut conn, &plenary), device(&mut conn, &plenary));
        let vote = |conn: &mut DbConnection, token: &str, code: &str| {
            cast_vote(conn, &plenary.code, o.id, token, &ballot("confirmed", code), "192.0.2.1", limits)
        };
        // Without a code, no vote; with a wrong one, none either.
        assert!(matches!(vote(&mut conn, &a, ""), Err(WorkshopError::CodeRequired)));
        let wrong = vote(&mut conn, &a, "ZZZZ-ZZZZ");
        assert!(matches!(wrong, Err(WorkshopError::Core(CoreError::Validation(_)))), "{wrong:?}");
        // The card's code, typed in lower case with its dash: redeemed with the vote.
        let first = vote(&mut conn, &a, &codes[0].printed().to_lowercase()).unwrap();
        assert!(matches!(first, VoteOutcome::New(_)), "{first:?}");
        // A second phone with the same card: refused, nothing stored.
        let again = vote(&mut conn, &b, &codes[0].code);
        assert!(matches!(again, Err(WorkshopError::Core(CoreError::Validation(_)))), "{again:?}");
        // The first phone votes again: a change, never a second vote; its code is kept.
        assert!(matches!(vote(&mut conn, &a, "").unwrap(), VoteOutcome::Changed(_)));
        assert!(matches!(vote(&mut conn, &c, &codes[1].code).unwrap(), VoteOutcome::New(_)));
        let item = item_of(&mut conn, plenary.id, o.id).unwrap().unwrap();
        assert_eq!(tally(&mut conn, item.id).unwrap().total(), 2, "two cards, two votes");
        assert_eq!(code_counts(&mut conn, plenary.id).unwrap(), CodeCounts { issued: 2, redeemed: 2 });
        let a_id = device_of(&mut conn, plenary.id, &a).unwrap().unwrap();
        assert_eq!(code_of_device(&mut conn, a_id).unwrap().map(|c| c.number), Some(1));
        // Codes off: any phone votes again.
        let plenary = set_voting(&mut conn, &plenary, Some(2), false, &staff).unwrap();
        assert!(matches!(
            cast_vote(&mut conn, &plenary.code, o.id, &b, &ballot("confirmed", ""), "192.0.2.1", limits).unwrap(),
            VoteOutcome::New(_)
        ));
    }

    #[test]
    fn guessing_codes_is_limited_per_device_and_staff_alone_set_the_room() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (plenary, _, staff) = setup(&mut conn);
        let codes = generate_codes(&mut conn, &plenary, 1, &staff).unwrap();
        let token = device(&mut conn, &plenary);
        let phone = device_of(&mut conn, plenary.id, &token).unwrap().unwrap();
        for n in 0..REDEEM_PER_DEVICE.max {
            let guess = redeem(&mut conn, plenary.id, phone, &format!("AAAA-AAA{}", ALPHABET[n as usize] as char), "a");
            assert!(matches!(guess, Err(WorkshopError::Core(CoreError::Validation(_)))), "{n}: {guess:?}");
        }
        // Past the limit even the right code waits.
        let limited = redeem(&mut conn, plenary.id, phone, &codes[0].code, "a").unwrap();
        assert!(matches!(limited, Redeemed::Limited { .. }), "{limited:?}");
        let facilitator = account(&mut conn, "facilitator");
        assert!(matches!(set_voting(&mut conn, &plenary, Some(10), true, &facilitator), Err(WorkshopError::Forbidden)));
        let refused = set_voting(&mut conn, &plenary, Some(0), true, &staff);
        assert!(matches!(refused, Err(WorkshopError::Core(CoreError::Validation(_)))), "{refused:?}");
    }

    /// Two committing threads' batches, each redeeming one code and then trying the other's:
    /// each phone that came second is refused at once. Waiting for the row instead made the
    /// two transactions wait on each other, and PostgreSQL failed one of them as a deadlock
    /// (`internal_error`, and the other phone's redemption undone with it). SQLite has one
    /// writer at a time, so there the batches run one after the other.
    #[test]
    fn two_batches_taking_the_same_two_codes_crosswise_refuse_the_second_phones() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (plenary, _, staff) = setup(&mut conn);
        let codes = generate_codes(&mut conn, &plenary, 2, &staff).unwrap();
        let phones: Vec<Id> = (0..4)
            .map(|_| {
                let token = device(&mut conn, &plenary);
                device_of(&mut conn, plenary.id, &token).unwrap().unwrap()
            })
            .collect();
        let concurrent = matches!(*conn, DbConnection::Postgresql(_));
        drop(conn);
        let both_first = std::sync::Barrier::new(2);
        // One batch: its phone redeems `first`, then (once the other batch holds its own code)
        // another phone tries `second`. Distinct addresses keep the throttle rows apart.
        let batch = |first: &VotingCode, second: &VotingCode, mine: Id, crosswise: Id, address: &str| {
            let mut conn = db.conn();
            conn.transaction(|conn| {
                let held = redeem(conn, plenary.id, mine, &first.code, address);
                both_first.wait();
                let tried = redeem(conn, plenary.id, crosswise, &second.code, address);
                Ok::<_, diesel::result::Error>((held, tried))
            })
            .unwrap()
        };
        let ((held_a, tried_a), (held_b, tried_b)) = if concurrent {
            std::thread::scope(|s| {
                let other = s.spawn(|| batch(&codes[1], &codes[0], phones[1], phones[3], "198.51.100.2"));
                let mine = batch(&codes[0], &codes[1], phones[0], phones[2], "198.51.100.1");
                (mine, other.join().unwrap())
            })
        } else {
            // One writer: both codes redeemed first, then each tried again by another phone.
            let mut conn = db.conn();
            let (a, b) = ("198.51.100.1", "198.51.100.2");
            let held_a = redeem(&mut conn, plenary.id, phones[0], &codes[0].code, a);
            let held_b = redeem(&mut conn, plenary.id, phones[1], &codes[1].code, b);
            let tried_a = redeem(&mut conn, plenary.id, phones[2], &codes[1].code, a);
            ((held_a, tried_a), (held_b, redeem(&mut conn, plenary.id, phones[3], &codes[0].code, b)))
        };
        assert!(matches!(held_a, Ok(Redeemed::Held(_))), "{held_a:?}");
        assert!(matches!(held_b, Ok(Redeemed::Held(_))), "{held_b:?}");
        for tried in [&tried_a, &tried_b] {
            assert!(matches!(tried, Err(WorkshopError::Core(CoreError::Validation(_)))), "{tried:?}");
        }
        let mut conn = db.conn();
        let holders: Vec<Option<Id>> = codes_of(&mut conn, plenary.id).unwrap().iter().map(|c| c.device_id).collect();
        assert_eq!(holders, vec![Some(phones[0]), Some(phones[1])], "each code kept by its first phone");
    }

    #[test]
    fn voting_codes_are_read_kindly_and_printed_in_two_groups() {
        for _ in 0..100 {
            let code = new_voting_code();
            assert_eq!(normalize_voting_code(&code).as_deref(), Some(code.as_str()));
            assert_eq!(normalize_voting_code(&printed(&code).to_lowercase()).as_deref(), Some(code.as_str()));
        }
        assert_eq!(printed("ABCDEFGH"), "ABCD-EFGH");
        assert_eq!(normalize_voting_code(" abcd efgh ").as_deref(), Some("ABCDEFGH"));
        assert_eq!(normalize_voting_code("ABCD-EFG"), None, "too short");
        assert_eq!(normalize_voting_code("ABCD-EFG0"), None, "0 is never in a code");
    }
}
