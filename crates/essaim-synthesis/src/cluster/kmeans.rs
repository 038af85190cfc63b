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

    /// Centres learnt over compacted columns, put back in the full space (`old_of[new]`).
    pub fn expand(&self, old_of: &[u32], dim: usize) -> Centres {
        let k = self.k;
        let mut full = Centres::zeros(k, dim);
        for (new, old) in old_of.iter().enumerate() {
            let old = *old as usize;
            full.weights[old * k..(old + 1) * k].copy_from_slice(&self.weights[new * k..(new + 1) * k]);
        }
        full
    }

    /// Weight of feature `d` in centre `c`.
    pub fn weight(&self, c: usize, d: usize) -> f32 {
        self.weights[d * self.k + c]
    }

    fn normalise(&mut self) {
        let k = self.k;
        let mut norms = vec![0.0f32; k];
        for row in self.weights.chunks(k) {
            for (n, w) in norms.iter_mut().zip(row) {
                *n += w * w;
            }
        }
        norms.iter_mut().for_each(|n| *n = n.sqrt());
        for row in self.weights.chunks_mut(k) {
            for (w, n) in row.iter_mut().zip(&norms) {
                if *n > 0.0 {
                    *w /= n;
                }
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
pub fn assign<V: Vectors>(data: &V, centres: &Centres) -> Vec<(usize, f32)> {
    let mut scores = vec![0.0f32; centres.k];
    (0..data.len())
        .map(|i| {
            centres.scores(data, i, &mut scores);
            scores
                .iter()
                .enumerate()
                .fold((0, f32::NEG_INFINITY), |best, (c, s)| if *s > best.1 { (c, *s) } else { best })
        })
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
fn seed_centres<V: Vectors>(data: &V, k: usize, rng: &mut SeededRng) -> Centres {
    let n = data.len();
    let mut chosen = vec![dense_of(data, rng.below(n))];
    let mut distance: Vec<f64> = (0..n).map(|i| f64::from((1.0 - dot(data, i, &chosen[0])).max(0.0))).collect();
    while chosen.len() < k {
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
        chosen.push(centre);
    }
    let mut centres = Centres::zeros(k, data.dim());
    for (c, centre) in chosen.iter().enumerate() {
        for (d, w) in centre.iter().enumerate() {
            centres.weights[d * k + c] = *w;
        }
    }
    centres.normalise();
    centres
}

fn run_once<V: Vectors>(data: &V, params: KMeansParams, rng: &mut SeededRng) -> KMeansResult {
    let (n, k) = (data.len(), params.k);
    let mut centres = seed_centres(data, k, rng);
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
    let mut rng = SeededRng::new(params.seed);
    let mut best: Option<KMeansResult> = None;
    for _ in 0..params.restarts.max(1) {
        let result = run_once(data, params, &mut rng);
        if best.as_ref().is_none_or(|b| result.objective > b.objective) {
            best = Some(result);
        }
    }
    best.unwrap_or(KMeansResult { labels: Vec::new(), centres: Centres::zeros(k, 0), objective: 0.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

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
