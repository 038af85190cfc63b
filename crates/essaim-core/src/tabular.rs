//! Reading a tabular import file, the same way for every import: the file read with gzip
//! undone and a cap on its decompressed size, its encoding found (UTF-8, UTF-16 with a BOM,
//! or Windows-1252 — what Excel on Windows writes — converted), binary refused; then a CSV
//! (with a header; comma, semicolon or tab) split into lines, with the line numbers a user
//! sees in a text editor.
//!
//! What the columns mean, and which are required, is the business of each import.

use std::io::Read;
use std::path::Path;

/// Largest file an import reads, once decompressed: 1 GiB, about five million answers. Past
/// it the import is refused before more is decompressed, so a "gzip bomb" (a few MB that
/// inflate to many GB) costs at most this much memory and a few seconds.
pub const MAX_IMPORT_BYTES: u64 = 1 << 30;

/// The file's text and the encoding it was read in.
#[derive(Debug, Clone)]
pub struct DecodedText {
    /// The whole text, UTF-8.
    pub text: String,
    /// The encoding found, in French, for the report.
    pub encoding: &'static str,
}

/// Reads a file, gunzipping `.gz` files (or any file starting with the gzip magic bytes),
/// streaming, and never more than [`MAX_IMPORT_BYTES`] once decompressed. The error is a
/// message in French.
pub fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    read_file_capped(path, MAX_IMPORT_BYTES)
}

/// [`read_file`] with another cap (tests).
pub fn read_file_capped(path: &Path, cap: u64) -> Result<Vec<u8>, String> {
    use std::io::BufRead;
    let unreadable = |e: std::io::Error| format!("lecture de {} impossible : {e}", path.display());
    let mut file = std::io::BufReader::new(std::fs::File::open(path).map_err(unreadable)?);
    let gzip = file.fill_buf().map_err(unreadable)?.starts_with(&[0x1f, 0x8b]);
    let mut out = Vec::new();
    let read = if gzip {
        flate2::read::MultiGzDecoder::new(file).take(cap + 1).read_to_end(&mut out)
    } else {
        file.take(cap + 1).read_to_end(&mut out)
    };
    read.map_err(|e| if gzip { format!("{} : archive gzip illisible ({e})", path.display()) } else { unreadable(e) })?;
    if out.len() as u64 > cap {
        return Err(format!(
            "{} dépasse {} Mo une fois décompressé : découpez-le en plusieurs fichiers (rien n'a été importé)",
            path.display(),
            cap / (1 << 20)
        ));
    }
    Ok(out)
}

/// Decodes bytes to text, without the control and bidirectional characters that
/// [`crate::text`] drops from every incoming text. The error is a message in French.
pub fn decode(bytes: Vec<u8>) -> Result<DecodedText, String> {
    let mut decoded = decode_raw(bytes)?;
    crate::text::clean_in_place(&mut decoded.text);
    Ok(decoded)
}

fn decode_raw(bytes: Vec<u8>) -> Result<DecodedText, String> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        if encoding == encoding_rs::UTF_8 {
            let text = String::from_utf8(bytes[bom_len..].to_vec())
                .map_err(|_| "le fichier annonce l'UTF-8 mais contient des octets invalides".to_owned())?;
            return Ok(DecodedText { text, encoding: "UTF-8" });
        }
        let (text, _, had_errors) = encoding.decode(&bytes);
        if had_errors {
            return Err("fichier UTF-16 illisible : enregistrez-le en UTF-8".into());
        }
        return Ok(DecodedText { text: text.into_owned(), encoding: "UTF-16 (converti)" });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(DecodedText { text, encoding: "UTF-8" }),
        Err(err) => {
            let bytes = err.into_bytes();
            if bytes.contains(&0) {
                return Err(
                    "ce fichier n'est pas du texte (octets nuls) : attendu un CSV ou un JSON Lines en UTF-8".into()
                );
            }
            // Not UTF-8 and not binary: the usual case is a CSV saved by Excel on Windows.
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
            Ok(DecodedText { text: text.into_owned(), encoding: "Windows-1252 (converti en UTF-8)" })
        }
    }
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

/// Splits CSV text (with a header line; delimiter `,`, `;` or tab, whichever the header uses
/// most) into lines. A line with another number of values than the header, or unreadable, is
/// refused and the others kept; the error (in French) is only for an unreadable header.
pub fn read_csv(text: &str) -> Result<CsvTable, String> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff_delimiter(text))
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| format!("en-tête CSV illisible : {e}"))?.iter().map(normalise_column).collect();
    let mut table = CsvTable { headers, ..Default::default() };
    let mut record = csv::StringRecord::new();
    let mut lines = LineCounter::new(text);
    let mut record_end = reader.position().byte() as usize;
    loop {
        let outcome = reader.read_record(&mut record);
        // The csv crate's own line numbers skip blank lines; count from byte offsets instead.
        let line = lines.line_of_record_after(record_end);
        record_end = reader.position().byte() as usize;
        match outcome {
            Ok(false) => break,
            Ok(true) => {
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue; // blank line
                }
                if record.len() != table.headers.len() {
                    let reason =
                        format!("{} colonnes au lieu de {} (guillemet oublié ?)", record.len(), table.headers.len());
                    table.refuse(line, reason);
                    continue;
                }
                table.rows.push(CsvLine { line, fields: record.iter().map(str::to_owned).collect() });
            }
            Err(e) => {
                table.refuse(line, format!("ligne CSV illisible : {e}"));
                if !matches!(e.kind(), csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }) {
                    break; // the reader cannot resynchronise after an I/O or syntax error
                }
            }
        }
    }
    Ok(table)
}

/// Line numbers from byte offsets, counting forward only (one pass over the text in all).
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    fn new(text: &'a str) -> Self {
        LineCounter { bytes: text.as_bytes(), offset: 0, line: 1 }
    }

    /// The line on which the record after `end` (the previous record's end) starts: blank
    /// lines in between are skipped, as the CSV reader skips them.
    fn line_of_record_after(&mut self, end: usize) -> usize {
        let mut start = end.min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\n' | b'\r') {
            start += 1;
        }
        if start >= self.offset {
            self.line += self.bytes[self.offset..start].iter().filter(|b| **b == b'\n').count();
            self.offset = start;
        }
        self.line
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
