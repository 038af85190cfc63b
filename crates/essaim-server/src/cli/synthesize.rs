//! `essaim synthesize`: runs the synthesis and writes the exports.

use std::path::Path;

use essaim_core::db::DbConnection;
use essaim_synthesis::export::{write_exports, Format};
use essaim_synthesis::pipeline::Params;
use essaim_synthesis::run::synthesize;

/// Runs the synthesis of a consultation (or one theme) and writes the files asked for.
pub fn run(
    conn: &mut DbConnection,
    consultation: &str,
    theme: Option<&str>,
    groups: Option<usize>,
    formats: &[Format],
    out: &Path,
) -> Result<(), String> {
    let params = Params { groups, ..Params::default() };
    let output = synthesize(conn, consultation, theme, &params).map_err(|e| e.to_string())?;
    for t in &output.document.themes {
        println!(
            "{} : {} contribution(s), {} orientation(s) proposée(s), {} non groupée(s){}",
            t.theme,
            t.contributions,
            t.orientations.len(),
            t.not_grouped.len(),
            if t.groups_chosen_automatically && !t.orientations.is_empty() {
                " (nombre de groupes choisi automatiquement)"
            } else {
                ""
            }
        );
        for note in &t.notes {
            eprintln!("  attention : {note}");
        }
    }
    let written = write_exports(&output.document, &output.inputs, formats, out)?;
    for path in written {
        println!("écrit : {}", path.display());
    }
    Ok(())
}
