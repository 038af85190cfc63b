//! Key phrases and a proposed title for a group, shown as people wrote them.

use std::collections::HashMap;

use crate::text::space::{bigram, stems_of, unigram, FeatureKey, WordRef};

/// Key phrases kept per group.
pub const KEY_PHRASES: usize = 6;

/// How a phrase is shown: words in lowercase, except acronyms ("ESS", "DLA", "SCOP").
fn display_form(span: &str) -> String {
    let part = |word: &str| {
        let letters: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
        if letters.len() >= 2 && letters.iter().all(|c| c.is_uppercase()) {
            word.to_owned()
        } else {
            word.to_lowercase()
        }
    };
    // "l'ESS": the elided article and the acronym are judged apart.
    span.split_whitespace()
        .map(|word| word.split_inclusive(['\'', '’']).map(part).collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

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
                let form = display_form(&text[word.start as usize..word.end as usize]);
                *counts.entry((single, form)).or_insert(0) += 1;
            }
            if let Some(next) = words.get(i + 1) {
                let pair = bigram(word.stem, next.stem);
                if wanted.contains(&pair) {
                    let span = &text[word.start as usize..next.end as usize];
                    // A pair across a sentence or a list is no phrase.
                    if !span.contains(['.', ';', '!', '?', '\n', ',', ':', '(', ')']) {
                        let form = display_form(span);
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

/// Key phrases from the features ranked by weight in the group's centre. A pair of words
/// ("appels à projets") takes the place of its single words already chosen ("appels",
/// "projets"), so that the phrases say it once and as people wrote it.
pub fn key_phrases<'a>(ranked: &[FeatureKey], texts: impl Iterator<Item = (&'a str, &'a [WordRef])>) -> Vec<String> {
    let forms = surface_forms(texts, ranked);
    // (phrase, stems it covers)
    let mut chosen: Vec<(String, Vec<u32>)> = Vec::new();
    for feature in ranked {
        let Some(form) = forms.get(feature) else { continue };
        let stems = stems_of(*feature);
        let covered = |stem: &u32| chosen.iter().any(|(_, s)| s.contains(stem));
        if stems.iter().all(covered) && (stems.len() == 1 || chosen.iter().any(|(_, s)| *s == stems)) {
            continue; // nothing new
        }
        if chosen.iter().any(|(p, _)| p == form) {
            continue;
        }
        if stems.len() > 1 {
            // The pair replaces the single words it contains, at the place of the first one.
            let first = chosen.iter().position(|(_, s)| s.len() == 1 && stems.contains(&s[0]));
            chosen.retain(|(_, s)| !(s.len() == 1 && stems.contains(&s[0])));
            let at = first.unwrap_or(chosen.len()).min(chosen.len());
            chosen.insert(at, (form.clone(), stems));
        } else {
            chosen.push((form.clone(), stems));
        }
        if chosen.len() == KEY_PHRASES {
            break;
        }
    }
    chosen.into_iter().map(|(p, _)| p).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::space::FeatureSpace;
    use crate::text::Analyzer;

    #[test]
    fn acronyms_keep_their_capitals() {
        assert_eq!(display_form("Entreprises de l'ESS"), "entreprises de l'ESS");
        assert_eq!(display_form("Le DLA"), "le DLA");
        assert_eq!(display_form("A"), "a");
    }

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
        // Single words first, then their pair: the pair takes their place.
        let ranked = [unigram(transport), unigram(campagne), unigram(commun), bigram(transport, commun)];
        let phrases = key_phrases(&ranked, texts.iter().map(String::as_str).zip(words.iter().map(Vec::as_slice)));
        assert_eq!(phrases, ["transports en commun", "campagne"]);
    }
}
