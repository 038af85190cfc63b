//! Connection pool over either backend, with the SQLite settings we rely on.

use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::R2D2Connection;
use diesel::Connection;

use super::{DatabaseUrl, DbConnection};
use crate::error::CoreError;

/// A pool of connections; cheap to clone.
pub type DbPool = r2d2::Pool<DbManager>;
/// A connection borrowed from the pool.
pub type PooledConn = r2d2::PooledConnection<DbManager>;

/// How long a SQLite writer waits for another to finish before giving up.
const SQLITE_BUSY_TIMEOUT_MS: u32 = 5_000;

/// Opens connections for the backend named by the URL's scheme.
#[derive(Debug, Clone)]
pub struct DbManager {
    url: DatabaseUrl,
}

impl DbManager {
    fn open(&self) -> Result<DbConnection, CoreError> {
        let fail = |reason: String| CoreError::Database { database: self.url.redacted(), reason };
        match &self.url {
            DatabaseUrl::Postgresql(raw) => {
                init_openssl_without_exit_handler();
                diesel::PgConnection::establish(raw)
                    .map(DbConnection::Postgresql)
                    .map_err(|e| fail(first_line(&e.to_string())))
            }
            DatabaseUrl::Sqlite(path) => {
                if path != ":memory:" {
                    if let Some(parent) = std::path::Path::new(path).parent() {
                        if !parent.as_os_str().is_empty() && !parent.is_dir() {
                            return Err(fail(format!("le dossier {} n'existe pas", parent.display())));
                        }
                    }
                }
                register_per_connection_settings();
                let mut conn =
                    diesel::SqliteConnection::establish(path).map_err(|e| fail(first_line(&e.to_string())))?;
                // WAL lets readers work while one writer writes; synchronous=FULL makes each
                // acknowledged commit durable across a power cut, not only a process crash.
                // The page cache (SQLite's default is 2 MiB) holds the indexes that inserts
                // touch all over (idempotency keys, token hashes): without it a busy writer
                // rereads their pages from the OS (docs/benchmarks.md). secure_delete
                // overwrites what a delete or an update frees, so an erased address does not
                // stay in the file's free pages (docs/personal-data.md).
                conn.batch_execute(&format!(
                    "PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS};
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = FULL;
                     PRAGMA foreign_keys = ON;
                     PRAGMA cache_size = -{SQLITE_CACHE_KIB};
                     PRAGMA mmap_size = {SQLITE_MMAP_BYTES};
                     PRAGMA temp_store = MEMORY;
                     PRAGMA secure_delete = ON;"
                ))
                .map_err(|e| fail(first_line(&e.to_string())))?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

/// Page cache of each SQLite connection, in KiB (SQLite counts a negative size in KiB).
pub const SQLITE_CACHE_KIB: i64 = 32 * 1024;

/// How much of the database file each SQLite connection reads through a memory map rather
/// than copies into its page cache. A connection that finds another one wrote since its last
/// transaction drops its whole page cache; readers, under steady writes, did so at every
/// request, freeing and refilling it. Mapped pages are the OS's own cache: nothing to drop,
/// nothing to copy. Writes still go through the WAL, so durability is unchanged.
pub const SQLITE_MMAP_BYTES: i64 = 1 << 30;

/// Process-wide SQLite settings; the server calls this first thing in `main`, while it is
/// still the only thread (SQLite's `sqlite3_config` must not race with any other use of the
/// library, and once SQLite is initialised it refuses, changing nothing).
///
/// - *Multi-thread* mode instead of *serialized*: SQLite then takes no mutex of its own on
///   every call of a connection. Safe here because a diesel connection is never used by two
///   threads at once (it is `Send`, not `Sync`; the pool hands it to one thread at a time),
///   which is exactly the condition the mode asks.
/// - No memory statistics: with them, every allocation SQLite makes on any connection takes
///   one global mutex — the committing thread and the readers contended on it under load
///   (docs/benchmarks.md). Nothing here reads `sqlite3_memory_used`.
///
/// Tests do not call it: they open connections from many threads before any of them could,
/// and the settings change speed, not behaviour.
pub fn configure_sqlite_for_process() -> bool {
    // SAFETY: the caller guarantees no other thread uses SQLite yet; the calls take plain
    // integers, as the variadic C signature expects (`int` arguments).
    unsafe {
        let threading = libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MULTITHREAD);
        let memstatus = libsqlite3_sys::sqlite3_config(libsqlite3_sys::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int);
        threading == libsqlite3_sys::SQLITE_OK && memstatus == libsqlite3_sys::SQLITE_OK
    }
}

/// Settings that SQLite takes through `sqlite3_db_config`, not as a PRAGMA, and that diesel
/// gives no handle for: SQLite applies them to each connection it opens, once registered
/// here (an *automatic extension*: a function SQLite calls on every new connection).
///
/// - The *query planner stability guarantee* (QPSG). Without it SQLite ≥ 3.48 plans
///   `LIMIT ?` for the value bound to it, and marks the statement stale whenever that
///   parameter is bound again: diesel binds every parameter on every run, so each run of a
///   cached `.first()` (`LIMIT 1`, bound) parsed and planned its statement anew — 29 % of the
///   readers' CPU and 4 % of the committing thread's under `bench-submit`
///   (docs/benchmarks.md). With it, one plan per statement, whatever the values.
pub fn register_per_connection_settings() {
    static REGISTERED: std::sync::Once = std::sync::Once::new();
    REGISTERED.call_once(|| {
        // SAFETY: `apply_per_connection_settings` has the entry-point signature SQLite
        // expects and stays valid for the life of the process (a plain function).
        let code = unsafe { libsqlite3_sys::sqlite3_auto_extension(Some(apply_per_connection_settings)) };
        if code != libsqlite3_sys::SQLITE_OK {
            tracing::warn!(code, "réglages SQLite par connexion non enregistrés");
        }
    });
}

/// Called by SQLite on each connection it opens (see [`register_per_connection_settings`]).
unsafe extern "C" fn apply_per_connection_settings(
    db: *mut libsqlite3_sys::sqlite3,
    _error: *mut *mut std::ffi::c_char,
    _api: *const libsqlite3_sys::sqlite3_api_routines,
) -> std::ffi::c_int {
    // SAFETY: `db` is the connection SQLite is opening; the option takes an `int` (1: on)
    // and a nullable `int*` for the value read back, which we do not need.
    unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db,
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as std::ffi::c_int,
            std::ptr::null_mut::<std::ffi::c_int>(),
        );
    }
    libsqlite3_sys::SQLITE_OK
}

/// Initialises OpenSSL (which libpq uses for TLS to PostgreSQL) *without* its `atexit`
/// clean-up, before libpq first touches it. With that handler, a process that ends while
/// one of the pool's threads is still opening a connection (r2d2 refills its idle
/// connections in the background) frees OpenSSL's tables under that thread: a one-shot
/// command such as `essaim questionnaire export` died of SIGSEGV after printing its output
/// (about 1 run in 70 on a loaded machine; CI caught it). The memory is the kernel's to
/// reclaim at exit anyway. OpenSSL only honours the option on its first initialisation,
/// hence here, before any connection; `openssl_sys::init` runs it once per process.
pub(crate) fn init_openssl_without_exit_handler() {
    openssl_sys::init();
}

fn first_line(message: &str) -> String {
    message.lines().find(|l| !l.trim().is_empty()).unwrap_or("erreur inconnue").trim().to_owned()
}

impl r2d2::ManageConnection for DbManager {
    type Connection = DbConnection;
    type Error = CoreError;

    fn connect(&self) -> Result<DbConnection, CoreError> {
        self.open()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), CoreError> {
        conn.ping().map_err(|e| CoreError::Database { database: self.url.redacted(), reason: e.to_string() })
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        // Handed back on the thread that used it: a connection lost under its last query
        // (noted then) is dropped, and the pool opens a new one when the database is back.
        super::take_lost() | conn.is_broken()
    }
}

/// How long a request waits for a database connection before it is told the service is
/// unavailable.
pub const CHECKOUT_TIMEOUT: Duration = Duration::from_millis(1_500);

/// Opens a pool, failing at once with the real reason if the database cannot be reached.
pub fn connect(url: &DatabaseUrl, max_size: u32) -> Result<DbPool, CoreError> {
    let manager = DbManager { url: url.clone() };
    // One direct connection first: r2d2 would otherwise retry quietly until its timeout.
    let first = manager.open()?;
    drop(first);
    Ok(r2d2::Pool::builder()
        .max_size(max_size)
        .min_idle(Some(1))
        // A request waits this long for a connection, then is answered 503 with Retry-After: when
        // the database is down, a client learns it within 2 s instead of hanging (the pool
        // keeps trying to reconnect, so writes resume by themselves once it is back).
        .connection_timeout(CHECKOUT_TIMEOUT)
        // No `SELECT 1` before every checkout (a round trip per request on PostgreSQL): a
        // connection that failed is dropped by `has_broken` after its use instead.
        .test_on_check_out(false)
        .build_unchecked(manager))
}
