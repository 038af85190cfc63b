//! Agreement between two partitions: normalised mutual information and adjusted Rand index,
//! as scikit-learn computes them (NMI with the arithmetic mean), for the quality benchmark.

use std::collections::HashMap;

/// Joint counts, and the counts of each side.
type Contingency = (HashMap<(usize, usize), f64>, HashMap<usize, f64>, HashMap<usize, f64>);

fn contingency(a: &[usize], b: &[usize]) -> Contingency {
    let mut joint = HashMap::new();
    let mut left = HashMap::new();
    let mut right = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        *joint.entry((x, y)).or_insert(0.0) += 1.0;
        *left.entry(x).or_insert(0.0) += 1.0;
        *right.entry(y).or_insert(0.0) += 1.0;
    }
    (joint, left, right)
}

fn entropy(counts: &HashMap<usize, f64>, n: f64) -> f64 {
    counts.values().map(|c| -(c / n) * (c / n).ln()).sum()
}

/// Normalised mutual information (arithmetic normalisation).
pub fn nmi(a: &[usize], b: &[usize]) -> f64 {
    let n = a.len() as f64;
    let (joint, left, right) = contingency(a, b);
    let mi: f64 = joint.iter().map(|(&(x, y), &c)| (c / n) * ((c * n) / (left[&x] * right[&y])).ln()).sum();
    let (ha, hb) = (entropy(&left, n), entropy(&right, n));
    if ha + hb == 0.0 {
        return 1.0;
    }
    (2.0 * mi / (ha + hb)).max(0.0)
}

fn pairs(c: f64) -> f64 {
    c * (c - 1.0) / 2.0
}

/// Adjusted Rand index.
pub fn ari(a: &[usize], b: &[usize]) -> f64 {
    let n = a.len() as f64;
    let (joint, left, right) = contingency(a, b);
    let index: f64 = joint.values().map(|c| pairs(*c)).sum();
    let sum_a: f64 = left.values().map(|c| pairs(*c)).sum();
    let sum_b: f64 = right.values().map(|c| pairs(*c)).sum();
    let expected = sum_a * sum_b / pairs(n);
    let max = (sum_a + sum_b) / 2.0;
    if max == expected {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_partitions_score_one_and_values_match_scikit_learn() {
        let a = [0, 0, 1, 1, 2, 2];
        assert!((nmi(&a, &[5, 5, 3, 3, 9, 9]) - 1.0).abs() < 1e-12);
        assert!((ari(&a, &[5, 5, 3, 3, 9, 9]) - 1.0).abs() < 1e-12);
        // sklearn: normalized_mutual_info_score([0,0,1,1,2,2],[0,0,1,2,2,2]) = 0.7396673768007592
        let b = [0, 0, 1, 2, 2, 2];
        assert!((nmi(&a, &b) - 0.739_667_376_800_759_2).abs() < 1e-9, "{}", nmi(&a, &b));
        // sklearn: adjusted_rand_score = 0.4444444444444444
        assert!((ari(&a, &b) - 0.444_444_444_444_444_4).abs() < 1e-9, "{}", ari(&a, &b));
    }
}
