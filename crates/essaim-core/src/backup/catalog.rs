//! What the database itself says: its tables and columns (checked against `schema.rs`), its
//! row counts, and on PostgreSQL its foreign keys and sequences, which a restore handles.

use diesel::sql_types::{BigInt, Text};
use diesel::{QueryableByName, RunQueryDsl};

use super::spec::TableSpec;
use super::BackupError;
use crate::db::{Backend, DbConnection};

#[derive(QueryableByName)]
pub(super) struct TextRow {
    #[diesel(sql_type = Text)]
    pub r: String,
}

#[derive(QueryableByName)]
struct CountRow {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct ForeignKeyRow {
    #[diesel(sql_type = Text)]
    t: String,
    #[diesel(sql_type = Text)]
    n: String,
    #[diesel(sql_type = Text)]
    d: String,
}

/// A foreign key of PostgreSQL, as `pg_get_constraintdef` writes it.
pub struct ForeignKey {
    table: String,
    name: String,
    definition: String,
}

/// The tables of the database, data only, sorted.
pub fn tables(conn: &mut DbConnection) -> Result<Vec<String>, BackupError> {
    let sql = match conn.backend() {
        Backend::Sqlite => {
            "SELECT name AS r FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
             AND name <> '__diesel_schema_migrations' ORDER BY name"
        }
        Backend::Postgresql => {
            "SELECT table_name::text AS r FROM information_schema.tables WHERE table_schema = current_schema() \
             AND table_type = 'BASE TABLE' AND table_name <> '__diesel_schema_migrations' ORDER BY table_name"
        }
    };
    let rows: Vec<TextRow> = diesel::sql_query(sql).load(conn)?;
    Ok(rows.into_iter().map(|r| r.r).collect())
}

/// The newest migration applied to this database, or `None` before any. Read with a plain
/// query: diesel's own `applied_migrations` first creates its table, which a read-only
/// transaction refuses.
pub fn schema_version(conn: &mut DbConnection) -> Result<Option<String>, BackupError> {
    let exists = match conn.backend() {
        Backend::Sqlite => {
            "SELECT name AS r FROM sqlite_master WHERE type = 'table' AND name = '__diesel_schema_migrations'"
        }
        Backend::Postgresql => {
            "SELECT table_name::text AS r FROM information_schema.tables WHERE table_schema = current_schema() \
             AND table_name = '__diesel_schema_migrations'"
        }
    };
    let found: Vec<TextRow> = diesel::sql_query(exists).load(conn)?;
    if found.is_empty() {
        return Ok(None);
    }
    let versions: Vec<TextRow> =
        diesel::sql_query("SELECT version AS r FROM __diesel_schema_migrations ORDER BY version DESC LIMIT 1")
            .load(conn)?;
    Ok(versions.into_iter().next().map(|v| v.r))
}

/// The columns of `table`, in the database's order.
pub fn columns(conn: &mut DbConnection, table: &str) -> Result<Vec<String>, BackupError> {
    let rows: Vec<TextRow> = match conn.backend() {
        Backend::Sqlite => diesel::sql_query("SELECT name AS r FROM pragma_table_info(?) ORDER BY cid")
            .bind::<Text, _>(table)
            .load(conn)?,
        Backend::Postgresql => diesel::sql_query(
            "SELECT column_name::text AS r FROM information_schema.columns WHERE table_schema = current_schema() \
             AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind::<Text, _>(table)
        .load(conn)?,
    };
    Ok(rows.into_iter().map(|r| r.r).collect())
}

/// Refuses a database whose tables or columns differ from `schema.rs`: a table nobody taught
/// the backup would otherwise be left out of the archive without a word.
pub fn check_against_spec(conn: &mut DbConnection, spec: &[TableSpec]) -> Result<(), BackupError> {
    let present = tables(conn)?;
    for table in &present {
        if !spec.iter().any(|t| &t.name == table) {
            return Err(BackupError::Schema(format!(
                "la table « {table} » de la base n'est pas décrite dans schema.rs : cette version d'Essaim ne sait pas la sauvegarder"
            )));
        }
    }
    for table in spec {
        if !present.contains(&table.name) {
            return Err(BackupError::Schema(format!("la table « {} » manque dans la base", table.name)));
        }
        let mut actual = columns(conn, &table.name)?;
        let mut expected: Vec<String> = table.columns.iter().map(|c| c.name.clone()).collect();
        actual.sort();
        expected.sort();
        if actual != expected {
            return Err(BackupError::Schema(format!(
                "les colonnes de la table « {} » diffèrent de schema.rs : base {:?}, schéma {:?}",
                table.name, actual, expected
            )));
        }
    }
    Ok(())
}

/// How many rows `table` holds.
pub fn count(conn: &mut DbConnection, table: &str) -> Result<u64, BackupError> {
    let row: CountRow = diesel::sql_query(format!("SELECT COUNT(*) AS n FROM \"{table}\"")).get_result(conn)?;
    Ok(row.n as u64)
}

/// PostgreSQL: drops every foreign key of the schema, to be added back by
/// [`add_foreign_keys`] once every row is in (which checks them all, in the same
/// transaction). Rows then load in any order, self-references included
/// (`contributions.duplicate_of`), and the load is faster.
pub fn drop_foreign_keys(conn: &mut DbConnection) -> Result<Vec<ForeignKey>, BackupError> {
    let rows: Vec<ForeignKeyRow> = diesel::sql_query(
        "SELECT c.relname::text AS t, k.conname::text AS n, pg_get_constraintdef(k.oid) AS d \
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid \
         WHERE k.contype = 'f' AND k.connamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) \
         ORDER BY c.relname, k.conname",
    )
    .load(conn)?;
    let keys: Vec<ForeignKey> =
        rows.into_iter().map(|r| ForeignKey { table: r.t, name: r.n, definition: r.d }).collect();
    for key in &keys {
        diesel::sql_query(format!("ALTER TABLE \"{}\" DROP CONSTRAINT \"{}\"", key.table, key.name)).execute(conn)?;
    }
    Ok(keys)
}

/// PostgreSQL: adds back what [`drop_foreign_keys`] dropped; a row pointing nowhere fails here.
pub fn add_foreign_keys(conn: &mut DbConnection, keys: &[ForeignKey]) -> Result<(), BackupError> {
    for key in keys {
        diesel::sql_query(format!("ALTER TABLE \"{}\" ADD CONSTRAINT \"{}\" {}", key.table, key.name, key.definition))
            .execute(conn)
            .map_err(|e| BackupError::Corrupt(format!("lien rompu ({}, {}) : {e}", key.table, key.name)))?;
    }
    Ok(())
}

/// PostgreSQL: every sequence owned by a column (serial or identity) set past the largest value
/// loaded, so the next insert does not collide. No table uses one today (ids are UUIDv7 made by
/// the application); this keeps a future one right.
pub fn reset_sequences(conn: &mut DbConnection) -> Result<(), BackupError> {
    #[derive(QueryableByName)]
    struct Owned {
        #[diesel(sql_type = Text)]
        t: String,
        #[diesel(sql_type = Text)]
        c: String,
        #[diesel(sql_type = Text)]
        s: String,
    }
    let owned: Vec<Owned> = diesel::sql_query(
        "SELECT t.relname::text AS t, a.attname::text AS c, s.oid::regclass::text AS s \
         FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.deptype IN ('a', 'i') \
         JOIN pg_class t ON t.oid = d.refobjid JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid \
         WHERE s.relkind = 'S' AND s.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())",
    )
    .load(conn)?;
    for seq in owned {
        diesel::sql_query(format!(
            "SELECT setval('{}', COALESCE((SELECT MAX(\"{}\") FROM \"{}\"), 0) + 1, false)",
            seq.s.replace('\'', "''"),
            seq.c,
            seq.t
        ))
        .execute(conn)?;
    }
    Ok(())
}
