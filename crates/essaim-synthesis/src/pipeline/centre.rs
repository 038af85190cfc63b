//! How close a piece of text stands to its group: the cosine between the piece's features
//! (each counted once) and the group's centre. Titles and the proposed text are chosen with it.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::text::space::{bigram, unigram, FeatureKey, WordRef};

/// A contribution of the group, as the wording sees it.
pub struct Source<'a> {
    /// Its text (NFC).
    pub text: &'a str,
    /// Its content words.
    pub words: &'a [WordRef],
    /// Cosine of the whole contribution with the group's centre.
    pub centrality: f32,
    /// How many contributions it stands for (itself and its near-duplicates).
    pub copies: usize,
    /// Its reference, for quotes.
    pub reference: &'a str,
}

/// The group's centre, normalised to unit length.
pub struct Centre {
    weights: FxHashMap<FeatureKey, f32>,
    bigrams: bool,
}

impl Centre {
    /// A centre from summed feature weights.
    pub fn new(sums: impl IntoIterator<Item = (FeatureKey, f32)>, bigrams: bool) -> Self {
        let mut weights: FxHashMap<FeatureKey, f32> = sums.into_iter().collect();
        let norm = weights.values().map(|v| v * v).sum::<f32>().sqrt();
        if norm > 0.0 {
            weights.values_mut().for_each(|v| *v /= norm);
        }
        Centre { weights, bigrams }
    }

    /// The distinct features of some consecutive words.
    pub fn features(&self, words: &[WordRef]) -> FxHashSet<FeatureKey> {
        let mut out: FxHashSet<FeatureKey> = words.iter().map(|w| unigram(w.stem)).collect();
        if self.bigrams {
            out.extend(words.windows(2).map(|w| bigram(w[0].stem, w[1].stem)));
        }
        out
    }

    /// Cosine between the features (each weighing 1) and the centre.
    pub fn closeness(&self, features: &FxHashSet<FeatureKey>) -> f32 {
        if features.is_empty() {
            return 0.0;
        }
        let sum: f32 = features.iter().filter_map(|f| self.weights.get(f)).sum();
        sum / (features.len() as f32).sqrt()
    }
}

/// The words of `words` that lie within a byte range.
pub fn words_within(words: &[WordRef], (start, end): (usize, usize)) -> &[WordRef] {
    let from = words.partition_point(|w| (w.start as usize) < start);
    let to = words.partition_point(|w| (w.end as usize) <= end);
    &words[from..to.max(from)]
}

/// Cosine between two sets of features, each weighing 1.
pub fn overlap(a: &FxHashSet<FeatureKey>, b: &FxHashSet<FeatureKey>) -> f32 {
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let shared = a.intersection(b).count() as f32;
    shared / ((a.len() * b.len()) as f32).sqrt()
}
