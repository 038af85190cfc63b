//! `essaim import contributions`: CSV or JSON Lines into contributions, all or nothing.
//!
//! The file is read as a stream, twice: once to find its encoding (and refuse it if too big),
//! then line by line, each batch of lines checked and written in the one transaction that the
//! first refused line dooms — so memory does not grow with the file, and nothing is kept
//! unless every line is right. A line already imported with the same text is skipped, so
//! importing the same file twice changes nothing.

mod parse;
mod validate;
mod write;

use std::io::{BufReader, Read};
use std::path::Path;

use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::tabular;
use essaim_core::CoreError;
use sha2::{Digest, Sha256};

pub use essaim_core::tabular::MAX_IMPORT_BYTES;
pub use parse::{OPTIONAL_COLUMNS, REQUIRED_COLUMNS};
pub use validate::{name_key, MAX_LISTED_ERRORS, MAX_TEXT_CHARS};

/// A rejected line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// Line number in the file.
    pub line: usize,
    /// Why, in French.
    pub reason: String,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read or decoded.
    #[error("{0}")]
    Read(String),
    /// The file is not in the expected shape (columns).
    #[error("{0}")]
    Format(String),
    /// The consultation is missing, or exists when it should be new.
    #[error("{0}")]
    Consultation(String),
    /// Some lines are wrong; nothing was written. At most [`MAX_LISTED_ERRORS`] are listed;
    /// `refused` counts them all.
    #[error("{refused} ligne(s) refusée(s), rien n'a été importé")]
    Lines {
        /// The first refused lines, by line number, and notes (line 0).
        errors: Vec<LineError>,
        /// How many lines were refused in all.
        refused: usize,
    },
    /// The database failed; the transaction was rolled back.
    #[error(transparent)]
    Store(#[from] CoreError),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Store(CoreError::from(e))
    }
}

/// What to import into.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The consultation's slug.
    pub consultation: String,
    /// Create it, with this title and the themes found in the file.
    pub new_consultation: Option<String>,
    /// Who imports (None from the command line).
    pub actor: Option<Id>,
    /// Largest file accepted once decompressed: [`MAX_IMPORT_BYTES`] but in tests.
    pub max_bytes: u64,
}

impl ImportOptions {
    /// Into the consultation `slug`, by nobody in particular, with the usual cap.
    pub fn new(slug: &str) -> Self {
        ImportOptions {
            consultation: slug.to_owned(),
            new_consultation: None,
            actor: None,
            max_bytes: MAX_IMPORT_BYTES,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Contributions written.
    pub imported: usize,
    /// Lines skipped because already imported with the same text.
    pub already_present: usize,
    /// Columns present but not used.
    pub ignored_columns: Vec<String>,
    /// Encoding the file was read in.
    pub encoding: &'static str,
    /// Whether the consultation was created.
    pub consultation_created: bool,
    /// Themes created with it.
    pub themes_created: Vec<String>,
    /// SHA-256 of the file as read (after gunzip), for traceability.
    pub file_sha256: String,
}

/// Where the import stands, reported after each batch, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Lines read so far (each one checked, and written unless a line was refused).
    pub lines: usize,
    /// Bytes of the file (as on disk, compressed or not) read so far…
    pub read: u64,
    /// …of its size.
    pub size: u64,
}

/// Lines checked and written together: enough for cheap inserts and lookups, few enough that
/// memory stays flat whatever the file's length…
const BATCH_LINES: usize = 2_000;
/// …and no more than this much text (long answers make smaller batches).
const BATCH_BYTES: usize = 512 << 10;

/// Imports a file. On any error nothing is written.
pub fn import_contributions(
    conn: &mut DbConnection,
    path: &Path,
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, ImportError> {
    // First pass: the encoding, the cap and the file's digest, nothing kept.
    let mut first =
        Digesting { inner: tabular::open(path, options.max_bytes).map_err(ImportError::Read)?, digest: Sha256::new() };
    let encoding = tabular::detect_encoding(&mut first).map_err(ImportError::Read)?;
    let file_sha256 = hex::encode(first.digest.finalize());
    // Second pass: decoded, read and written as it goes.
    let source = tabular::open(path, options.max_bytes).map_err(ImportError::Read)?;
    let file = source.progress();
    let text = BufReader::with_capacity(64 << 10, tabular::Decoded::new(source, encoding));
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut rows = parse::Rows::open(&file_name, text)?;

    write_transaction(conn, |conn| {
        let mut writer = write::Writer::start(conn, options)?;
        let mut batch = Vec::with_capacity(BATCH_LINES);
        let (mut lines, mut bytes) = (0, 0);
        while let Some(item) = rows.next_item() {
            let item = item?;
            bytes += item.weight();
            batch.push(item);
            if batch.len() == BATCH_LINES || bytes >= BATCH_BYTES {
                bytes = 0;
                lines += batch.len();
                writer.write(conn, &mut batch)?;
                progress(Progress { lines, read: file.read(), size: file.size() });
            }
        }
        lines += batch.len();
        writer.write(conn, &mut batch)?;
        progress(Progress { lines, read: file.read(), size: file.size() });
        let ignored_columns = rows.finish()?;
        let written = writer.finish(conn)?;
        record(
            conn,
            AuditEvent::new(
                options.actor,
                "contributions.import",
                "consultation",
                Some(written.consultation.to_string()),
            )
            .with_details(serde_json::json!({
                "file": file_name,
                "sha256": file_sha256,
                "imported": written.imported,
                "already_present": written.already_present,
            })),
        )?;
        Ok(ImportReport {
            imported: written.imported,
            already_present: written.already_present,
            ignored_columns,
            encoding: encoding.label(),
            consultation_created: options.new_consultation.is_some(),
            themes_created: written.themes_created,
            file_sha256: file_sha256.clone(),
        })
    })
}

/// The bytes read through it go into a SHA-256 too.
struct Digesting<R> {
    inner: R,
    digest: Sha256,
}

impl<R: Read> Read for Digesting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.digest.update(&buf[..n]);
        Ok(n)
    }
}
