//! A participant's phone: the server gives it a random token (kept in a cookie, or by an API
//! client), and stores only its hash. A vote names its device by that token; an unknown token
//! (forged, or from another database) is refused, never taken as a new device, so that
//! inventing tokens gives no vote. A device belongs to the plenary it was made for: its token
//! is unknown to any other. One device votes once per orientation.

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::throttle::{hit, throttle_key, Limit, Verdict};
use essaim_core::schema::plenary_devices;
use essaim_core::security::{hash_token, random_token};

use super::PlenaryResult;

/// Devices made from one network address, at most, per window (a venue's Wi-Fi puts hundreds
/// of phones behind one address; a script making tokens by the thousand is stopped).
pub const DEVICES_PER_ADDRESS: Limit = Limit { max: 2_000, window_secs: 600 };
const ADDRESS_PURPOSE: &str = "plenary-device-address";

/// Whether a string can be a device token (32 hexadecimal characters, as made here).
pub fn is_device_token(raw: &str) -> bool {
    raw.len() == 32 && raw.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The device of `plenary` holding `token`, if the server gave it for that plenary.
pub fn device_of(conn: &mut DbConnection, plenary: Id, token: &str) -> PlenaryResult<Option<Id>> {
    let token = token.trim();
    if !is_device_token(token) {
        return Ok(None);
    }
    Ok(plenary_devices::table
        .filter(plenary_devices::token_hash.eq(hash_token(&token.to_ascii_lowercase())))
        .filter(plenary_devices::plenary_id.eq(plenary))
        .select(plenary_devices::id)
        .first(conn)
        .optional()?)
}

/// What [`new_device`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NewDevice {
    /// Made: its id and the token to hand to the phone (shown once, stored hashed).
    Made {
        /// The device.
        id: Id,
        /// Its token.
        token: String,
    },
    /// Too many devices from this address: wait this many seconds.
    Limited {
        /// Seconds until the window ends.
        retry_after_secs: i64,
    },
}

/// Makes a device of `plenary` for a phone at `address` (limited per address,
/// [`DEVICES_PER_ADDRESS`]).
pub fn new_device(conn: &mut DbConnection, plenary: Id, address: &str, limit: Limit) -> PlenaryResult<NewDevice> {
    // One transaction that writes first (the counter): it queues for SQLite's write lock.
    essaim_core::db::write_transaction(conn, |conn| made(conn, plenary, address, limit))
}

fn made(conn: &mut DbConnection, plenary: Id, address: &str, limit: Limit) -> PlenaryResult<NewDevice> {
    if let Verdict::Refused { retry_after_secs } = hit(conn, &throttle_key(ADDRESS_PURPOSE, address), limit)? {
        return Ok(NewDevice::Limited { retry_after_secs });
    }
    let token = random_token();
    let id = Id::new();
    diesel::insert_into(plenary_devices::table)
        .values((
            plenary_devices::id.eq(id),
            plenary_devices::token_hash.eq(hash_token(&token)),
            plenary_devices::created_at.eq(now()),
            plenary_devices::plenary_id.eq(Some(plenary)),
        ))
        .execute(conn)?;
    Ok(NewDevice::Made { id, token })
}

#[cfg(test)]
mod tests {
    use super::*;
    use essaim_core::testing::TestDb;

    #[test]
    fn a_token_names_its_device_on_its_own_plenary_only_and_a_forged_one_names_none() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (plenary, ..) = crate::plenary::tests::setup(&mut conn);
        let NewDevice::Made { id, token } =
            new_device(&mut conn, plenary.id, "192.0.2.1", DEVICES_PER_ADDRESS).unwrap()
        else {
            panic!("made")
        };
        assert_eq!(device_of(&mut conn, plenary.id, &token).unwrap(), Some(id));
        assert_eq!(device_of(&mut conn, plenary.id, &token.to_uppercase()).unwrap(), Some(id), "any case");
        assert_eq!(device_of(&mut conn, plenary.id, &random_token()).unwrap(), None, "forged");
        assert_eq!(device_of(&mut conn, plenary.id, "pas-un-jeton").unwrap(), None);
        assert_eq!(device_of(&mut conn, Id::new(), &token).unwrap(), None, "another plenary does not know it");
        let stored: String = plenary_devices::table.select(plenary_devices::token_hash).first(&mut conn).unwrap();
        assert_ne!(stored, token, "stored hashed");
    }

    #[test]
    fn devices_from_one_address_are_limited() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (plenary, ..) = crate::plenary::tests::setup(&mut conn);
        let limit = Limit { max: 2, window_secs: 600 };
        for _ in 0..2 {
            assert!(matches!(new_device(&mut conn, plenary.id, "192.0.2.9", limit).unwrap(), NewDevice::Made { .. }));
        }
        assert!(matches!(new_device(&mut conn, plenary.id, "192.0.2.9", limit).unwrap(), NewDevice::Limited { .. }));
        assert!(matches!(new_device(&mut conn, plenary.id, "192.0.2.10", limit).unwrap(), NewDevice::Made { .. }));
    }
}
