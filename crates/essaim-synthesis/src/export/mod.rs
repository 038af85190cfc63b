//! Exports of a synthesis: JSON for machines, CSV for spreadsheets and open data, Markdown
//! and HTML for reading and printing, ODT and DOCX for editing, PDF for publication. JSON and
//! CSV are the synthesis's own; the five document formats are the draft strategy
//! ([`strategy_document`]) rendered by `essaim-documents`.

pub(crate) mod account;
pub mod csv;
pub(crate) mod labels;
mod report;

use std::path::{Path, PathBuf};

use essaim_documents::files::{write_atomic, CONTRIBUTIONS_MODE};

pub use report::{stances_line, strategy_document, PROPOSED_TEXT};

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

impl Format {
    /// The document format of the draft strategy, for the formats that are one.
    fn document_format(self) -> Option<essaim_documents::Format> {
        match self {
            Format::Json | Format::Csv => None,
            Format::Markdown => Some(essaim_documents::Format::Markdown),
            Format::Html => Some(essaim_documents::Format::Html),
            Format::Odt => Some(essaim_documents::Format::Odt),
            Format::Docx => Some(essaim_documents::Format::Docx),
            Format::Pdf => Some(essaim_documents::Format::Pdf),
        }
    }
}

/// One export in memory: its file name and bytes.
pub fn render(
    document: &SynthesisDocument,
    inputs: &[(String, Vec<Item>)],
    format: Format,
) -> Result<(&'static str, Vec<u8>), String> {
    let bytes = match (format, format.document_format()) {
        (_, Some(document_format)) => essaim_documents::render(&strategy_document(document, inputs), document_format)
            .map_err(|e| e.to_string())?,
        (Format::Json, None) => {
            let mut text = serde_json::to_string_pretty(document).map_err(|e| e.to_string())?;
            text.push('\n');
            text.into_bytes()
        }
        (_, None) => csv::contributions_csv(document, inputs).map_err(|e| e.to_string())?,
    };
    Ok((format.file_name(), bytes))
}

/// Writes the exports into `dir` (created if needed); returns the files written.
///
/// Each file is written atomically (`essaim_documents::files::write_atomic`): a temporary
/// file with a random name, created exclusively in `dir` (a link planted there is never
/// followed), readable by its owner and group only since exports hold contributions, flushed to
/// disk, then renamed into place. A reader never sees half a file and a failed export leaves
/// the previous one intact.
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
        write_atomic(&path, &bytes, CONTRIBUTIONS_MODE).map_err(|e| e.to_string())?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::{NotGrouped, Params, ThemeSynthesis};
    use crate::run::RunInfo;

    fn document() -> SynthesisDocument {
        SynthesisDocument {
            run: RunInfo {
                consultation: "c".into(),
                consultation_title: "Consultation".into(),
                software_version: "0".into(),
                input_sha256: "ab".repeat(32),
                parameters: Params::default(),
                method: "Méthode.".into(),
                organisers: String::new(),
            },
            themes: vec![ThemeSynthesis {
                theme: "Emploi".into(),
                contributions: 1,
                groups: 0,
                groups_chosen_automatically: false,
                orientations: Vec::new(),
                not_grouped: vec![NotGrouped { reference: "r1".into(), reason: "no_content".into() }],
                notes: Vec::new(),
                pending_moderation: 0,
                rejected: 0,
            }],
        }
    }

    fn inputs() -> Vec<(String, Vec<Item>)> {
        let item = Item {
            reference: "r1".into(),
            text: "RAS".into(),
            channel: "online".into(),
            territory: Some("44".into()),
            legal_family: None,
            kind: "proposition".into(),
        };
        vec![("Emploi".into(), vec![item])]
    }

    #[test]
    fn formats_keep_their_file_names_and_media_types() {
        let formats = Format::parse_list("json, CSV,md,markdown,html,odt,docx,pdf,json").unwrap();
        assert_eq!(formats.len(), 7);
        let names: Vec<&str> = formats.iter().map(|f| f.file_name()).collect();
        assert_eq!(
            names,
            [
                "synthesis.json",
                "contributions.csv",
                "synthese.md",
                "synthese.html",
                "synthese.odt",
                "synthese.docx",
                "synthese.pdf"
            ]
        );
        for format in &formats {
            if let Some(document_format) = format.document_format() {
                assert_eq!(format.content_type(), document_format.content_type(), "{format:?}");
                assert!(format.file_name().ends_with(&format!(".{}", document_format.extension())));
            }
        }
        assert!(Format::parse_list("xlsx").unwrap_err().contains("« xlsx » inconnu"));
        assert!(Format::parse_list(" , ").is_err());
    }

    #[test]
    fn every_format_renders_with_its_file_name() {
        let formats = Format::parse_list("json,csv,md,html,odt,docx,pdf").unwrap();
        for format in formats {
            let (name, bytes) = render(&document(), &inputs(), format).unwrap();
            assert_eq!(name, format.file_name());
            assert!(!bytes.is_empty(), "{format:?}");
        }
        let (_, md) = render(&document(), &inputs(), Format::Markdown).unwrap();
        let md = String::from_utf8(md).unwrap();
        assert!(md.starts_with("# Projet de stratégie — Consultation\n\n"), "{md}");
        assert!(md.contains("| Loire-Atlantique (44) | 1 |"), "{md}");
    }

    #[cfg(unix)]
    #[test]
    fn exports_are_private_and_a_planted_link_is_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victime");
        std::fs::write(&victim, b"intact").unwrap();
        // The old predictable temporary name, and the final name, both planted.
        std::os::unix::fs::symlink(&victim, dir.path().join(".synthese.md.partiel")).unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join("contributions.csv")).unwrap();
        let written = write_exports(&document(), &inputs(), &[Format::Markdown, Format::Csv], dir.path()).unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"intact", "the link's target is untouched");
        for path in &written {
            let metadata = std::fs::symlink_metadata(path).unwrap();
            assert!(metadata.file_type().is_file(), "{}", path.display());
            assert_eq!(metadata.permissions().mode() & 0o7777, 0o640, "{}", path.display());
        }
        assert!(std::fs::read_to_string(dir.path().join("synthese.md")).unwrap().starts_with("# Projet"));
        // Only the exports, the victim and the planted link: no temporary file left behind.
        let mut names: Vec<String> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names, [".synthese.md.partiel", "contributions.csv", "synthese.md", "victime"]);
    }
}
