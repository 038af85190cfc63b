//! Pseudonyms of client addresses, keyed by a secret of the installation.
//!
//! The throttle counters (a stand's ideas, a plenary's devices and votes) must recognise one
//! address from request to request, and from one server process to another, without keeping
//! it. A plain hash would not do: every IPv4 address can be hashed in minutes and the counter
//! table matched against them. A pseudonym is SHA-256 over a 256-bit secret of the
//! installation and the address: the same in every process on one database, worthless to
//! whoever reads the counters without the secret. The secret is made by whichever process
//! needs it first and kept in the database (`installation_secrets`); it never appears in a
//! page, a log or an export.

use std::sync::OnceLock;

use diesel::prelude::*;

use super::token::{hash_token, random_token};
use crate::clock::now;
use crate::db::DbConnection;
use crate::error::CoreResult;
use crate::schema::installation_secrets;

/// The name of the secret that keys address pseudonyms.
const ADDRESS_SECRET: &str = "address-pseudonyms";

/// The installation's secret called `name`, made now if no process made it before. Two
/// processes asking at once get the same one: each offers a fresh secret, the first insert
/// wins, and both read back what was stored. Once made, it is only read (no write, so no
/// wait for the write lock).
fn installation_secret(conn: &mut DbConnection, name: &str) -> CoreResult<String> {
    let stored = |conn: &mut DbConnection| -> CoreResult<Option<String>> {
        Ok(installation_secrets::table.find(name).select(installation_secrets::secret).get_result(conn).optional()?)
    };
    if let Some(secret) = stored(conn)? {
        return Ok(secret);
    }
    // 256 bits from the OS.
    let offered = format!("{}{}", random_token(), random_token());
    let values = (
        installation_secrets::name.eq(name),
        installation_secrets::secret.eq(&offered),
        installation_secrets::created_at.eq(now()),
    );
    // `MultiBackend` has no upsert: the same statement, typed per backend.
    match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(installation_secrets::table)
            .values(values)
            .on_conflict(installation_secrets::name)
            .do_nothing()
            .execute(c)?,
        DbConnection::Postgresql(c) => diesel::insert_into(installation_secrets::table)
            .values(values)
            .on_conflict(installation_secrets::name)
            .do_nothing()
            .execute(c)?,
    };
    stored(conn)?.ok_or_else(|| crate::error::CoreError::Internal(format!("secret « {name} » introuvable")))
}

/// Address pseudonyms for one database; the secret is read on first use, then kept.
#[derive(Debug, Default)]
pub struct AddressPseudonyms {
    secret: OnceLock<String>,
}

impl AddressPseudonyms {
    /// Nothing read yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads the secret now (making it on a new installation), so that no request has to:
    /// the server does this before it listens.
    pub fn prepare(&self, conn: &mut DbConnection) -> CoreResult<()> {
        self.secret(conn).map(|_| ())
    }

    /// The pseudonym of `address`, if the secret is already known (no database needed).
    pub fn known(&self, address: &str) -> Option<String> {
        self.secret.get().map(|secret| keyed(secret, address))
    }

    /// The pseudonym of `address`, reading the secret first if needed.
    pub fn of(&self, conn: &mut DbConnection, address: &str) -> CoreResult<String> {
        Ok(keyed(self.secret(conn)?, address))
    }

    /// The secret, read from the database the first time only.
    fn secret(&self, conn: &mut DbConnection) -> CoreResult<&str> {
        match self.secret.get() {
            Some(secret) => Ok(secret),
            None => {
                let read = installation_secret(conn, ADDRESS_SECRET)?;
                Ok(self.secret.get_or_init(|| read))
            }
        }
    }
}

/// The pseudonym of any subject (an e-mail address a throttle counts, for instance), reading
/// the secret from the database: for occasional callers without an [`AddressPseudonyms`].
pub fn pseudonym_of(conn: &mut DbConnection, subject: &str) -> CoreResult<String> {
    Ok(keyed(&installation_secret(conn, ADDRESS_SECRET)?, subject))
}

/// 128 bits of SHA-256 over the secret and the address (hex): as long as a device id, and a
/// fixed-length secret first, so no other (secret, address) pair gives the same input.
fn keyed(secret: &str, address: &str) -> String {
    hash_token(&format!("essaim-adresse:{secret}:{address}"))[..32].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    #[test]
    fn one_installation_one_pseudonym_for_every_process_and_nothing_of_the_address() {
        let db = TestDb::new();
        // Two pools on one database stand for two server processes.
        let other = crate::db::connect(&db.url, 1).unwrap();
        let (first, second) = (AddressPseudonyms::new(), AddressPseudonyms::new());
        assert_eq!(first.known("203.0.113.7"), None, "nothing known before the first read");
        let a = first.of(&mut db.conn(), "203.0.113.7").unwrap();
        let b = second.of(&mut other.get().unwrap(), "203.0.113.7").unwrap();
        assert_eq!(a, b, "the same address is the same pseudonym in both processes");
        assert_eq!(first.known("203.0.113.7").as_deref(), Some(a.as_str()), "kept after the first read");
        assert_eq!(a.len(), 32);
        assert!(!a.contains("203.0.113.7"));
        assert_ne!(a, first.of(&mut db.conn(), "203.0.113.8").unwrap(), "another address, another pseudonym");
        // Without the secret, hashing every address finds nothing: the unkeyed hashes differ.
        assert!(!hash_token("203.0.113.7").starts_with(&a));
        assert_ne!(a, hash_token("essaim-adresse::203.0.113.7")[..32]);

        // Another installation (another database) has another secret, so other pseudonyms.
        let elsewhere = TestDb::new();
        let c = AddressPseudonyms::new().of(&mut elsewhere.conn(), "203.0.113.7").unwrap();
        assert_ne!(a, c);
    }

    #[test]
    fn prepared_before_the_first_request_the_secret_needs_no_read_after() {
        let db = TestDb::new();
        let pseudonyms = AddressPseudonyms::new();
        assert!(pseudonyms.known("198.51.100.4").is_none());
        pseudonyms.prepare(&mut db.conn()).unwrap();
        let expected = AddressPseudonyms::new().of(&mut db.conn(), "198.51.100.4").unwrap();
        assert_eq!(pseudonyms.known("198.51.100.4"), Some(expected));
    }

    #[test]
    fn the_secret_is_made_once_and_read_back() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let made = installation_secret(&mut conn, ADDRESS_SECRET).unwrap();
        assert_eq!(made.len(), 64, "256 bits, hex");
        assert_eq!(installation_secret(&mut conn, ADDRESS_SECRET).unwrap(), made, "not replaced");
        assert_ne!(installation_secret(&mut conn, "another-use").unwrap(), made, "one secret per use");
    }
}
