//! Storage: one code path over SQLite (default, embedded) and PostgreSQL (production).
//!
//! The backend is chosen from the scheme of `DATABASE_URL`, never by trial: diesel's derived
//! `establish` tries each backend in turn and would hide the real error behind the last one.

mod group_commit;
mod id;
mod lost;
mod migrate;
mod pool;
mod url;

#[cfg(test)]
pub(crate) use group_commit::set_writer_shard;
pub use group_commit::{postgres_writers, writer_shard, writers_for, GroupCommit, Lane};
pub use id::{Id, SqlUuid};
pub use lost::{note_if_lost, take_lost};
pub use migrate::{latest_schema_version, run_migrations, run_migrations_up_to};
#[cfg(feature = "testing")]
pub(crate) use pool::init_openssl_without_exit_handler;
pub use pool::{configure_sqlite_for_process, connect, DbPool, PooledConn, SQLITE_CACHE_KIB};
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

/// Runs `work` in a transaction that holds the database's write lock from its first statement.
///
/// Every transaction that reads and then writes must use this rather than `transaction`. On
/// SQLite a transaction starts as a reader; if it later needs to write and another connection
/// committed in between, SQLite cannot let it wait (its snapshot is stale) and fails at once
/// with "database is locked" — two staff editing at the same instant would lose an edit.
/// Writing first makes it queue for the lock instead, within `busy_timeout`. A no-op
/// `UPDATE … WHERE 0` still opens the write transaction. PostgreSQL needs nothing here: its
/// writers wait on row locks.
pub fn write_transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::Connection;
    use diesel::RunQueryDsl;
    conn.transaction(|conn| {
        if conn.backend() == Backend::Sqlite {
            diesel::sql_query("UPDATE consultations SET slug = slug WHERE 0").execute(conn)?;
        }
        work(conn)
    })
}

/// Runs `work`, a read of a large part of the database once (a synthesis reads every
/// contribution), with SQLite reading through its page cache rather than its memory map. The
/// map serves the server's small repeated reads ([`pool`]'s `SQLITE_MMAP_BYTES`), but every page
/// of a whole-table read stays mapped in the process — counted in its memory, the size of the
/// file (a 257 MB corpus: 257 MB more at the synthesis' peak), for pages read once. The map is
/// set back afterwards, whatever `work` returned. PostgreSQL: `work` alone.
pub fn without_memory_map<T>(conn: &mut DbConnection, work: impl FnOnce(&mut DbConnection) -> T) -> T {
    use diesel::connection::SimpleConnection;
    let sqlite = conn.backend() == Backend::Sqlite;
    // A failure to change a tuning setting changes speed, not results: the read goes on.
    if sqlite {
        let _ = conn.batch_execute("PRAGMA mmap_size = 0");
    }
    let result = work(conn);
    if sqlite {
        let _ = conn.batch_execute(&format!("PRAGMA mmap_size = {}", pool::SQLITE_MMAP_BYTES));
    }
    result
}

/// Checks that the database answers (one trivial statement).
pub fn ping(conn: &mut DbConnection) -> Result<(), crate::error::CoreError> {
    use diesel::connection::SimpleConnection;
    conn.batch_execute("SELECT 1").map_err(crate::error::CoreError::Query)
}
