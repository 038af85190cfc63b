//! Choosing the number of groups: the k with the best mean silhouette (cosine) on a fixed
//! sample, within bounds; ties go to the smaller k.

use crate::cluster::kmeans::{spherical_kmeans, KMeansParams};
use crate::cluster::sparse::SparseRows;

/// Texts used to compare candidate numbers of groups.
const SAMPLE: usize = 1_500;

/// Every `step`-th index, for a deterministic sample of `size` out of `n`.
pub fn stride_sample(n: usize, size: usize) -> Vec<usize> {
    if n <= size {
        return (0..n).collect();
    }
    (0..size).map(|i| i * n / size).collect()
}

fn silhouette(similarity: &[f32], m: usize, labels: &[usize], k: usize) -> f64 {
    let mut total = 0.0;
    for i in 0..m {
        let mut sums = vec![0.0f64; k];
        let mut sizes = vec![0usize; k];
        for j in 0..m {
            if i != j {
                sums[labels[j]] += f64::from(1.0 - similarity[i * m + j]);
                sizes[labels[j]] += 1;
            }
        }
        let own = labels[i];
        if sizes[own] == 0 {
            continue; // a singleton scores 0
        }
        let a = sums[own] / sizes[own] as f64;
        let b = (0..k)
            .filter(|&c| c != own && sizes[c] > 0)
            .map(|c| sums[c] / sizes[c] as f64)
            .fold(f64::INFINITY, f64::min);
        if b.is_finite() {
            total += (b - a) / a.max(b);
        }
    }
    total / m as f64
}

/// The number of groups for these rows, between `low` and `high` (inclusive).
pub fn choose_k(rows: &SparseRows, low: usize, high: usize, seed: u64) -> usize {
    let sample = stride_sample(rows.rows(), SAMPLE);
    let data = rows.select(&sample);
    let m = data.rows();
    let high = high.min(m.saturating_sub(1)).max(1);
    let low = low.min(high).max(1);
    if low == high {
        return low;
    }
    let mut similarity = vec![0.0f32; m * m];
    for i in 0..m {
        for j in i..m {
            let s = data.dot_rows(i, j);
            similarity[i * m + j] = s;
            similarity[j * m + i] = s;
        }
    }
    let mut best = (low, f64::NEG_INFINITY);
    for k in low..=high {
        let result = spherical_kmeans(&data, KMeansParams { k, restarts: 3, max_iterations: 50, seed });
        let score = silhouette(&similarity, m, &result.labels, k);
        if score > best.1 + 1e-9 {
            best = (k, score);
        }
    }
    best.0
}
