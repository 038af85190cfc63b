//! A title people wrote: a clause found word for word in the group's contributions, of 2 to
//! 14 words, chosen for standing close to the group's centre (central) and for being written
//! by several of its contributors (representative); then made distinct within the theme.

use std::collections::HashMap;

use rustc_hash::FxHashSet;

use super::centre::{words_within, Centre, Source};
use super::spans::{self, Range};
use crate::scrub::Scrubber;

/// Contributions looked at per group (the most central ones).
const POOL: usize = 300;
/// Candidates kept per group, to choose from when titles clash within a theme.
const KEPT: usize = 8;
/// A title has this many words.
const WORDS: std::ops::RangeInclusive<usize> = 2..=14;
/// Words before which a long clause may be cut ("aider les associations | pour qu'elles…").
const CUTS: &[&str] = &[
    "et", "qui", "afin", "car", "parce", "mais", "ou", "donc", "pour", "lorsque", "quand", "si", "puisque", "comme",
    "sans", "avec", "en",
];
/// Words a cut title cannot end with: they need what comes after ("ne savent pas vers | qui…").
const NO_END: &[&str] = &[
    "vers", "de", "d", "du", "des", "a", "au", "aux", "le", "la", "les", "l", "un", "une", "pour", "sur", "par",
    "dans", "chez", "entre", "leur", "leurs", "son", "sa", "ses", "notre", "nos", "ce", "cette", "ces", "tout", "tous",
    "plus", "moins", "tres", "trop", "qui", "que", "qu", "ne", "n", "se", "s", "y", "en",
];
/// Words a title cannot start with: they need what came before.
const NO_START: &[&str] = &[
    "qui", "que", "qu", "car", "parce", "puisque", "lorsque", "quand", "si", "cela", "ca", "c", "ceci", "ils", "il",
    "elle", "elles", "on", "y", "de", "d", "a", "par", "dont", "ou", "comme", "mais", "et", "ce", "ces", "en", "est",
    "sont", "pas", "ne", "n", "sans", "leur", "leurs", "lui", "se", "s",
];

/// A possible title.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// As shown.
    pub title: String,
    /// Its stems, to tell titles alike.
    pub stems: FxHashSet<u32>,
}

/// The best titles of a group, best first (at most [`KEPT`]).
pub fn candidates(sources: &[Source<'_>], centre: &Centre, scrubber: &Scrubber) -> Vec<Candidate> {
    let mut order: Vec<usize> = (0..sources.len()).collect();
    order.sort_by(|&a, &b| sources[b].centrality.total_cmp(&sources[a].centrality).then(a.cmp(&b)));
    order.truncate(POOL);
    // Comparable form → (contributions writing it, best occurrence: closeness, source, range).
    let mut seen: HashMap<String, (usize, f32, usize, Range)> = HashMap::new();
    for &s in &order {
        let source = &sources[s];
        let mut here: FxHashSet<String> = FxHashSet::default();
        for clause in spans::clauses(source.text) {
            let Some(clause) = spans::without_openings(source.text, clause) else { continue };
            for range in pieces(source.text, clause) {
                let words = words_within(source.words, range);
                if words.len() < 2 {
                    continue;
                }
                let key = spans::comparable(&source.text[range.0..range.1]);
                let closeness =
                    centre.closeness(&centre.features(words)) * length_factor(&source.text[range.0..range.1]);
                let entry = seen.entry(key.clone()).or_insert((0, f32::MIN, s, range));
                if here.insert(key) {
                    entry.0 += source.copies;
                }
                if closeness > entry.1 {
                    (entry.1, entry.2, entry.3) = (closeness, s, range);
                }
            }
        }
    }
    let mut ranked: Vec<(f32, String, usize, Range)> = seen
        .into_iter()
        .map(|(key, (writers, closeness, s, range))| (closeness * (1.0 + (writers as f32).ln()), key, s, range))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut out: Vec<Candidate> = Vec::new();
    // What the scrubber masks in each contribution, read whole: a clause cut after "MM." or
    // "J." no longer shows it the civility or the initial that makes its first word a name.
    let mut masked: HashMap<usize, Vec<(std::ops::Range<usize>, &'static str)>> = HashMap::new();
    for (_, _, s, range) in ranked {
        let piece = &sources[s].text[range.0..range.1];
        // A title is published: one that would lose a name or an address to the scrubber is
        // not taken.
        let in_context = masked.entry(s).or_insert_with(|| scrubber.masked(sources[s].text));
        if scrubber.scrub(piece) != piece || in_context.iter().any(|(m, _)| m.start < range.1 && range.0 < m.end) {
            continue;
        }
        let stems: FxHashSet<u32> = words_within(sources[s].words, range).iter().map(|w| w.stem).collect();
        if out.iter().any(|c| alike(&c.stems, &stems)) {
            continue;
        }
        out.push(Candidate { title: spans::display(piece), stems });
        if out.len() == KEPT {
            break;
        }
    }
    out
}

/// Short and mid-length titles read best.
fn length_factor(piece: &str) -> f32 {
    match spans::word_count(piece) {
        3..=10 => 1.0,
        _ => 0.85,
    }
}

/// The clause, and the clause cut before a connecting word, that may serve as titles.
fn pieces(text: &str, clause: Range) -> Vec<Range> {
    let words = spans::words(text, clause);
    if words.iter().any(|(w, _)| spans::PERSONAL.contains(&w.as_str()))
        || text[clause.0..clause.1].contains(['@', '/', '[', ']', '{', '}', '<', '>', '=', '#'])
    {
        return Vec::new();
    }
    let starts_well = |at: usize| words.get(at).is_some_and(|(w, _)| !NO_START.contains(&w.as_str()));
    if !starts_well(0) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let fits = |range: Range| WORDS.contains(&spans::word_count(&text[range.0..range.1]));
    if fits(clause) {
        out.push(clause);
    }
    for (i, (word, (start, _))) in words.iter().enumerate().skip(2) {
        // "économie sociale | et action sociale": a short coordination is one noun phrase,
        // not two clauses.
        let coordination = matches!(word.as_str(), "et" | "ou") && words.len() - i < 4;
        let dangling = NO_END.contains(&words[i - 1].0.as_str());
        if CUTS.contains(&word.as_str()) && !coordination && !dangling {
            if let Some(cut) = spans::trim(text, (clause.0, *start)) {
                if fits(cut) && spans::word_count(&text[cut.0..cut.1]) >= 3 && i >= 2 {
                    out.push(cut);
                }
            }
        }
    }
    out
}

/// Two titles say the same when most of their stems are shared.
pub fn alike(a: &FxHashSet<u32>, b: &FxHashSet<u32>) -> bool {
    let shared = a.intersection(b).count();
    let union = a.len() + b.len() - shared;
    union == 0 || shared as f32 / union as f32 >= 0.6
}

/// Gives each orientation of a theme, largest first, its best title not alike an earlier
/// one's; `fallback` when none is left (a key phrase).
pub fn distinct(candidates: &[Vec<Candidate>], fallback: &[String]) -> Vec<String> {
    let mut taken: Vec<FxHashSet<u32>> = Vec::new();
    let mut out = Vec::new();
    for (i, mine) in candidates.iter().enumerate() {
        match mine.iter().find(|c| !taken.iter().any(|t| alike(t, &c.stems))) {
            Some(c) => {
                taken.push(c.stems.clone());
                out.push(c.title.clone());
            }
            None => out.push(spans::display(&fallback[i])),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::space::{FeatureKey, FeatureSpace};
    use crate::text::Analyzer;

    fn group(texts: &[&str]) -> (FeatureSpace, Vec<String>, Vec<Vec<crate::text::space::WordRef>>) {
        let mut space = FeatureSpace::new();
        let texts: Vec<String> = texts.iter().map(|t| Analyzer::normalise(t)).collect();
        let words = texts.iter().map(|t| space.words(t)).collect();
        (space, texts, words)
    }

    fn centre_of(words: &[Vec<crate::text::space::WordRef>]) -> Centre {
        let mut sums: HashMap<FeatureKey, f32> = HashMap::new();
        let probe = Centre::new([], true);
        for w in words {
            for f in probe.features(w) {
                *sums.entry(f).or_insert(0.0) += 1.0;
            }
        }
        Centre::new(sums, true)
    }

    #[test]
    fn the_title_is_a_clause_several_wrote_without_its_opening() {
        let (_, texts, words) = group(&[
            "Je pense qu'il faut baisser la TVA sur les produits de première nécessité.",
            "Baisser la TVA sur les produits de première nécessité, et taxer le luxe",
            "Moi je veux moins de TVA sur les produits de première nécessité",
            "La TVA pèse sur les plus modestes.",
        ]);
        let sources: Vec<Source<'_>> = texts
            .iter()
            .zip(&words)
            .map(|(t, w)| Source { text: t, words: w, centrality: 0.5, copies: 1, reference: "r" })
            .collect();
        let found = candidates(&sources, &centre_of(&words), &Scrubber::default());
        assert_eq!(found[0].title, "Baisser la TVA sur les produits de première nécessité");
        // Every candidate is found word for word in one of the texts.
        for c in &found {
            let wanted = spans::comparable(&c.title);
            assert!(texts.iter().any(|t| spans::comparable(t).contains(&wanted)), "{}", c.title);
            assert!((2..=14).contains(&spans::word_count(&c.title)), "{}", c.title);
            assert!(!c.title.contains(" — "));
        }
        // First-person clauses are not titles.
        assert!(found.iter().all(|c| !c.title.to_lowercase().starts_with("moi")));
    }

    #[test]
    fn a_cut_never_leaves_a_dangling_word_nor_splits_a_short_coordination() {
        let shown = |text: &str| -> Vec<String> {
            let clause = spans::trim(text, (0, text.len())).unwrap();
            pieces(text, clause).into_iter().map(|(s, e)| text[s..e].to_owned()).collect()
        };
        let cuts = shown("les élus confondent souvent économie sociale et action sociale");
        assert_eq!(cuts, ["les élus confondent souvent économie sociale et action sociale"]);
        let cuts = shown("Les porteurs de projets ne savent pas vers qui se tourner pour créer une coopérative");
        assert!(!cuts.iter().any(|c| c.ends_with("vers")), "{cuts:?}");
        assert!(cuts.contains(&"Les porteurs de projets ne savent pas vers qui se tourner".to_owned()), "{cuts:?}");
        // A long clause after "et" is a clause of its own: the cut stays.
        let cuts = shown("Former les élus aux coopératives et leur présenter les outils de la Région chaque année");
        assert!(cuts.contains(&"Former les élus aux coopératives".to_owned()), "{cuts:?}");
    }

    #[test]
    fn titles_alike_within_a_theme_give_way_to_the_next_candidate() {
        let set = |stems: &[u32]| stems.iter().copied().collect::<FxHashSet<u32>>();
        let first = vec![Candidate { title: "Baisser les impôts".into(), stems: set(&[1, 2]) }];
        let second = vec![
            Candidate { title: "Baisser les impôts locaux".into(), stems: set(&[1, 2, 3]) },
            Candidate { title: "Taxer les transactions".into(), stems: set(&[4, 5]) },
        ];
        let third = vec![Candidate { title: "Les impôts baisser".into(), stems: set(&[2, 1]) }];
        let titles = distinct(&[first, second, third], &["a".into(), "b".into(), "fiscalité".into()]);
        assert_eq!(titles, ["Baisser les impôts", "Taxer les transactions", "Fiscalité"]);
    }

    #[test]
    fn a_clause_with_a_name_or_an_address_is_not_taken() {
        let (_, texts, words) = group(&[
            "Contacter Jean Dupont pour les aides",
            "Contacter Jean Dupont pour les aides",
            "Écrire à contact@example.org pour les aides",
        ]);
        let sources: Vec<Source<'_>> = texts
            .iter()
            .zip(&words)
            .map(|(t, w)| Source { text: t, words: w, centrality: 0.5, copies: 1, reference: "r" })
            .collect();
        let found = candidates(&sources, &centre_of(&words), &Scrubber::default());
        assert!(found.iter().all(|c| !c.title.contains("Dupont") && !c.title.contains('@')), "{found:?}");
    }
}
