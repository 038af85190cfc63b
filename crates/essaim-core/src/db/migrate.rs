//! Embedded migrations, one set per backend with the same version names.

use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

use super::DbConnection;
use crate::error::CoreError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
const POSTGRESQL_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/postgresql");

/// Applies every pending migration; returns how many were applied.
pub fn run_migrations(conn: &mut DbConnection, database: &str) -> Result<usize, CoreError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRESQL_MIGRATIONS).map(|v| v.len()),
    };
    applied.map_err(|e| CoreError::Database {
        database: database.to_owned(),
        reason: format!("migration impossible : {e}"),
    })
}
