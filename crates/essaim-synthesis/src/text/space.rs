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
    /// Buffers reused from text to text.
    spans: Vec<(usize, usize)>,
    found: Vec<WordRef>,
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
        let number = self.analyzer.stem_of(lower).map(|stem| self.stem_number(stem));
        self.words.insert(lower.to_owned(), number);
        number
    }

    /// The content words of an NFC text.
    pub fn words(&mut self, text: &str) -> Vec<WordRef> {
        let mut spans = std::mem::take(&mut self.spans);
        let mut found = std::mem::take(&mut self.found);
        spans.clear();
        found.clear();
        Analyzer::for_each_word(text, |start, end| spans.push((start, end)));
        let mut lower = String::new();
        for &(start, end) in &spans {
            lower.clear();
            let word = &text[start..end];
            if word.is_ascii() {
                lower.push_str(word);
                lower.make_ascii_lowercase();
            } else {
                lower.extend(word.chars().flat_map(char::to_lowercase));
            }
            if let Some(stem) = self.number_of(&lower) {
                found.push(WordRef { stem, start: start as u32, end: end as u32 });
            }
        }
        // A copy of the exact size: the words of every text are kept for the whole theme, and
        // room for its stop words would be a third of them.
        let words = found.clone();
        self.spans = spans;
        self.found = found;
        words
    }

    /// The content words of many NFC texts, numbered exactly as [`FeatureSpace::words`] called
    /// on each text in order would number them, but read in parallel.
    ///
    /// Chunks of texts are read side by side, each with its own space, numbering its stems in
    /// order of first appearance within the chunk. Then the chunks' stems are numbered in the
    /// chunks' order: a stem new to the whole sequence in a chunk gets the next number there,
    /// in its order within the chunk, which is its order of first appearance overall. The
    /// words are then renumbered. Each chunk stems its own words, so chunks are large.
    pub fn words_of_all<S: AsRef<str> + Sync>(&mut self, texts: &[S]) -> Vec<Vec<WordRef>> {
        let chunk = texts.len().div_ceil(rayon::current_num_threads() * 4).max(1024);
        self.words_in_chunks(texts, chunk)
    }

    fn words_in_chunks<S: AsRef<str> + Sync>(&mut self, texts: &[S], chunk: usize) -> Vec<Vec<WordRef>> {
        use rayon::prelude::*;
        let read: Vec<(Vec<String>, Vec<Vec<WordRef>>)> = texts
            .par_chunks(chunk.max(1))
            .map(|texts| {
                let mut space = FeatureSpace::new();
                let words: Vec<Vec<WordRef>> = texts.iter().map(|t| space.words(t.as_ref())).collect();
                (space.stems, words)
            })
            .collect();
        let mut all = Vec::with_capacity(texts.len());
        for (stems, words) in read {
            let number: Vec<u32> = stems.into_iter().map(|stem| self.stem_number(stem)).collect();
            for mut text in words {
                for word in &mut text {
                    word.stem = number[word.stem as usize];
                }
                all.push(text);
            }
        }
        all
    }

    /// The number of a stem, given the next one if it is new.
    fn stem_number(&mut self, stem: String) -> u32 {
        if let Some(n) = self.stem_numbers.get(&stem) {
            return *n;
        }
        let n = self.stems.len() as u32;
        self.stem_numbers.insert(stem.clone(), n);
        self.stems.push(stem);
        n
    }

    /// Features of a text: its stems, and pairs of consecutive stems when `bigrams`.
    pub fn features(words: &[WordRef], bigrams: bool) -> Vec<FeatureKey> {
        let mut out = Vec::new();
        Self::features_into(words, bigrams, &mut out);
        out
    }

    /// [`FeatureSpace::features`], appended to `out`.
    pub fn features_into(words: &[WordRef], bigrams: bool, out: &mut Vec<FeatureKey>) {
        out.extend(words.iter().map(|w| unigram(w.stem)));
        if bigrams {
            out.extend(words.windows(2).map(|w| bigram(w[0].stem, w[1].stem)));
        }
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
    fn texts_read_in_parallel_chunks_are_numbered_as_one_after_the_other() {
        let texts: Vec<String> = [
            "Les emplois de l'économie sociale",
            "Développer les coopératives et les emplois",
            "",
            "Des transports en commun dans les campagnes",
            "L'économie circulaire crée des emplois locaux",
            "Coopératives, associations, mutuelles",
            "Les campagnes ont besoin de transports",
        ]
        .iter()
        .map(|t| Analyzer::normalise(t))
        .collect();
        let mut one_by_one = FeatureSpace::new();
        let expected: Vec<Vec<WordRef>> = texts.iter().map(|t| one_by_one.words(t)).collect();
        for chunk in [1, 2, 3, 7, 100] {
            let mut space = FeatureSpace::new();
            assert_eq!(space.words_in_chunks(&texts, chunk), expected, "chunks of {chunk}");
            assert_eq!(space.stems, one_by_one.stems, "chunks of {chunk}");
        }
        assert_eq!(FeatureSpace::new().words_of_all(&texts), expected);
    }

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
