//! Pieces of people's texts that can be shown as they wrote them: clauses (for titles) and
//! sentences (for the proposed text), with the fillers that open them ("Je pense qu'il
//! faut…", "Oui,") left out, so that what remains is still a substring of the text.

use crate::text::{fold_accents, Analyzer};

/// A byte range of a text.
pub type Range = (usize, usize);

/// Folded lowercase words of a piece with their byte ranges (hyphens and apostrophes split).
pub fn words(text: &str, (start, end): Range) -> Vec<(String, Range)> {
    let mut out = Vec::new();
    Analyzer::for_each_word(&text[start..end], |s, e| {
        out.push((fold_accents(&text[start + s..start + e].to_lowercase()), (start + s, start + e)));
    });
    out
}

/// Openings that say nothing of what is asked, as folded words. Longest first, so that
/// "je pense qu'il faut" goes before "je pense que".
const OPENINGS: &[&[&str]] = &[
    &["je", "pense", "qu", "il", "faut"],
    &["je", "pense", "qu", "il", "faudrait"],
    &["je", "crois", "qu", "il", "faut"],
    &["il", "est", "necessaire", "de"],
    &["il", "est", "necessaire", "d"],
    &["il", "est", "important", "de"],
    &["il", "est", "important", "d"],
    &["il", "est", "indispensable", "de"],
    &["il", "est", "urgent", "de"],
    &["il", "serait", "bon", "de"],
    &["il", "serait", "souhaitable", "de"],
    &["il", "faudrait", "que"],
    &["il", "faut", "que"],
    &["tout", "d", "abord"],
    &["pourquoi", "ne", "pas"],
    &["je", "pense", "que"],
    &["je", "pense", "qu"],
    &["je", "crois", "que"],
    &["je", "trouve", "que"],
    &["je", "propose", "de"],
    &["je", "propose", "d"],
    &["nous", "proposons", "de"],
    &["il", "convient", "de"],
    &["a", "mon", "avis"],
    &["il", "faudrait"],
    &["il", "faudra"],
    &["il", "faut"],
    &["on", "doit"],
    &["on", "devrait"],
    &["nous", "devons"],
    &["je", "souhaite"],
    &["je", "souhaiterais"],
    &["je", "propose"],
    &["selon", "moi"],
    &["pour", "moi"],
    &["en", "effet"],
    &["bien", "sur"],
    &["d", "abord"],
    &["de", "plus"],
    &["en", "outre"],
    &["par", "exemple"],
    &["faut"],
    &["faudrait"],
    &["oui"],
    &["et"],
    &["mais"],
    &["donc"],
    &["alors"],
    &["aussi"],
    &["puis"],
    &["enfin"],
    &["ensuite"],
    &["bref"],
    &["notamment"],
    &["surtout"],
    &["que"],
    &["qu"],
];

/// Words that speak of the writer or to the reader: a title or a proposed text in the
/// collective voice leaves such pieces out.
pub const PERSONAL: &[&str] =
    &["je", "j", "me", "m", "moi", "mon", "ma", "mes", "tu", "te", "toi", "vous", "votre", "vos"];

/// The piece without its openings, trimmed; `None` when nothing is left.
pub fn without_openings(text: &str, range: Range) -> Option<Range> {
    let words = words(text, range);
    let mut at = 0;
    'strip: while at < words.len() {
        for opening in OPENINGS {
            let n = opening.len();
            if at + n <= words.len() && words[at..at + n].iter().zip(opening.iter()).all(|((w, _), o)| w == o) {
                at += n;
                continue 'strip;
            }
        }
        break;
    }
    let start = words.get(at)?.1 .0;
    trim(text, (start, range.1))
}

/// The range without surrounding spaces, bullets, dashes, quotes and commas.
pub fn trim(text: &str, (start, end): Range) -> Option<Range> {
    let piece = &text[start..end];
    let junk =
        |c: char| c.is_whitespace() || matches!(c, '-' | '–' | '—' | '*' | '•' | ',' | '"' | '«' | '»' | '\'' | '’');
    let left = piece.len() - piece.trim_start_matches(junk).len();
    let right = piece.trim_end_matches(junk).len();
    (right > left).then_some((start + left, start + right))
}

/// Clauses of a text: pieces between sentence and clause marks.
pub fn clauses(text: &str) -> Vec<Range> {
    split(text, |c| matches!(c, '.' | ';' | '!' | '?' | '…' | '\n' | ':' | '(' | ')' | ',' | '"' | '«' | '»'), false)
}

/// Sentences of a text, each with its closing mark.
pub fn sentences(text: &str) -> Vec<Range> {
    split(text, |c| matches!(c, '.' | '!' | '?' | '…' | '\n'), true)
}

fn split(text: &str, mark: impl Fn(char) -> bool, keep_mark: bool) -> Vec<Range> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if mark(c) {
            // A run of marks ("?!", "...") closes one piece.
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if mark(d) && d != '\n' {
                    end = j + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            if let Some(range) = trim(text, (start, if keep_mark { end } else { i })) {
                out.push(range);
            }
            start = end;
        }
    }
    if let Some(range) = trim(text, (start, text.len())) {
        out.push(range);
    }
    out
}

/// Number of words as a reader counts them (separated by spaces).
pub fn word_count(piece: &str) -> usize {
    piece.split_whitespace().count()
}

/// The piece as shown: spaces collapsed, the first letter capitalised; a piece written all in
/// capitals is shown in lowercase first (case aside, it is still what was written).
pub fn display(piece: &str) -> String {
    let collapsed = piece.split_whitespace().collect::<Vec<_>>().join(" ");
    let letters: Vec<char> = collapsed.chars().filter(|c| c.is_alphabetic()).collect();
    let shouted = letters.len() > 6 && letters.iter().all(|c| c.is_uppercase());
    let text = if shouted { collapsed.to_lowercase() } else { collapsed };
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    }
}

/// The comparable form of a piece: folded, lowercase, spaces collapsed.
pub fn comparable(piece: &str) -> String {
    fold_accents(&piece.to_lowercase()).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(text: &str, ranges: Vec<Range>) -> Vec<&str> {
        ranges.into_iter().map(|(s, e)| &text[s..e]).collect()
    }

    #[test]
    fn openings_are_left_out_and_the_rest_is_a_substring() {
        let text = "Je pense qu'il faut baisser la TVA sur les produits de première nécessité";
        let (s, e) = without_openings(text, (0, text.len())).unwrap();
        assert_eq!(&text[s..e], "baisser la TVA sur les produits de première nécessité");
        let text = "Oui, et il faudrait développer les transports";
        let (s, e) = without_openings(text, (0, text.len())).unwrap();
        assert_eq!(&text[s..e], "développer les transports");
        assert_eq!(without_openings("Oui", (0, 3)), None);
    }

    #[test]
    fn clauses_and_sentences_split_where_people_pause() {
        let text = "Plus de bus, moins de voitures. Des vélos !  Et après ?\n- une ligne";
        assert_eq!(
            pieces(text, clauses(text)),
            ["Plus de bus", "moins de voitures", "Des vélos", "Et après", "une ligne"]
        );
        assert_eq!(
            pieces(text, sentences(text)),
            ["Plus de bus, moins de voitures.", "Des vélos !", "Et après ?", "une ligne"]
        );
    }

    #[test]
    fn display_collapses_spaces_and_capitalises() {
        assert_eq!(display("baisser  la\nTVA"), "Baisser la TVA");
        assert_eq!(display("MOINS DE TAXES POUR TOUS"), "Moins de taxes pour tous");
        assert_eq!(comparable("Éducation  Civique"), "education civique");
    }
}
