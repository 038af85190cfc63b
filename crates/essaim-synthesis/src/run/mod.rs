//! A synthesis run over a consultation: contributions read from the database, each theme
//! synthesised, and the whole described for machines (`synthesis.json`).

mod read;
mod scrubbed;
mod waves;

use essaim_core::db::DbConnection;
use essaim_core::domain::consultation::{find_consultation, themes_of};
use essaim_core::domain::contribution::moderation_counts;
use essaim_core::CoreError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::pipeline::{Item, Params, SynthesisError, ThemeSynthesis};
pub use read::{load_items, load_items_with_ids, person_names};
use waves::{read_and_synthesize, PlannedTheme, ReadAndGrouped};

/// What a run was: enough to reproduce it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunInfo {
    /// The consultation's slug.
    pub consultation: String,
    /// Its title.
    pub consultation_title: String,
    /// Essaim's version.
    pub software_version: String,
    /// SHA-256 of the input (every contribution read, in a canonical order).
    pub input_sha256: String,
    /// The parameters.
    pub parameters: Params,
    /// The method, in one line.
    pub method: String,
    /// Who organised the consultation, for the documents' cover (empty if not set).
    #[serde(default)]
    pub organisers: String,
}

/// The whole synthesis, as written to `synthesis.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SynthesisDocument {
    /// The run.
    pub run: RunInfo,
    /// One entry per theme, in the consultation's order.
    pub themes: Vec<ThemeSynthesis>,
}

/// Why a synthesis could not run.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Consultation or theme unknown.
    #[error("{0}")]
    NotFound(String),
    /// Impossible parameters.
    #[error(transparent)]
    Synthesis(#[from] SynthesisError),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] CoreError),
}

impl From<diesel::result::Error> for RunError {
    fn from(e: diesel::result::Error) -> Self {
        RunError::Store(CoreError::from(e))
    }
}

/// The method, as recorded in every run and shown in the methods annex.
pub const METHOD: &str = "Réponses sans contenu écartées ; doublons et quasi-doublons (Jaccard ≥ 0,8 sur les paires de mots, MinHash + vérification exacte) regroupés et comptés comme une voix ; TF-IDF (racines Snowball françaises et paires de racines, tf logarithmique) ; k-moyennes sphériques (initialisation k-means++ à graine fixe, meilleur de plusieurs essais) ; citations : la plus centrale puis les plus centrales et différentes, en privilégiant des canaux et territoires variés.";

/// SHA-256 over every theme's items in canonical order (by reference): for each theme a line
/// `theme\t{title}`, then for each item the line `{reference}\t{channel}\t{territory}\t
/// {legal family}\t{kind}\t{text}`, the text's tabs and line breaks written as spaces.
pub fn input_hash(themes: &[(String, Vec<Item>)]) -> String {
    use rayon::prelude::*;
    let mut hasher = Sha256::new();
    for (theme, items) in themes {
        hasher.update(format!("theme\t{theme}\n"));
        let mut sorted: Vec<&Item> = items.iter().collect();
        sorted.par_sort_by(|a, b| a.reference.cmp(&b.reference));
        // Field by field into the hash, which reads a stream: the same digest as the line
        // written out, without a line and a copy of the text built for each item.
        for i in sorted {
            for field in [
                i.reference.as_str(),
                i.channel.as_str(),
                i.territory.as_deref().unwrap_or(""),
                i.legal_family.as_deref().unwrap_or(""),
                i.kind.as_str(),
            ] {
                hasher.update(field);
                hasher.update("\t");
            }
            let mut pieces = i.text.split(['\t', '\n']);
            if let Some(first) = pieces.next() {
                hasher.update(first);
            }
            for piece in pieces {
                hasher.update(" ");
                hasher.update(piece);
            }
            hasher.update("\n");
        }
    }
    hex::encode(hasher.finalize())
}

/// A run's document and the contributions it read (for exports that list them).
pub struct SynthesisOutput {
    /// The document.
    pub document: SynthesisDocument,
    /// Each theme's contributions, as read.
    pub inputs: Vec<(String, Vec<Item>)>,
}

/// Runs the synthesis of a consultation, or of one theme of it.
pub fn synthesize(
    conn: &mut DbConnection,
    slug: &str,
    theme: Option<&str>,
    params: &Params,
) -> Result<SynthesisOutput, RunError> {
    let consultation = find_consultation(conn, slug).map_err(|e| match e {
        CoreError::NotFound(_) => RunError::NotFound(format!("consultation « {slug} » introuvable")),
        other => RunError::Store(other),
    })?;
    let mut themes = themes_of(conn, consultation.id)?;
    if let Some(wanted) = theme {
        let key = crate::import::name_key(wanted);
        themes.retain(|t| crate::import::name_key(&t.title) == key);
        if themes.is_empty() {
            let all: Vec<String> = themes_of(conn, consultation.id)?.into_iter().map(|t| t.title).collect();
            return Err(RunError::NotFound(format!(
                "thème « {wanted} » introuvable ; thèmes de la consultation : {}",
                all.join(" | ")
            )));
        }
    }
    // Each step's time at the debug level (ESSAIM_LOG=debug): where a run's time goes.
    let started = std::time::Instant::now();
    // Every read of the run without SQLite's memory map: a read over the whole table would
    // leave every page of the file mapped in the process while the themes are grouped,
    // counted in its memory (263 MB more at the corpus' peak). The counts come first: they
    // size the waves and the reads.
    let (names, counts) = essaim_core::db::without_memory_map(conn, |conn| -> Result<_, RunError> {
        let counts = themes
            .iter()
            .map(|t| moderation_counts(conn, consultation.id, Some(t.id)))
            .collect::<Result<Vec<_>, _>>()?;
        Ok((person_names(conn, consultation.id)?, counts))
    })?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "synthèse : décomptes lus");
    let planned: Vec<PlannedTheme> = themes
        .iter()
        .zip(&counts)
        .map(|(t, c)| PlannedTheme {
            title: t.title.clone(),
            id: t.id,
            expected: usize::try_from(c.accepted).unwrap_or(0),
        })
        .collect();
    let step = std::time::Instant::now();
    let ReadAndGrouped { inputs, mut results, input_sha256 } =
        read_and_synthesize(conn, consultation.id, &planned, params, &names)?;
    tracing::debug!(ms = step.elapsed().as_millis() as u64, "synthèse : contributions lues et thèmes groupés");
    for (result, counts) in results.iter_mut().zip(counts) {
        result.pending_moderation = usize::try_from(counts.pending).unwrap_or(0);
        result.rejected = usize::try_from(counts.rejected).unwrap_or(0);
    }
    let document = SynthesisDocument {
        run: RunInfo {
            consultation: consultation.slug,
            consultation_title: consultation.title,
            software_version: essaim_core::VERSION.to_owned(),
            input_sha256,
            parameters: params.clone(),
            method: METHOD.to_owned(),
            organisers: consultation.organisers.clone(),
        },
        themes: results,
    };
    let step = std::time::Instant::now();
    let output = SynthesisOutput { document, inputs }.scrubbed(&names);
    tracing::debug!(ms = step.elapsed().as_millis() as u64, "synthèse : données personnelles retirées");
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_hash_is_that_of_the_lines_written_out() {
        let item = |reference: &str, text: &str, territory: Option<&str>| Item {
            reference: reference.into(),
            text: text.into(),
            channel: "online".into(),
            territory: territory.map(Into::into),
            legal_family: None,
            kind: "proposition".into(),
        };
        let themes = vec![
            ("Emploi".to_owned(), vec![item("b", "Deux\tlignes\n\tet plus", Some("44")), item("a", "", None)]),
            ("Vide".to_owned(), vec![]),
        ];
        // The definition, line by line, as the runs recorded so far computed it.
        let mut lines = String::new();
        for (theme, items) in &themes {
            lines.push_str(&format!("theme\t{theme}\n"));
            let mut sorted: Vec<&Item> = items.iter().collect();
            sorted.sort_by(|a, b| a.reference.cmp(&b.reference));
            for i in sorted {
                lines.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\n",
                    i.reference,
                    i.channel,
                    i.territory.as_deref().unwrap_or(""),
                    i.legal_family.as_deref().unwrap_or(""),
                    i.kind,
                    i.text.replace(['\t', '\n'], " ")
                ));
            }
        }
        assert_eq!(input_hash(&themes), hex::encode(Sha256::digest(lines.as_bytes())));
    }
}
