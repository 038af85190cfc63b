//! Every SQLite connection Essaim opens keeps one plan per statement (the query planner
//! stability guarantee): a cached statement is not parsed again because a value bound to it
//! changed (`src/db/pool.rs`, `register_per_connection_settings`).

use std::ffi::{c_int, CString};

use essaim_core::db::{connect, DatabaseUrl};
use libsqlite3_sys as ffi;

/// Opens a raw connection on `path`, as any library in the process would.
fn open_raw(path: &std::path::Path) -> *mut ffi::sqlite3 {
    let name = CString::new(path.to_str().unwrap()).unwrap();
    let mut db = std::ptr::null_mut();
    // SAFETY: a valid C string and an out pointer.
    let code = unsafe { ffi::sqlite3_open(name.as_ptr(), &mut db) };
    assert_eq!(code, ffi::SQLITE_OK);
    // Waits for a lock rather than failing at once, as a library's connection would: the pool
    // opened beside it sets its connections up (WAL) on threads of its own, and a prepare in
    // that instant got `SQLITE_BUSY` (a CI run failed so).
    // SAFETY: an open connection.
    unsafe { ffi::sqlite3_busy_timeout(db, 5_000) };
    db
}

fn execute(db: *mut ffi::sqlite3, sql: &str) {
    let sql = CString::new(sql).unwrap();
    // SAFETY: an open connection and a C string; no callback.
    let code = unsafe { ffi::sqlite3_exec(db, sql.as_ptr(), None, std::ptr::null_mut(), std::ptr::null_mut()) };
    assert_eq!(code, ffi::SQLITE_OK);
}

/// Runs `SELECT … LIMIT ?` `runs` times on one prepared statement, binding the limit each time
/// as diesel does, and returns how many times SQLite re-prepared it.
fn reprepares_of_a_bound_limit(db: *mut ffi::sqlite3, runs: c_int) -> c_int {
    let sql = CString::new("SELECT x FROM t WHERE x = 'a' LIMIT ?").unwrap();
    let mut stmt = std::ptr::null_mut();
    // SAFETY: an open connection, a C string, out pointers; the statement is finalised below.
    unsafe {
        assert_eq!(ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut()), ffi::SQLITE_OK);
        for _ in 0..runs {
            assert_eq!(ffi::sqlite3_bind_int(stmt, 1, 1), ffi::SQLITE_OK);
            assert_eq!(ffi::sqlite3_step(stmt), ffi::SQLITE_ROW);
            ffi::sqlite3_reset(stmt);
        }
        let count = ffi::sqlite3_stmt_status(stmt, ffi::SQLITE_STMTSTATUS_REPREPARE, 0);
        ffi::sqlite3_finalize(stmt);
        count
    }
}

#[test]
fn a_bound_limit_does_not_make_sqlite_plan_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("plans.db");

    // Before Essaim opens anything, SQLite plans `LIMIT ?` for its value, and so re-prepares
    // the statement at each new binding: the waste the setting removes.
    let before = open_raw(&path);
    execute(before, "CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a');");
    let wasted = reprepares_of_a_bound_limit(before, 5);
    // SAFETY: closing the connection opened above.
    unsafe { ffi::sqlite3_close(before) };
    assert!(wasted >= 4, "without the guarantee each binding re-prepares ({wasted})");

    // Opening Essaim's pool registers the setting for every connection opened afterwards.
    let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display())).unwrap();
    let _pool = connect(&url, 1).unwrap();
    let after = open_raw(&path);
    let mut enabled: c_int = -1;
    // SAFETY: reading the option back (-1: do not change it) into a valid `int`.
    unsafe { ffi::sqlite3_db_config(after, ffi::SQLITE_DBCONFIG_ENABLE_QPSG, -1 as c_int, &mut enabled as *mut c_int) };
    assert_eq!(enabled, 1, "the guarantee is on");
    assert_eq!(reprepares_of_a_bound_limit(after, 5), 0, "one plan, whatever is bound");
    // SAFETY: closing the connection opened above.
    unsafe { ffi::sqlite3_close(after) };
}
