//! Test support: every test gets its own fresh, migrated database, dropped afterwards.
//!
//! SQLite by default (a temporary file). With `ESSAIM_TEST_DATABASE_URL=postgres://…`, a new
//! PostgreSQL database is created beside the one named, for this test alone.

use diesel::connection::SimpleConnection;
use diesel::Connection;

use crate::db::{connect, run_migrations, DatabaseUrl, DbPool};

/// A throwaway database; dropped (file removed or database dropped) with the value.
pub struct TestDb {
    /// Pool over it.
    pub pool: DbPool,
    /// Its URL.
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh, migrated database on the backend the environment names.
    pub fn new() -> Self {
        match std::env::var("ESSAIM_TEST_DATABASE_URL").ok().filter(|v| !v.is_empty()) {
            Some(admin_url) if admin_url.starts_with("postgres") => Self::postgres(admin_url),
            _ => Self::sqlite(),
        }
    }

    /// A fresh, migrated SQLite database, whatever the environment says.
    pub fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = DatabaseUrl::Sqlite(dir.path().join("test.db").to_string_lossy().into_owned());
        let pool = connect(&url, 4).expect("open SQLite test database");
        run_migrations(&mut pool.get().expect("connection"), &url.redacted()).expect("migrate");
        TestDb { pool, url, cleanup: Cleanup::Sqlite(dir) }
    }

    fn postgres(admin_url: String) -> Self {
        let name = format!("essaim_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = diesel::PgConnection::establish(&admin_url).expect("connect to ESSAIM_TEST_DATABASE_URL");
        admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
        let mut parsed = ::url::Url::parse(&admin_url).expect("ESSAIM_TEST_DATABASE_URL is a URL");
        parsed.set_path(&name);
        let url = DatabaseUrl::Postgresql(parsed.to_string());
        let pool = connect(&url, 4).expect("open PostgreSQL test database");
        run_migrations(&mut pool.get().expect("connection"), &url.redacted()).expect("migrate");
        TestDb { pool, url, cleanup: Cleanup::Postgres { admin_url, name } }
    }

    /// A connection from the pool.
    pub fn conn(&self) -> crate::db::PooledConn {
        self.pool.get().expect("test connection")
    }
}

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}
