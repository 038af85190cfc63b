//! Exports of a synthesis: JSON for machines, CSV for spreadsheets and open data, Markdown
//! and HTML for reading and printing, ODT and DOCX for editing, PDF for publication.

mod charts;
pub mod csv;
pub mod docx;
mod fonts;
pub mod html;
mod labels;
pub mod markdown;
pub mod odt;
pub mod pdf;
mod report;

use std::path::{Path, PathBuf};

use crate::pipeline::Item;
use crate::run::SynthesisDocument;

/// Export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `synthesis.json`.
    Json,
    /// `contributions.csv`.
    Csv,
    /// `synthese.md`.
    Markdown,
    /// `synthese.html`.
    Html,
    /// `synthese.odt`.
    Odt,
    /// `synthese.docx`.
    Docx,
    /// `synthese.pdf`.
    Pdf,
}

impl Format {
    /// Parses `json,csv,…`; the error names the unknown format in French.
    pub fn parse_list(raw: &str) -> Result<Vec<Format>, String> {
        let mut out = Vec::new();
        for part in raw.split(',').map(|p| p.trim().to_lowercase()).filter(|p| !p.is_empty()) {
            let format = match part.as_str() {
                "json" => Format::Json,
                "csv" => Format::Csv,
                "md" | "markdown" => Format::Markdown,
                "html" => Format::Html,
                "odt" => Format::Odt,
                "docx" => Format::Docx,
                "pdf" => Format::Pdf,
                other => {
                    return Err(format!("format « {other} » inconnu (formats : json, csv, md, html, odt, docx, pdf)"))
                }
            };
            if !out.contains(&format) {
                out.push(format);
            }
        }
        if out.is_empty() {
            return Err("aucun format demandé (exemple : --format json,csv)".into());
        }
        Ok(out)
    }
}

impl Format {
    /// File name of the export.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "synthesis.json",
            Format::Csv => "contributions.csv",
            Format::Markdown => "synthese.md",
            Format::Html => "synthese.html",
            Format::Odt => "synthese.odt",
            Format::Docx => "synthese.docx",
            Format::Pdf => "synthese.pdf",
        }
    }

    /// Media type of the export.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            Format::Csv => "text/csv; charset=utf-8",
            Format::Markdown => "text/markdown; charset=utf-8",
            Format::Html => "text/html; charset=utf-8",
            Format::Odt => "application/vnd.oasis.opendocument.text",
            Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Format::Pdf => "application/pdf",
        }
    }
}

/// One export in memory: its file name and bytes.
pub fn render(
    document: &SynthesisDocument,
    inputs: &[(String, Vec<Item>)],
    format: Format,
) -> Result<(&'static str, Vec<u8>), String> {
    let bytes = match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(document).map_err(|e| e.to_string())?;
            text.push('\n');
            text.into_bytes()
        }
        Format::Csv => csv::contributions_csv(document, inputs).map_err(|e| e.to_string())?,
        Format::Markdown => markdown::render(document, inputs).into_bytes(),
        Format::Html => html::render(document, inputs).into_bytes(),
        Format::Odt => odt::render(document, inputs)?,
        Format::Docx => docx::render(document, inputs)?,
        Format::Pdf => pdf::render(document, inputs)?,
    };
    Ok((format.file_name(), bytes))
}

/// Writes the exports into `dir` (created if needed); returns the files written.
///
/// Each file is written beside its final name and renamed into place, so a reader never sees
/// half a file and a failed export leaves the previous one intact.
pub fn write_exports(
    document: &SynthesisDocument,
    inputs: &[(String, Vec<Item>)],
    formats: &[Format],
    dir: &Path,
) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("dossier {} : {e}", dir.display()))?;
    let mut written = Vec::new();
    for format in formats {
        let (name, bytes) = render(document, inputs, *format)?;
        let path = dir.join(name);
        let partial = dir.join(format!(".{name}.partiel"));
        std::fs::write(&partial, bytes).map_err(|e| format!("écriture de {} : {e}", path.display()))?;
        std::fs::rename(&partial, &path).map_err(|e| format!("écriture de {} : {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}
