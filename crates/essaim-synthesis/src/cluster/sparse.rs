//! Sparse document vectors: TF-IDF over a vocabulary built deterministically.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::text::space::{FeatureKey, KeyCounts};

/// Rows of a sparse matrix (CSR), each row L2-normalised.
#[derive(Debug, Clone, Default)]
pub struct SparseRows {
    /// Start of each row in `indices`/`values` (len = rows + 1).
    pub offsets: Vec<usize>,
    /// Column of each value.
    pub indices: Vec<u32>,
    /// The values.
    pub values: Vec<f32>,
    /// Number of columns.
    pub columns: usize,
}

impl SparseRows {
    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// One row: (columns, values).
    pub fn row(&self, i: usize) -> (&[u32], &[f32]) {
        let (a, b) = (self.offsets[i], self.offsets[i + 1]);
        (&self.indices[a..b], &self.values[a..b])
    }

    /// Dot product of a row with a dense vector.
    pub fn dot(&self, i: usize, dense: &[f32]) -> f32 {
        let (cols, vals) = self.row(i);
        cols.iter().zip(vals).map(|(c, v)| v * dense[*c as usize]).sum()
    }
}

/// Each document's features, one document after the other in one buffer: a vector per
/// document would cost a header and its unused capacity each, a third more than the features
/// themselves at 187,000 texts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureLists {
    /// Start of each document in `keys` (len = documents + 1).
    offsets: Vec<usize>,
    keys: Vec<FeatureKey>,
}

impl Default for FeatureLists {
    fn default() -> Self {
        FeatureLists { offsets: vec![0], keys: Vec::new() }
    }
}

impl FeatureLists {
    /// No document yet, room for `features` features.
    pub fn with_capacity(documents: usize, features: usize) -> Self {
        let mut offsets = Vec::with_capacity(documents + 1);
        offsets.push(0);
        FeatureLists { offsets, keys: Vec::with_capacity(features) }
    }

    /// Adds a document, whose features `fill` appends to the buffer it is given.
    pub fn push_with(&mut self, fill: impl FnOnce(&mut Vec<FeatureKey>)) {
        fill(&mut self.keys);
        self.offsets.push(self.keys.len());
    }

    /// Number of documents.
    pub fn len(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Whether there is no document.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The documents' features, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[FeatureKey]> {
        self.offsets.windows(2).map(|w| &self.keys[w[0]..w[1]])
    }
}

impl<D: AsRef<[FeatureKey]>> FromIterator<D> for FeatureLists {
    fn from_iter<I: IntoIterator<Item = D>>(documents: I) -> Self {
        let mut lists = FeatureLists::default();
        for document in documents {
            lists.push_with(|keys| keys.extend_from_slice(document.as_ref()));
        }
        lists
    }
}

/// How features are weighted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TfIdfParams {
    /// A feature must appear in at least this many documents.
    pub min_df: usize,
    /// …and in at most this share of them.
    pub max_df: f64,
    /// `1 + ln(tf)` instead of raw counts.
    pub sublinear_tf: bool,
}

impl Default for TfIdfParams {
    fn default() -> Self {
        TfIdfParams { min_df: 2, max_df: 0.5, sublinear_tf: true }
    }
}

/// TF-IDF vectors and the vocabulary (column → feature).
pub struct TfIdf {
    /// L2-normalised rows, one per document (empty rows for documents with no kept feature).
    pub rows: SparseRows,
    /// Feature of each column, numbered in order of first appearance (deterministic).
    pub keys: Vec<FeatureKey>,
    /// Inverse document frequency of each column.
    pub idf: Vec<f32>,
}

/// Builds TF-IDF vectors (smooth idf: `ln((1 + n) / (1 + df)) + 1`, as scikit-learn).
///
/// `copies[i]` is how many contributions document `i` stands for (a group of near-duplicates
/// is one document; an empty `copies` means one each). A document that `min_df` would leave
/// with no term at all, but that stands for at least `min_df` contributions, keeps its own
/// terms: they are written by that many people, and without them a whole campaign of copies
/// would be set aside as sharing no term. Other documents are untouched, so rare words of an
/// ordinary duplicate pair do not outweigh the shared vocabulary.
pub fn tfidf(documents: &FeatureLists, copies: &[u32], params: TfIdfParams) -> TfIdf {
    let n = documents.len();
    let mut df = KeyCounts::default();
    let mut first_seen: Vec<FeatureKey> = Vec::new();
    let mut distinct: Vec<FeatureKey> = Vec::new();
    for doc in documents.iter() {
        distinct.clear();
        distinct.extend_from_slice(doc);
        distinct.sort_unstable();
        distinct.dedup();
        for f in &distinct {
            let count = df.entry(*f).or_insert(0);
            if *count == 0 {
                first_seen.push(*f);
            }
            *count += 1;
        }
    }
    let max_df = (params.max_df * n as f64).floor().max(1.0) as u32;
    let kept = |f: &FeatureKey| (params.min_df as u32..=max_df).contains(&df[f]);
    let mut rescued: FxHashSet<FeatureKey> = FxHashSet::default();
    for (d, doc) in documents.iter().enumerate() {
        let stands_for = copies.get(d).copied().unwrap_or(1) as usize;
        if stands_for >= params.min_df && !doc.iter().any(kept) {
            rescued.extend(doc.iter().filter(|f| df[*f] <= max_df));
        }
    }
    // First-appearance order of the documents, not of the features within one (sorted above).
    let keys: Vec<FeatureKey> = first_seen.into_iter().filter(|f| kept(f) || rescued.contains(f)).collect();
    let column: FxHashMap<FeatureKey, u32> = keys.iter().enumerate().map(|(i, f)| (*f, i as u32)).collect();
    let idf: Vec<f32> = keys.iter().map(|f| (((1 + n) as f64 / (1 + df[f]) as f64).ln() + 1.0) as f32).collect();
    drop(df);

    let mut rows = SparseRows { offsets: Vec::with_capacity(n + 1), columns: keys.len(), ..Default::default() };
    rows.offsets.push(0);
    let mut counts: Vec<(u32, f32)> = Vec::new();
    let mut merged: Vec<(u32, f32)> = Vec::new();
    for doc in documents.iter() {
        counts.clear();
        counts.extend(doc.iter().filter_map(|f| column.get(f).map(|c| (*c, 1.0f32))));
        counts.sort_unstable_by_key(|(c, _)| *c);
        merged.clear();
        for (c, v) in counts.iter().copied() {
            match merged.last_mut() {
                Some((last, total)) if *last == c => *total += v,
                _ => merged.push((c, v)),
            }
        }
        for (c, tf) in merged.iter_mut() {
            let weight = if params.sublinear_tf { 1.0 + tf.ln() } else { *tf };
            *tf = weight * idf[*c as usize];
        }
        let norm = merged.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        for (c, v) in &merged {
            rows.indices.push(*c);
            rows.values.push(if norm > 0.0 { v / norm } else { 0.0 });
        }
        rows.offsets.push(rows.indices.len());
    }
    TfIdf { rows, keys, idf }
}

impl SparseRows {
    /// Dot product of two rows (columns are sorted within a row).
    pub fn dot_rows(&self, a: usize, b: usize) -> f32 {
        let (ca, va) = self.row(a);
        let (cb, vb) = self.row(b);
        let (mut i, mut j, mut sum) = (0, 0, 0.0);
        while i < ca.len() && j < cb.len() {
            match ca[i].cmp(&cb[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    sum += va[i] * vb[j];
                    i += 1;
                    j += 1;
                }
            }
        }
        sum
    }

    /// The same matrix without its empty rows, the others in order. Nothing is copied: an
    /// empty row is only an offset repeated.
    pub fn without_empty_rows(mut self) -> SparseRows {
        self.offsets.dedup();
        self
    }

    /// A new matrix with the given rows, in that order.
    pub fn select(&self, rows: &[usize]) -> SparseRows {
        let mut out = SparseRows { offsets: vec![0], columns: self.columns, ..Default::default() };
        for &r in rows {
            let (c, v) = self.row(r);
            out.indices.extend_from_slice(c);
            out.values.extend_from_slice(v);
            out.offsets.push(out.indices.len());
        }
        out
    }
}

impl SparseRows {
    /// The same rows over only the columns they use, renumbered in order of first use;
    /// returns the matrix and, for each new column, the old one. Learning on a sample then
    /// works in the sample's vocabulary, not the whole theme's.
    pub fn compact(&self) -> (SparseRows, Vec<u32>) {
        let mut new_of: rustc_hash::FxHashMap<u32, u32> = rustc_hash::FxHashMap::default();
        let mut old_of: Vec<u32> = Vec::new();
        let mut out = SparseRows { offsets: vec![0], ..Default::default() };
        let mut row: Vec<(u32, f32)> = Vec::new();
        for i in 0..self.rows() {
            let (cols, vals) = self.row(i);
            row.clear();
            for (c, v) in cols.iter().zip(vals) {
                let next = old_of.len() as u32;
                let n = *new_of.entry(*c).or_insert_with(|| {
                    old_of.push(*c);
                    next
                });
                row.push((n, *v));
            }
            row.sort_unstable_by_key(|(c, _)| *c);
            for (c, v) in &row {
                out.indices.push(*c);
                out.values.push(*v);
            }
            out.offsets.push(out.indices.len());
        }
        out.columns = old_of.len();
        (out, old_of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lists(docs: Vec<Vec<FeatureKey>>) -> FeatureLists {
        docs.into_iter().collect()
    }

    fn doc(words: &str) -> Vec<FeatureKey> {
        words.split(' ').map(|w| u64::from(w.as_bytes()[0])).collect()
    }

    #[test]
    fn rare_and_ubiquitous_features_are_dropped_and_rows_are_unit_length() {
        // Features named by their first letter; "xtva" stands for "tva".
        let docs =
            vec![doc("bus train commun"), doc("bus train velo"), doc("impot xtva commun"), doc("impot xtva train")];
        let t = tfidf(&lists(docs.clone()), &[], TfIdfParams { min_df: 2, max_df: 0.5, sublinear_tf: true });
        // "train" is in 3 of 4 texts (over 50 %), "velo" in one: both dropped; columns in order of first use.
        assert_eq!(t.keys, [u64::from(b'b'), u64::from(b'c'), u64::from(b'i'), u64::from(b'x')]);
        for i in 0..t.rows.rows() {
            let (_, values) = t.rows.row(i);
            let norm: f32 = values.iter().map(|v| v * v).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-5);
        }
    }

    #[test]
    fn empty_rows_are_dropped_and_the_others_kept_in_order() {
        let docs = vec![doc("bus impot"), doc("zebre"), doc("bus xtva"), doc("yak"), doc("impot xtva")];
        let t = tfidf(&lists(docs.clone()), &[], TfIdfParams { min_df: 2, max_df: 1.0, sublinear_tf: true });
        assert!(t.rows.row(1).0.is_empty() && t.rows.row(3).0.is_empty());
        let kept: Vec<(Vec<u32>, Vec<f32>)> =
            [0, 2, 4].iter().map(|&r| (t.rows.row(r).0.to_vec(), t.rows.row(r).1.to_vec())).collect();
        let rows = t.rows.without_empty_rows();
        assert_eq!(rows.rows(), 3);
        for (i, (cols, vals)) in kept.iter().enumerate() {
            assert_eq!(rows.row(i), (cols.as_slice(), vals.as_slice()));
        }
    }

    #[test]
    fn a_text_copied_by_many_keeps_its_terms() {
        let docs = vec![doc("bus train"), doc("impot xtva"), doc("impot velo")];
        // Alone, "bus" and "train" appear in one document: dropped.
        assert!(tfidf(&lists(docs.clone()), &[], TfIdfParams::default()).rows.row(0).0.is_empty());
        // Written by 40 people (one document standing for 40 copies), they are kept.
        let t = tfidf(&lists(docs.clone()), &[40, 1, 1], TfIdfParams::default());
        assert_eq!(t.rows.row(0).0.len(), 2);
        assert!(!t.keys.contains(&u64::from(b'v')), "a term one person wrote is still dropped");
        // A duplicated text that shares a term with others keeps only the shared terms.
        let docs = vec![doc("bus train"), doc("bus impot"), doc("xtva velo"), doc("aide zone")];
        let t = tfidf(&lists(docs.clone()), &[2, 1, 1, 1], TfIdfParams::default());
        assert_eq!(t.keys, [u64::from(b'b')]);
    }
}
