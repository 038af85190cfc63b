//! Reading a tabular import file, the same way for every import, as a stream: the file with
//! gzip undone and a cap on its decompressed size, its encoding found (UTF-8, UTF-16 with a
//! BOM, or Windows-1252 — what Excel on Windows writes — converted), binary refused
//! ([`source`]); then a CSV (with a header; comma, semicolon or tab) read record by record,
//! with the line numbers a user sees in a text editor. Memory does not grow with the file.
//!
//! What the columns mean, and which are required, is the business of each import.

pub mod source;

use std::collections::VecDeque;
use std::io::{self, BufRead, Read};
use std::path::Path;

pub use source::{detect_encoding, open, Decoded, FileProgress, Source, TextEncoding};

/// Largest file an import reads, once decompressed: 1 GiB, about five million answers. Past
/// it the import is refused before more is decompressed, so a "gzip bomb" (a few MB that
/// inflate to many GB) costs a few seconds, and memory no more than any other file.
pub const MAX_IMPORT_BYTES: u64 = 1 << 30;

/// Largest file read whole ([`read_file`]): a questionnaire definition or a list of
/// invitees, far below this. Reading whole costs up to twice this in memory.
pub const MAX_WHOLE_FILE_BYTES: u64 = 64 << 20;

/// Longest CSV record, in bytes: a contribution is at most 20,000 characters, so a record
/// this long is a quotation mark left open swallowing the rest of the file — refused there
/// rather than held.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;

/// The file's text and the encoding it was read in.
#[derive(Debug, Clone)]
pub struct DecodedText {
    /// The whole text, UTF-8.
    pub text: String,
    /// The encoding found, in French, for the report.
    pub encoding: &'static str,
}

/// Reads a small file whole (a questionnaire definition, a list of invitees), gunzipping it
/// like any import and never more than [`MAX_WHOLE_FILE_BYTES`] once decompressed. The error
/// is a message in French.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    read_file_capped(path, MAX_WHOLE_FILE_BYTES)
}

/// [`read_file`] with another cap (tests).
pub fn read_file_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    open(path, cap)?.read_to_end(&mut out).map_err(|e| e.to_string())?;
    Ok(out)
}

/// Decodes bytes held whole to text, by the rules of [`detect_encoding`], without the control
/// and bidirectional characters that [`crate::text`] drops from every incoming text. The error
/// is a message in French.
pub fn decode(bytes: Vec<u8>) -> Result<DecodedText, String> {
    let encoding = detect_encoding(&bytes[..])?;
    let mut text = String::with_capacity(bytes.len());
    Decoded::new(&bytes[..], encoding).read_to_string(&mut text).map_err(|e| e.to_string())?;
    crate::text::clean_in_place(&mut text);
    Ok(DecodedText { text, encoding: encoding.label() })
}

/// One data line of a CSV file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvLine {
    /// Line number in the file (1 = the header line) on which the record starts, for messages.
    pub line: usize,
    /// The values, in the order of [`CsvTable::headers`] (as many as there are headers).
    pub fields: Vec<String>,
}

/// A CSV file split into lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvTable {
    /// Column names, normalised by [`normalise_column`], in file order.
    pub headers: Vec<String>,
    /// The data lines with as many values as there are headers, in file order; blank lines
    /// are skipped.
    pub rows: Vec<CsvLine>,
    /// The first [`MAX_REFUSED_KEPT`] lines refused while reading: line number and why, in
    /// French, in file order.
    pub refused: Vec<(usize, String)>,
    /// How many lines were refused in all, kept or not.
    pub refused_count: usize,
}

/// Refused lines whose message is kept: a file of millions of bad lines must not hold
/// millions of messages (the count goes on).
pub const MAX_REFUSED_KEPT: usize = 1_000;

impl CsvTable {
    fn refuse(&mut self, line: usize, reason: String) {
        self.refused_count += 1;
        if self.refused.len() < MAX_REFUSED_KEPT {
            self.refused.push((line, reason));
        }
    }
}

/// A column name as compared: trimmed, without a byte-order mark, in lower case.
pub fn normalise_column(raw: &str) -> String {
    raw.trim().trim_start_matches('\u{feff}').to_lowercase()
}

/// The separator of a CSV file: the one of `,`, `;`, tab most frequent in the header line.
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    [b',', b';', b'\t'].into_iter().max_by_key(|d| header.bytes().filter(|b| b == d).count()).unwrap_or(b',')
}

/// Splits CSV text held whole (with a header line; delimiter `,`, `;` or tab, whichever the
/// header uses most) into lines. A line with another number of values than the header, or
/// unreadable, is refused and the others kept; the error (in French) is only for an
/// unreadable header.
pub fn read_csv(text: &str) -> Result<CsvTable, String> {
    let mut reader = CsvReader::new(text.as_bytes())?;
    let mut table = CsvTable { headers: reader.headers().to_vec(), ..Default::default() };
    for item in &mut reader {
        match item? {
            CsvItem::Line(line) => table.rows.push(line),
            CsvItem::Refused { line, reason } => table.refuse(line, reason),
        }
    }
    Ok(table)
}

/// What reading a CSV record gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CsvItem {
    /// A data line with as many values as there are headers.
    Line(CsvLine),
    /// A line refused: its number and why, in French.
    Refused {
        /// Line number in the file.
        line: usize,
        /// Why, in French.
        reason: String,
    },
}

/// A CSV stream read record by record: only the record being read is held. Blank lines are
/// skipped. An `Err` item (the file could not be read on: too big, broken archive, bytes its
/// encoding cannot hold) is a message in French and the last item.
pub struct CsvReader<R: Read> {
    reader: csv::Reader<LineTracker<io::Chain<io::Cursor<Vec<u8>>, R>>>,
    headers: Vec<String>,
    record: csv::StringRecord,
    record_end: u64,
    finished: bool,
}

impl<R: BufRead> CsvReader<R> {
    /// Reads the header line. The error, in French, is for a header that cannot be read.
    pub fn new(mut input: R) -> Result<Self, String> {
        // The delimiter is sniffed on the first line, then that line is given back to the
        // CSV reader; a first line longer than a record is cut for the sniffing only.
        let mut first = Vec::new();
        (&mut input).take(MAX_RECORD_BYTES).read_until(b'\n', &mut first).map_err(|e| e.to_string())?;
        let delimiter = sniff_delimiter(&String::from_utf8_lossy(&first));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(LineTracker::new(io::Cursor::new(first).chain(input)));
        let headers = match reader.headers() {
            Ok(headers) => headers.iter().map(normalise_column).collect(),
            Err(e) => return Err(io_message(&e).unwrap_or_else(|| format!("en-tête CSV illisible : {e}"))),
        };
        let record_end = reader.position().byte();
        Ok(CsvReader { reader, headers, record: csv::StringRecord::new(), record_end, finished: false })
    }
}

impl<R: Read> CsvReader<R> {
    /// Column names, normalised by [`normalise_column`], in file order.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }
}

impl<R: Read> Iterator for CsvReader<R> {
    type Item = Result<CsvItem, String>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.finished {
            let outcome = self.reader.read_record(&mut self.record);
            // The csv crate's own line numbers skip blank lines; count from byte offsets instead.
            let line = self.reader.get_mut().line_of_record_after(self.record_end);
            self.record_end = self.reader.position().byte();
            match outcome {
                Ok(false) => self.finished = true,
                Ok(true) => {
                    if self.record.iter().all(|f| f.trim().is_empty()) {
                        continue; // blank line
                    }
                    if self.record.len() != self.headers.len() {
                        let reason = format!(
                            "{} colonnes au lieu de {} (guillemet oublié ?)",
                            self.record.len(),
                            self.headers.len()
                        );
                        return Some(Ok(CsvItem::Refused { line, reason }));
                    }
                    let fields = self.record.iter().map(cell).collect();
                    return Some(Ok(CsvItem::Line(CsvLine { line, fields })));
                }
                Err(e) => {
                    let resumable =
                        matches!(e.kind(), csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. });
                    // The reader cannot resynchronise after an I/O or syntax error.
                    self.finished = !resumable;
                    if let Some(too_long) = record_too_long(&e) {
                        return Some(Ok(CsvItem::Refused { line, reason: too_long }));
                    }
                    if let Some(message) = io_message(&e) {
                        return Some(Err(message));
                    }
                    return Some(Ok(CsvItem::Refused { line, reason: format!("ligne CSV illisible : {e}") }));
                }
            }
        }
        None
    }
}

/// The text of one cell, as every import receives it: the one place where it is made.
fn cell(raw: &str) -> String {
    // The one place a cell's text is made: without what `crate::text` drops from incoming text.
    crate::text::clean(raw).into_owned()
}

/// The message of an error that came from reading the file (they carry their French text).
fn io_message(error: &csv::Error) -> Option<String> {
    match error.kind() {
        csv::ErrorKind::Io(e) => Some(e.to_string()),
        _ => None,
    }
}

/// A record over [`MAX_RECORD_BYTES`], told by the [`LineTracker`].
#[derive(Debug)]
struct RecordTooLong;

impl std::fmt::Display for RecordTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "enregistrement de plus de {} Mo : un guillemet ouvert n'est sans doute pas refermé (lecture arrêtée ici)",
            MAX_RECORD_BYTES >> 20
        )
    }
}

impl std::error::Error for RecordTooLong {}

fn record_too_long(error: &csv::Error) -> Option<String> {
    match error.kind() {
        csv::ErrorKind::Io(e) => e.get_ref().and_then(|e| e.downcast_ref::<RecordTooLong>()).map(|e| e.to_string()),
        _ => None,
    }
}

/// Line numbers from byte offsets, for a stream: counts the newlines going through, and keeps
/// those not yet passed (the CSV reader reads ahead a buffer). Also refuses a record that
/// grows past [`MAX_RECORD_BYTES`].
struct LineTracker<R> {
    inner: R,
    /// Bytes read so far.
    offset: u64,
    /// Where the run of `\r` and `\n` that the last byte read belongs to started.
    run_start: Option<u64>,
    /// Newlines at or after the last record's end: their offset and their run's start.
    ahead: VecDeque<(u64, u64)>,
    /// Newlines before the last record's end.
    passed: usize,
    /// The last record's end.
    record_end: u64,
}

impl<R: Read> LineTracker<R> {
    fn new(inner: R) -> Self {
        LineTracker { inner, offset: 0, run_start: None, ahead: VecDeque::new(), passed: 0, record_end: 0 }
    }

    /// The line on which the record after `end` (the previous record's end) starts: blank
    /// lines in between are skipped, as the CSV reader skips them.
    fn line_of_record_after(&mut self, end: u64) -> usize {
        self.record_end = self.record_end.max(end);
        while self.ahead.front().is_some_and(|(at, _)| *at < self.record_end) {
            self.ahead.pop_front();
            self.passed += 1;
        }
        // Newlines of a run of line ends that `end` is in are blank lines before the record.
        let blank = self.ahead.iter().take_while(|(_, run)| *run <= self.record_end).count();
        1 + self.passed + blank
    }
}

impl<R: Read> Read for LineTracker<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.offset.saturating_sub(self.record_end) > MAX_RECORD_BYTES {
            return Err(io::Error::other(RecordTooLong));
        }
        let n = self.inner.read(buf)?;
        for (at, byte) in (self.offset..).zip(&buf[..n]) {
            match byte {
                b'\n' => {
                    let run = *self.run_start.get_or_insert(at);
                    self.ahead.push_back((at, run));
                }
                b'\r' => {
                    self.run_start.get_or_insert(at);
                }
                _ => self.run_start = None,
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_decoded_file_loses_nul_and_bidi_override_characters() {
        let decoded = decode("nom;texte\nAsso\u{0}ciation;abc\u{202E}def\n".as_bytes().to_vec()).unwrap();
        assert_eq!(decoded.text, "nom;texte\nAssociation;abcdef\n");
    }

    #[test]
    fn a_gzip_bomb_is_refused_at_the_cap_without_inflating_it_whole() {
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bombe.csv.gz");
        let mut encoder =
            flate2::write::GzEncoder::new(std::fs::File::create(&path).unwrap(), flate2::Compression::best());
        let zeros = vec![b'0'; 1 << 20];
        for _ in 0..64 {
            encoder.write_all(&zeros).unwrap();
        }
        encoder.finish().unwrap();
        assert!(std::fs::metadata(&path).unwrap().len() < 1 << 20, "a small file…");
        let Err(message) = read_file_capped(&path, 4 << 20) else { panic!("refused") };
        assert!(message.contains("dépasse 4 Mo"), "{message}");
        assert_eq!(read_file_capped(&path, 64 << 20).unwrap().len(), 64 << 20, "…read whole under the cap");
        let plain = dir.path().join("gros.csv");
        std::fs::write(&plain, vec![b'x'; 5 << 20]).unwrap();
        assert!(read_file_capped(&plain, 4 << 20).is_err(), "plain files are capped too");
    }

    #[test]
    fn a_missing_file_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let message = read_file(&dir.path().join("absent.csv")).unwrap_err();
        assert!(message.starts_with("lecture de ") && message.contains("absent.csv"), "{message}");
    }

    #[test]
    fn windows_1252_is_detected_and_converted() {
        let bytes = b"id,theme,text\n1,Emploi,Cr\xe9er des emplois non d\xe9localisables\n".to_vec();
        let decoded = decode(bytes).unwrap();
        assert!(decoded.encoding.starts_with("Windows-1252"));
        assert!(decoded.text.contains("Créer des emplois non délocalisables"));
    }

    #[test]
    fn utf8_with_bom_and_utf16_are_read_and_binary_refused() {
        let decoded = decode(b"\xef\xbb\xbfid,theme,text\n".to_vec()).unwrap();
        assert_eq!(decoded.encoding, "UTF-8");
        assert!(decoded.text.starts_with("id,"));
        let utf16: Vec<u8> =
            [0xff, 0xfe].into_iter().chain("id,é".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(utf16).unwrap().text, "id,é");
        assert!(decode(vec![0x50, 0x4b, 0x03, 0x04, 0x00, 0xff]).is_err());
    }

    #[test]
    fn headers_are_normalised() {
        assert_eq!(normalise_column("\u{feff}Courriel "), "courriel");
        assert_eq!(normalise_column(" Adresse Électronique"), "adresse électronique");
        let table = read_csv("\u{feff}Id; Theme ;TEXT\n").unwrap();
        assert_eq!(table.headers, ["id", "theme", "text"]);
        assert!(table.rows.is_empty() && table.refused.is_empty());
    }

    #[test]
    fn the_delimiter_is_the_one_the_header_uses_most() {
        assert_eq!(sniff_delimiter("a,b;c;d\n1,2"), b';');
        assert_eq!(sniff_delimiter("a\tb\tc\n"), b'\t');
        assert_eq!(sniff_delimiter("a,b\n"), b',');
        let table = read_csv("a\tb\n1\t2,3\n").unwrap();
        assert_eq!(table.rows[0].fields, ["1", "2,3"]);
    }

    #[test]
    fn quotes_multiline_values_and_blank_lines() {
        let text = "id;text\n\"a-1\";\"Un texte; avec \"\"guillemets\"\"\nsur deux lignes\"\n\n;\na-2;Court\n";
        let table = read_csv(text).unwrap();
        assert_eq!(
            table.rows,
            [
                CsvLine {
                    line: 2,
                    fields: vec!["a-1".into(), "Un texte; avec \"guillemets\"\nsur deux lignes".into()]
                },
                CsvLine { line: 6, fields: vec!["a-2".into(), "Court".into()] },
            ]
        );
        assert!(table.refused.is_empty());
    }

    #[test]
    fn line_numbers_count_blank_lines_and_crlf_and_wrong_lengths_are_refused() {
        let table = read_csv("id,theme,text\r\na,t,x\r\n\r\nb,t,y\r\nc,t\r\nd,t,z,w\r\ne,t,v").unwrap();
        assert_eq!(table.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4, 7]);
        assert_eq!(table.rows[2].fields, ["e", "t", "v"]);
        assert_eq!(
            table.refused,
            [
                (5, "2 colonnes au lieu de 3 (guillemet oublié ?)".to_owned()),
                (6, "4 colonnes au lieu de 3 (guillemet oublié ?)".to_owned()),
            ]
        );
    }

    /// Endless CSV: a header, then rows made as they are asked for; counts what it gave.
    struct Endless {
        given: u64,
        pending: Vec<u8>,
    }

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.pending.is_empty() {
                self.pending = if self.given == 0 {
                    b"id;theme;text\n".to_vec()
                } else {
                    format!("r-{};Emploi;{}\n", self.given, "x".repeat(100)).into_bytes()
                };
            }
            let n = buf.len().min(self.pending.len());
            buf[..n].copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            self.given += n as u64;
            Ok(n)
        }
    }

    #[test]
    fn rows_come_as_they_are_read_not_after_the_whole_file() {
        let mut endless = Endless { given: 0, pending: Vec::new() };
        let mut reader = CsvReader::new(io::BufReader::new(&mut endless)).unwrap();
        assert_eq!(reader.headers(), ["id", "theme", "text"]);
        let mut lines = Vec::new();
        for item in reader.by_ref().take(1_000) {
            let Ok(CsvItem::Line(line)) = item else { panic!("{item:?}") };
            lines.push(line.line);
        }
        assert_eq!(lines, (2..1_002).collect::<Vec<_>>());
        drop(reader);
        assert!(endless.given < 1 << 20, "a thousand rows read through a buffer: {} bytes", endless.given);
    }

    /// Reads CSV text a byte at a time, so that every record straddles the reader's buffers.
    fn read_trickling(text: &str) -> CsvTable {
        let mut reader = CsvReader::new(io::BufReader::with_capacity(1, text.as_bytes())).unwrap();
        let mut table = CsvTable { headers: reader.headers().to_vec(), ..Default::default() };
        for item in &mut reader {
            match item.unwrap() {
                CsvItem::Line(line) => table.rows.push(line),
                CsvItem::Refused { line, reason } => table.refuse(line, reason),
            }
        }
        table
    }

    #[test]
    fn line_numbers_hold_across_buffer_boundaries() {
        for text in [
            "id,theme,text\r\na,t,x\r\n\r\nb,t,y\r\nc,t\r\nd,t,z,w\r\ne,t,v",
            "id;text\n\"a-1\";\"Un texte; avec \"\"guillemets\"\"\nsur deux lignes\"\n\n;\na-2;Court\n",
        ] {
            assert_eq!(read_trickling(text), read_csv(text).unwrap(), "{text:?}");
        }
        assert_eq!(read_trickling("a,b\n\n\n\r\n1,2\n").rows[0].line, 5);
    }

    #[test]
    fn a_quote_left_open_is_refused_at_the_record_cap_not_held_to_the_end() {
        let text = format!("id,text\n1,ok\n2,\"ouvert{}\n3,ok\n", "x\n".repeat(MAX_RECORD_BYTES as usize));
        let items: Vec<_> = CsvReader::new(text.as_bytes()).unwrap().collect();
        assert_eq!(items.len(), 2, "the first line, then the refusal, then nothing");
        let Ok(CsvItem::Refused { line, reason }) = &items[1] else { panic!("{items:?}") };
        assert_eq!(*line, 3);
        assert!(reason.contains("guillemet ouvert"), "{reason}");
    }

    #[test]
    fn an_error_reading_the_file_ends_the_stream_with_its_message() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("gros.csv");
        std::fs::write(&path, format!("id,text\n{}", "1,abc\n".repeat(1 << 20))).unwrap();
        let reader = CsvReader::new(io::BufReader::new(open(&path, 1 << 20).unwrap())).unwrap();
        let last = reader.last().unwrap();
        assert!(last.unwrap_err().contains("dépasse 1 Mo"));
    }

    #[test]
    fn an_empty_text_has_no_columns() {
        let table = read_csv("").unwrap();
        assert!(table.headers.is_empty() && table.rows.is_empty() && table.refused.is_empty());
    }

    #[test]
    fn millions_of_bad_lines_keep_a_thousand_messages_and_count_them_all() {
        let text = format!("a,b\n{}", "1\n".repeat(MAX_REFUSED_KEPT * 3));
        let table = read_csv(&text).unwrap();
        assert_eq!(table.refused.len(), MAX_REFUSED_KEPT);
        assert_eq!(table.refused_count, MAX_REFUSED_KEPT * 3);
        assert_eq!(table.refused[0].0, 2, "line numbers count the header");
    }
}
