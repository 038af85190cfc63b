//! Opposite stances: "baisser les impôts" and "augmenter les impôts" share their words, so a
//! grouping by words joins them. Each contribution's stance on an object is read from a verb
//! of a known pair followed by that object (a negation before or "pas" after turns it round);
//! the grouping is given the stance as a feature, so that it prefers to keep the two sides
//! apart, and a group that still holds both says so, with the share and a quote of each.

use rustc_hash::{FxHashMap, FxHashSet};

use super::centre::Source;
use super::model::{StanceSide, Stances};
use super::quotes::shorten;
use crate::scrub::Scrubber;
use crate::text::fold_accents;
use crate::text::space::{FeatureKey, WordRef};

/// Pairs of opposite verbs (and their nouns), as the starts of folded words; side 0 then side 1.
const AXES: &[[&[&str]; 2]] = &[
    [
        &["baiss", "diminu", "reduir", "reduis", "reduct", "allege", "alleg", "abaiss"],
        &["augment", "hauss", "relever", "relevement", "accroi"],
    ],
    [
        &["supprim", "suppression", "abolir", "abolis", "abolition", "abroger", "abrogation"],
        &[
            "maintenir",
            "maintien",
            "maintenu",
            "garder",
            "gardons",
            "conserver",
            "conservons",
            "retablir",
            "retablis",
            "retablissement",
        ],
    ],
];
/// Words before a verb that turn its stance round ("ne pas baisser", "non à la hausse").
const NEGATIONS: &[&str] = &["pas", "ne", "n", "non", "sans", "contre", "stop", "arreter", "refus"];
/// How far (in bytes) the object may stand after the verb: "baisser fortement les impôts".
const OBJECT_REACH: u32 = 24;
/// A side is reported from this many contributions…
const FEWEST: usize = 3;
/// …and this share of those taking a position.
const LEAST_SHARE: f32 = 0.2;
/// Marks stance features apart from stems (below bit 32) and pairs (bit 63).
const STANCE_FLAG: u64 = 1 << 62;
/// Quotes of a side are this long at most.
const QUOTE_CHARS: usize = 300;

/// A stance read in a text: axis, side, object stem, and the byte range "verb … object".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stance {
    axis: usize,
    side: usize,
    object: u32,
    range: (usize, usize),
}

fn side_of(word: &str) -> Option<(usize, usize)> {
    AXES.iter().enumerate().find_map(|(axis, sides)| {
        sides.iter().position(|prefixes| prefixes.iter().any(|p| word.starts_with(p))).map(|side| (axis, side))
    })
}

fn folded_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    crate::text::Analyzer::for_each_word(text, |s, e| out.push(fold_accents(&text[s..e].to_lowercase())));
    out
}

fn negated(text: &str, start: usize, end: usize) -> bool {
    let mut from = start.saturating_sub(16);
    while !text.is_char_boundary(from) {
        from -= 1;
    }
    let before = folded_words(&text[from..start]);
    let mut to = (end + 8).min(text.len());
    while !text.is_char_boundary(to) {
        to += 1;
    }
    let after = folded_words(&text[end..to]);
    before.iter().rev().take(2).any(|w| NEGATIONS.contains(&w.as_str())) || after.first().is_some_and(|w| w == "pas")
}

/// Reads stances, remembering which written words are stance verbs: each is folded once, not
/// once per occurrence (400,000 texts go through it). Keyed by the word as written, not by its
/// stem: "maintenant" and "maintenir" may share a stem but not a stance.
#[derive(Default)]
pub struct Reader {
    verbs: FxHashMap<String, Option<(usize, usize)>>,
}

impl Reader {
    /// The stances a text takes (at most one per axis and object: a text on both sides of one
    /// takes none there).
    pub fn read(&mut self, text: &str, words: &[WordRef]) -> Vec<Stance> {
        read(text, words, |word| {
            let written = &text[word.start as usize..word.end as usize];
            if let Some(known) = self.verbs.get(written) {
                return *known;
            }
            let side = side_of(&fold_accents(&written.to_lowercase()));
            self.verbs.insert(written.to_owned(), side);
            side
        })
    }

    /// Features that tell the grouping which side a text takes: texts on one side share one,
    /// texts on the other side another.
    pub fn features(&mut self, text: &str, words: &[WordRef]) -> Vec<FeatureKey> {
        self.read(text, words)
            .iter()
            .map(|s| STANCE_FLAG | ((s.axis as u64) << 40) | ((s.side as u64) << 39) | u64::from(s.object))
            .collect()
    }
}

fn read(text: &str, words: &[WordRef], mut verb: impl FnMut(&WordRef) -> Option<(usize, usize)>) -> Vec<Stance> {
    let mut found: Vec<Stance> = Vec::new();
    let mut torn: FxHashSet<(usize, u32)> = FxHashSet::default();
    for (i, word) in words.iter().enumerate() {
        let (start, end) = (word.start as usize, word.end as usize);
        let Some((axis, side)) = verb(word) else { continue };
        let Some(object) = words.get(i + 1).filter(|o| o.start - word.end <= OBJECT_REACH) else { continue };
        // An object across a sentence or a list belongs to another thought.
        if text[end..object.start as usize].contains(['.', ';', '!', '?', '\n', ',', ':']) {
            continue;
        }
        let side = if negated(text, start, end) { 1 - side } else { side };
        match found.iter().position(|s| s.axis == axis && s.object == object.stem) {
            Some(at) if found[at].side != side => {
                torn.insert((axis, object.stem));
            }
            Some(_) => {}
            None => found.push(Stance { axis, side, object: object.stem, range: (start, object.end as usize) }),
        }
    }
    found.retain(|s| !torn.contains(&(s.axis, s.object)));
    found
}

/// Whether a feature is a stance, not words: it has no written form.
pub fn is_stance(key: FeatureKey) -> bool {
    key & (1 << 63) == 0 && key & STANCE_FLAG != 0
}

/// Which of `texts` hold the second side of `stances` (for staff splitting the group in two).
pub fn second_side(stances: &Stances, texts: &[&str]) -> Vec<usize> {
    let mut space = crate::text::space::FeatureSpace::new();
    let mut reader = Reader::default();
    texts
        .iter()
        .enumerate()
        .filter(|(_, text)| {
            let text = crate::text::Analyzer::normalise(text);
            let words = space.words(&text);
            reader
                .read(&text, &words)
                .iter()
                .any(|s| s.axis == stances.axis && s.side == 1 && space.stems[s.object as usize] == stances.object)
        })
        .map(|(i, _)| i)
        .collect()
}

/// The two sides of the group, when both are held by enough of its contributions.
pub fn opposite(sources: &[Source<'_>], scrubber: &Scrubber) -> Option<Stances> {
    // (axis, object) → per side: contributions, best source (centrality), written forms.
    type Side = (usize, Option<usize>, FxHashMap<String, usize>);
    let mut tally: FxHashMap<(usize, u32), [Side; 2]> = FxHashMap::default();
    let mut reader = Reader::default();
    for (s, source) in sources.iter().enumerate() {
        for stance in reader.read(source.text, source.words) {
            let sides = tally.entry((stance.axis, stance.object)).or_default();
            let side = &mut sides[stance.side];
            side.0 += source.copies;
            if side.1.is_none_or(|b| source.centrality > sources[b].centrality) {
                side.1 = Some(s);
            }
            let written = source.text[stance.range.0..stance.range.1].split_whitespace().collect::<Vec<_>>().join(" ");
            *side.2.entry(written.to_lowercase()).or_insert(0) += 1;
        }
    }
    let mut best: Option<((usize, u32), usize)> = None;
    for (key, sides) in &tally {
        let (a, b) = (sides[0].0, sides[1].0);
        let least = a.min(b);
        if least >= FEWEST && least as f32 >= LEAST_SHARE * (a + b) as f32 {
            // Ties go to the smaller key, for a result that does not depend on hashing.
            if best.is_none_or(|(k, n)| least > n || (least == n && *key < k)) {
                best = Some((*key, least));
            }
        }
    }
    let (key, _) = best?;
    let sides = &tally[&key];
    let taking = sides[0].0 + sides[1].0;
    let stance_sides = sides
        .iter()
        .map(|(n, quote, forms)| {
            let source = &sources[quote.expect("a side with contributions has a quote")];
            let position = forms
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                .map(|(form, _)| form.clone())
                .unwrap_or_default();
            StanceSide {
                position: scrubber.scrub(&position),
                contributions: *n,
                percent: ((*n as f64) * 100.0 / taking as f64).round() as u32,
                quote: super::model::Quote {
                    reference: source.reference.to_owned(),
                    text: shorten(&scrubber.scrub(source.text.trim()), QUOTE_CHARS),
                },
            }
        })
        .collect();
    let (axis, object) = key;
    let object = sides
        .iter()
        .find_map(|side| side.1)
        .and_then(|s| {
            let source = &sources[s];
            source.words.iter().find(|w| w.stem == object).map(|w| &source.text[w.start as usize..w.end as usize])
        })
        .and_then(|written| crate::text::Analyzer::new().stem_of(&written.to_lowercase()))
        .unwrap_or_default();
    Some(Stances { axis, object, taking_position: taking, sides: stance_sides })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::space::FeatureSpace;
    use crate::text::Analyzer;

    fn stances_of(texts: &[&str]) -> Option<Stances> {
        let mut space = FeatureSpace::new();
        let texts: Vec<String> = texts.iter().map(|t| Analyzer::normalise(t)).collect();
        let words: Vec<Vec<WordRef>> = texts.iter().map(|t| space.words(t)).collect();
        let references: Vec<String> = (0..texts.len()).map(|i| format!("r{i}")).collect();
        let sources: Vec<Source<'_>> = texts
            .iter()
            .zip(&words)
            .zip(&references)
            .map(|((t, w), r)| Source { text: t, words: w, centrality: 0.5, copies: 1, reference: r })
            .collect();
        opposite(&sources, &Scrubber::default())
    }

    #[test]
    fn a_group_holding_both_sides_says_so_with_a_quote_of_each() {
        let found = stances_of(&[
            "Baisser les impôts des classes moyennes",
            "Il faut baisser les impôts",
            "Baisser les impôts et les taxes",
            "Diminuer les impôts sur le travail",
            "Augmenter les impôts des plus riches",
            "Augmenter les impôts sur le capital",
            "Il faut augmenter les impôts des multinationales",
            "Ne pas baisser les impôts, ils financent les services publics",
            "Les impôts sont trop compliqués",
        ])
        .expect("both sides");
        assert_eq!(found.taking_position, 8);
        assert_eq!(found.sides[0].position, "baisser les impôts");
        assert_eq!((found.sides[0].contributions, found.sides[0].percent), (4, 50));
        assert_eq!(found.sides[1].position, "augmenter les impôts");
        assert_eq!(found.sides[1].contributions, 4, "the negated « ne pas baisser » is on the other side");
        assert!(
            found.sides[1].quote.text.to_lowercase().contains("augmenter")
                || found.sides[1].quote.text.contains("Ne pas")
        );
        // Staff splitting the group find the second side again from the texts alone.
        let texts =
            ["Augmenter les impôts des riches", "Baisser les impôts", "Ne pas baisser les impôts", "Les impôts"];
        assert_eq!(second_side(&found, &texts), [0, 2]);
    }

    #[test]
    fn one_sided_or_thin_groups_say_nothing() {
        assert_eq!(
            stances_of(&[
                "Baisser les impôts",
                "Baisser les impôts locaux",
                "Diminuer les impôts",
                "Augmenter les impôts"
            ]),
            None
        );
        assert_eq!(stances_of(&["Supprimer le Sénat", "Garder le Sénat"]), None);
    }

    #[test]
    fn opposite_sides_get_different_features() {
        let mut space = FeatureSpace::new();
        let (a, b) = ("Supprimer le Sénat", "Conserver le Sénat");
        let (wa, wb) = (space.words(a), space.words(b));
        let mut reader = Reader::default();
        let (fa, fb) = (reader.features(a, &wa), reader.features(b, &wb));
        assert_eq!((fa.len(), fb.len()), (1, 1));
        assert_ne!(fa, fb);
        assert!(is_stance(fa[0]) && !is_stance(wa[0].stem as u64));
    }
}
