//! `restore`: an archive into an empty database of either backend, all or nothing.

use std::io::BufRead;

use diesel::RunQueryDsl;
use serde_json::{Map, Value};

use super::archive::{Header, LineReader, TableStart, FORMAT_NAME, FORMAT_VERSION};
use super::catalog;
use super::cell::{self, Cell};
use super::spec::Kind;
use super::{BackupError, RestoreReport, TableCount};
use crate::db::{
    latest_schema_version, run_migrations, run_migrations_up_to, write_transaction, Backend, DbConnection, MultiBackend,
};

/// Binds per `INSERT` at most: far below both backends' limits (SQLite 32,766, PostgreSQL 65,535).
const MAX_BINDS: usize = 10_000;
/// Rows per `INSERT` at most.
const MAX_BATCH_ROWS: usize = 500;

/// A column as the archive declares it.
struct Column {
    name: String,
    kind: Kind,
    nullable: bool,
}

/// Loads the archive read from `input` into the database behind `conn`, which must hold no
/// row. The schema the archive was written with is built first (the migrations up to its
/// version), every row is inserted in one transaction whose commit waits for the trailer's
/// checksum and the row counts, then the newer migrations of this binary, if any, run.
/// `database` names the target in messages (already redacted).
pub fn read_archive<R: BufRead>(
    conn: &mut DbConnection,
    database: &str,
    input: R,
) -> Result<RestoreReport, BackupError> {
    let mut lines = LineReader::new(input);
    let header: Header = lines.next("en-tête")?;
    if header.format != FORMAT_NAME {
        return Err(BackupError::Corrupt("ce fichier n'est pas une archive de sauvegarde d'Essaim".into()));
    }
    if header.format_version > FORMAT_VERSION {
        return Err(BackupError::NewerFormat { archive: header.format_version, binary: FORMAT_VERSION });
    }
    let binary = latest_schema_version();
    if newer(&header.schema_version, &binary) {
        return Err(BackupError::NewerSchema { archive: header.schema_version.clone(), binary });
    }
    let tables = declared_columns(&header)?;

    if let Some(applied) = catalog::schema_version(conn)? {
        if newer(&applied, &header.schema_version) {
            return Err(BackupError::TargetAhead { target: applied, archive: header.schema_version.clone() });
        }
    }
    run_migrations_up_to(conn, &header.schema_version, database).map_err(|e| BackupError::Migration(e.to_string()))?;
    refuse_non_empty(conn)?;

    let backend = conn.backend();
    let counts = write_transaction(conn, |conn| -> Result<Vec<TableCount>, BackupError> {
        // Again inside the transaction: nobody filled it since.
        refuse_non_empty(conn)?;
        let foreign_keys = match backend {
            // Checked at commit instead of at each row: rows load in any order.
            Backend::Sqlite => {
                diesel::sql_query("PRAGMA defer_foreign_keys = ON").execute(conn)?;
                Vec::new()
            }
            Backend::Postgresql => catalog::drop_foreign_keys(conn)?,
        };
        let mut counts = Vec::with_capacity(header.tables.len());
        for (table, columns) in header.tables.iter().zip(&tables) {
            let start: TableStart = lines.next("début de table")?;
            if start.table != table.name || start.rows != table.rows {
                return Err(BackupError::Corrupt(format!(
                    "la table « {} » était attendue ({} lignes), « {} » trouvée",
                    table.name, table.rows, start.table
                )));
            }
            load_table(conn, backend, &table.name, columns, table.rows, &mut lines)?;
            counts.push(TableCount { table: table.name.clone(), rows: table.rows });
        }
        lines.finish()?;
        for count in &counts {
            let found = catalog::count(conn, &count.table)?;
            if found != count.rows {
                return Err(BackupError::CountMismatch { table: count.table.clone(), expected: count.rows, found });
            }
        }
        if backend == Backend::Postgresql {
            catalog::add_foreign_keys(conn, &foreign_keys)?;
            catalog::reset_sequences(conn)?;
        }
        Ok(counts)
    })
    .map_err(|e| match e {
        // A foreign key SQLite checks at commit: a row pointing nowhere.
        BackupError::Query(diesel::result::Error::DatabaseError(_, info)) if info.message().contains("FOREIGN KEY") => {
            BackupError::Corrupt(format!("lien rompu entre deux tables : {}", info.message()))
        }
        other => other,
    })?;
    let later_migrations = if header.schema_version != latest_schema_version() {
        run_migrations(conn, database).map_err(|e| BackupError::Migration(e.to_string()))?
    } else {
        0
    };
    Ok(RestoreReport {
        created_at: header.created_at,
        backend: header.backend,
        schema_version: header.schema_version,
        tables: counts,
        later_migrations,
    })
}

/// Whether migration version `a` is newer than `b` (digits of the same form; a longer one is newer).
fn newer(a: &str, b: &str) -> bool {
    (a.len(), a) > (b.len(), b)
}

fn declared_columns(header: &Header) -> Result<Vec<Vec<Column>>, BackupError> {
    header
        .tables
        .iter()
        .map(|table| {
            if !is_identifier(&table.name) || table.columns.is_empty() {
                return Err(BackupError::Corrupt(format!("table « {} » mal décrite dans l'en-tête", table.name)));
            }
            table
                .columns
                .iter()
                .map(|c| {
                    let kind = Kind::parse(&c.kind).filter(|_| is_identifier(&c.name)).ok_or_else(|| {
                        BackupError::Corrupt(format!("colonne « {} » de « {} » mal décrite", c.name, table.name))
                    })?;
                    Ok(Column { name: c.name.clone(), kind, nullable: c.nullable })
                })
                .collect()
        })
        .collect()
}

/// Names from the archive go into SQL text: lower-case identifiers only.
fn is_identifier(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn refuse_non_empty(conn: &mut DbConnection) -> Result<(), BackupError> {
    for table in catalog::tables(conn)? {
        let rows = catalog::count(conn, &table)?;
        if rows > 0 {
            return Err(BackupError::NotEmpty { table, rows });
        }
    }
    Ok(())
}

fn load_table<R: BufRead>(
    conn: &mut DbConnection,
    backend: Backend,
    table: &str,
    columns: &[Column],
    rows: u64,
    lines: &mut LineReader<R>,
) -> Result<(), BackupError> {
    let batch_rows = (MAX_BINDS / columns.len()).clamp(1, MAX_BATCH_ROWS);
    let mut batch: Vec<Vec<Cell>> = Vec::with_capacity(batch_rows);
    for number in 1..=rows {
        let line = lines.next_line()?;
        let object: Map<String, Value> = serde_json::from_slice(line)
            .map_err(|e| BackupError::Corrupt(format!("table « {table} », ligne {number} illisible : {e}")))?;
        if object.len() != columns.len() {
            return Err(BackupError::Corrupt(format!(
                "table « {table} », ligne {number} : {} colonnes au lieu de {}",
                object.len(),
                columns.len()
            )));
        }
        let mut cells = Vec::with_capacity(columns.len());
        for column in columns {
            let value = object.get(&column.name).ok_or_else(|| {
                BackupError::Corrupt(format!("table « {table} », ligne {number} : colonne « {} » absente", column.name))
            })?;
            cells.push(cell::from_archive(column.kind, column.nullable, value).map_err(|reason| {
                BackupError::Corrupt(format!(
                    "table « {table} », ligne {number}, colonne « {} » : {reason}",
                    column.name
                ))
            })?);
        }
        batch.push(cells);
        if batch.len() == batch_rows {
            insert(conn, backend, table, columns, std::mem::take(&mut batch))?;
        }
    }
    if !batch.is_empty() {
        insert(conn, backend, table, columns, batch)?;
    }
    Ok(())
}

/// One multi-row `INSERT`, written per backend (placeholders `?` or `$n`): diesel's insert
/// DSL over `MultiBackend` has no multi-row form on SQLite.
fn insert(
    conn: &mut DbConnection,
    backend: Backend,
    table: &str,
    columns: &[Column],
    rows: Vec<Vec<Cell>>,
) -> Result<(), BackupError> {
    let names = columns.iter().map(|c| format!("\"{}\"", c.name)).collect::<Vec<_>>().join(", ");
    let mut sql = format!("INSERT INTO \"{table}\" ({names}) VALUES ");
    let mut n = 0;
    for (i, _) in rows.iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for j in 0..columns.len() {
            if j > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match backend {
                Backend::Sqlite => sql.push('?'),
                Backend::Postgresql => sql.push_str(&format!("${n}")),
            }
        }
        sql.push(')');
    }
    let mut query = diesel::sql_query(sql).into_boxed::<MultiBackend>();
    for row in rows {
        for (column, value) in columns.iter().zip(row) {
            query = cell::bind(query, column.kind, value).map_err(BackupError::Corrupt)?;
        }
    }
    query.execute(conn).map_err(|e| match e {
        diesel::result::Error::DatabaseError(_, info) => {
            BackupError::Corrupt(format!("table « {table} » : ligne refusée par la base : {}", info.message()))
        }
        other => BackupError::Query(other),
    })?;
    Ok(())
}
