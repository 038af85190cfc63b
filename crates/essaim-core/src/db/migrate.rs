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

/// The version of the newest migration this binary carries (diesel's form: the folder name's
/// date and number without dashes, e.g. `20261207000013`). Both sets have the same versions.
pub fn latest_schema_version() -> String {
    use diesel::migration::MigrationSource;
    let migrations = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS).unwrap_or_default();
    migrations.iter().map(|m| m.name().version().to_string()).max().unwrap_or_default()
}

/// Applies the pending migrations up to `version` included (a restore first builds the schema
/// its archive was written with); returns how many were applied.
pub fn run_migrations_up_to(conn: &mut DbConnection, version: &str, database: &str) -> Result<usize, CoreError> {
    fn up_to<B, C>(c: &mut C, source: EmbeddedMigrations, version: &str) -> diesel::migration::Result<usize>
    where
        B: diesel::backend::Backend,
        C: MigrationHarness<B>,
        EmbeddedMigrations: diesel::migration::MigrationSource<B>,
    {
        let applied: Vec<String> = c.applied_migrations()?.iter().map(|v| v.to_string()).collect();
        let mut migrations = diesel::migration::MigrationSource::<B>::migrations(&source)?;
        migrations.sort_by_key(|m| m.name().version().to_string());
        let mut count = 0;
        for migration in migrations {
            let this = migration.name().version().to_string();
            if this.as_str() <= version && !applied.contains(&this) {
                c.run_migration(&*migration)?;
                count += 1;
            }
        }
        Ok(count)
    }
    let applied = match conn {
        DbConnection::Sqlite(c) => up_to(c, SQLITE_MIGRATIONS, version),
        DbConnection::Postgresql(c) => up_to(c, POSTGRESQL_MIGRATIONS, version),
    };
    applied.map_err(|e| CoreError::Database {
        database: database.to_owned(),
        reason: format!("migration impossible : {e}"),
    })
}
