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

/// The letter without its accent, for the accented letters of French and its neighbours;
/// `None` for any other character.
fn fold_latin(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'ç' => 'c',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ñ' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' => 'A',
        'Ç' => 'C',
        'È' | 'É' | 'Ê' | 'Ë' => 'E',
        'Ì' | 'Í' | 'Î' | 'Ï' => 'I',
        'Ñ' => 'N',
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' => 'O',
        'Ù' | 'Ú' | 'Û' | 'Ü' => 'U',
        'Ý' => 'Y',
        _ => return None,
    })
}

/// Removes accents. French letters take a fast path; anything else goes through Unicode
/// decomposition (NFD) with the combining marks dropped.
pub fn fold_accents(text: &str) -> String {
    if text.is_ascii() {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, |plain| out.push(plain));
    }
    out
}

/// [`fold_accents`] of one character: `push` gets what it becomes (nothing for a combining
/// mark, one character for a letter, several for a ligature's decomposition).
pub fn fold_char(c: char, mut push: impl FnMut(char)) {
    if c.is_ascii() {
        push(c);
    } else if let Some(plain) = fold_latin(c) {
        push(plain);
    } else {
        c.nfd().filter(|d| !unicode_normalization::char::is_combining_mark(*d)).for_each(push);
    }
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
        Self::normalised(text).into_owned()
    }

    /// [`Analyzer::normalise`], borrowing the text when it is already NFC (most texts are):
    /// a theme's texts are then not held twice.
    pub fn normalised(text: &str) -> std::borrow::Cow<'_, str> {
        // A quick check spares the recomposition.
        if unicode_normalization::is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes {
            return std::borrow::Cow::Borrowed(text);
        }
        std::borrow::Cow::Owned(text.nfc().collect())
    }

    /// The content words of a normalised text, stemmed, in order.
    pub fn tokens(&self, normalised: &str) -> Vec<Token> {
        let mut out = Vec::new();
        Self::for_each_word(normalised, |start, end| self.push_part(&normalised[start..end], start, end, &mut out));
        out
    }

    fn push_part(&self, part: &str, start: usize, end: usize, out: &mut Vec<Token>) {
        let lower = part.to_lowercase();
        if let Some(stem) = self.stem_of(&lower) {
            out.push(Token { stem, surface: lower, start, end });
        }
    }

    /// The stem of one lowercase word, or `None` for a stop word, a single letter or a number.
    pub fn stem_of(&self, lower: &str) -> Option<String> {
        let folded = fold_accents(lower);
        let letters = folded.chars().filter(|c| c.is_alphabetic()).count();
        // Single letters, pure numbers and stop words carry no subject.
        if letters < 2 || self.stop_words.contains(folded.as_str()) || ELISIONS.contains(&folded.as_str()) {
            return None;
        }
        let mut stem = fold_accents(&self.stemmer.stem(lower));
        // Snowball keeps a plural "s" after a vowel ("emplois", "lois"); drop it so that
        // singular and plural meet.
        if stem.len() > 3 && stem.ends_with('s') {
            stem.pop();
        }
        Some(stem)
    }

    /// Calls `each(start, end)` for every word part of a normalised text (split on anything
    /// but letters and digits, hyphenated words split into their parts).
    pub fn for_each_word(text: &str, mut each: impl FnMut(usize, usize)) {
        let mut start = None;
        for (index, ch) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            let is_word_char = ch.is_alphanumeric();
            match (start, is_word_char) {
                (None, true) => start = Some(index),
                (Some(s), false) => {
                    each(s, index);
                    start = None;
                }
                _ => {}
            }
        }
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
    fn accents_fold_on_the_fast_path_and_the_slow_one() {
        assert_eq!(fold_accents("Économie, œuvre, ça"), "Economie, œuvre, ca");
        assert_eq!(fold_accents("ő ŝ"), "o s");
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
