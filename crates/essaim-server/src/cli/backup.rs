//! `essaim backup` and `essaim restore`: the core does the work; here, the report in French.

use std::path::Path;

use essaim_core::backup::{backup_to_file, restore_file, TableCount};
use essaim_core::db::{connect, DatabaseUrl};

/// Writes the archive of the database at `url` to `out`.
pub fn backup(url: &DatabaseUrl, out: &Path) -> Result<String, String> {
    let pool = connect(url, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let report =
        backup_to_file(&mut conn, out).map_err(|e| format!("sauvegarde impossible, aucune archive écrite : {e}"))?;
    let total: u64 = report.tables.iter().map(|t| t.rows).sum();
    let mut text = format!(
        "Archive écrite : {} ({} octets, {total} lignes dans {} tables).\n",
        out.display(),
        report.bytes,
        report.tables.len()
    );
    text.push_str(&table_lines(&report.tables));
    Ok(text)
}

/// Loads the archive `file` into the empty database at `url`.
pub fn restore(url: &DatabaseUrl, file: &Path) -> Result<String, String> {
    let pool = connect(url, 1).map_err(|e| e.to_string())?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let report = restore_file(&mut conn, &url.redacted(), file).map_err(|e| format!("restauration refusée : {e}"))?;
    let total: u64 = report.tables.iter().map(|t| t.rows).sum();
    let mut text = format!(
        "Archive restaurée dans {} : {total} lignes, comptées table par table et conformes à l'en-tête.\n\
         (sauvegarde du {} depuis {}, schéma {})\n",
        url.redacted(),
        report.created_at,
        report.backend,
        report.schema_version
    );
    text.push_str(&table_lines(&report.tables));
    if report.later_migrations > 0 {
        text.push_str(&format!("{} migration(s) plus récente(s) appliquée(s) ensuite.\n", report.later_migrations));
    }
    Ok(text)
}

fn table_lines(tables: &[TableCount]) -> String {
    let width = tables.iter().map(|t| t.table.len()).max().unwrap_or(0);
    tables.iter().map(|t| format!("  {:<width$} {:>10}\n", t.table, t.rows)).collect()
}
