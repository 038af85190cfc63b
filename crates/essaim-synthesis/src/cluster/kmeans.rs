//! Spherical k-means (cosine similarity), seeded k-means++ and several restarts: the same
//! input and seed give the same groups, on any machine.

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
    /// Dot product of vector `i` with a dense vector.
    fn dot(&self, i: usize, dense: &[f32]) -> f32;
    /// Adds vector `i` to a dense accumulator.
    fn add_to(&self, i: usize, dense: &mut [f32]);
}

impl Vectors for SparseRows {
    fn len(&self) -> usize {
        self.rows()
    }
    fn dim(&self) -> usize {
        self.columns
    }
    fn dot(&self, i: usize, dense: &[f32]) -> f32 {
        SparseRows::dot(self, i, dense)
    }
    fn add_to(&self, i: usize, dense: &mut [f32]) {
        let (cols, vals) = self.row(i);
        for (c, v) in cols.iter().zip(vals) {
            dense[*c as usize] += v;
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
    fn dot(&self, i: usize, dense: &[f32]) -> f32 {
        self.values[i * self.dim..(i + 1) * self.dim].iter().zip(dense).map(|(a, b)| a * b).sum()
    }
    fn add_to(&self, i: usize, dense: &mut [f32]) {
        for (d, v) in dense.iter_mut().zip(&self.values[i * self.dim..(i + 1) * self.dim]) {
            *d += v;
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
    /// Unit centre of each group.
    pub centroids: Vec<Vec<f32>>,
    /// Sum over vectors of the cosine with their centre.
    pub objective: f64,
}

fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// Best centre (highest cosine) of each vector, and that cosine.
pub fn assign<V: Vectors>(data: &V, centroids: &[Vec<f32>]) -> Vec<(usize, f32)> {
    (0..data.len())
        .map(|i| {
            centroids
                .iter()
                .enumerate()
                .map(|(c, centre)| (c, data.dot(i, centre)))
                .fold((0, f32::NEG_INFINITY), |best, (c, s)| if s > best.1 { (c, s) } else { best })
        })
        .collect()
}

fn centre_of<V: Vectors>(data: &V, i: usize) -> Vec<f32> {
    let mut c = vec![0.0; data.dim()];
    data.add_to(i, &mut c);
    normalise(&mut c);
    c
}

/// k-means++ seeding on cosine distance.
fn seed_centres<V: Vectors>(data: &V, k: usize, rng: &mut SeededRng) -> Vec<Vec<f32>> {
    let n = data.len();
    let mut centres = vec![centre_of(data, rng.below(n))];
    let mut distance: Vec<f64> = (0..n).map(|i| f64::from((1.0 - data.dot(i, &centres[0])).max(0.0))).collect();
    while centres.len() < k {
        let total: f64 = distance.iter().map(|d| d * d).sum();
        let chosen = if total <= 0.0 {
            rng.below(n)
        } else {
            let mut target = rng.next_f64() * total;
            let mut pick = n - 1;
            for (i, d) in distance.iter().enumerate() {
                target -= d * d;
                if target <= 0.0 {
                    pick = i;
                    break;
                }
            }
            pick
        };
        let centre = centre_of(data, chosen);
        for (i, d) in distance.iter_mut().enumerate() {
            *d = d.min(f64::from((1.0 - data.dot(i, &centre)).max(0.0)));
        }
        centres.push(centre);
    }
    centres
}

fn run_once<V: Vectors>(data: &V, params: KMeansParams, rng: &mut SeededRng) -> KMeansResult {
    let n = data.len();
    let mut centroids = seed_centres(data, params.k, rng);
    let mut labels = vec![usize::MAX; n];
    let mut objective = 0.0;
    for _ in 0..params.max_iterations {
        let assigned = assign(data, &centroids);
        let changed = assigned.iter().zip(&labels).filter(|((c, _), l)| c != *l).count();
        labels = assigned.iter().map(|(c, _)| *c).collect();
        objective = assigned.iter().map(|(_, s)| f64::from(*s)).sum();
        let mut sums = vec![vec![0.0f32; data.dim()]; params.k];
        let mut sizes = vec![0usize; params.k];
        for (i, &c) in labels.iter().enumerate() {
            data.add_to(i, &mut sums[c]);
            sizes[c] += 1;
        }
        // An empty group takes the vector worst served by its own centre.
        for c in 0..params.k {
            if sizes[c] == 0 {
                let worst = assigned
                    .iter()
                    .enumerate()
                    .min_by(|a, b| a.1 .1.total_cmp(&b.1 .1).then(a.0.cmp(&b.0)))
                    .map(|(i, _)| i)
                    .unwrap_or(0);
                sums[c] = centre_of(data, worst);
                labels[worst] = c;
            }
        }
        for s in sums.iter_mut() {
            normalise(s);
        }
        centroids = sums;
        if changed == 0 {
            break;
        }
    }
    KMeansResult { labels, centroids, objective }
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
    best.unwrap_or(KMeansResult { labels: Vec::new(), centroids: Vec::new(), objective: 0.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_obvious_groups_deterministically() {
        let mut values = Vec::new();
        for i in 0..30 {
            let (x, y) = if i % 2 == 0 { (1.0, 0.05 * (i % 5) as f32) } else { (0.05 * (i % 5) as f32, 1.0) };
            let n = (x * x + y * y as f32).sqrt();
            values.extend([x / n, y / n]);
        }
        let data = DenseRows { values, dim: 2 };
        let params = KMeansParams { k: 2, restarts: 3, max_iterations: 50, seed: 7 };
        let a = spherical_kmeans(&data, params);
        let b = spherical_kmeans(&data, params);
        assert_eq!(a.labels, b.labels);
        for i in 0..30 {
            assert_eq!(a.labels[i] == a.labels[0], i % 2 == 0);
        }
    }
}
