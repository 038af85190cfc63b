//! The synthesis of one theme, a pure function of its contributions and parameters:
//! no database, no clock, no hidden randomness, so two runs give byte-identical output.
//!
//! 1. Answers with no content are set aside (`no_content`).
//! 2. Duplicates and near-duplicates are grouped; each group is one voice in the grouping.
//! 3. TF-IDF on French stems and stem pairs; spherical k-means (k-means++ seeding, several
//!    restarts) learnt on a fixed sample, then every text assigned to its nearest centre.
//!    The stance a text takes ("baisser" or "augmenter les impôts") is a feature too, so that
//!    opposite stances tend to fall apart.
//! 4. Each group proposes an orientation: key phrases, a title written by its contributors,
//!    a text drawn from them, quotes, opposite stances it still holds, support figures.

mod centre;
mod choose_k;
pub mod model;
mod phrases;
mod quotes;
mod spans;
mod stances;
mod summary;
mod titles;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use crate::cluster::kmeans::{assign, spherical_kmeans, InSampleColumns, KMeansParams};
use crate::cluster::sparse::{tfidf, FeatureLists, TfIdfParams};
use crate::content::is_empty_content;
use crate::dedup::duplicate_groups;
use crate::scrub::Scrubber;
use crate::text::space::{FeatureKey, FeatureSpace, WordRef};
use crate::text::Analyzer;

pub use choose_k::stride_sample;
pub use model::{
    Item, NotGrouped, Params, PlenaryOutcome, ProposedOrientation, Quote, StanceSide, Stances, Support, ThemeSynthesis,
};
pub use stances::second_side;

/// Longest quote, in characters.
const QUOTE_CHARS: usize = 600;
/// Features looked at for key phrases.
const RANKED_FEATURES: usize = 30;

/// Why a theme could not be synthesised as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SynthesisError {
    /// `--groups K` with fewer contributions to group than K.
    #[error("{groups} groupes demandés, mais le thème « {theme} » n'a que {available} contribution(s) à grouper : choisissez --groups {available} au plus, ou laissez le nombre de groupes automatique")]
    TooManyGroups {
        /// Theme.
        theme: String,
        /// Groups asked for.
        groups: usize,
        /// Contributions that can be grouped.
        available: usize,
    },
}

/// TF-IDF rows of texts with the run's parameters (row i for text i; empty rows for texts with
/// no term kept): what new contributions are compared with when placed in existing orientations.
pub fn vectorise(texts: &[&str], params: &Params) -> crate::cluster::sparse::SparseRows {
    let mut space = FeatureSpace::new();
    let mut stances = stances::Reader::default();
    let mut features = FeatureLists::default();
    for t in texts {
        let text = Analyzer::normalise(t);
        features.push_with(|keys| features_into(&text, &space.words(&text), params.bigrams, &mut stances, keys));
    }
    tfidf(
        &features,
        &[],
        TfIdfParams { min_df: params.min_df, max_df: params.max_df_per_mille as f64 / 1000.0, sublinear_tf: true },
    )
    .rows
}

/// A text's features, appended to `out`: its words, pairs of words, and the stances it takes.
fn features_into(
    text: &str,
    words: &[WordRef],
    bigrams: bool,
    stances: &mut stances::Reader,
    out: &mut Vec<FeatureKey>,
) {
    FeatureSpace::features_into(words, bigrams, out);
    out.extend(stances.features(text, words));
}

/// The support figures of a set of contributions (`distinct`: how many distinct voices).
pub fn support(members: &[&Item], distinct: usize) -> Support {
    support_of(members, distinct)
}

fn not_grouped(item: &Item, reason: &str) -> NotGrouped {
    NotGrouped { reference: item.reference.clone(), reason: reason.to_owned() }
}

fn count(map: &mut BTreeMap<String, usize>, key: Option<&str>) {
    *map.entry(key.unwrap_or("non_renseigne").to_owned()).or_insert(0) += 1;
}

fn support_of(members: &[&Item], distinct: usize) -> Support {
    let mut support = Support { total: members.len(), distinct, ..Default::default() };
    for item in members {
        count(&mut support.by_channel, Some(&item.channel));
        count(&mut support.by_territory, item.territory.as_deref());
        count(&mut support.by_legal_family, item.legal_family.as_deref());
        count(&mut support.by_kind, Some(&item.kind));
    }
    support
}

/// Synthesises one theme. `known_names` are persons' names to scrub from quotes.
pub fn synthesize_theme(
    theme: &str,
    items: &[Item],
    params: &Params,
    known_names: &[String],
) -> Result<ThemeSynthesis, SynthesisError> {
    let started = std::time::Instant::now();
    let lap =
        |step: &str| tracing::debug!(theme, step, ms = started.elapsed().as_millis() as u64, "synthèse d'un thème");
    use rayon::prelude::*;
    // Order by reference: the result must not depend on storage order (a stable sort, in
    // parallel).
    let mut items: Vec<&Item> = items.iter().collect();
    items.par_sort_by(|a, b| a.reference.cmp(&b.reference));
    let mut result = ThemeSynthesis {
        theme: theme.to_owned(),
        contributions: items.len(),
        groups: 0,
        groups_chosen_automatically: params.groups.is_none(),
        orientations: Vec::new(),
        not_grouped: Vec::new(),
        notes: Vec::new(),
        pending_moderation: 0,
        rejected: 0,
    };

    // 1. No content.
    // Each text's check is its own: in parallel, then split in order.
    let empty_flags: Vec<bool> = items.par_iter().map(|i| is_empty_content(&i.text)).collect();
    let (mut empty, mut with_content): (Vec<&Item>, Vec<&Item>) = (Vec::new(), Vec::new());
    for (item, is_empty) in items.iter().zip(empty_flags) {
        if is_empty {
            empty.push(item);
        } else {
            with_content.push(item);
        }
    }
    result.not_grouped.extend(empty.iter().map(|i| not_grouped(i, "no_content")));

    // 2. Duplicates: `members[r]` lists the texts that the representative `r` stands for.
    let texts: Vec<&str> = with_content.iter().map(|i| i.text.as_str()).collect();
    let roots = duplicate_groups(&texts);
    let mut members: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, root) in roots.iter().enumerate() {
        members.entry(*root).or_default().push(i);
    }
    let representatives: Vec<usize> = members.keys().copied().collect();
    lap("doublons");

    // 3. Features.
    let mut space = FeatureSpace::new();
    // Normalising and reading words are each text's own (in parallel, words numbered as if
    // in order); reading stances shares a cache, in order.
    let normalised: Vec<Cow<'_, str>> = representatives.par_iter().map(|&r| Analyzer::normalised(texts[r])).collect();
    let tokens: Vec<Vec<WordRef>> = space.words_of_all(&normalised);
    lap("mots");
    let mut stance_reader = stances::Reader::default();
    // Room for every word and pair, and a stance per text: the one buffer is not regrown.
    let words: usize =
        tokens.iter().map(|t| t.len() + if params.bigrams { t.len().saturating_sub(1) } else { 0 }).sum();
    let mut features = FeatureLists::with_capacity(tokens.len(), words + tokens.len());
    for (text, words) in normalised.iter().zip(&tokens) {
        features.push_with(|keys| features_into(text, words, params.bigrams, &mut stance_reader, keys));
    }
    lap("traits");
    let copies: Vec<u32> = representatives.iter().map(|r| members[r].len() as u32).collect();
    let weights = tfidf(
        &features,
        &copies,
        TfIdfParams { min_df: params.min_df, max_df: params.max_df_per_mille as f64 / 1000.0, sublinear_tf: true },
    );
    drop(features);
    lap("tf-idf");
    // With fewer than two distinct texts no term can be shared: say so, not "no shared terms".
    let (clusterable, lonely): (Vec<usize>, Vec<usize>) = if representatives.len() < 2 {
        ((0..representatives.len()).collect(), Vec::new())
    } else {
        (0..representatives.len()).partition(|&r| !weights.rows.row(r).0.is_empty())
    };
    for &r in &lonely {
        for &m in &members[&representatives[r]] {
            result.not_grouped.push(not_grouped(with_content[m], "no_shared_terms"));
        }
    }
    if clusterable.len() < 2 {
        for &r in &clusterable {
            for &m in &members[&representatives[r]] {
                result.not_grouped.push(not_grouped(with_content[m], "too_few"));
            }
        }
        result.notes.push(if items.is_empty() {
            format!("Le thème « {theme} » n'a aucune contribution.")
        } else {
            format!(
                "Le thème « {theme} » a {} contribution(s), dont {} seulement à grouper : il en faut au moins deux pour proposer des orientations.",
                items.len(),
                clusterable.len()
            )
        });
        result.not_grouped.sort_by(|a, b| a.reference.cmp(&b.reference));
        return Ok(result);
    }

    // 4. Groups. The rows to group are the non-empty ones, in order: taken from the TF-IDF
    // matrix without a copy.
    let crate::cluster::sparse::TfIdf { rows, keys, .. } = weights;
    let data = rows.without_empty_rows();
    debug_assert_eq!(data.rows(), clusterable.len());
    let k = match params.groups {
        Some(k) if k > clusterable.len() => {
            return Err(SynthesisError::TooManyGroups {
                theme: theme.to_owned(),
                groups: k,
                available: clusterable.len(),
            })
        }
        Some(k) => k.max(1),
        None => choose_k::choose_k(&data, params.min_groups, params.max_groups, params.seed),
    };
    let sample = stride_sample(clusterable.len(), params.fit_sample);
    let (sample_rows, old_columns) = data.select(&sample).compact();
    let fitted = spherical_kmeans(
        &sample_rows,
        KMeansParams { k, restarts: params.restarts, max_iterations: params.max_iterations, seed: params.seed },
    );
    let mut sample_column = vec![None; data.columns];
    for (new, old) in old_columns.iter().enumerate() {
        sample_column[*old as usize] = Some(new as u32);
    }
    let assigned = assign(
        &InSampleColumns { rows: &data, sample_column: &sample_column, columns: sample_rows.columns },
        &fitted.centres,
    );
    drop(sample_column);
    result.groups = k;
    lap("k-moyennes");

    // 5. One orientation per non-empty group.
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (row, (label, _)) in assigned.iter().enumerate() {
        groups[*label].push(row);
    }
    groups.retain(|g| !g.is_empty());
    let scrubber = Scrubber::new(known_names);
    // Each group's orientation is its own: built in parallel, kept in the groups' order.
    let mut proposed: Vec<(ProposedOrientation, Vec<titles::Candidate>)> = {
        groups
            .par_iter()
            .map(|rows| {
                orientation(
                    rows,
                    &assigned,
                    &clusterable,
                    &representatives,
                    &members,
                    &with_content,
                    (&normalised, &tokens),
                    (&data, &keys),
                    params,
                    &scrubber,
                )
            })
            .collect()
    };
    proposed
        .sort_by(|(a, _), (b, _)| b.support.total.cmp(&a.support.total).then(a.contributions.cmp(&b.contributions)));
    // Largest first, each orientation takes its best title not alike a larger one's.
    let candidates: Vec<Vec<titles::Candidate>> = proposed.iter().map(|(_, c)| c.clone()).collect();
    let fallback: Vec<String> = proposed.iter().map(|(o, _)| o.title.clone()).collect();
    for ((mut orientation, _), title) in proposed.into_iter().zip(titles::distinct(&candidates, &fallback)) {
        orientation.title = title;
        result.orientations.push(orientation);
    }
    result.not_grouped.sort_by(|a, b| a.reference.cmp(&b.reference));
    lap("orientations");
    Ok(result)
}

#[allow(clippy::too_many_arguments)]
fn orientation(
    rows: &[usize],
    assigned: &[(usize, f32)],
    clusterable: &[usize],
    representatives: &[usize],
    members: &BTreeMap<usize, Vec<usize>>,
    items: &[&Item],
    (normalised, tokens): (&[Cow<'_, str>], &[Vec<WordRef>]),
    (data, keys): (&crate::cluster::sparse::SparseRows, &[FeatureKey]),
    params: &Params,
    scrubber: &Scrubber,
) -> (ProposedOrientation, Vec<titles::Candidate>) {
    // Centre weights, to rank features.
    let mut centre: HashMap<u32, f32> = HashMap::new();
    for &row in rows {
        let (cols, vals) = data.row(row);
        for (c, v) in cols.iter().zip(vals) {
            *centre.entry(*c).or_insert(0.0) += v;
        }
    }
    let mut ranked: Vec<(u32, f32)> =
        centre.into_iter().filter(|(c, _)| !stances::is_stance(keys[*c as usize])).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    let centre = centre::Centre::new(ranked.iter().map(|(c, v)| (keys[*c as usize], *v)), params.bigrams);
    let ranked: Vec<FeatureKey> = ranked.iter().take(RANKED_FEATURES).map(|(c, _)| keys[*c as usize]).collect();
    let reps_of_group: Vec<usize> = rows.iter().map(|&row| clusterable[row]).collect();
    // Key phrases are people's words too (a name repeated by many would surface): scrubbed,
    // and the proposed title is made of scrubbed phrases.
    let key_phrases: Vec<String> =
        phrases::key_phrases(&ranked, reps_of_group.iter().map(|&r| (normalised[r].as_ref(), tokens[r].as_slice())))
            .into_iter()
            .map(|phrase| scrubber.scrub(&phrase))
            .collect();
    let sources: Vec<centre::Source<'_>> = rows
        .iter()
        .map(|&row| {
            let r = clusterable[row];
            centre::Source {
                text: &normalised[r],
                words: &tokens[r],
                centrality: assigned[row].1,
                copies: members[&representatives[r]].len(),
                reference: &items[representatives[r]].reference,
            }
        })
        .collect();
    let title_candidates = titles::candidates(&sources, &centre, scrubber);
    let text = summary::proposed_text(&sources, &centre, scrubber);
    let stances = stances::opposite(&sources, scrubber);

    let candidates: Vec<quotes::Candidate<'_>> = rows
        .iter()
        .map(|&row| {
            let item = items[representatives[clusterable[row]]];
            quotes::Candidate {
                row,
                centrality: assigned[row].1,
                chars: item.text.chars().count(),
                channel: &item.channel,
                territory: item.territory.as_deref(),
            }
        })
        .collect();
    let chosen = quotes::choose_quotes(&candidates, data, params.quotes);
    let quotes: Vec<Quote> = chosen
        .iter()
        .map(|&c| {
            let item = items[representatives[clusterable[candidates[c].row]]];
            Quote {
                reference: item.reference.clone(),
                text: quotes::shorten(&scrubber.scrub(item.text.trim()), QUOTE_CHARS),
            }
        })
        .collect();

    let mut all: Vec<&Item> = Vec::new();
    let mut duplicate_groups: Vec<Vec<String>> = Vec::new();
    for &r in &reps_of_group {
        let group = &members[&representatives[r]];
        all.extend(group.iter().map(|&m| items[m]));
        if group.len() > 1 {
            let mut refs: Vec<String> = group.iter().map(|&m| items[m].reference.clone()).collect();
            refs.sort();
            duplicate_groups.push(refs);
        }
    }
    duplicate_groups.sort();
    let mut contributions: Vec<String> = all.iter().map(|i| i.reference.clone()).collect();
    contributions.sort();
    let orientation = ProposedOrientation {
        // Replaced by a title people wrote, once the theme's titles are made distinct.
        title: key_phrases.first().cloned().unwrap_or_else(|| "Orientation sans titre".to_owned()),
        text_proposed: !text.is_empty(),
        text,
        stances,
        key_phrases,
        quotes,
        contributions,
        duplicate_groups,
        support: support_of(&all, reps_of_group.len()),
        plenary: None,
    };
    (orientation, title_candidates)
}
