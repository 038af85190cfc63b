//! Cells a spreadsheet shows as text, never runs (CSV injection). Excel, LibreOffice Calc and
//! Google Sheets start a formula at `=`, `+`, `-` or `@`, and some of them after leading spaces
//! or at the full-width and small forms of those signs (they fold them to ASCII); a leading tab
//! or line break can hide the sign in a cell that looks harmless.

use std::borrow::Cow;

/// Characters that start a formula: ASCII, full-width (U+FF1D, U+FF0B, U+FF0D, U+FF20) and
/// small forms (U+FE66, U+FE62, U+FE63, U+FE6B).
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '＝', '＋', '－', '＠', '﹦', '﹢', '﹣', '﹫'];

/// Invisible characters a spreadsheet may skip before the sign, like spaces: zero-width space,
/// word joiner and the byte-order mark.
fn skipped(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}')
}

/// The cell, with a leading apostrophe when a spreadsheet would read it as a formula: it starts
/// with a tab, a carriage return or a line feed, or with a formula sign (see above) after any
/// number of Unicode spaces. Spreadsheets hide the apostrophe and show the text as typed.
pub fn safe_cell(cell: &str) -> Cow<'_, str> {
    let hidden_start = cell.starts_with(['\t', '\r', '\n']);
    if hidden_start || cell.trim_start_matches(skipped).starts_with(FORMULA_STARTS) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The one CSV writer of every export: UTF-8 behind a byte-order mark (Excel reads the accents
/// right), every field quoted (Excel in French splits on « ; », and an unquoted « ;=… » inside
/// a text would start a new cell with a formula), every cell through [`safe_cell`].
pub struct CsvWriter<W: std::io::Write>(csv::Writer<W>);

impl<W: std::io::Write> CsvWriter<W> {
    /// Starts the file: the byte-order mark, then the header row.
    pub fn new<I, S>(mut out: W, headers: I) -> csv::Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        out.write_all("\u{feff}".as_bytes())?;
        let mut writer = CsvWriter(csv::WriterBuilder::new().quote_style(csv::QuoteStyle::Always).from_writer(out));
        writer.row(headers)?;
        Ok(writer)
    }

    /// One row, each cell made safe.
    pub fn row<I, S>(&mut self, cells: I) -> csv::Result<()>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        for cell in cells {
            self.0.write_field(safe_cell(cell.as_ref()).as_bytes())?;
        }
        // An empty record ends the row of the fields written.
        self.0.write_record(None::<&[u8]>)
    }

    /// Flushes and gives the output back.
    pub fn finish(self) -> csv::Result<W> {
        self.0.into_inner().map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
    }
}

/// A whole CSV file in memory.
pub fn csv_bytes<R, C, S>(headers: &[&str], rows: R) -> csv::Result<Vec<u8>>
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut writer = CsvWriter::new(Vec::new(), headers)?;
    for row in rows {
        writer.row(row)?;
    }
    writer.finish()
}

#[cfg(test)]
mod csv_tests {
    use super::csv_bytes;

    #[test]
    fn every_csv_has_a_bom_quoted_fields_and_safe_cells() {
        let bytes = csv_bytes(&["texte", "nombre"], [["=1+1", "3"], ["Élan ; solidaire", "-2"]]).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(text, "\u{feff}\"texte\",\"nombre\"\n\"'=1+1\",\"3\"\n\"Élan ; solidaire\",\"'-2\"\n");
    }
}

#[cfg(test)]
mod tests {
    use super::safe_cell;
    use std::borrow::Cow;

    fn defused(cell: &str) -> bool {
        safe_cell(cell) == format!("'{cell}")
    }

    #[test]
    fn ascii_formula_signs_are_defused() {
        assert_eq!(safe_cell("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(safe_cell("+33 2 40"), "'+33 2 40");
        assert_eq!(safe_cell("-2+3"), "'-2+3");
        assert_eq!(safe_cell("@SUM(A1)"), "'@SUM(A1)");
    }

    #[test]
    fn a_leading_tab_or_line_break_is_defused_whatever_follows() {
        for cell in ["\tbonjour", "\rbonjour", "\nbonjour", "\t=1+1", "\r\n@A1"] {
            assert!(defused(cell), "{cell:?}");
        }
    }

    #[test]
    fn signs_after_any_unicode_whitespace_are_defused() {
        for cell in [
            " =1+1",
            "   +1",
            "\u{a0}-1",
            "\u{202f}@A1",
            "\u{3000}=1",
            "\u{2003}\u{2009}=1",
            "\u{2028}=1",
            "\u{85}=1",
            "\u{b}=1",
            "\u{c}+1",
            "\u{200b}=1",
            "\u{feff}=1",
        ] {
            assert!(defused(cell), "{cell:?}");
        }
    }

    #[test]
    fn full_width_and_small_forms_are_defused_with_or_without_spaces() {
        for sign in ['＝', '＋', '－', '＠', '﹦', '﹢', '﹣', '﹫'] {
            assert!(defused(&format!("{sign}1+1")), "{sign}");
            assert!(defused(&format!("  {sign}1+1")), "spaces then {sign}");
            assert!(defused(&format!("\u{3000}{sign}A1")), "ideographic space then {sign}");
        }
    }

    #[test]
    fn ordinary_text_is_left_as_it_is_without_copying() {
        for cell in ["Un texte", "  bonjour", "", "10\u{202f}517", "a=b", "réf. demo-001", "'déjà"] {
            assert!(matches!(safe_cell(cell), Cow::Borrowed(c) if c == cell), "{cell:?}");
        }
    }
}
