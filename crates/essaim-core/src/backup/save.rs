//! `backup`: every table, read in one snapshot, page by page, into the archive.

use std::io::Write;

use diesel::connection::Connection;
use diesel::RunQueryDsl;
use serde_json::{Map, Value};

use super::archive::{ColumnHeader, Header, LineWriter, TableHeader, TableStart, FORMAT_NAME, FORMAT_VERSION};
use super::catalog::{self, TextRow};
use super::cell::{self, Cell};
use super::spec::{self, TableSpec};
use super::{BackupError, TableCount};
use crate::db::{latest_schema_version, Backend, DbConnection, MultiBackend};

/// Rows read per query: enough to amortise a round trip, few enough to keep memory flat.
const PAGE_ROWS: i64 = 1000;

/// Writes the archive of the whole database to `out` (uncompressed lines; the caller
/// compresses). Every read happens in one read transaction: a snapshot in WAL mode on SQLite,
/// `REPEATABLE READ READ ONLY` on PostgreSQL, so rows written meanwhile are all in or all out.
pub fn write_archive<W: Write>(conn: &mut DbConnection, out: W) -> Result<(W, Vec<TableCount>), BackupError> {
    let spec = spec::tables()?;
    let backend = conn.backend();
    conn.transaction::<_, BackupError, _>(|conn| {
        if backend == Backend::Postgresql {
            diesel::sql_query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute(conn)?;
        }
        let schema_version = catalog::schema_version(conn)?.unwrap_or_default();
        let binary = latest_schema_version();
        if schema_version != binary {
            return Err(BackupError::SchemaVersion { database: schema_version, binary });
        }
        catalog::check_against_spec(conn, spec)?;
        let mut counts = Vec::with_capacity(spec.len());
        for table in spec {
            counts.push(TableCount { table: table.name.clone(), rows: catalog::count(conn, &table.name)? });
        }
        let header = Header {
            format: FORMAT_NAME.into(),
            format_version: FORMAT_VERSION,
            schema_version,
            software_version: crate::VERSION.into(),
            created_at: cell::to_archive(&Cell::Timestamp(crate::clock::now())).as_str().unwrap_or_default().to_owned(),
            backend: backend.as_str().into(),
            tables: spec.iter().zip(&counts).map(|(t, c)| table_header(t, c.rows)).collect(),
        };
        let mut lines = LineWriter::new(out);
        lines.line(&header)?;
        for (table, count) in spec.iter().zip(&counts) {
            lines.line(&TableStart { table: table.name.clone(), rows: count.rows })?;
            let written = write_table(conn, backend, table, count.rows, &mut lines)?;
            if written != count.rows {
                return Err(BackupError::CountMismatch {
                    table: table.name.clone(),
                    expected: count.rows,
                    found: written,
                });
            }
        }
        Ok((lines.finish()?, counts))
    })
}

fn table_header(table: &TableSpec, rows: u64) -> TableHeader {
    TableHeader {
        name: table.name.clone(),
        rows,
        primary_key: table.primary_key.clone(),
        columns: table
            .columns
            .iter()
            .map(|c| ColumnHeader { name: c.name.clone(), kind: c.kind.as_str().into(), nullable: c.nullable })
            .collect(),
    }
}

/// Pages through `table` by its primary key (keyset: each page starts after the last key
/// seen), so a table of any size is read in constant memory and each page is an index range.
fn write_table<W: Write>(
    conn: &mut DbConnection,
    backend: Backend,
    table: &TableSpec,
    expected: u64,
    lines: &mut LineWriter<W>,
) -> Result<u64, BackupError> {
    let row_json = match backend {
        Backend::Sqlite => "json_array",
        Backend::Postgresql => "json_build_array",
    };
    let expressions: Vec<String> =
        table.columns.iter().map(|c| cell::select_expression(c.kind, &c.name, backend)).collect();
    let cast = if backend == Backend::Postgresql { "::text" } else { "" };
    let select = format!("SELECT {row_json}({}){cast} AS r FROM \"{}\"", expressions.join(", "), table.name);
    let keys = table.key_positions();
    let key_list = table.primary_key.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ");
    let placeholders = (1..=keys.len())
        .map(|i| if backend == Backend::Postgresql { format!("${i}") } else { "?".into() })
        .collect::<Vec<_>>()
        .join(", ");
    let limit = if backend == Backend::Postgresql { format!("${}", keys.len() + 1) } else { "?".into() };

    let mut last_key: Option<Vec<Cell>> = None;
    let mut written = 0u64;
    loop {
        let sql = match &last_key {
            None => format!(
                "{select} ORDER BY {key_list} LIMIT {}",
                if backend == Backend::Postgresql { "$1" } else { "?" }
            ),
            Some(_) => format!("{select} WHERE ({key_list}) > ({placeholders}) ORDER BY {key_list} LIMIT {limit}"),
        };
        let mut query = diesel::sql_query(sql).into_boxed::<MultiBackend>();
        if let Some(key) = &last_key {
            for (position, value) in keys.iter().zip(key) {
                query =
                    cell::bind(query, table.columns[*position].kind, value.clone()).map_err(BackupError::Internal)?;
            }
        }
        let page: Vec<TextRow> = query.bind::<diesel::sql_types::BigInt, _>(PAGE_ROWS).load(conn)?;
        let fetched = page.len();
        for row in page {
            let values: Vec<Value> = serde_json::from_str(&row.r)
                .map_err(|e| BackupError::Internal(format!("ligne de {} illisible : {e}", table.name)))?;
            let mut object = Map::with_capacity(values.len());
            let mut cells = Vec::with_capacity(values.len());
            for (column, value) in table.columns.iter().zip(&values) {
                let cell = cell::from_database(column.kind, value).map_err(|reason| {
                    BackupError::Internal(format!("table {}, colonne {} : {reason}", table.name, column.name))
                })?;
                object.insert(column.name.clone(), cell::to_archive(&cell));
                cells.push(cell);
            }
            lines.line(&object)?;
            written += 1;
            // The snapshot cannot grow: more rows than counted means the pages overlap (a key
            // compared unlike its order), and stopping beats looping.
            if written > expected {
                return Err(BackupError::CountMismatch { table: table.name.clone(), expected, found: written });
            }
            last_key = Some(keys.iter().map(|&p| cells[p].clone()).collect());
        }
        if (fetched as i64) < PAGE_ROWS {
            return Ok(written);
        }
    }
}
