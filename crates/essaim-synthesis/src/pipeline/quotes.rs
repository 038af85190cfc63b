//! Representative quotes: the most central contribution first, then others chosen for being
//! central yet unlike those already chosen, preferring channels and territories not yet heard.

use std::collections::HashSet;

use crate::cluster::sparse::SparseRows;

/// A candidate quote.
pub struct Candidate<'a> {
    /// Row in the feature matrix.
    pub row: usize,
    /// Cosine with the group's centre.
    pub centrality: f32,
    /// Text length in characters.
    pub chars: usize,
    /// Channel code.
    pub channel: &'a str,
    /// Territory code.
    pub territory: Option<&'a str>,
}

/// Candidates looked at per group (the most central ones).
const POOL: usize = 200;
/// Texts this short or this long make poor quotes.
const GOOD_LENGTH: std::ops::RangeInclusive<usize> = 40..=600;

fn length_penalty(chars: usize) -> f32 {
    if GOOD_LENGTH.contains(&chars) {
        0.0
    } else {
        0.15
    }
}

/// Indices (into `candidates`) of the chosen quotes, in order.
pub fn choose_quotes(candidates: &[Candidate<'_>], rows: &SparseRows, how_many: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| {
        let (ca, cb) = (&candidates[a], &candidates[b]);
        (cb.centrality - length_penalty(cb.chars))
            .total_cmp(&(ca.centrality - length_penalty(ca.chars)))
            .then(a.cmp(&b))
    });
    order.truncate(POOL);
    let mut chosen: Vec<usize> = Vec::new();
    let mut channels: HashSet<&str> = HashSet::new();
    let mut territories: HashSet<&str> = HashSet::new();
    while chosen.len() < how_many.min(order.len()) {
        let mut best: Option<(usize, f32)> = None;
        for &c in &order {
            if chosen.contains(&c) {
                continue;
            }
            let candidate = &candidates[c];
            let redundancy =
                chosen.iter().map(|&s| rows.dot_rows(candidate.row, candidates[s].row)).fold(0.0f32, f32::max);
            let mut score = candidate.centrality - length_penalty(candidate.chars) - 0.5 * redundancy;
            if !chosen.is_empty() {
                if !channels.contains(candidate.channel) {
                    score += 0.05;
                }
                if candidate.territory.is_some_and(|t| !territories.contains(t)) {
                    score += 0.05;
                }
            }
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((c, score));
            }
        }
        let Some((pick, _)) = best else { break };
        channels.insert(candidates[pick].channel);
        if let Some(t) = candidates[pick].territory {
            territories.insert(t);
        }
        chosen.push(pick);
    }
    chosen
}

/// A quote cut at a word boundary when too long.
pub fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let at = cut.rfind(char::is_whitespace).unwrap_or(cut.len());
    format!("{} […]", cut[..at].trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn central_first_then_diverse() {
        // Rows: 0 and 1 identical, 2 different.
        let rows =
            SparseRows { offsets: vec![0, 1, 2, 3], indices: vec![0, 0, 1], values: vec![1.0, 1.0, 1.0], columns: 2 };
        let c = |row, centrality, channel| Candidate { row, centrality, chars: 100, channel, territory: None };
        let candidates = [c(0, 0.9, "questionnaire"), c(1, 0.89, "questionnaire"), c(2, 0.6, "treasure_hunt")];
        assert_eq!(choose_quotes(&candidates, &rows, 2), [0, 2]);
    }

    #[test]
    fn long_quotes_are_cut_between_words() {
        assert_eq!(shorten("un deux trois quatre", 10), "un deux […]");
        assert_eq!(shorten("court", 10), "court");
    }
}
