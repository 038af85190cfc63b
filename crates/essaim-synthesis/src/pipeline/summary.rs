//! The proposed text of an orientation: two to four sentences taken from its contributions,
//! each central to the group and unlike those already taken (maximal marginal relevance), so
//! that together they cover its main points. Staff rewrite it; it only gives them a start.

use rustc_hash::FxHashSet;

use super::centre::{overlap, words_within, Centre, Source};
use super::spans;
use crate::scrub::Scrubber;
use crate::text::space::FeatureKey;

/// Contributions looked at per group (the most central ones).
const POOL: usize = 300;
/// Sentences in the text, at most.
const MOST: usize = 4;
/// A sentence of the text has this many words.
const WORDS: std::ops::RangeInclusive<usize> = 5..=40;
/// A text stops growing past this many characters, once it has two sentences.
const ENOUGH_CHARS: usize = 600;
/// How much saying again what is already said costs.
const REDUNDANCY: f32 = 0.7;
/// Sentences sharing this much with one already taken are not taken.
const TOO_CLOSE: f32 = 0.5;

struct Sentence {
    text: String,
    features: FxHashSet<FeatureKey>,
    closeness: f32,
}

/// The proposed text; empty when the group has no sentence that can stand for it.
pub fn proposed_text(sources: &[Source<'_>], centre: &Centre, scrubber: &Scrubber) -> String {
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.sort_by(|&a, &b| sources[b].centrality.total_cmp(&sources[a].centrality).then(a.cmp(&b)));
    order.truncate(POOL);
    let mut pool: Vec<Sentence> = Vec::new();
    let mut seen: FxHashSet<String> = FxHashSet::default();
    for &s in &order {
        let source = &sources[s];
        // Scrubbed whole: a sentence cut after "MM." or "J." no longer shows the scrubber
        // the civility or the initial that makes its first word a name.
        let masked = scrubber.masked(source.text);
        for sentence in spans::sentences(source.text) {
            let Some(range) = spans::without_openings(source.text, sentence) else { continue };
            let piece = &source.text[range.0..range.1];
            let words = spans::words(source.text, range);
            if !WORDS.contains(&spans::word_count(piece))
                || masked.iter().any(|(m, _)| m.start < range.1 && range.0 < m.end)
                || words.iter().any(|(w, _)| spans::PERSONAL.contains(&w.as_str()))
                || piece.contains(['@', '[', ']', '{', '}', '<', '>', '=', '#'])
                || piece.contains("http")
                || !seen.insert(spans::comparable(piece))
            {
                continue;
            }
            let features = centre.features(words_within(source.words, range));
            let closeness = centre.closeness(&features);
            pool.push(Sentence { text: piece.to_owned(), features, closeness });
        }
    }
    let mut chosen: Vec<usize> = Vec::new();
    // Sentences the scrubber would change: never taken, never looked at again.
    let mut refused: FxHashSet<usize> = FxHashSet::default();
    let mut chars = 0;
    while chosen.len() < MOST && !(chosen.len() >= 2 && chars > ENOUGH_CHARS) {
        let mut best: Option<(usize, f32)> = None;
        for (i, sentence) in pool.iter().enumerate() {
            if chosen.contains(&i) || refused.contains(&i) {
                continue;
            }
            let redundancy = chosen.iter().map(|&c| overlap(&sentence.features, &pool[c].features)).fold(0.0, f32::max);
            if redundancy >= TOO_CLOSE {
                continue;
            }
            let score = sentence.closeness - REDUNDANCY * redundancy;
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((i, score));
            }
        }
        let Some((i, _)) = best else { break };
        // Published as proposed: a sentence the scrubber would change is left out.
        if scrubber.scrub(&pool[i].text) != pool[i].text {
            refused.insert(i);
            continue;
        }
        chars += pool[i].text.chars().count();
        chosen.push(i);
    }
    chosen
        .iter()
        .map(|&i| {
            let mut sentence = spans::display(&pool[i].text);
            if !sentence.ends_with(['.', '!', '?', '…']) {
                sentence.push('.');
            }
            sentence
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::text::space::{FeatureSpace, WordRef};
    use crate::text::Analyzer;

    #[test]
    fn the_text_takes_central_sentences_without_repeating_itself() {
        let mut space = FeatureSpace::new();
        let texts: Vec<String> = [
            "Il faut développer les transports en commun dans les campagnes. Les bus passent trop rarement.",
            "Développer les transports en commun dans les campagnes, vite.",
            "Je prends ma voiture tous les jours. Les transports en commun coûtent trop cher pour les familles.",
            "Les transports en commun devraient être gratuits pour les jeunes et les familles.",
            "Écrivez à jean.dupont@example.org pour les transports en commun dans les campagnes.",
        ]
        .iter()
        .map(|t| Analyzer::normalise(t))
        .collect();
        let words: Vec<Vec<WordRef>> = texts.iter().map(|t| space.words(t)).collect();
        let probe = Centre::new([], true);
        let mut sums: HashMap<FeatureKey, f32> = HashMap::new();
        for w in &words {
            for f in probe.features(w) {
                *sums.entry(f).or_insert(0.0) += 1.0;
            }
        }
        let sources: Vec<Source<'_>> = texts
            .iter()
            .zip(&words)
            .map(|(t, w)| Source { text: t, words: w, centrality: 0.5, copies: 1, reference: "r" })
            .collect();
        let text = proposed_text(&sources, &Centre::new(sums, true), &Scrubber::default());
        let sentences: Vec<&str> = text.split_inclusive(['.', '!', '?']).map(str::trim).collect();
        assert!((2..=4).contains(&sentences.len()), "{text}");
        for sentence in &sentences {
            let wanted = spans::comparable(sentence.trim_end_matches(['.', '!', '?']));
            assert!(texts.iter().any(|t| spans::comparable(t).contains(&wanted)), "not drawn: {sentence}");
        }
        assert!(!text.contains('@') && !text.contains("Je prends"), "{text}");
        // "Développer les transports en commun dans les campagnes" is said once, not twice.
        assert_eq!(text.matches("ransports en commun dans les campagnes").count(), 1, "{text}");
    }

    #[test]
    fn a_group_whose_every_sentence_names_someone_gets_no_text_and_the_run_ends() {
        let mut space = FeatureSpace::new();
        let texts: Vec<String> = [
            "Madame Rozenblum devrait financer les transports en commun des campagnes.",
            "Monsieur Rozenblum veut des transports en commun dans les campagnes.",
            "Rozenblum propose des transports en commun gratuits pour les familles.",
        ]
        .iter()
        .map(|t| Analyzer::normalise(t))
        .collect();
        let words: Vec<Vec<WordRef>> = texts.iter().map(|t| space.words(t)).collect();
        let sums: HashMap<FeatureKey, f32> =
            words.iter().flat_map(|w| Centre::new([], true).features(w)).map(|f| (f, 1.0)).collect();
        let sources: Vec<Source<'_>> = texts
            .iter()
            .zip(&words)
            .map(|(t, w)| Source { text: t, words: w, centrality: 0.5, copies: 1, reference: "r" })
            .collect();
        // Every sentence would lose the name to the scrubber: none is taken, and the choice
        // stops (it once went round for ever).
        let text = proposed_text(&sources, &Centre::new(sums, true), &Scrubber::new(&["Rozenblum"]));
        assert_eq!(text, "");
    }
}
