//! A synthesis run over a consultation: contributions read from the database, each theme
//! synthesised, and the whole described for machines (`synthesis.json`).

use std::collections::HashSet;

use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{find_consultation, themes_of};
use essaim_core::domain::contribution::moderation_counts;
use essaim_core::domain::AuthorKind;
use essaim_core::schema::contributions;
use essaim_core::CoreError;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::pipeline::{synthesize_theme, Item, Params, SynthesisError, ThemeSynthesis};

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

/// Reads the accepted contributions of one theme (waiting and rejected ones are not read), in
/// the order of their ids.
pub fn load_items(conn: &mut DbConnection, consultation: Id, theme: Id) -> Result<Vec<Item>, RunError> {
    let read = load_items_with_ids(conn, consultation, theme)?;
    // A new vector of the exact size: collected in place, the items would keep the larger
    // allocation of what they were made from (90 MB of 152 MB unused at 429,112 answers).
    let mut items = Vec::with_capacity(read.len());
    items.extend(read.into_iter().map(|(_, item)| item));
    Ok(items)
}

/// Reads the accepted contributions of one theme with their ids, in the order of their ids:
/// one query, whatever the size. Not the drafts' query: where each contribution stands in the
/// drafts is not needed here, and that join cost a lookup per row.
pub fn load_items_with_ids(conn: &mut DbConnection, consultation: Id, theme: Id) -> Result<Vec<(Id, Item)>, RunError> {
    use essaim_core::domain::ModerationStatus;
    use essaim_core::schema::{organisations, territories};
    type Row = (Id, Option<String>, String, String, String, Option<String>, Option<String>);
    let rows: Vec<Row> = contributions::table
        .left_join(territories::table)
        .left_join(organisations::table)
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::theme_id.eq(theme))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .select((
            contributions::id,
            contributions::external_ref,
            contributions::body,
            contributions::channel,
            contributions::kind,
            territories::code.nullable(),
            organisations::legal_family.nullable(),
        ))
        .load(conn)?;
    // Into a vector of the exact size, not collected in place (see `load_items`).
    let mut items = Vec::with_capacity(rows.len());
    items.extend(rows.into_iter().map(|(id, reference, text, channel, kind, territory, legal_family)| {
        let reference = reference.unwrap_or_else(|| id.to_string());
        (id, Item { reference, text, channel, territory, legal_family, kind })
    }));
    // Sorted here, not by the database: SQLite sorted every row, its text with it, through a
    // temporary tree (0.1 to 0.17 s for the corpus' largest theme). Ids are unique and compare
    // as both databases compare them (the UUID's bytes; SQLite's hyphenated lowercase text).
    {
        use rayon::prelude::*;
        items.par_sort_unstable_by_key(|(id, _)| *id);
    }
    Ok(items)
}

/// Names of persons who contributed, to scrub from quotes.
pub fn person_names(conn: &mut DbConnection, consultation: Id) -> Result<Vec<String>, RunError> {
    let mut names: Vec<String> = contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::author_kind.eq(AuthorKind::Person))
        .filter(contributions::author_name.is_not_null())
        .select(contributions::author_name.assume_not_null())
        .distinct()
        .load(conn)?;
    names.sort();
    Ok(names)
}

/// SHA-256 over every theme's items in canonical order (by reference).
pub fn input_hash(themes: &[(String, Vec<Item>)]) -> String {
    let mut hasher = Sha256::new();
    for (theme, items) in themes {
        hasher.update(format!("theme\t{theme}\n"));
        let mut sorted: Vec<&Item> = items.iter().collect();
        sorted.sort_by(|a, b| a.reference.cmp(&b.reference));
        for i in sorted {
            let line = format!(
                "{}\t{}\t{}\t{}\t{}\t{}\n",
                i.reference,
                i.channel,
                i.territory.as_deref().unwrap_or(""),
                i.legal_family.as_deref().unwrap_or(""),
                i.kind,
                i.text.replace(['\t', '\n'], " ")
            );
            hasher.update(line);
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

impl SynthesisOutput {
    /// Removes personal data from every text that an export publishes — titles, orientation
    /// texts, key phrases, quotes, notes, and the contributions' own texts (the CSV) — with
    /// the names of persons known as authors. Exports are built only from scrubbed outputs.
    ///
    /// The contributions' texts are scrubbed in context (a civility, a first name before the
    /// surname). What is derived from them loses that context: a key phrase is written in
    /// lowercase and may hold a surname alone (`dupont`, drawn from many « M. Jean Dupont »),
    /// and a proposed title is made of key phrases. So a word that the scrubber took out of
    /// every contribution it appears in is masked wherever else it stands, and a key phrase
    /// keeps only words that some scrubbed contribution still says.
    pub fn scrubbed(mut self, known_names: &[String]) -> Self {
        use rayon::prelude::*;
        let scrubber = crate::scrub::Scrubber::new(known_names);
        // Each contribution on its own, in parallel. A text the scrubber left alone took no
        // word out (most of them), so only the changed ones are read for the words removed.
        let removed: HashSet<String> = self
            .inputs
            .par_iter_mut()
            .flat_map_iter(|(_, items)| items.iter_mut())
            .fold(HashSet::new, |mut removed, item| {
                if let Some(scrubbed) = scrubber.scrubbed(&item.text).filter(|s| *s != item.text) {
                    let mut before = HashSet::new();
                    words_into(&item.text, &mut before);
                    let mut after = HashSet::new();
                    words_into(&scrubbed, &mut after);
                    removed.extend(before.into_iter().filter(|w| !after.contains(w)));
                    item.text = scrubbed;
                }
                removed
            })
            .reduce(HashSet::new, |mut a, b| {
                a.extend(b);
                a
            });
        // Which of the words in question some scrubbed contribution still says: the words
        // removed somewhere, and those of the key phrases.
        let mut asked = removed.clone();
        for orientation in self.document.themes.iter().flat_map(|t| &t.orientations) {
            for phrase in &orientation.key_phrases {
                words_into(phrase, &mut asked);
            }
        }
        let kept = said_among(&self.inputs, &asked);
        let mut names: Vec<String> = removed.difference(&kept).cloned().collect();
        names.sort();
        names.extend(known_names.iter().cloned());
        let scrubber = crate::scrub::Scrubber::new(&names);
        for theme in &mut self.document.themes {
            for orientation in &mut theme.orientations {
                orientation.title = scrubber.scrub(&orientation.title);
                orientation.text = scrubber.scrub(&orientation.text);
                for phrase in &mut orientation.key_phrases {
                    *phrase = scrubber.scrub(&only_words_in(phrase, &kept));
                }
                for quote in &mut orientation.quotes {
                    quote.text = scrubber.scrub(&quote.text);
                }
                for side in orientation.stances.iter_mut().flat_map(|s| s.sides.iter_mut()) {
                    side.position = scrubber.scrub(&side.position);
                    side.quote.text = scrubber.scrub(&side.quote.text);
                }
                if let Some(plenary) = &mut orientation.plenary {
                    for amendment in &mut plenary.amendments {
                        *amendment = scrubber.scrub(amendment);
                    }
                }
            }
            for note in &mut theme.notes {
                *note = scrubber.scrub(note);
            }
        }
        self
    }
}

/// Whether `c` is part of a word (letters, digits, combining marks), as the scrubber reads them.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
}

/// A word as it is compared: lowercase, NFC.
fn word_key(word: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    word.nfc().flat_map(char::to_lowercase).collect()
}

/// Adds the words of `text` to `words`.
fn words_into(text: &str, words: &mut HashSet<String>) {
    for word in text.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()) {
        words.insert(word_key(word));
    }
}

/// The words of `asked` that some contribution's text says, read in parallel.
fn said_among(inputs: &[(String, Vec<Item>)], asked: &HashSet<String>) -> HashSet<String> {
    use rayon::prelude::*;
    use unicode_normalization::UnicodeNormalization;
    inputs
        .par_iter()
        .flat_map_iter(|(_, items)| items.iter())
        .fold(
            || (HashSet::new(), String::new()),
            |(mut found, mut key): (HashSet<String>, String), item| {
                for word in item.text.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()) {
                    // One buffer for every word: millions of words, a few dozen asked.
                    key.clear();
                    if word.is_ascii() {
                        // Most words: NFC already, lowercased byte for byte.
                        key.push_str(word);
                        key.make_ascii_lowercase();
                    } else {
                        key.extend(word.nfc().flat_map(char::to_lowercase));
                    }
                    if asked.contains(key.as_str()) && !found.contains(key.as_str()) {
                        found.insert(key.clone());
                    }
                }
                (found, key)
            },
        )
        .map(|(found, _)| found)
        .reduce(HashSet::new, |mut a, b| {
            a.extend(b);
            a
        })
}

/// `phrase` with each word that no scrubbed contribution says replaced by the name mask.
fn only_words_in(phrase: &str, kept: &HashSet<String>) -> String {
    let mut out = String::with_capacity(phrase.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(if kept.contains(&word_key(word)) { word } else { crate::scrub::NAME_MASK });
            word.clear();
        }
    };
    for c in phrase.chars() {
        if is_word_char(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
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
    // Every read of the run without SQLite's memory map: a read over the whole table (the
    // authors' names, the counts) would leave every page of the file mapped in the process
    // while the themes are grouped, counted in its memory (263 MB more at the corpus' peak).
    let (inputs, names, counts) = essaim_core::db::without_memory_map(conn, |conn| -> Result<_, RunError> {
        let mut inputs = Vec::with_capacity(themes.len());
        let mut counts = Vec::with_capacity(themes.len());
        for t in &themes {
            inputs.push((t.title.clone(), load_items(conn, consultation.id, t.id)?));
            counts.push(moderation_counts(conn, consultation.id, Some(t.id))?);
        }
        Ok((inputs, person_names(conn, consultation.id)?, counts))
    })?;
    tracing::debug!(ms = started.elapsed().as_millis() as u64, "synthèse : contributions lues");
    let input_sha256 = input_hash(&inputs);
    let step = std::time::Instant::now();
    let mut results = synthesize_all(&inputs, params, &names)?;
    tracing::debug!(ms = step.elapsed().as_millis() as u64, "synthèse : thèmes groupés");
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

/// Synthesises every theme; the result is in the input's order.
///
/// Not every theme at once: a large theme's working set (folded texts, shingles, features,
/// weights) is what the run's memory peaks on, and the two largest themes of the national
/// corpus grouped together held both (475 MB at the peak, against 350 MB one after the
/// other). So themes are grouped in waves of at most the largest theme's number of
/// contributions, run wave after wave, the themes of a wave in parallel: the largest theme
/// alone, smaller ones side by side. Each theme also uses the cores within (near-duplicates,
/// normalisation, the k-means runs, the assignment and the orientations are parallel).
pub fn synthesize_all(
    inputs: &[(String, Vec<Item>)],
    params: &Params,
    names: &[String],
) -> Result<Vec<ThemeSynthesis>, SynthesisError> {
    use rayon::prelude::*;
    let mut done: Vec<Option<ThemeSynthesis>> = vec![None; inputs.len()];
    for wave in waves(&inputs.iter().map(|(_, items)| items.len()).collect::<Vec<_>>()) {
        let results: Vec<(usize, ThemeSynthesis)> = wave
            .into_par_iter()
            .map(|i| synthesize_theme(&inputs[i].0, &inputs[i].1, params, names).map(|t| (i, t)))
            .collect::<Result<_, _>>()?;
        for (i, theme) in results {
            done[i] = Some(theme);
        }
    }
    Ok(done.into_iter().flatten().collect())
}

/// Themes (by position) in waves whose sizes add up to at most the largest size, the largest
/// themes first; each theme in the first wave where it fits.
fn waves(sizes: &[usize]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| (std::cmp::Reverse(sizes[i]), i));
    let budget = order.first().map_or(0, |&i| sizes[i]);
    let mut waves: Vec<(usize, Vec<usize>)> = Vec::new();
    for i in order {
        match waves.iter_mut().find(|(total, _)| total + sizes[i] <= budget) {
            Some((total, wave)) => {
                *total += sizes[i];
                wave.push(i);
            }
            None => waves.push((sizes[i], vec![i])),
        }
    }
    waves.into_iter().map(|(_, wave)| wave).collect()
}

#[cfg(test)]
mod tests {
    use super::waves;

    #[test]
    fn the_largest_theme_runs_alone_and_smaller_ones_side_by_side() {
        // The national corpus' four themes, in the consultation's order.
        assert_eq!(waves(&[186_924, 143_719, 35_814, 62_655]), [vec![0], vec![1, 2], vec![3]]);
        // Equal themes: one at a time, in order.
        assert_eq!(waves(&[10, 10, 10]), [vec![0], vec![1], vec![2]]);
        // Many small themes beside one large one share waves.
        assert_eq!(waves(&[5, 100, 40, 60, 30]), [vec![1], vec![3, 2], vec![4, 0]]);
        assert!(waves(&[]).is_empty());
    }
}
