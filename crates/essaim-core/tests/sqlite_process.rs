//! The process-wide SQLite settings the server applies in `main`: alone in its own test
//! binary, since they can only be set before any connection opens.

use diesel::connection::SimpleConnection;
use essaim_core::db::{configure_sqlite_for_process, connect, DatabaseUrl};

#[test]
fn the_settings_apply_before_the_first_connection_and_queries_still_work() {
    assert!(configure_sqlite_for_process(), "accepted before SQLite is initialised");
    let dir = tempfile::tempdir().unwrap();
    let url = DatabaseUrl::parse(&format!("sqlite://{}", dir.path().join("p.db").display())).unwrap();
    let pool = connect(&url, 2).unwrap();
    let mut conn = pool.get().unwrap();
    conn.batch_execute("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('é');").unwrap();
    // Without memory statistics SQLite counts nothing: the global mutex they need is gone.
    // SAFETY: a plain read of a counter.
    assert_eq!(unsafe { libsqlite3_sys::sqlite3_memory_used() }, 0);
    // Once SQLite is initialised the settings are refused, and nothing changes.
    assert!(!configure_sqlite_for_process());
}
