//! CSV (with a header; comma, semicolon or tab) and JSON Lines into uniform rows.

use std::collections::BTreeSet;
use std::io::{BufRead, Read};

use essaim_core::tabular::{self, normalise_column};

use super::{ImportError, LineError};

/// Columns an import must have.
pub const REQUIRED_COLUMNS: [&str; 3] = ["id", "theme", "text"];
/// Columns an import may have.
pub const OPTIONAL_COLUMNS: [&str; 5] = ["kind", "channel", "territory", "organisation", "created_at"];

/// One line of the file, as read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawRow {
    /// Line number in the file (1 = first line), for messages.
    pub line: usize,
    /// `id` column: kept as the external reference.
    pub id: String,
    /// `theme` column.
    pub theme: String,
    /// `text` column.
    pub text: String,
    /// Optional columns, empty when absent.
    pub kind: String,
    /// `channel`.
    pub channel: String,
    /// `territory`.
    pub territory: String,
    /// `organisation`.
    pub organisation: String,
    /// `created_at`.
    pub created_at: String,
}

/// What reading the file gives, in file order.
#[derive(Debug)]
pub enum Item {
    /// A line read.
    Row(RawRow),
    /// A line that could not be read.
    Refused(LineError),
}

impl Item {
    /// About how many bytes it holds.
    pub fn weight(&self) -> usize {
        match self {
            Item::Row(row) => {
                std::mem::size_of::<RawRow>()
                    + [&row.id, &row.theme, &row.text, &row.kind, &row.channel]
                        .into_iter()
                        .chain([&row.territory, &row.organisation, &row.created_at])
                        .map(|s| s.len())
                        .sum::<usize>()
            }
            Item::Refused(error) => std::mem::size_of::<LineError>() + error.reason.len(),
        }
    }
}

/// File formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// CSV with a header.
    Csv,
    /// One JSON object per line.
    JsonLines,
}

/// Picks the format from the file name, or from the first character of its text.
pub fn detect_format(file_name: &str, start: &[u8]) -> Format {
    let name = file_name.to_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
        return Format::JsonLines;
    }
    if name.ends_with(".csv") || name.ends_with(".tsv") || name.ends_with(".txt") {
        return Format::Csv;
    }
    if start.trim_ascii_start().starts_with(b"{") {
        Format::JsonLines
    } else {
        Format::Csv
    }
}

fn set(row: &mut RawRow, column: &str, value: String) {
    match column {
        "id" => row.id = value,
        "theme" => row.theme = value,
        "text" => row.text = value,
        "kind" => row.kind = value,
        "channel" => row.channel = value,
        "territory" => row.territory = value,
        "organisation" => row.organisation = value,
        "created_at" => row.created_at = value,
        _ => {}
    }
}

fn is_known(column: &str) -> bool {
    REQUIRED_COLUMNS.contains(&column) || OPTIONAL_COLUMNS.contains(&column)
}

/// The lines of a file, read as they are asked for (CSV or JSON Lines).
pub enum Rows<R: BufRead> {
    /// CSV: the core reads the records, the columns are picked here.
    Csv(tabular::CsvReader<R>),
    /// JSON Lines.
    Json(JsonRows<R>),
}

impl<R: BufRead> Rows<R> {
    /// Starts reading: the format from the name or the first character, and for a CSV its
    /// header, checked here.
    pub fn open(file_name: &str, mut text: R) -> Result<Self, ImportError> {
        let start = text.fill_buf().map_err(|e| ImportError::Read(e.to_string()))?;
        Ok(match detect_format(file_name, start) {
            Format::Csv => {
                let reader = tabular::CsvReader::new(text).map_err(ImportError::Format)?;
                check_columns(reader.headers())?;
                Rows::Csv(reader)
            }
            Format::JsonLines => Rows::Json(JsonRows {
                text,
                line: 0,
                buffer: Vec::new(),
                ignored: BTreeSet::new(),
                seen_required: BTreeSet::new(),
                any_row: false,
            }),
        })
    }

    /// The next line, or the error that stops reading (nothing is kept then).
    pub fn next_item(&mut self) -> Option<Result<Item, ImportError>> {
        match self {
            Rows::Csv(reader) => {
                let item = reader.next()?;
                Some(match item {
                    Ok(tabular::CsvItem::Line(csv_line)) => {
                        let mut row = RawRow { line: csv_line.line, ..Default::default() };
                        for (column, value) in reader.headers().iter().zip(csv_line.fields) {
                            set(&mut row, column, value);
                        }
                        Ok(Item::Row(row))
                    }
                    Ok(tabular::CsvItem::Refused { line, reason }) => Ok(Item::Refused(LineError { line, reason })),
                    Err(message) => Err(ImportError::Read(message)),
                })
            }
            Rows::Json(rows) => rows.next_item(),
        }
    }

    /// Once every line is read: the columns present but ignored, or the error of a required
    /// column that no line had.
    pub fn finish(self) -> Result<Vec<String>, ImportError> {
        match self {
            Rows::Csv(reader) => {
                Ok(reader.headers().iter().filter(|h| !is_known(h) && !h.is_empty()).cloned().collect())
            }
            Rows::Json(rows) => {
                if rows.any_row {
                    let present: Vec<String> = rows.seen_required.into_iter().collect();
                    check_columns(&present)?;
                }
                Ok(rows.ignored.into_iter().collect())
            }
        }
    }
}

fn check_columns(present: &[String]) -> Result<(), ImportError> {
    let missing: Vec<&str> = REQUIRED_COLUMNS.iter().copied().filter(|c| !present.iter().any(|p| p == c)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ImportError::Format(format!(
        "colonne(s) obligatoire(s) absente(s) : {}. Colonnes trouvées : {}. Attendu : id, theme, text (et en option kind, channel, territory, organisation, created_at).",
        missing.join(", "),
        if present.is_empty() { "aucune".to_owned() } else { present.join(", ") }
    )))
}

/// Unknown keys named in the report, at most: a file whose every line has its own keys must
/// not grow a list as long as itself.
const MAX_IGNORED_KEYS: usize = 100;

/// JSON Lines read a line at a time: one object per line; strings (numbers are accepted for
/// `id`).
pub struct JsonRows<R> {
    text: R,
    line: usize,
    buffer: Vec<u8>,
    ignored: BTreeSet<String>,
    seen_required: BTreeSet<String>,
    any_row: bool,
}

impl<R: BufRead> JsonRows<R> {
    fn next_item(&mut self) -> Option<Result<Item, ImportError>> {
        loop {
            self.buffer.clear();
            let limit = tabular::MAX_RECORD_BYTES;
            match (&mut self.text).take(limit + 1).read_until(b'\n', &mut self.buffer) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(ImportError::Read(e.to_string()))),
            }
            self.line += 1;
            let line = self.line;
            if self.buffer.len() as u64 > limit && self.buffer.last() != Some(&b'\n') {
                // The rest of that line is skipped, not held.
                if let Err(e) = self.text.skip_until(b'\n') {
                    return Some(Err(ImportError::Read(e.to_string())));
                }
                let reason = format!("ligne de plus de {} Mo", limit >> 20);
                return Some(Ok(Item::Refused(LineError { line, reason })));
            }
            if self.buffer.trim_ascii().is_empty() {
                continue;
            }
            return Some(Ok(self.parse_line(line)));
        }
    }

    fn parse_line(&mut self, line: usize) -> Item {
        let object = match serde_json::from_slice::<serde_json::Value>(&self.buffer) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(_) => {
                return Item::Refused(LineError { line, reason: "un objet JSON est attendu sur chaque ligne".into() })
            }
            Err(e) => return Item::Refused(LineError { line, reason: format!("JSON invalide : {e}") }),
        };
        let mut row = RawRow { line, ..Default::default() };
        for (key, value) in object {
            let column = normalise_column(&key);
            if !is_known(&column) {
                if self.ignored.len() < MAX_IGNORED_KEYS {
                    self.ignored.insert(column);
                }
                continue;
            }
            let value = match value {
                // Escaped controls (`\u0000`) come out of the JSON here: cleaned as every cell.
                serde_json::Value::String(s) => essaim_core::text::clean(&s).into_owned(),
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Null => String::new(),
                other => {
                    return Item::Refused(LineError {
                        line,
                        reason: format!("« {column} » doit être un texte, pas {other}"),
                    })
                }
            };
            if REQUIRED_COLUMNS.contains(&column.as_str()) && !self.seen_required.contains(&column) {
                self.seen_required.insert(column.clone());
            }
            set(&mut row, &column, value);
        }
        self.any_row = true;
        Item::Row(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows, the refused lines and the ignored columns.
    type ReadFile = (Vec<RawRow>, Vec<LineError>, Vec<String>);

    /// Every line of a text read as the import reads it, and the ignored columns.
    fn read(name: &str, text: &str) -> Result<ReadFile, ImportError> {
        let mut rows = Rows::open(name, text.as_bytes())?;
        let (mut read, mut errors) = (Vec::new(), Vec::new());
        while let Some(item) = rows.next_item() {
            match item? {
                Item::Row(row) => read.push(row),
                Item::Refused(error) => errors.push(error),
            }
        }
        Ok((read, errors, rows.finish()?))
    }

    #[test]
    fn csv_with_semicolons_quotes_and_extra_columns() {
        let text = "id;theme;text;note\n\"a-1\";Emploi;\"Un texte; avec \"\"guillemets\"\"\nsur deux lignes\";x\n\na-2;Emploi;Court;y\n";
        let (rows, _, ignored) = read("x.csv", text).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].text, "Un texte; avec \"guillemets\"\nsur deux lignes");
        assert_eq!(rows[1].line, 5);
        assert_eq!(ignored, ["note"]);
    }

    #[test]
    fn line_numbers_count_blank_lines_and_crlf() {
        let (rows, errors, _) = read("x.csv", "id,theme,text\r\na,t,x\r\n\r\nb,t,y\r\nc,t\r\n").unwrap();
        assert_eq!(rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(errors[0].line, 5);
        assert!(errors[0].reason.contains("2 colonnes au lieu de 3"));
    }

    #[test]
    fn a_missing_column_is_named() {
        let Err(ImportError::Format(message)) = read("x.csv", "id,theme,texte\n1,a,b\n") else { panic!("refused") };
        assert!(message.contains("absente(s) : text"), "{message}");
        assert!(message.contains("texte"));
    }

    #[test]
    fn json_lines_with_numbers_and_bad_lines() {
        let text = "{\"id\": 7, \"theme\": \"Emploi\", \"text\": \"Oui\", \"extra\": 1}\nnot json\n[1]\n\n{\"id\": \"8\", \"text\": [2]}\n";
        let (rows, errors, ignored) = read("x.jsonl", text).unwrap();
        assert_eq!(rows[0].id, "7");
        assert_eq!(rows.len(), 1);
        assert_eq!(ignored, ["extra"]);
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3, 5]);
        assert!(errors[2].reason.contains("« text » doit être un texte"));
        let Err(ImportError::Format(message)) = read("x.jsonl", "{\"id\": 1, \"theme\": \"a\"}\n") else {
            panic!("a column no line has is refused")
        };
        assert!(message.contains("absente(s) : text"), "{message}");
    }

    #[test]
    fn a_json_line_over_the_cap_is_refused_and_the_next_read() {
        let long = format!("{{\"id\": \"1\", \"theme\": \"a\", \"text\": \"{}\"}}", "x".repeat(2 << 20));
        let text = format!("{long}\n{{\"id\": \"2\", \"theme\": \"a\", \"text\": \"b\"}}\n");
        let (rows, errors, _) = read("x.jsonl", &text).unwrap();
        assert_eq!((errors[0].line, rows[0].line, rows[0].id.as_str()), (1, 2, "2"));
    }

    #[test]
    fn format_from_name_or_content() {
        assert_eq!(detect_format("x.jsonl.gz", b""), Format::JsonLines);
        assert_eq!(detect_format("x.csv.gz", b"{"), Format::Csv);
        assert_eq!(detect_format("x", b" {\"id\":1}"), Format::JsonLines);
    }
}
