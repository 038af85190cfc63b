//! Key phrases and a proposed title for a group, shown as people wrote them.

use std::collections::HashMap;

use crate::text::Token;

/// Key phrases kept per group.
pub const KEY_PHRASES: usize = 6;

/// The most frequent written form of each feature (stem, or "stem stem") in the given texts.
fn surface_forms<'a>(texts: impl Iterator<Item = (&'a str, &'a [Token])>, wanted: &[&str]) -> HashMap<String, String> {
    let wanted: std::collections::HashSet<&str> = wanted.iter().copied().collect();
    let mut counts: HashMap<(String, String), usize> = HashMap::new();
    for (text, tokens) in texts {
        for (i, token) in tokens.iter().enumerate() {
            if wanted.contains(token.stem.as_str()) {
                *counts.entry((token.stem.clone(), token.surface.clone())).or_insert(0) += 1;
            }
            if let Some(next) = tokens.get(i + 1) {
                let bigram = format!("{} {}", token.stem, next.stem);
                if wanted.contains(bigram.as_str()) {
                    let span = text[token.start..next.end].to_lowercase();
                    // A bigram spanning a sentence break is no phrase.
                    if !span.contains(['.', ';', '!', '?', '\n', ',']) {
                        *counts.entry((bigram, span)).or_insert(0) += 1;
                    }
                }
            }
        }
    }
    let mut best: HashMap<String, (usize, String)> = HashMap::new();
    for ((feature, surface), n) in counts {
        let entry = best.entry(feature).or_insert((0, String::new()));
        // Most frequent form; ties go to the alphabetically first, for determinism.
        if n > entry.0 || (n == entry.0 && surface < entry.1) {
            *entry = (n, surface);
        }
    }
    best.into_iter().map(|(f, (_, s))| (f, s.split_whitespace().collect::<Vec<_>>().join(" "))).collect()
}

/// Key phrases from the features ranked by weight in the group's centre.
pub fn key_phrases<'a>(ranked_features: &[&str], texts: impl Iterator<Item = (&'a str, &'a [Token])>) -> Vec<String> {
    let forms = surface_forms(texts, ranked_features);
    let mut phrases: Vec<String> = Vec::new();
    let mut covered: Vec<&str> = Vec::new();
    for feature in ranked_features {
        let Some(form) = forms.get(*feature) else { continue };
        let stems: Vec<&str> = feature.split(' ').collect();
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
    use crate::text::Analyzer;

    #[test]
    fn phrases_are_written_forms_and_do_not_repeat() {
        let analyzer = Analyzer::new();
        let texts: Vec<String> = [
            "Développer les transports en commun",
            "Plus de transports en commun à la campagne",
            "Le transport en commun gratuit",
        ]
        .iter()
        .map(|t| Analyzer::normalise(t))
        .collect();
        let tokens: Vec<Vec<Token>> = texts.iter().map(|t| analyzer.tokens(t)).collect();
        let phrases = key_phrases(
            &["transport commun", "transport", "campagn"],
            texts.iter().map(String::as_str).zip(tokens.iter().map(Vec::as_slice)),
        );
        assert_eq!(phrases, ["transports en commun", "campagne"]);
        assert_eq!(proposed_title(&phrases), "Transports en commun — campagne");
        assert_eq!(proposed_title(&[]), "Orientation sans titre");
    }
}
