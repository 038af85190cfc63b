//! Storage: one code path over SQLite (default, embedded) and PostgreSQL (production).
//!
//! The backend is chosen from the scheme of `DATABASE_URL`, never by trial: diesel's derived
//! `establish` tries each backend in turn and would hide the real error behind the last one.

mod id;
mod migrate;
mod pool;
mod url;

pub use id::{Id, SqlUuid};
pub use migrate::run_migrations;
pub use pool::{connect, DbPool, PooledConn};
pub use url::{Backend, DatabaseUrl};

mod connection;

pub use connection::{DbConnection, MultiBackend};

impl DbConnection {
    /// Which backend this connection talks to.
    pub fn backend(&self) -> Backend {
        match self {
            DbConnection::Postgresql(_) => Backend::Postgresql,
            DbConnection::Sqlite(_) => Backend::Sqlite,
        }
    }
}
