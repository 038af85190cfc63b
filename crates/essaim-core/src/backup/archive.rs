//! The archive's lines: written and read through SHA-256, so the trailer can vouch for every
//! byte before it.

use std::io::{BufRead, Write};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::BackupError;

/// The format's name, first field of the header.
pub const FORMAT_NAME: &str = "essaim-backup";
/// The format's version: raised when a reader of the previous version could misread an archive.
pub const FORMAT_VERSION: u32 = 1;
/// A line longer than this is refused (the largest value is a logo, 512 KiB before base64).
pub const MAX_LINE_BYTES: u64 = 64 * 1024 * 1024;

/// The first line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Header {
    /// Always [`FORMAT_NAME`].
    pub format: String,
    /// [`FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// The newest migration applied to the database saved.
    pub schema_version: String,
    /// The version of Essaim that wrote it.
    pub software_version: String,
    /// When the snapshot was taken (UTC, ISO 8601).
    pub created_at: String,
    /// `sqlite` or `postgresql`.
    pub backend: String,
    /// Every table, in the order its rows follow.
    pub tables: Vec<TableHeader>,
}

/// A table as the header describes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TableHeader {
    /// Its name.
    pub name: String,
    /// How many rows follow.
    pub rows: u64,
    /// The columns of its primary key.
    pub primary_key: Vec<String>,
    /// Its columns.
    pub columns: Vec<ColumnHeader>,
}

/// A column as the header describes it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ColumnHeader {
    /// Its name.
    pub name: String,
    /// Its kind (`uuid`, `text`, `integer`, `bigint`, `boolean`, `timestamp`, `date`, `binary`).
    #[serde(rename = "type")]
    pub kind: String,
    /// Whether it may be NULL.
    pub nullable: bool,
}

/// The line that opens a table's rows.
#[derive(Debug, Serialize, Deserialize)]
pub struct TableStart {
    /// The table's name.
    pub table: String,
    /// How many rows follow (as in the header).
    pub rows: u64,
}

/// The last line.
#[derive(Debug, Serialize, Deserialize)]
pub struct Trailer {
    /// SHA-256 (hex) of every byte before this line, once decompressed.
    pub sha256: String,
    /// How many lines came before this one.
    pub lines: u64,
}

/// Writes lines and hashes them.
pub struct LineWriter<W: Write> {
    out: W,
    hash: Sha256,
    lines: u64,
}

impl<W: Write> LineWriter<W> {
    /// Over `out`.
    pub fn new(out: W) -> Self {
        LineWriter { out, hash: Sha256::new(), lines: 0 }
    }

    /// One JSON line.
    pub fn line<T: Serialize>(&mut self, value: &T) -> Result<(), BackupError> {
        let mut bytes = serde_json::to_vec(value).map_err(|e| BackupError::Io(e.to_string()))?;
        bytes.push(b'\n');
        self.hash.update(&bytes);
        self.lines += 1;
        self.out.write_all(&bytes).map_err(|e| BackupError::Io(e.to_string()))
    }

    /// Writes the trailer and gives the writer back.
    pub fn finish(mut self) -> Result<W, BackupError> {
        let trailer = Trailer { sha256: hex::encode(self.hash.clone().finalize()), lines: self.lines };
        let mut bytes = serde_json::to_vec(&trailer).map_err(|e| BackupError::Io(e.to_string()))?;
        bytes.push(b'\n');
        self.out.write_all(&bytes).map_err(|e| BackupError::Io(e.to_string()))?;
        Ok(self.out)
    }
}

/// Reads lines and hashes them.
pub struct LineReader<R: BufRead> {
    input: R,
    hash: Sha256,
    lines: u64,
    buffer: Vec<u8>,
}

impl<R: BufRead> LineReader<R> {
    /// Over `input`.
    pub fn new(input: R) -> Self {
        LineReader { input, hash: Sha256::new(), lines: 0, buffer: Vec::new() }
    }

    /// The next line, hashed; an archive that ends here is truncated.
    pub fn next_line(&mut self) -> Result<&[u8], BackupError> {
        self.read()?;
        self.hash.update(&self.buffer);
        self.lines += 1;
        Ok(&self.buffer)
    }

    /// The next line parsed as `T`.
    pub fn next<T: for<'de> Deserialize<'de>>(&mut self, what: &str) -> Result<T, BackupError> {
        let line = self.next_line()?;
        serde_json::from_slice(line).map_err(|e| BackupError::Corrupt(format!("{what} illisible : {e}")))
    }

    /// Reads the trailer and checks it against every line read; nothing may follow it.
    pub fn finish(&mut self) -> Result<(), BackupError> {
        let digest = hex::encode(self.hash.clone().finalize());
        self.read()?;
        let trailer: Trailer = serde_json::from_slice(&self.buffer)
            .map_err(|e| BackupError::Corrupt(format!("fin d'archive illisible : {e}")))?;
        if trailer.sha256 != digest || trailer.lines != self.lines {
            return Err(BackupError::Corrupt(
                "l'empreinte SHA-256 ne correspond pas au contenu : l'archive a été modifiée".into(),
            ));
        }
        let mut rest = Vec::new();
        let extra = std::io::Read::read_to_end(&mut self.input, &mut rest)
            .map_err(|e| BackupError::Corrupt(format!("lecture impossible : {e}")))?;
        if extra > 0 {
            return Err(BackupError::Corrupt("des données suivent la fin de l'archive".into()));
        }
        Ok(())
    }

    fn read(&mut self) -> Result<(), BackupError> {
        self.buffer.clear();
        let read = std::io::Read::take(&mut self.input, MAX_LINE_BYTES)
            .read_until(b'\n', &mut self.buffer)
            .map_err(|e| BackupError::Corrupt(format!("lecture impossible : {e}")))?;
        if read == 0 {
            return Err(BackupError::Corrupt("l'archive s'arrête avant sa fin : elle est tronquée".into()));
        }
        if self.buffer.last() != Some(&b'\n') {
            return Err(BackupError::Corrupt(
                "ligne incomplète ou trop longue : l'archive est tronquée ou altérée".into(),
            ));
        }
        Ok(())
    }
}
