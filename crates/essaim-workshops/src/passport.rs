//! The anonymous *passeport* of the treasure hunt: which stands of the circuit a visitor has
//! had stamped. Nothing personal: the passport is a random id kept in the visitor's cookie, and
//! the database keeps only its hash with the stands stamped and when. Stamping twice is once.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{DbConnection, Id};
use essaim_core::schema::passport_stamps;
use essaim_core::security::{hash_token, random_token};
use essaim_core::CoreResult;

use crate::stands::{active_stands_of, Stand};

/// A new passport id (128 random bits, hex), for the visitor's cookie.
pub fn new_passport_id() -> String {
    random_token()
}

/// True if `raw` has the shape of a passport id (anything else is ignored, never stored).
pub fn is_passport_id(raw: &str) -> bool {
    raw.len() == 32 && raw.bytes().all(|b| b.is_ascii_hexdigit())
}

fn stored(passport: &str) -> String {
    hash_token(&format!("essaim-passeport:{passport}"))
}

/// Stamps `stand` in `passport`; true if it was not stamped yet.
pub fn stamp(conn: &mut DbConnection, passport: &str, stand: &Stand) -> CoreResult<bool> {
    let row = (
        passport_stamps::passport_hash.eq(stored(passport)),
        passport_stamps::stand_id.eq(stand.id),
        passport_stamps::stamped_at.eq(now()),
    );
    let inserted = match conn {
        DbConnection::Sqlite(c) => {
            diesel::insert_into(passport_stamps::table).values(row).on_conflict_do_nothing().execute(c)?
        }
        DbConnection::Postgresql(c) => {
            diesel::insert_into(passport_stamps::table).values(row).on_conflict_do_nothing().execute(c)?
        }
    };
    Ok(inserted == 1)
}

/// One stand of the circuit as the passport shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct PassportLine {
    /// The stand.
    pub stand: Stand,
    /// When it was stamped, if it was.
    pub stamped_at: Option<NaiveDateTime>,
}

/// A passport over a consultation's circuit (active stands, in order).
#[derive(Debug, Clone, PartialEq)]
pub struct Passport {
    /// Every stand of the circuit, stamped or not.
    pub lines: Vec<PassportLine>,
}

impl Passport {
    /// Stands stamped.
    pub fn visited(&self) -> usize {
        self.lines.iter().filter(|l| l.stamped_at.is_some()).count()
    }

    /// Stands on the circuit.
    pub fn total(&self) -> usize {
        self.lines.len()
    }

    /// Whether `stand` is stamped.
    pub fn has(&self, stand: Id) -> bool {
        self.lines.iter().any(|l| l.stand.id == stand && l.stamped_at.is_some())
    }
}

/// The passport `passport` (none: a visitor without one yet) over `consultation`'s circuit.
pub fn passport_of(conn: &mut DbConnection, consultation: Id, passport: Option<&str>) -> CoreResult<Passport> {
    let stands = active_stands_of(conn, consultation)?;
    let stamps: Vec<(Id, NaiveDateTime)> = match passport {
        Some(p) if is_passport_id(p) => passport_stamps::table
            .filter(passport_stamps::passport_hash.eq(stored(p)))
            .select((passport_stamps::stand_id, passport_stamps::stamped_at))
            .load(conn)?,
        _ => Vec::new(),
    };
    Ok(Passport {
        lines: stands
            .into_iter()
            .map(|stand| {
                let stamped_at = stamps.iter().find(|(id, _)| *id == stand.id).map(|(_, at)| *at);
                PassportLine { stand, stamped_at }
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stands::demo::seed_demo_stands;
    use essaim_core::domain::consultation::find_consultation;
    use essaim_core::testing::{demo, TestDb};

    #[test]
    fn a_passport_counts_each_stamped_stand_once_and_keeps_only_a_hash() {
        let db = TestDb::new();
        let mut conn = db.conn();
        demo(&mut conn);
        seed_demo_stands(&mut conn).unwrap();
        let consultation = find_consultation(&mut conn, essaim_core::demo::DEMO_SLUG).unwrap().id;
        let stands = active_stands_of(&mut conn, consultation).unwrap();
        let id = new_passport_id();
        assert!(is_passport_id(&id));
        assert!(stamp(&mut conn, &id, &stands[0]).unwrap());
        assert!(!stamp(&mut conn, &id, &stands[0]).unwrap(), "twice is once");
        assert!(stamp(&mut conn, &id, &stands[2]).unwrap());
        let passport = passport_of(&mut conn, consultation, Some(&id)).unwrap();
        assert_eq!((passport.visited(), passport.total()), (2, stands.len()));
        assert!(passport.has(stands[2].id) && !passport.has(stands[1].id));
        let stored: Vec<String> =
            passport_stamps::table.select(passport_stamps::passport_hash).load(&mut conn).unwrap();
        assert!(stored.iter().all(|h| h != &id), "the id itself is not stored");
        let stranger = passport_of(&mut conn, consultation, Some(&new_passport_id())).unwrap();
        assert_eq!(stranger.visited(), 0);
        assert_eq!(passport_of(&mut conn, consultation, Some("not-an-id")).unwrap().visited(), 0);
    }
}
