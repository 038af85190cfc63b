//! Spherical k-means (cosine similarity), seeded k-means++ and several restarts: the same
//! input and seed give the same groups, on any machine.
//!
//! Centres are stored transposed (feature-major: the k weights of one feature side by side),
//! so scoring a sparse text against every centre reads memory in order.

use super::rng::SeededRng;
use super::sparse::SparseRows;

/// Unit vectors that k-means can group.
pub trait Vectors: Sync {
    /// How many vectors.
    fn len(&self) -> usize;
    /// True when there are none.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Dimension.
    fn dim(&self) -> usize;
    /// Calls `f(feature, value)` for each non-zero value of vector `i`.
    fn for_each(&self, i: usize, f: impl FnMut(usize, f32));
}

impl Vectors for SparseRows {
    fn len(&self) -> usize {
        self.rows()
    }
    fn dim(&self) -> usize {
        self.columns
    }
    fn for_each(&self, i: usize, mut f: impl FnMut(usize, f32)) {
        let (cols, vals) = self.row(i);
        for (c, v) in cols.iter().zip(vals) {
            f(*c as usize, *v);
        }
    }
}

/// Sparse rows seen through the columns of a sample they were learnt on (the sample's
/// vocabulary, not the theme's): `sample_column[c]` is the sample's column for the rows'
/// column `c`, or `None` for a column the sample never used. Centres learnt on the sample
/// have a zero weight there, so such a column adds nothing and is skipped: [`assign`] gives
/// what it would give with the centres widened to every column, without the widened matrix
/// (columns × k floats: 40 MB for the corpus' largest theme).
pub struct InSampleColumns<'a> {
    /// The rows.
    pub rows: &'a SparseRows,
    /// The sample's column of each of the rows' columns.
    pub sample_column: &'a [Option<u32>],
    /// Number of the sample's columns.
    pub columns: usize,
}

impl Vectors for InSampleColumns<'_> {
    fn len(&self) -> usize {
        self.rows.rows()
    }
    fn dim(&self) -> usize {
        self.columns
    }
    fn for_each(&self, i: usize, mut f: impl FnMut(usize, f32)) {
        let (cols, vals) = self.rows.row(i);
        for (c, v) in cols.iter().zip(vals) {
            if let Some(d) = self.sample_column[*c as usize] {
                f(d as usize, *v);
            }
        }
    }
}

/// Dense unit vectors, row-major.
#[derive(Debug, Clone)]
pub struct DenseRows {
    /// Values, `len × dim`.
    pub values: Vec<f32>,
    /// Dimension.
    pub dim: usize,
}

impl Vectors for DenseRows {
    fn len(&self) -> usize {
        self.values.len() / self.dim.max(1)
    }
    fn dim(&self) -> usize {
        self.dim
    }
    fn for_each(&self, i: usize, mut f: impl FnMut(usize, f32)) {
        for (d, v) in self.values[i * self.dim..(i + 1) * self.dim].iter().enumerate() {
            f(d, *v);
        }
    }
}

/// `k` unit centres, feature-major: weight of centre `c` for feature `d` at `d * k + c`.
#[derive(Debug, Clone, PartialEq)]
pub struct Centres {
    /// Number of centres.
    pub k: usize,
    /// Weights, `dim × k`.
    pub weights: Vec<f32>,
}

impl Centres {
    fn zeros(k: usize, dim: usize) -> Self {
        Centres { k, weights: vec![0.0; k * dim] }
    }

    /// Cosine of vector `i` with every centre, into `scores` (length k).
    pub fn scores<V: Vectors>(&self, data: &V, i: usize, scores: &mut [f32]) {
        scores.fill(0.0);
        let k = self.k;
        data.for_each(i, |d, v| {
            for (s, w) in scores.iter_mut().zip(&self.weights[d * k..(d + 1) * k]) {
                *s += v * w;
            }
        });
    }

    /// Weight of feature `d` in centre `c`.
    pub fn weight(&self, c: usize, d: usize) -> f32 {
        self.weights[d * self.k + c]
    }

    fn normalise(&mut self) {
        let k = self.k;
        let mut norms = vec![0.0f32; k];
        for row in self.weights.chunks_exact(k) {
            for (n, w) in norms.iter_mut().zip(row) {
                *n += w * w;
            }
        }
        // A zero centre stays zero: dividing it by one changes nothing, and without a branch
        // in the loop the divisions run eight at a time (this ran over every feature of every
        // centre at each iteration: 5 % of a corpus run).
        norms.iter_mut().for_each(|n| *n = if *n > 0.0 { n.sqrt() } else { 1.0 });
        for row in self.weights.chunks_exact_mut(k) {
            for (w, n) in row.iter_mut().zip(&norms) {
                *w /= n;
            }
        }
    }
}

/// Parameters of k-means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KMeansParams {
    /// Number of groups.
    pub k: usize,
    /// Independent runs; the best (highest total similarity) is kept.
    pub restarts: usize,
    /// Iterations at most per run.
    pub max_iterations: usize,
    /// Seed.
    pub seed: u64,
}

/// Groups and their centres.
#[derive(Debug, Clone)]
pub struct KMeansResult {
    /// Group of each vector.
    pub labels: Vec<usize>,
    /// Unit centres.
    pub centres: Centres,
    /// Sum over vectors of the cosine with their centre.
    pub objective: f64,
}

/// Best centre (highest cosine; the lower number on a tie) of each vector, and that cosine.
/// Vectors in parallel: each one's result is its own, so the order and values stay.
pub fn assign<V: Vectors>(data: &V, centres: &Centres) -> Vec<(usize, f32)> {
    use rayon::prelude::*;
    (0..data.len())
        .into_par_iter()
        .map_init(
            || vec![0.0f32; centres.k],
            |scores, i| {
                centres.scores(data, i, scores);
                scores
                    .iter()
                    .enumerate()
                    .fold((0, f32::NEG_INFINITY), |best, (c, s)| if *s > best.1 { (c, *s) } else { best })
            },
        )
        .collect()
}

fn dense_of<V: Vectors>(data: &V, i: usize) -> Vec<f32> {
    let mut v = vec![0.0f32; data.dim()];
    data.for_each(i, |d, x| v[d] = x);
    v
}

fn dot<V: Vectors>(data: &V, i: usize, dense: &[f32]) -> f32 {
    let mut s = 0.0;
    data.for_each(i, |d, x| s += x * dense[d]);
    s
}

/// k-means++ seeding on cosine distance.
/// The vectors chosen as first centres (k-means++): only their numbers are kept, so that the
/// seeds of many runs cost little memory while they wait for their run.
fn seed_picks<V: Vectors>(data: &V, k: usize, rng: &mut SeededRng) -> Vec<usize> {
    let n = data.len();
    let mut picks = vec![rng.below(n)];
    let first = dense_of(data, picks[0]);
    let mut distance: Vec<f64> = (0..n).map(|i| f64::from((1.0 - dot(data, i, &first)).max(0.0))).collect();
    while picks.len() < k {
        let total: f64 = distance.iter().map(|d| d * d).sum();
        let pick = if total <= 0.0 {
            rng.below(n)
        } else {
            let mut target = rng.next_f64() * total;
            distance
                .iter()
                .position(|d| {
                    target -= d * d;
                    target <= 0.0
                })
                .unwrap_or(n - 1)
        };
        let centre = dense_of(data, pick);
        for (i, d) in distance.iter_mut().enumerate() {
            *d = d.min(f64::from((1.0 - dot(data, i, &centre)).max(0.0)));
        }
        picks.push(pick);
    }
    picks
}

/// Unit centres at the picked vectors.
fn centres_at<V: Vectors>(data: &V, picks: &[usize]) -> Centres {
    let k = picks.len();
    let mut centres = Centres::zeros(k, data.dim());
    for (c, &pick) in picks.iter().enumerate() {
        data.for_each(pick, |d, w| centres.weights[d * k + c] = w);
    }
    centres.normalise();
    centres
}

/// One run of Lloyd's iterations from seeded centres (no randomness left in it).
fn run_once<V: Vectors>(data: &V, params: KMeansParams, mut centres: Centres) -> KMeansResult {
    let (n, k) = (data.len(), params.k);
    let mut labels = vec![usize::MAX; n];
    let mut objective = 0.0;
    // One buffer for the sums, reused every round.
    let mut sums = Centres::zeros(k, data.dim());
    let mut sizes = vec![0usize; k];
    for _ in 0..params.max_iterations {
        let assigned = assign(data, &centres);
        let changed = assigned.iter().zip(&labels).filter(|((c, _), l)| c != *l).count();
        labels = assigned.iter().map(|(c, _)| *c).collect();
        objective = assigned.iter().map(|(_, s)| f64::from(*s)).sum();
        // Stop once at most one text in a thousand moves: further rounds change little.
        if changed * 1000 <= n {
            break;
        }
        sums.weights.fill(0.0);
        sizes.fill(0);
        for (i, &c) in labels.iter().enumerate() {
            data.for_each(i, |d, v| sums.weights[d * k + c] += v);
            sizes[c] += 1;
        }
        // An empty group takes the vector worst served by its own centre.
        for c in (0..k).filter(|&c| sizes[c] == 0) {
            let worst = assigned
                .iter()
                .enumerate()
                .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1).then(a.0.cmp(&b.0)))
                .map(|(i, _)| i)
                .unwrap_or(0);
            data.for_each(worst, |d, v| sums.weights[d * k + c] = v);
            labels[worst] = c;
        }
        sums.normalise();
        std::mem::swap(&mut centres, &mut sums);
    }
    KMeansResult { labels, centres, objective }
}

/// Spherical k-means with `restarts` seeded runs; keeps the run with the highest objective.
pub fn spherical_kmeans<V: Vectors>(data: &V, params: KMeansParams) -> KMeansResult {
    let k = params.k.clamp(1, data.len().max(1));
    let params = KMeansParams { k, ..params };
    use rayon::prelude::*;
    // The seeds of every run first, from one random sequence in order: the only random draws.
    // Then the runs themselves in parallel, and the first best kept, as if run one by one.
    // Only the best run so far is kept (the highest objective, the earlier run on a tie).
    let mut rng = SeededRng::new(params.seed);
    let seeds: Vec<Vec<usize>> = (0..params.restarts.max(1)).map(|_| seed_picks(data, k, &mut rng)).collect();
    let best = seeds
        .into_par_iter()
        .enumerate()
        .map(|(run, picks)| (run, run_once(data, params, centres_at(data, &picks))))
        .reduce_with(|a, b| {
            let b_better = b.1.objective > a.1.objective || (b.1.objective == a.1.objective && b.0 < a.0);
            if b_better {
                b
            } else {
                a
            }
        })
        .map(|(_, result)| result);
    best.unwrap_or(KMeansResult { labels: Vec::new(), centres: Centres::zeros(k, 0), objective: 0.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn centres_of_a_sample_assign_as_if_widened_to_every_column() {
        use crate::cluster::sparse::{tfidf, TfIdfParams};
        // Six texts over six features; the sample (texts 0, 2, 4) never uses features 4 and 5.
        let docs: Vec<Vec<u64>> = vec![vec![0, 1], vec![1, 4], vec![2, 3], vec![3, 5, 2], vec![0, 1, 1], vec![4, 5, 0]];
        let data =
            tfidf(&docs.into_iter().collect(), &[], TfIdfParams { min_df: 1, max_df: 1.0, sublinear_tf: true }).rows;
        let (sample, old_of) = data.select(&[0, 2, 4]).compact();
        let fitted = spherical_kmeans(&sample, KMeansParams { k: 2, restarts: 2, max_iterations: 20, seed: 3 });
        // The centres widened by hand: zero weight for the columns the sample did not use.
        let mut wide = Centres::zeros(2, data.columns);
        let mut sample_column = vec![None; data.columns];
        for (new, old) in old_of.iter().enumerate() {
            let old = *old as usize;
            wide.weights[old * 2..old * 2 + 2].copy_from_slice(&fitted.centres.weights[new * 2..new * 2 + 2]);
            sample_column[old] = Some(new as u32);
        }
        assert!(sample_column.iter().any(Option::is_none), "some column is outside the sample");
        let expected = assign(&data, &wide);
        let seen = InSampleColumns { rows: &data, sample_column: &sample_column, columns: sample.columns };
        assert_eq!(assign(&seen, &fitted.centres), expected);
        assert!(expected.iter().map(|(c, _)| *c).collect::<std::collections::HashSet<_>>().len() == 2);
    }

    #[test]
    fn runs_in_parallel_keep_the_first_best_run_as_one_after_the_other() {
        // Texts drawn around three directions in 4 dimensions, some ambiguous: runs differ.
        let mut rng = SeededRng::new(11);
        let mut values = Vec::new();
        for i in 0..60 {
            let mut v = [0.05f32; 4];
            v[i % 3] = 1.0;
            v[3] = rng.next_f64() as f32;
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            values.extend(v.iter().map(|x| x / n));
        }
        let data = DenseRows { values, dim: 4 };
        let params = KMeansParams { k: 4, restarts: 6, max_iterations: 30, seed: 5 };
        // One after the other, as before the runs were parallel.
        let mut rng = SeededRng::new(params.seed);
        let mut expected: Option<KMeansResult> = None;
        for _ in 0..params.restarts {
            let picks = seed_picks(&data, params.k, &mut rng);
            let result = run_once(&data, params, centres_at(&data, &picks));
            if expected.as_ref().is_none_or(|b| result.objective > b.objective) {
                expected = Some(result);
            }
        }
        let expected = expected.unwrap();
        let got = spherical_kmeans(&data, params);
        assert_eq!(got.labels, expected.labels);
        assert_eq!(got.centres, expected.centres);
        assert_eq!(got.objective, expected.objective);
    }

    #[test]
    fn separates_obvious_groups_deterministically() {
        let mut values = Vec::new();
        for i in 0..30 {
            let (x, y) = if i % 2 == 0 { (1.0, 0.05 * (i % 5) as f32) } else { (0.05 * (i % 5) as f32, 1.0) };
            let n = (x * x + y * y).sqrt();
            values.extend([x / n, y / n]);
        }
        let data = DenseRows { values, dim: 2 };
        let params = KMeansParams { k: 2, restarts: 3, max_iterations: 50, seed: 7 };
        let a = spherical_kmeans(&data, params);
        let b = spherical_kmeans(&data, params);
        assert_eq!(a.labels, b.labels);
        assert_eq!(a.centres, b.centres);
        for i in 0..30 {
            assert_eq!(a.labels[i] == a.labels[0], i % 2 == 0);
        }
    }
}
