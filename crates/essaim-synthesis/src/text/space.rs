//! Features as numbers: each distinct word is analysed once (a cache), each stem and each pair
//! of stems gets a number in order of first appearance. Memory and time stay proportional to
//! the vocabulary, not to the number of texts, which matters at 400,000 answers.

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use super::Analyzer;

/// A content word of a text: its stem number and where it stands (byte range, NFC text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordRef {
    /// Stem number in the [`FeatureSpace`].
    pub stem: u32,
    /// Start of the word in the text.
    pub start: u32,
    /// End of the word.
    pub end: u32,
}

/// A feature: a stem, or a pair of consecutive stems.
pub type FeatureKey = u64;

const BIGRAM_FLAG: u64 = 1 << 63;

/// The key of a single stem.
pub fn unigram(stem: u32) -> FeatureKey {
    u64::from(stem)
}

/// The key of a pair of stems.
pub fn bigram(first: u32, second: u32) -> FeatureKey {
    BIGRAM_FLAG | (u64::from(first) << 31) | u64::from(second)
}

/// The stems of a feature key.
pub fn stems_of(key: FeatureKey) -> Vec<u32> {
    if key & BIGRAM_FLAG == 0 {
        vec![key as u32]
    } else {
        vec![((key & !BIGRAM_FLAG) >> 31) as u32, (key & 0x7fff_ffff) as u32]
    }
}

/// Stems seen so far and the analysis of every distinct word.
#[derive(Default)]
pub struct FeatureSpace {
    analyzer: Analyzer,
    /// Lowercase word → its stem number (None: not a content word).
    words: HashMap<String, Option<u32>>,
    stem_numbers: HashMap<String, u32>,
    /// Stem of each number.
    pub stems: Vec<String>,
}

impl FeatureSpace {
    /// An empty space.
    pub fn new() -> Self {
        Self::default()
    }

    fn number_of(&mut self, lower: &str) -> Option<u32> {
        if let Some(known) = self.words.get(lower) {
            return *known;
        }
        let number = self.analyzer.stem_of(lower).map(|stem| match self.stem_numbers.get(&stem) {
            Some(n) => *n,
            None => {
                let n = self.stems.len() as u32;
                self.stem_numbers.insert(stem.clone(), n);
                self.stems.push(stem);
                n
            }
        });
        self.words.insert(lower.to_owned(), number);
        number
    }

    /// The content words of an NFC text.
    pub fn words(&mut self, text: &str) -> Vec<WordRef> {
        let mut spans = Vec::new();
        Analyzer::for_each_word(text, |start, end| spans.push((start, end)));
        let mut out = Vec::with_capacity(spans.len());
        let mut lower = String::new();
        for (start, end) in spans {
            lower.clear();
            lower.extend(text[start..end].chars().flat_map(char::to_lowercase));
            if let Some(stem) = self.number_of(&lower) {
                out.push(WordRef { stem, start: start as u32, end: end as u32 });
            }
        }
        out
    }

    /// Features of a text: its stems, and pairs of consecutive stems when `bigrams`.
    pub fn features(words: &[WordRef], bigrams: bool) -> Vec<FeatureKey> {
        let mut out: Vec<FeatureKey> = words.iter().map(|w| unigram(w.stem)).collect();
        if bigrams {
            out.extend(words.windows(2).map(|w| bigram(w[0].stem, w[1].stem)));
        }
        out
    }

    /// A feature as text: "stem" or "stem stem".
    pub fn describe(&self, key: FeatureKey) -> String {
        stems_of(key).iter().map(|s| self.stems[*s as usize].as_str()).collect::<Vec<_>>().join(" ")
    }
}

/// Counts of feature keys, fast for integer keys that no user chooses.
pub type KeyCounts = FxHashMap<FeatureKey, u32>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_numbered_once_and_pairs_keep_their_order() {
        let mut space = FeatureSpace::new();
        let text = Analyzer::normalise("Les emplois, l'emploi et l'économie sociale");
        let words = space.words(&text);
        assert_eq!(words.iter().map(|w| w.stem).collect::<Vec<_>>(), [0, 0, 1, 2]);
        assert_eq!(&text[words[2].start as usize..words[3].end as usize], "économie sociale");
        let features = FeatureSpace::features(&words, true);
        assert_eq!(space.describe(features[4]), "emploi emploi");
        assert_eq!(space.describe(*features.last().unwrap()), "econom social");
        assert_ne!(bigram(1, 2), bigram(2, 1));
        assert_eq!(stems_of(bigram(1, 2)), [1, 2]);
    }
}
