//! The lines of a file checked and written a batch at a time, inside the import's transaction:
//! only the batch is held, and once a line is refused nothing more is written (the
//! transaction will be rolled back) but every line is still checked, to list them all.

use std::collections::HashMap;

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{
    append_theme, create_consultation, ensure_accepting, Accepting, Consultation, NewConsultation,
};
use essaim_core::domain::contribution::record_bulk;
use essaim_core::schema::{consultations, contributions, organisations, territories, themes};
use essaim_core::CoreError;

use super::parse::Item;
use super::validate::{check_row, name_key, Checked, Context, SeenRefs, MAX_LISTED_ERRORS};
use super::{ImportError, ImportOptions, LineError};

/// Themes a new consultation takes from its file, at most: more is a wrong column, and each
/// would be kept in memory and in the consultation.
pub const MAX_NEW_THEMES: usize = 1_000;

/// What was written, once every line is read.
pub struct Written {
    /// The consultation.
    pub consultation: Id,
    /// Contributions written.
    pub imported: usize,
    /// Lines skipped because already imported with the same text.
    pub already_present: usize,
    /// Themes created, for a new consultation.
    pub themes_created: Vec<String>,
}

/// The import under way.
pub struct Writer {
    /// Creating the consultation: a theme not met before is added.
    creating: bool,
    context: Context,
    accepting: Accepting,
    seen: SeenRefs,
    themes_created: Vec<String>,
    imported: usize,
    already_present: usize,
    errors: Vec<LineError>,
    refused: usize,
}

impl Writer {
    /// Finds or creates the consultation and what lines are checked against.
    pub fn start(conn: &mut DbConnection, options: &ImportOptions) -> Result<Self, ImportError> {
        let consultation = match &options.new_consultation {
            Some(title) => create_empty_consultation(conn, &options.consultation, title)?,
            None => find_consultation(conn, &options.consultation)?,
        };
        let themes = themes_of(conn, consultation.id)?;
        let context = Context {
            consultation_id: consultation.id,
            theme_ids: themes.values().copied().collect(),
            themes,
            territories: territory_keys(conn)?,
            organisations: organisation_keys(conn)?,
            existing: HashMap::new(),
            now: now(),
        };
        Ok(Writer {
            creating: options.new_consultation.is_some(),
            accepting: ensure_accepting(conn, consultation.id)?,
            context,
            seen: SeenRefs::default(),
            themes_created: Vec::new(),
            imported: 0,
            already_present: 0,
            errors: Vec::new(),
            refused: 0,
        })
    }

    /// Checks a batch of lines, in file order, and writes them while no line has been
    /// refused. The batch is emptied.
    pub fn write(&mut self, conn: &mut DbConnection, batch: &mut Vec<Item>) -> Result<(), ImportError> {
        if self.creating {
            self.add_new_themes(conn, batch)?;
        }
        let references = batch
            .iter()
            .filter_map(|item| match item {
                Item::Row(row) if !row.id.trim().is_empty() => Some(row.id.trim().to_owned()),
                _ => None,
            })
            .collect();
        self.context.existing = existing_refs(conn, self.context.consultation_id, references)?;
        let mut valid = Vec::with_capacity(batch.len());
        for item in batch.drain(..) {
            let checked = match item {
                Item::Row(row) => check_row(row, &self.context, &mut self.seen),
                Item::Refused(error) => Checked::Refused(error),
            };
            match checked {
                Checked::Valid(contribution) => valid.push(*contribution),
                Checked::AlreadyPresent => self.already_present += 1,
                Checked::Refused(error) => {
                    self.refused += 1;
                    if self.errors.len() < MAX_LISTED_ERRORS {
                        self.errors.push(error);
                    }
                }
            }
        }
        if self.refused == 0 {
            record_bulk(conn, self.accepting, &valid)?;
            self.imported += valid.len();
        }
        Ok(())
    }

    /// A new consultation's themes, in the order the file first names them.
    fn add_new_themes(&mut self, conn: &mut DbConnection, batch: &[Item]) -> Result<(), ImportError> {
        for item in batch {
            let Item::Row(row) = item else { continue };
            let title = row.theme.trim();
            let key = name_key(title);
            if title.is_empty() || self.context.themes.contains_key(&key) {
                continue;
            }
            if self.themes_created.len() == MAX_NEW_THEMES {
                return Err(ImportError::Consultation(format!(
                    "plus de {MAX_NEW_THEMES} thèmes différents dans la colonne theme (ligne {}) : est-ce la bonne colonne ?",
                    row.line
                )));
            }
            let theme = append_theme(conn, self.context.consultation_id, title).map_err(consultation_error)?;
            self.context.themes.insert(key, theme.id);
            self.context.theme_ids.push(theme.id);
            self.themes_created.push(theme.title);
        }
        Ok(())
    }

    /// Once every line is read: what was written, or every refused line (and nothing kept).
    pub fn finish(mut self, conn: &mut DbConnection) -> Result<Written, ImportError> {
        if self.refused > 0 {
            if self.errors.iter().any(|e| e.reason.starts_with("thème inconnu")) {
                let known: Vec<String> = themes::table
                    .filter(themes::consultation_id.eq(self.context.consultation_id))
                    .order(themes::position)
                    .select(themes::title)
                    .load(conn)?;
                self.errors.push(LineError {
                    line: 0,
                    reason: format!(
                        "thèmes de la consultation : {} (ou --new-consultation pour créer une consultation avec les thèmes du fichier)",
                        known.join(" | ")
                    ),
                });
            }
            return Err(ImportError::Lines { errors: self.errors, refused: self.refused });
        }
        if self.imported == 0 && self.already_present == 0 {
            return Err(ImportError::Format("le fichier ne contient aucune ligne de données".into()));
        }
        Ok(Written {
            consultation: self.context.consultation_id,
            imported: self.imported,
            already_present: self.already_present,
            themes_created: self.themes_created,
        })
    }
}

fn consultation_error(error: CoreError) -> ImportError {
    match error {
        CoreError::Validation(errors) => {
            ImportError::Consultation(errors.0.into_iter().map(|e| e.message).collect::<Vec<_>>().join(" "))
        }
        other => other.into(),
    }
}

fn create_empty_consultation(conn: &mut DbConnection, slug: &str, title: &str) -> Result<Consultation, ImportError> {
    if title.trim().is_empty() {
        return Err(ImportError::Consultation("--new-consultation demande un titre".into()));
    }
    let input = NewConsultation { slug: slug.to_owned(), title: title.to_owned(), ..Default::default() };
    match create_consultation(conn, &input, &[]) {
        Ok((consultation, _)) => Ok(consultation),
        Err(CoreError::Conflict(_)) => Err(ImportError::Consultation(format!(
            "la consultation « {slug} » existe déjà : retirez --new-consultation pour y ajouter les contributions"
        ))),
        Err(other) => Err(consultation_error(other)),
    }
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

/// Of `references`, those already stored for the consultation, with their text.
fn existing_refs(
    conn: &mut DbConnection,
    consultation: Id,
    references: Vec<String>,
) -> Result<HashMap<String, String>, ImportError> {
    let rows: Vec<(Option<String>, String)> = contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::external_ref.eq_any(references))
        .select((contributions::external_ref, contributions::body))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(r, body)| r.map(|r| (r, body))).collect())
}
