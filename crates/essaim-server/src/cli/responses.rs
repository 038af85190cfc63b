//! `essaim responses export`: the submitted responses of a consultation's questionnaire as CSV
//! or XLSX (docs/questionnaire-exports.md); and, hidden, `essaim responses seed-demo` for the
//! export benchmark.

use std::io::Write;
use std::path::Path;

use essaim_contributions::questionnaire::export::{record_export, seed_submitted, ExportFormat, ResponsesExport};
use essaim_core::db::DbConnection;

/// Checks the arguments before the database is opened; the error is the text to print.
pub fn check_export(format: &str, out: Option<&Path>) -> Result<ExportFormat, String> {
    let format = ExportFormat::parse(format)?;
    if format == ExportFormat::Xlsx && out.is_none() {
        return Err("un classeur XLSX s'écrit dans un fichier : ajoutez --out FICHIER.xlsx".into());
    }
    if let Some(dir) = out.and_then(Path::parent).filter(|d| !d.as_os_str().is_empty()) {
        if !dir.is_dir() {
            return Err(format!("le dossier {} n'existe pas", dir.display()));
        }
    }
    Ok(format)
}

/// Writes the export to `out` (atomically, mode 0640) or, for CSV without `--out`, to the
/// standard output; records it in the audit log; reports on stderr.
pub fn export(
    conn: &mut DbConnection,
    consultation: &str,
    format: ExportFormat,
    out: Option<&Path>,
) -> Result<(), String> {
    let export = ResponsesExport::for_consultation(conn, consultation).map_err(|e| e.to_string())?;
    let rows = match out {
        Some(path) => export.save(conn, format, path).map_err(|e| e.to_string())?,
        None => {
            let stdout = std::io::stdout();
            let mut lock = std::io::BufWriter::with_capacity(256 * 1024, stdout.lock());
            // Only CSV gets here ([`check_export`]): a workbook needs a file.
            let rows = export.write_csv(conn, &mut lock).map_err(|e| e.to_string())?;
            lock.flush().map_err(|e| format!("écriture sur la sortie standard : {e}"))?;
            rows
        }
    };
    record_export(conn, export.questionnaire(), format, rows, None, "cli").map_err(|e| e.to_string())?;
    match out {
        Some(path) => eprintln!("{rows} réponse(s) exportée(s) dans {}", path.display()),
        None => eprintln!("{rows} réponse(s) exportée(s)"),
    }
    Ok(())
}

/// Inserts `count` submitted responses (benchmarks only).
pub fn seed_demo(conn: &mut DbConnection, consultation: &str, count: usize) -> Result<(), String> {
    let inserted = seed_submitted(conn, consultation, count).map_err(|e| e.to_string())?;
    eprintln!("{inserted} réponse(s) envoyée(s) ajoutée(s) (banc d'essai)");
    Ok(())
}
