//! CSV (with a header; comma, semicolon or tab) and JSON Lines into uniform rows.

use std::collections::BTreeSet;

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

/// The rows and the columns that were present but ignored.
#[derive(Debug, Default)]
pub struct ParsedFile {
    /// Rows, in file order.
    pub rows: Vec<RawRow>,
    /// Unknown columns, named in the report.
    pub ignored_columns: Vec<String>,
    /// Per-line errors found while reading (the first `MAX_LISTED_ERRORS`).
    pub errors: Vec<LineError>,
    /// Lines refused while reading, listed or not.
    pub refused: usize,
}

impl ParsedFile {
    /// Counts a refused line, and keeps its message while fewer than the cap are kept: a file
    /// of millions of bad lines must not hold millions of messages.
    fn refuse(&mut self, error: LineError) {
        self.refused += 1;
        if self.errors.len() < super::validate::MAX_LISTED_ERRORS {
            self.errors.push(error);
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

/// Picks the format from the file name, or from the first character.
pub fn detect_format(file_name: &str, text: &str) -> Format {
    let name = file_name.to_lowercase();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    if name.ends_with(".jsonl") || name.ends_with(".ndjson") || name.ends_with(".json") {
        return Format::JsonLines;
    }
    if name.ends_with(".csv") || name.ends_with(".tsv") || name.ends_with(".txt") {
        return Format::Csv;
    }
    if text.trim_start().starts_with('{') {
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

/// Parses CSV text: the core splits it into lines, and the columns are picked here.
pub fn parse_csv(text: &str) -> Result<ParsedFile, ImportError> {
    let table = tabular::read_csv(text).map_err(ImportError::Format)?;
    check_columns(&table.headers)?;
    let mut parsed = ParsedFile {
        ignored_columns: table.headers.iter().filter(|h| !is_known(h) && !h.is_empty()).cloned().collect(),
        ..Default::default()
    };
    // Beyond the messages the core kept, the other refused lines still count.
    let unlisted = table.refused_count.saturating_sub(table.refused.len());
    for (line, reason) in table.refused {
        parsed.refuse(LineError { line, reason });
    }
    parsed.refused += unlisted;
    parsed.rows.reserve_exact(table.rows.len());
    for csv_line in table.rows {
        let mut row = RawRow { line: csv_line.line, ..Default::default() };
        for (column, value) in table.headers.iter().zip(csv_line.fields) {
            set(&mut row, column, value);
        }
        parsed.rows.push(row);
    }
    Ok(parsed)
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

/// Parses JSON Lines text: one object per line; strings (numbers are accepted for `id`).
pub fn parse_json_lines(text: &str) -> Result<ParsedFile, ImportError> {
    let mut parsed = ParsedFile::default();
    let mut ignored = BTreeSet::new();
    let mut seen_required = BTreeSet::new();
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let object = match serde_json::from_str::<serde_json::Value>(raw) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(_) => {
                parsed.refuse(LineError { line, reason: "un objet JSON est attendu sur chaque ligne".into() });
                continue;
            }
            Err(e) => {
                parsed.refuse(LineError { line, reason: format!("JSON invalide : {e}") });
                continue;
            }
        };
        let mut row = RawRow { line, ..Default::default() };
        for (key, value) in object {
            let column = normalise_column(&key);
            if !is_known(&column) {
                ignored.insert(column);
                continue;
            }
            let value = match value {
                serde_json::Value::String(s) => s,
                serde_json::Value::Number(n) => n.to_string(),
                serde_json::Value::Null => String::new(),
                other => {
                    parsed
                        .refuse(LineError { line, reason: format!("« {column} » doit être un texte, pas {other}") });
                    continue;
                }
            };
            if REQUIRED_COLUMNS.contains(&column.as_str()) {
                seen_required.insert(column.clone());
            }
            set(&mut row, &column, value);
        }
        parsed.rows.push(row);
    }
    if !parsed.rows.is_empty() {
        let present: Vec<String> = seen_required.into_iter().collect();
        check_columns(&present)?;
    }
    parsed.ignored_columns = ignored.into_iter().collect();
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_semicolons_quotes_and_extra_columns() {
        let text = "id;theme;text;note\n\"a-1\";Emploi;\"Un texte; avec \"\"guillemets\"\"\nsur deux lignes\";x\n\na-2;Emploi;Court;y\n";
        let parsed = parse_csv(text).unwrap();
        assert_eq!(parsed.rows.len(), 2);
        assert_eq!(parsed.rows[0].line, 2);
        assert_eq!(parsed.rows[0].text, "Un texte; avec \"guillemets\"\nsur deux lignes");
        assert_eq!(parsed.rows[1].line, 5);
        assert_eq!(parsed.ignored_columns, ["note"]);
    }

    #[test]
    fn line_numbers_count_blank_lines_and_crlf() {
        let parsed = parse_csv("id,theme,text\r\na,t,x\r\n\r\nb,t,y\r\nc,t\r\n").unwrap();
        assert_eq!(parsed.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 4]);
        assert_eq!(parsed.errors[0].line, 5);
        assert!(parsed.errors[0].reason.contains("2 colonnes au lieu de 3"));
    }

    #[test]
    fn a_missing_column_is_named() {
        let Err(ImportError::Format(message)) = parse_csv("id,theme,texte\n1,a,b\n") else { panic!("refused") };
        assert!(message.contains("absente(s) : text"), "{message}");
        assert!(message.contains("texte"));
    }

    #[test]
    fn json_lines_with_numbers_and_bad_lines() {
        let text = "{\"id\": 7, \"theme\": \"Emploi\", \"text\": \"Oui\", \"extra\": 1}\nnot json\n[1]\n";
        let parsed = parse_json_lines(text).unwrap();
        assert_eq!(parsed.rows[0].id, "7");
        assert_eq!(parsed.ignored_columns, ["extra"]);
        assert_eq!(parsed.errors.iter().map(|e| e.line).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn format_from_name_or_content() {
        assert_eq!(detect_format("x.jsonl.gz", ""), Format::JsonLines);
        assert_eq!(detect_format("x.csv.gz", "{"), Format::Csv);
        assert_eq!(detect_format("x", " {\"id\":1}"), Format::JsonLines);
    }
}
