//! Backup and restore of the whole database, portable between SQLite and PostgreSQL.
//!
//! The archive (docs/backup.md) is a gzip'd stream of JSON lines: a header (format and its
//! version, the schema's migration version, when, from which backend, every table with its
//! columns' types and its row count), then each table's rows as JSON objects in one encoding
//! for both backends (`cell`), then a trailer with the SHA-256 of every byte before it.
//!
//! - [`backup_to_file`] reads every table in one read transaction (a consistent snapshot while
//!   the server keeps writing), page by page, so memory stays flat whatever the size.
//! - [`restore_file`] loads an archive into an empty database of either backend in one
//!   transaction, committed only once the checksum and the row counts are right.
//!
//! The list of tables and the type of each column come from `schema.rs` (`spec`), so a table
//! added there is saved with no other change; a table the database holds that `schema.rs`
//! does not describe stops the backup with its name.

mod archive;
mod catalog;
mod cell;
mod load;
mod save;
pub mod spec;

use std::fs::{File, OpenOptions};
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

pub use archive::{Header, FORMAT_NAME, FORMAT_VERSION};
pub use catalog::{columns as database_columns, tables as database_tables};

use crate::db::DbConnection;

/// Why a backup or a restore stopped; every message is French, for the command line.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// A file could not be read or written.
    #[error("fichier : {0}")]
    Io(String),
    /// A query failed.
    #[error("erreur de la base de données : {0}")]
    Query(#[from] diesel::result::Error),
    /// The database and `schema.rs` disagree (a table or a column nobody described).
    #[error("schéma : {0}")]
    Schema(String),
    /// Backup of a database whose migrations are not this binary's.
    #[error(
        "la base est au schéma {database}, cette version d'Essaim au schéma {binary} : lancez `essaim migrate` (ou la version d'Essaim de la base) avant de sauvegarder"
    )]
    SchemaVersion {
        /// The database's newest migration.
        database: String,
        /// This binary's newest migration.
        binary: String,
    },
    /// The target database holds rows.
    #[error(
        "la base cible n'est pas vide : la table « {table} » contient {rows} ligne(s). Une restauration ne charge qu'une base vide ; créez-en une nouvelle. Rien n'a été écrit."
    )]
    NotEmpty {
        /// The first table found with rows.
        table: String,
        /// How many.
        rows: u64,
    },
    /// The target was migrated past the archive's schema.
    #[error(
        "la base cible est déjà au schéma {target}, plus récent que celui de l'archive ({archive}) : restaurez dans une base neuve, sans tables. Rien n'a été écrit."
    )]
    TargetAhead {
        /// The target's newest migration.
        target: String,
        /// The archive's.
        archive: String,
    },
    /// Truncated, altered or malformed archive.
    #[error("archive refusée : {0}. Rien n'a été écrit.")]
    Corrupt(String),
    /// Written by a newer format than this binary reads.
    #[error(
        "archive refusée : elle est au format {archive}, cette version d'Essaim lit jusqu'au format {binary}. Restaurez-la avec une version d'Essaim plus récente. Rien n'a été écrit."
    )]
    NewerFormat {
        /// The archive's format version.
        archive: u32,
        /// The newest this binary reads.
        binary: u32,
    },
    /// Written from a database newer than this binary's schema.
    #[error(
        "archive refusée : elle vient d'une base au schéma {archive}, plus récent que celui de cette version d'Essaim ({binary}). Restaurez-la avec une version d'Essaim au moins aussi récente. Rien n'a été écrit."
    )]
    NewerSchema {
        /// The archive's schema version.
        archive: String,
        /// This binary's.
        binary: String,
    },
    /// A table's rows were not as many as announced.
    #[error("la table « {table} » devait compter {expected} ligne(s), {found} trouvée(s)")]
    CountMismatch {
        /// The table.
        table: String,
        /// As announced.
        expected: u64,
        /// As found.
        found: u64,
    },
    /// The target's migrations failed.
    #[error("{0}")]
    Migration(String),
    /// A value the database gave could not be read (a bug, or a hand-edited database).
    #[error("erreur interne : {0}")]
    Internal(String),
}

/// A table and its row count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCount {
    /// The table.
    pub table: String,
    /// Its rows.
    pub rows: u64,
}

/// What a backup wrote.
#[derive(Debug)]
pub struct BackupReport {
    /// Rows per table.
    pub tables: Vec<TableCount>,
    /// The archive's size in bytes.
    pub bytes: u64,
}

/// What a restore loaded, checked against the header.
#[derive(Debug)]
pub struct RestoreReport {
    /// When the archive was taken.
    pub created_at: String,
    /// The backend it came from.
    pub backend: String,
    /// Its schema version.
    pub schema_version: String,
    /// Rows per table, as counted in the database after the load.
    pub tables: Vec<TableCount>,
    /// Migrations of this binary newer than the archive, applied after the load.
    pub later_migrations: usize,
}

/// Writes the archive of the whole database to `path`. The file appears only once complete:
/// it is written under a temporary name beside it (created exclusively, readable by its owner
/// alone, since it holds personal data), flushed to disk, then renamed.
pub fn backup_to_file(conn: &mut DbConnection, path: &Path) -> Result<BackupReport, BackupError> {
    let partial = partial_path(path);
    let result = (|| {
        let file = create_private(&partial)?;
        let encoder = GzEncoder::new(BufWriter::new(file), Compression::fast());
        let (encoder, tables) = save::write_archive(conn, encoder)?;
        let buffered = encoder.finish().map_err(io)?;
        let file = buffered.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        let bytes = file.metadata().map_err(io)?.len();
        std::fs::rename(&partial, path).map_err(io)?;
        Ok(BackupReport { tables, bytes })
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&partial);
    }
    result
}

/// Writes the archive, uncompressed lines, to any writer (tests, pipes).
pub fn backup_to_writer<W: Write>(conn: &mut DbConnection, out: W) -> Result<Vec<TableCount>, BackupError> {
    let encoder = GzEncoder::new(out, Compression::fast());
    let (encoder, tables) = save::write_archive(conn, encoder)?;
    encoder.finish().map_err(io)?;
    Ok(tables)
}

/// Loads the archive at `path` into the empty database behind `conn` (see
/// [`load::read_archive`]); `database` names it in messages, password removed.
pub fn restore_file(conn: &mut DbConnection, database: &str, path: &Path) -> Result<RestoreReport, BackupError> {
    let file = File::open(path).map_err(|e| BackupError::Io(format!("{} : {e}", path.display())))?;
    restore_reader(conn, database, file)
}

/// Loads an archive from any reader (gzip'd, as written).
pub fn restore_reader<R: std::io::Read>(
    conn: &mut DbConnection,
    database: &str,
    input: R,
) -> Result<RestoreReport, BackupError> {
    let decoder = BufReader::with_capacity(256 * 1024, MultiGzDecoder::new(BufReader::new(input)));
    load::read_archive(conn, database, decoder)
}

fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(format!(".{}.partiel", uuid::Uuid::new_v4().simple()));
    path.with_file_name(name)
}

fn create_private(path: &Path) -> Result<File, BackupError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path).map_err(|e| BackupError::Io(format!("{} : {e}", path.display())))
}

fn io(e: std::io::Error) -> BackupError {
    BackupError::Io(e.to_string())
}
