//! A definition from a file: Essaim's JSON or a LimeSurvey structure (`.lss`), recognised by
//! content, not by name.

use essaim_core::tabular::decode;

use super::definition::Definition;
use super::limesurvey::import_lss;

/// Reads a definition; with a LimeSurvey file, also the report of what it could not give.
/// The error is a French message; nothing is stored here.
pub fn read_definition(bytes: Vec<u8>) -> Result<(Definition, Option<String>), String> {
    let text = decode(bytes)?.text;
    if text.trim_start().starts_with('<') {
        let report = import_lss(&text).map_err(|e| e.to_string())?;
        let summary = report.summary();
        return Ok((report.definition, Some(summary)));
    }
    Definition::from_json(&text).map(|d| (d, None)).map_err(|e| e.0)
}
