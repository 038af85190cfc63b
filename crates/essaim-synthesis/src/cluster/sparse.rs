//! Sparse document vectors: TF-IDF over a vocabulary built deterministically.

use std::collections::HashMap;

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
    /// Feature of each column, sorted (so column numbers do not depend on hash order).
    pub vocabulary: Vec<String>,
    /// Inverse document frequency of each column.
    pub idf: Vec<f32>,
}

/// Builds TF-IDF vectors (smooth idf: `ln((1 + n) / (1 + df)) + 1`, as scikit-learn).
pub fn tfidf(documents: &[Vec<String>], params: TfIdfParams) -> TfIdf {
    let n = documents.len();
    let mut df: HashMap<&str, usize> = HashMap::new();
    for doc in documents {
        let mut seen: Vec<&str> = doc.iter().map(String::as_str).collect();
        seen.sort_unstable();
        seen.dedup();
        for f in seen {
            *df.entry(f).or_insert(0) += 1;
        }
    }
    let max_df = (params.max_df * n as f64).floor().max(1.0) as usize;
    let mut vocabulary: Vec<&str> =
        df.iter().filter(|(_, &d)| d >= params.min_df && d <= max_df).map(|(f, _)| *f).collect();
    vocabulary.sort_unstable();
    let column: HashMap<&str, u32> = vocabulary.iter().enumerate().map(|(i, f)| (*f, i as u32)).collect();
    let idf: Vec<f32> = vocabulary.iter().map(|f| (((1 + n) as f64 / (1 + df[f]) as f64).ln() + 1.0) as f32).collect();

    let mut rows = SparseRows { offsets: Vec::with_capacity(n + 1), columns: vocabulary.len(), ..Default::default() };
    rows.offsets.push(0);
    let mut counts: Vec<(u32, f32)> = Vec::new();
    for doc in documents {
        counts.clear();
        counts.extend(doc.iter().filter_map(|f| column.get(f.as_str()).map(|c| (*c, 1.0f32))));
        counts.sort_unstable_by_key(|(c, _)| *c);
        let mut merged: Vec<(u32, f32)> = Vec::with_capacity(counts.len());
        for (c, v) in counts.iter().copied() {
            match merged.last_mut() {
                Some((last, total)) if *last == c => *total += v,
                _ => merged.push((c, v)),
            }
        }
        let weighted: Vec<(u32, f32)> = merged
            .into_iter()
            .map(|(c, tf)| {
                let tf = if params.sublinear_tf { 1.0 + tf.ln() } else { tf };
                (c, tf * idf[c as usize])
            })
            .collect();
        let norm = weighted.iter().map(|(_, v)| v * v).sum::<f32>().sqrt();
        for (c, v) in weighted {
            rows.indices.push(c);
            rows.values.push(if norm > 0.0 { v / norm } else { 0.0 });
        }
        rows.offsets.push(rows.indices.len());
    }
    TfIdf { rows, vocabulary: vocabulary.into_iter().map(str::to_owned).collect(), idf }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(words: &str) -> Vec<String> {
        words.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn rare_and_ubiquitous_features_are_dropped_and_rows_are_unit_length() {
        let docs =
            vec![doc("bus train commun"), doc("bus train velo"), doc("impot tva commun"), doc("impot tva train")];
        let t = tfidf(&docs, TfIdfParams { min_df: 2, max_df: 0.5, sublinear_tf: true });
        assert_eq!(t.vocabulary, ["bus", "commun", "impot", "tva"]);
        for i in 0..t.rows.rows() {
            let (_, values) = t.rows.row(i);
            let norm: f32 = values.iter().map(|v| v * v).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-5);
        }
    }
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
