//! French text analysis: Unicode normalisation, tokenisation with elisions, stop words,
//! Snowball stemming, accent folding, and word n-grams, keeping where each token came from so
//! that key phrases can be shown as people wrote them.

use std::collections::HashSet;

use rust_stemmers::{Algorithm, Stemmer};
use unicode_normalization::UnicodeNormalization;

use super::stopwords::FRENCH_STOP_WORDS;

/// One word kept for analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Snowball stem, accents folded: what features are built from.
    pub stem: String,
    /// The word as written, lowercase (for key phrases).
    pub surface: String,
    /// Byte range in the NFC-normalised text.
    pub start: usize,
    /// End of the byte range.
    pub end: usize,
}

/// A reusable French analyser (the stemmer and stop words are built once).
pub struct Analyzer {
    stemmer: Stemmer,
    stop_words: HashSet<&'static str>,
}

impl Default for Analyzer {
    fn default() -> Self {
        Self::new()
    }
}

/// Elided articles and pronouns glued to the next word: "l'emploi", "qu'il", "d'entreprendre".
const ELISIONS: [&str; 10] = ["l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu"];

/// Removes accents (NFD, then combining marks dropped).
pub fn fold_accents(text: &str) -> String {
    text.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).collect()
}

impl Analyzer {
    /// A French analyser.
    pub fn new() -> Self {
        Analyzer {
            stemmer: Stemmer::create(Algorithm::French),
            stop_words: FRENCH_STOP_WORDS.iter().copied().collect(),
        }
    }

    /// NFC form of a text: the same text typed two ways compares equal.
    pub fn normalise(text: &str) -> String {
        text.nfc().collect()
    }

    /// The content words of a normalised text, stemmed, in order.
    pub fn tokens(&self, normalised: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut start = None;
        for (index, ch) in normalised.char_indices().chain(std::iter::once((normalised.len(), ' '))) {
            let is_word_char = ch.is_alphanumeric() || ch == '-';
            match (start, is_word_char) {
                (None, true) => start = Some(index),
                (Some(s), false) => {
                    self.push_word(normalised, s, index, &mut out);
                    start = None;
                }
                _ => {}
            }
        }
        out
    }

    fn push_word(&self, text: &str, start: usize, end: usize, out: &mut Vec<Token>) {
        let word = text[start..end].trim_matches('-');
        if word.is_empty() {
            return;
        }
        let offset = start + text[start..end].find(word).unwrap_or(0);
        // Hyphenated words count as their parts ("vice-président" → "vice", "président"), but
        // "-" inside numbers or codes is left alone by the length filter below.
        let mut part_start = offset;
        for part in word.split('-') {
            let part_end = part_start + part.len();
            self.push_part(part, part_start, part_end, out);
            part_start = part_end + 1;
        }
    }

    fn push_part(&self, part: &str, start: usize, end: usize, out: &mut Vec<Token>) {
        let lower = part.to_lowercase();
        let folded = fold_accents(&lower);
        let letters = folded.chars().filter(|c| c.is_alphabetic()).count();
        // Single letters, pure numbers and stop words carry no subject.
        if letters < 2 || self.stop_words.contains(folded.as_str()) || ELISIONS.contains(&folded.as_str()) {
            return;
        }
        let mut stem = fold_accents(&self.stemmer.stem(&lower));
        // Snowball keeps a plural "s" after a vowel ("emplois", "lois"); drop it so that
        // singular and plural meet.
        if stem.len() > 3 && stem.ends_with('s') {
            stem.pop();
        }
        out.push(Token { stem, surface: lower, start, end });
    }

    /// Features of a text: stems, and bigrams of consecutive content words ("a b").
    pub fn features(&self, tokens: &[Token], bigrams: bool) -> Vec<String> {
        let mut features: Vec<String> = tokens.iter().map(|t| t.stem.clone()).collect();
        if bigrams {
            features.extend(tokens.windows(2).map(|w| format!("{} {}", w[0].stem, w[1].stem)));
        }
        features
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stems(text: &str) -> Vec<String> {
        let analyzer = Analyzer::new();
        analyzer.tokens(&Analyzer::normalise(text)).into_iter().map(|t| t.stem).collect()
    }

    #[test]
    fn elisions_stop_words_and_accents_are_handled() {
        assert_eq!(stems("L'État doit développer l'emploi"), ["etat", "developp", "emploi"]);
        assert_eq!(stems("Il faut que l’ESS soit connue"), ["ess", "connu"]);
        assert_eq!(stems("les emplois, l'emploi"), ["emploi", "emploi"]);
        assert_eq!(stems("RAS ... 12 !"), ["ras"]);
    }

    #[test]
    fn decomposed_and_composed_accents_give_the_same_stems() {
        assert_eq!(stems("e\u{301}conomie solidaire"), stems("économie solidaire"));
    }

    #[test]
    fn tokens_keep_their_place_in_the_text() {
        let analyzer = Analyzer::new();
        let text = Analyzer::normalise("Développer les transports en commun");
        let tokens = analyzer.tokens(&text);
        assert_eq!(&text[tokens[1].start..tokens[2].end], "transports en commun");
        assert_eq!(analyzer.features(&tokens, true).last().unwrap(), "transport commun");
    }
}
