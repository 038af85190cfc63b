//! Key phrases and a proposed title for a group, shown as people wrote them.

use std::collections::HashMap;

use crate::text::space::{bigram, stems_of, unigram, FeatureKey, WordRef};

/// Key phrases kept per group.
pub const KEY_PHRASES: usize = 6;

/// The most frequent written form of each wanted feature in the given texts.
fn surface_forms<'a>(
    texts: impl Iterator<Item = (&'a str, &'a [WordRef])>,
    wanted: &[FeatureKey],
) -> HashMap<FeatureKey, String> {
    let wanted: std::collections::HashSet<FeatureKey> = wanted.iter().copied().collect();
    let mut counts: HashMap<(FeatureKey, String), usize> = HashMap::new();
    for (text, words) in texts {
        for (i, word) in words.iter().enumerate() {
            let single = unigram(word.stem);
            if wanted.contains(&single) {
                let form = text[word.start as usize..word.end as usize].to_lowercase();
                *counts.entry((single, form)).or_insert(0) += 1;
            }
            if let Some(next) = words.get(i + 1) {
                let pair = bigram(word.stem, next.stem);
                if wanted.contains(&pair) {
                    let span = &text[word.start as usize..next.end as usize];
                    // A pair across a sentence or a list is no phrase.
                    if !span.contains(['.', ';', '!', '?', '\n', ',', ':', '(', ')']) {
                        let form = span.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
                        *counts.entry((pair, form)).or_insert(0) += 1;
                    }
                }
            }
        }
    }
    let mut best: HashMap<FeatureKey, (usize, String)> = HashMap::new();
    for ((feature, form), n) in counts {
        let entry = best.entry(feature).or_insert((0, String::new()));
        // Most frequent form; ties go to the alphabetically first, for determinism.
        if n > entry.0 || (n == entry.0 && form < entry.1) {
            *entry = (n, form);
        }
    }
    best.into_iter().map(|(f, (_, form))| (f, form)).collect()
}

/// Key phrases from the features ranked by weight in the group's centre.
pub fn key_phrases<'a>(ranked: &[FeatureKey], texts: impl Iterator<Item = (&'a str, &'a [WordRef])>) -> Vec<String> {
    let forms = surface_forms(texts, ranked);
    let mut phrases: Vec<String> = Vec::new();
    let mut covered: Vec<u32> = Vec::new();
    for feature in ranked {
        let Some(form) = forms.get(feature) else { continue };
        let stems = stems_of(*feature);
        if stems.len() == 1 && covered.contains(&stems[0]) {
            continue; // already said inside a longer phrase
        }
        if phrases.iter().any(|p| p == form) {
            continue;
        }
        covered.extend(stems);
        phrases.push(form.clone());
        if phrases.len() == KEY_PHRASES {
            break;
        }
    }
    phrases
}

/// A title from the first key phrases: "Transports en commun — voiture électrique".
pub fn proposed_title(phrases: &[String]) -> String {
    let joined = phrases.iter().take(2).cloned().collect::<Vec<_>>().join(" — ");
    let mut chars = joined.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => "Orientation sans titre".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::space::FeatureSpace;
    use crate::text::Analyzer;

    #[test]
    fn phrases_are_written_forms_and_do_not_repeat() {
        let mut space = FeatureSpace::new();
        let texts: Vec<String> = [
            "Développer les transports en commun",
            "Plus de transports en commun à la campagne",
            "Le transport en commun gratuit",
        ]
        .iter()
        .map(|t| Analyzer::normalise(t))
        .collect();
        let words: Vec<Vec<WordRef>> = texts.iter().map(|t| space.words(t)).collect();
        let transport = words[0][1].stem;
        let commun = words[0][2].stem;
        let campagne = words[1][2].stem;
        let ranked = [bigram(transport, commun), unigram(transport), unigram(campagne)];
        let phrases = key_phrases(&ranked, texts.iter().map(String::as_str).zip(words.iter().map(Vec::as_slice)));
        assert_eq!(phrases, ["transports en commun", "campagne"]);
        assert_eq!(proposed_title(&phrases), "Transports en commun — campagne");
        assert_eq!(proposed_title(&[]), "Orientation sans titre");
    }
}
