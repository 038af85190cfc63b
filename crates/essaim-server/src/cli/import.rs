//! `essaim import contributions`: the import with a progress bar and a French report.

use std::io::IsTerminal;
use std::path::Path;

use essaim_core::db::DbConnection;
use essaim_synthesis::import::{import_contributions, ImportError, ImportOptions, Progress};
use indicatif::{ProgressBar, ProgressStyle};

/// At most this many refused lines are printed; the count says how many there were.
const SHOWN_LINE_ERRORS: usize = 30;

/// Runs the import; the error is the text to print.
pub fn contributions(
    conn: &mut DbConnection,
    file: &Path,
    consultation: String,
    new_consultation: Option<String>,
) -> Result<(), String> {
    let options = ImportOptions { new_consultation, ..ImportOptions::new(&consultation) };
    // A bar only on a terminal: logs and pipes get the report alone. It follows the file's
    // bytes (the number of lines is known only at the end).
    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {percent} % du fichier, {msg} ligne(s) lue(s) ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let mut on_progress = |step: Progress| {
        let Some(bar) = &bar else { return };
        bar.set_length(step.size);
        bar.set_position(step.read);
        bar.set_message(step.lines.to_string());
    };
    let outcome = import_contributions(conn, file, &options, &mut on_progress);
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match outcome {
        Ok(report) => {
            println!("{} contribution(s) importée(s) dans « {} ».", report.imported, options.consultation);
            if report.already_present > 0 {
                println!("{} ligne(s) déjà importée(s) à l'identique, ignorée(s).", report.already_present);
            }
            if report.consultation_created {
                println!("Consultation créée, avec les thèmes : {}", report.themes_created.join(" | "));
            }
            if !report.ignored_columns.is_empty() {
                println!("Note : colonne(s) ignorée(s) : {}", report.ignored_columns.join(", "));
            }
            println!("Encodage : {} ; empreinte SHA-256 du fichier : {}", report.encoding, report.file_sha256);
            Ok(())
        }
        Err(ImportError::Lines { errors, refused }) => {
            let mut text = format!("{refused} ligne(s) refusée(s) dans {} ; rien n'a été importé.", file.display());
            for error in errors.iter().filter(|e| e.line > 0).take(SHOWN_LINE_ERRORS) {
                text.push_str(&format!("\n  ligne {} : {}", error.line, error.reason));
            }
            if refused > SHOWN_LINE_ERRORS {
                text.push_str(&format!("\n  … et {} autre(s)", refused - SHOWN_LINE_ERRORS));
            }
            if refused > essaim_synthesis::import::MAX_LISTED_ERRORS {
                text.push_str(&format!(
                    "\n  (seules les {} premières lignes refusées ont été examinées en détail)",
                    essaim_synthesis::import::MAX_LISTED_ERRORS
                ));
            }
            for note in errors.iter().filter(|e| e.line == 0) {
                text.push_str(&format!("\n  {}", note.reason));
            }
            Err(text)
        }
        Err(other) => Err(format!("import refusé, rien n'a été écrit : {other}")),
    }
}
