//! Near-duplicates: copy-pasted and template answers, common in consultations.
//!
//! Texts equal once folded (case, accents, punctuation, spaces) are duplicates. Longer texts
//! whose word pairs (2-shingles) overlap with a Jaccard similarity of at least [`NEAR_DUPLICATE_JACCARD`]
//! are near-duplicates: candidates come from MinHash signatures split in LSH bands, and every
//! candidate pair is verified on the exact shingle sets, so the result does not depend on luck.
//! Everything is deterministic: fixed hash functions, groups named by their first member.

use std::collections::HashMap;

use crate::cluster::rng::SeededRng;
use crate::text::{fold_accents, fold_char};

/// Jaccard similarity of shingle sets from which two texts are near-duplicates.
pub const NEAR_DUPLICATE_JACCARD: f64 = 0.8;
/// Texts with fewer words are only compared exactly (their shingle sets would be too small).
const MIN_WORDS_FOR_SHINGLES: usize = 5;
const BANDS: usize = 16;
const ROWS: usize = 4;
/// Buckets up to this size are compared pair by pair…
const BUCKET_ALL_PAIRS: usize = 64;
/// …larger ones against their first members only.
const BUCKET_ANCHORS: usize = 8;

/// Lowercase, accents and punctuation removed, spaces folded: the form compared for duplicates.
pub fn canonical(text: &str) -> String {
    // `str::to_lowercase` writes a capital sigma at a word's end as a final sigma; character
    // by character it would not be. Such texts take the long way.
    if text.contains('Σ') {
        return canonical_by_steps(text);
    }
    // One pass and one string, every text of a theme goes through it: lowercased, folded,
    // words joined by one space, as `canonical_by_steps` does in three copies.
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    let mut push = |c: char| {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    };
    for c in text.chars() {
        if c.is_ascii() {
            push(c.to_ascii_lowercase());
        } else {
            c.to_lowercase().for_each(|lower| fold_char(lower, &mut push));
        }
    }
    out
}

/// [`canonical`] step by step: the definition it keeps to.
fn canonical_by_steps(text: &str) -> String {
    let folded = fold_accents(&text.to_lowercase());
    folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

fn shingles(canonical: &str) -> Vec<u64> {
    let words: Vec<u64> = canonical.split(' ').map(|w| fnv1a(w.as_bytes())).collect();
    // A pair's hash from its words' hashes: no string is built per pair.
    let mut out: Vec<u64> =
        words.windows(2).map(|w| (w[0].rotate_left(29) ^ w[1]).wrapping_mul(0x9e37_79b9_7f4a_7c15)).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (mut i, mut j, mut common) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

struct UnionFind(Vec<usize>);

impl UnionFind {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }
    /// Joins two sets; the smaller index stays the root, so groups are named by first member.
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            let (low, high) = if ra < rb { (ra, rb) } else { (rb, ra) };
            self.0[high] = low;
        }
    }
}

/// For each text, the index of the first text of its duplicate group (itself if alone).
///
/// Each text's folding, shingles and signature are its own, so they are computed in parallel
/// (rayon keeps the order); the grouping that follows is sequential and deterministic.
pub fn duplicate_groups(texts: &[&str]) -> Vec<usize> {
    use rayon::prelude::*;
    let canon: Vec<String> = texts.par_iter().map(|t| canonical(t)).collect();
    let mut sets = UnionFind((0..texts.len()).collect());
    let mut first_of: HashMap<&str, usize> = HashMap::with_capacity(texts.len());
    let mut unique: Vec<usize> = Vec::new();
    for (index, text) in canon.iter().enumerate() {
        match first_of.get(text.as_str()) {
            Some(&first) => sets.union(first, index),
            None => {
                first_of.insert(text, index);
                unique.push(index);
            }
        }
    }

    // MinHash + LSH over the distinct long texts.
    let mut rng = SeededRng::new(0x5eed);
    let params: Vec<(u64, u64)> = (0..BANDS * ROWS).map(|_| (rng.next_u64() | 1, rng.next_u64())).collect();
    let long: Vec<(usize, Vec<u64>)> = unique
        .par_iter()
        .filter(|&&i| canon[i].split(' ').count() >= MIN_WORDS_FOR_SHINGLES)
        .map(|&i| (i, shingles(&canon[i])))
        .collect();
    // (band, band hash, text) sorted: texts sharing a band hash end up side by side.
    // Filled in place, BANDS entries per text: collecting a parallel iterator of unknown
    // length would hold the whole list twice while it is put together.
    let mut entries: Vec<(u32, u64, u32)> = vec![(0, 0, 0); long.len() * BANDS];
    entries.par_chunks_mut(BANDS).zip(long.par_iter()).enumerate().for_each(|(position, (slots, (_, set)))| {
        let signature: Vec<u64> = params
            .iter()
            .map(|(a, b)| set.iter().map(|h| h.wrapping_mul(*a).wrapping_add(*b)).min().unwrap_or(0))
            .collect();
        for (band, slot) in slots.iter_mut().enumerate() {
            let key = signature[band * ROWS..(band + 1) * ROWS]
                .iter()
                .fold(0xcbf2_9ce4_8422_2325u64, |h, v| (h ^ v).wrapping_mul(0x0100_0000_01b3));
            *slot = (band as u32, key, position as u32);
        }
    });
    entries.par_sort_unstable();
    for bucket in entries.chunk_by(|x, y| x.0 == y.0 && x.1 == y.1) {
        // A crowded bucket (a template copied thousands of times with small edits) is compared
        // to its first members only: near-duplicates of a template all resemble it.
        let anchors = if bucket.len() > BUCKET_ALL_PAIRS { BUCKET_ANCHORS } else { bucket.len() };
        for (x, first) in bucket.iter().take(anchors).enumerate() {
            for second in &bucket[x + 1..] {
                let (a, b) = (first.2 as usize, second.2 as usize);
                let (ia, ib) = (long[a].0, long[b].0);
                if sets.find(ia) != sets.find(ib) && jaccard(&long[a].1, &long[b].1) >= NEAR_DUPLICATE_JACCARD {
                    sets.union(ia, ib);
                }
            }
        }
    }
    (0..texts.len()).map(|i| sets.find(i)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_one_pass_canonical_form_is_the_step_by_step_one() {
        for text in [
            "  L’ESS, c'est  l'AVENIR ! ",
            "Économie SOCIALE et solidaire — 2019/2020",
            "e\u{301}conomie (décomposée) et ŒUVRE, ﬁnancement",
            "İstanbul, KELVIN \u{212A}, ẞ groß",
            "ΟΔΟΣ ΣΟΦΙΑΣ",
            "…",
            "",
            "--a--b--",
        ] {
            assert_eq!(canonical(text), canonical_by_steps(text), "{text:?}");
        }
    }

    #[test]
    fn copies_templates_and_different_texts() {
        let template = "Je demande la suppression du Sénat et du Conseil économique social et environnemental, qui coûtent cher pour peu de résultats.";
        let variant = "Je demande la suppression du Sénat et du Conseil économique social et environnemental, qui coûtent très cher pour peu de résultats !";
        let texts = [
            "Baisser la TVA",
            "baisser la TVA !",
            template,
            "Développer les transports en commun dans les campagnes, avec des bus plus fréquents.",
            variant,
            "Non",
        ];
        let groups = duplicate_groups(&texts);
        assert_eq!(groups, [0, 0, 2, 3, 2, 5]);
    }

    #[test]
    fn jaccard_of_shingles() {
        let a = shingles(&canonical("un deux trois quatre cinq"));
        let b = shingles(&canonical("un deux trois quatre six"));
        assert_eq!(a.len(), 4);
        assert!((jaccard(&a, &b) - 0.6).abs() < 1e-9);
        assert_eq!(jaccard(&a, &a), 1.0);
    }
}
