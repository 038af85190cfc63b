//! `essaim import contributions`: CSV or JSON Lines into contributions, all or nothing.
//!
//! The file is read whole, every line is checked, and only then is anything written, in one
//! transaction. A line already imported with the same text is skipped, so importing the same
//! file twice changes nothing.

mod parse;
mod validate;

use std::collections::HashMap;
use std::path::Path;

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::consultation::{create_consultation, Consultation, NewConsultation};
use essaim_core::domain::contribution::record_bulk;
use essaim_core::schema::{consultations, contributions, organisations, territories, themes};
use essaim_core::tabular;
use essaim_core::CoreError;
use sha2::{Digest, Sha256};

pub use essaim_core::tabular::MAX_IMPORT_BYTES;
pub use parse::{OPTIONAL_COLUMNS, REQUIRED_COLUMNS};
pub use validate::{name_key, MAX_LISTED_ERRORS, MAX_TEXT_CHARS};

/// A rejected line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// Line number in the file.
    pub line: usize,
    /// Why, in French.
    pub reason: String,
}

/// Why an import wrote nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read or decoded.
    #[error("{0}")]
    Read(String),
    /// The file is not in the expected shape (columns).
    #[error("{0}")]
    Format(String),
    /// The consultation is missing, or exists when it should be new.
    #[error("{0}")]
    Consultation(String),
    /// Some lines are wrong; nothing was written. At most [`MAX_LISTED_ERRORS`] are listed;
    /// `refused` counts them all.
    #[error("{refused} ligne(s) refusée(s), rien n'a été importé")]
    Lines {
        /// The first refused lines, by line number, and notes (line 0).
        errors: Vec<LineError>,
        /// How many lines were refused in all.
        refused: usize,
    },
    /// The database failed; the transaction was rolled back.
    #[error(transparent)]
    Store(#[from] CoreError),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Store(CoreError::from(e))
    }
}

/// What to import into.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The consultation's slug.
    pub consultation: String,
    /// Create it, with this title and the themes found in the file.
    pub new_consultation: Option<String>,
    /// Who imports (None from the command line).
    pub actor: Option<Id>,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Contributions written.
    pub imported: usize,
    /// Lines skipped because already imported with the same text.
    pub already_present: usize,
    /// Columns present but not used.
    pub ignored_columns: Vec<String>,
    /// Encoding the file was read in.
    pub encoding: &'static str,
    /// Whether the consultation was created.
    pub consultation_created: bool,
    /// Themes created with it.
    pub themes_created: Vec<String>,
    /// SHA-256 of the file as read (after gunzip), for traceability.
    pub file_sha256: String,
}

/// Steps reported while importing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// File read and parsed: this many rows.
    Parsed(usize),
    /// This many rows written so far, of the total.
    Written(usize, usize),
}

/// Imports a file. On any error nothing is written.
pub fn import_contributions(
    conn: &mut DbConnection,
    path: &Path,
    options: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportReport, ImportError> {
    let bytes = tabular::read_file(path).map_err(ImportError::Read)?;
    let file_sha256 = hex::encode(Sha256::digest(&bytes));
    let decoded = tabular::decode(bytes).map_err(ImportError::Read)?;
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let parsed = match parse::detect_format(&file_name, &decoded.text) {
        parse::Format::Csv => parse::parse_csv(&decoded.text)?,
        parse::Format::JsonLines => parse::parse_json_lines(&decoded.text)?,
    };
    drop(decoded.text);
    progress(Progress::Parsed(parsed.rows.len()));
    if parsed.rows.is_empty() && parsed.errors.is_empty() {
        return Err(ImportError::Format("le fichier ne contient aucune ligne de données".into()));
    }

    write_transaction(conn, |conn| {
        let (consultation, themes_created) = match &options.new_consultation {
            Some(title) => {
                let names = theme_names_in_order(&parsed.rows);
                let (c, t) = create_consultation_with_themes(conn, &options.consultation, title, &names)?;
                (c, t)
            }
            None => (find_consultation(conn, &options.consultation)?, Vec::new()),
        };
        let themes = themes_of(conn, consultation.id)?;
        let context = validate::Context {
            consultation_id: consultation.id,
            theme_ids: themes.values().copied().collect(),
            themes,
            territories: territory_keys(conn)?,
            organisations: organisation_keys(conn)?,
            existing: existing_refs(conn, consultation.id)?,
            now: now(),
        };
        let mut errors = parsed.errors.clone();
        let checked = validate::check_rows(parsed.rows.clone(), &context);
        let refused = parsed.refused + checked.refused;
        errors.extend(checked.errors);
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            errors.truncate(MAX_LISTED_ERRORS);
            if errors.iter().any(|e| e.reason.starts_with("thème inconnu")) {
                let known: Vec<String> = themes::table
                    .filter(themes::consultation_id.eq(consultation.id))
                    .order(themes::position)
                    .select(themes::title)
                    .load(conn)?;
                errors.push(LineError {
                    line: 0,
                    reason: format!(
                        "thèmes de la consultation : {} (ou --new-consultation pour créer une consultation avec les thèmes du fichier)",
                        known.join(" | ")
                    ),
                });
            }
            return Err(ImportError::Lines { errors, refused });
        }
        let total = checked.contributions.len();
        let accepting = essaim_core::domain::consultation::ensure_accepting(conn, consultation.id)?;
        for (index, chunk) in checked.contributions.chunks(10_000).enumerate() {
            record_bulk(conn, accepting, chunk)?;
            progress(Progress::Written((index * 10_000 + chunk.len()).min(total), total));
        }
        record(
            conn,
            AuditEvent::new(options.actor, "contributions.import", "consultation", Some(consultation.id.to_string()))
                .with_details(serde_json::json!({
                    "file": file_name,
                    "sha256": file_sha256,
                    "imported": total,
                    "already_present": checked.already_present,
                })),
        )?;
        Ok(ImportReport {
            imported: total,
            already_present: checked.already_present,
            ignored_columns: parsed.ignored_columns.clone(),
            encoding: decoded.encoding,
            consultation_created: options.new_consultation.is_some(),
            themes_created,
            file_sha256: file_sha256.clone(),
        })
    })
}

fn theme_names_in_order(rows: &[parse::RawRow]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    rows.iter()
        .map(|r| r.theme.trim())
        .filter(|t| !t.is_empty() && seen.insert(name_key(t)))
        .map(str::to_owned)
        .collect()
}

fn find_consultation(conn: &mut DbConnection, slug: &str) -> Result<Consultation, ImportError> {
    consultations::table
        .filter(consultations::slug.eq(slug))
        .select(Consultation::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ImportError::Consultation(format!(
                "consultation « {slug} » introuvable : vérifiez l'identifiant, ou ajoutez --new-consultation \"Titre\" pour la créer"
            ))
        })
}

fn create_consultation_with_themes(
    conn: &mut DbConnection,
    slug: &str,
    title: &str,
    theme_names: &[String],
) -> Result<(Consultation, Vec<String>), ImportError> {
    if title.trim().is_empty() {
        return Err(ImportError::Consultation("--new-consultation demande un titre".into()));
    }
    let input = NewConsultation { slug: slug.to_owned(), title: title.to_owned(), ..Default::default() };
    match create_consultation(conn, &input, theme_names) {
        Ok((consultation, themes)) => Ok((consultation, themes.into_iter().map(|t| t.title).collect())),
        Err(CoreError::Conflict(_)) => Err(ImportError::Consultation(format!(
            "la consultation « {slug} » existe déjà : retirez --new-consultation pour y ajouter les contributions"
        ))),
        Err(CoreError::Validation(errors)) => {
            Err(ImportError::Consultation(errors.0.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" ")))
        }
        Err(other) => Err(other.into()),
    }
}

fn themes_of(conn: &mut DbConnection, consultation: Id) -> Result<HashMap<String, Id>, ImportError> {
    let rows: Vec<(Id, String)> = themes::table
        .filter(themes::consultation_id.eq(consultation))
        .select((themes::id, themes::title))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, title)| (name_key(&title), id)).collect())
}

fn territory_keys(conn: &mut DbConnection) -> Result<HashMap<String, Id>, ImportError> {
    let rows: Vec<(Id, String, String)> =
        territories::table.select((territories::id, territories::code, territories::name)).load(conn)?;
    Ok(rows.into_iter().flat_map(|(id, code, name)| [(name_key(&code), id), (name_key(&name), id)]).collect())
}

fn organisation_keys(conn: &mut DbConnection) -> Result<HashMap<String, Id>, ImportError> {
    let rows: Vec<(Id, String)> = organisations::table.select((organisations::id, organisations::name)).load(conn)?;
    Ok(rows.into_iter().map(|(id, name)| (name_key(&name), id)).collect())
}

fn existing_refs(conn: &mut DbConnection, consultation: Id) -> Result<HashMap<String, String>, ImportError> {
    let rows: Vec<(Option<String>, String)> = contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::external_ref.is_not_null())
        .select((contributions::external_ref, contributions::body))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(r, body)| r.map(|r| (r, body))).collect())
}
