//! What a run publishes, without personal data: every text an export publishes goes through
//! the scrubber, and a word taken out of every contribution it stands in is masked wherever
//! else it stands.

use std::collections::HashSet;

use super::SynthesisOutput;
use crate::pipeline::Item;
use crate::scrub::is_word_char;

impl SynthesisOutput {
    /// Removes personal data from every text that an export publishes — titles, orientation
    /// texts, key phrases, quotes, notes, and the contributions' own texts (the CSV) — with
    /// the names of persons known as authors. Exports are built only from scrubbed outputs.
    ///
    /// The contributions' texts are scrubbed in context (a civility, a first name before the
    /// surname). What is derived from them loses that context: a key phrase is written in
    /// lowercase and may hold a surname alone (`dupont`, drawn from many « M. Jean Dupont »),
    /// and a proposed title is made of key phrases. So a word that the scrubber took out of
    /// every contribution it appears in is masked wherever else it stands, and a key phrase
    /// keeps only words that some scrubbed contribution still says.
    pub fn scrubbed(mut self, known_names: &[String]) -> Self {
        use rayon::prelude::*;
        let scrubber = crate::scrub::Scrubber::new(known_names);
        // Each contribution on its own, in parallel. A text the scrubber left alone took no
        // word out (most of them), so only the changed ones are read for the words removed.
        let removed: HashSet<String> = self
            .inputs
            .par_iter_mut()
            .flat_map_iter(|(_, items)| items.iter_mut())
            .fold(HashSet::new, |mut removed, item| {
                if let Some(scrubbed) = scrubber.scrubbed(&item.text).filter(|s| *s != item.text) {
                    let mut before = HashSet::new();
                    words_into(&item.text, &mut before);
                    let mut after = HashSet::new();
                    words_into(&scrubbed, &mut after);
                    removed.extend(before.into_iter().filter(|w| !after.contains(w)));
                    item.text = scrubbed;
                }
                removed
            })
            .reduce(HashSet::new, |mut a, b| {
                a.extend(b);
                a
            });
        // Which of the words in question some scrubbed contribution still says: the words
        // removed somewhere, and those of the key phrases.
        let mut asked = removed.clone();
        for orientation in self.document.themes.iter().flat_map(|t| &t.orientations) {
            for phrase in &orientation.key_phrases {
                words_into(phrase, &mut asked);
            }
        }
        tracing::debug!(removed = removed.len(), asked = asked.len(), "synthèse : contributions passées au crible");
        let kept = said_among(&self.inputs, &asked);
        tracing::debug!("synthèse : mots encore dits relevés");
        let mut names: Vec<String> = removed.difference(&kept).cloned().collect();
        names.sort();
        names.extend(known_names.iter().cloned());
        let scrubber = crate::scrub::Scrubber::new(&names);
        for theme in &mut self.document.themes {
            for orientation in &mut theme.orientations {
                orientation.title = scrubber.scrub(&orientation.title);
                orientation.text = scrubber.scrub(&orientation.text);
                for phrase in &mut orientation.key_phrases {
                    *phrase = scrubber.scrub(&only_words_in(phrase, &kept));
                }
                for quote in &mut orientation.quotes {
                    quote.text = scrubber.scrub(&quote.text);
                }
                for side in orientation.stances.iter_mut().flat_map(|s| s.sides.iter_mut()) {
                    side.position = scrubber.scrub(&side.position);
                    side.quote.text = scrubber.scrub(&side.quote.text);
                }
                if let Some(plenary) = &mut orientation.plenary {
                    for amendment in &mut plenary.amendments {
                        *amendment = scrubber.scrub(amendment);
                    }
                }
            }
            for note in &mut theme.notes {
                *note = scrubber.scrub(note);
            }
        }
        self
    }
}

/// A word as it is compared: lowercase, NFC.
fn word_key(word: &str) -> String {
    let mut key = String::new();
    word_key_into(word, &mut key);
    key
}

/// [`word_key`] into `key`, which is cleared first (one buffer for millions of words).
fn word_key_into(word: &str, key: &mut String) {
    use unicode_normalization::UnicodeNormalization;
    key.clear();
    if word.is_ascii() {
        // Most words: NFC already, lowercased byte for byte.
        key.push_str(word);
        key.make_ascii_lowercase();
    } else {
        key.extend(word.nfc().flat_map(char::to_lowercase));
    }
}

/// Adds the words of `text` to `words`.
fn words_into(text: &str, words: &mut HashSet<String>) {
    for word in text.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()) {
        words.insert(word_key(word));
    }
}

/// The words of `asked` that some contribution's text says, read in parallel.
fn said_among(inputs: &[(String, Vec<Item>)], asked: &HashSet<String>) -> HashSet<String> {
    use rayon::prelude::*;
    inputs
        .par_iter()
        .flat_map_iter(|(_, items)| items.iter())
        .fold(
            || (HashSet::new(), String::new()),
            |(mut found, mut key): (HashSet<String>, String), item| {
                for word in item.text.split(|c: char| !is_word_char(c)).filter(|w| !w.is_empty()) {
                    word_key_into(word, &mut key);
                    if asked.contains(key.as_str()) && !found.contains(key.as_str()) {
                        found.insert(key.clone());
                    }
                }
                (found, key)
            },
        )
        .map(|(found, _)| found)
        .reduce(HashSet::new, |mut a, b| {
            a.extend(b);
            a
        })
}

/// `phrase` with each word that no scrubbed contribution says replaced by the name mask.
fn only_words_in(phrase: &str, kept: &HashSet<String>) -> String {
    let mut out = String::with_capacity(phrase.len());
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if !word.is_empty() {
            out.push_str(if kept.contains(&word_key(word)) { word } else { crate::scrub::NAME_MASK });
            word.clear();
        }
    };
    for c in phrase.chars() {
        if is_word_char(c) {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_still_said_are_found_whatever_their_case_and_form() {
        let asked: HashSet<String> = ["dupont", "martin", "é"].iter().map(|w| w.to_string()).collect();
        let item = |text: &str| Item {
            reference: text.into(),
            text: text.into(),
            channel: "online".into(),
            territory: None,
            legal_family: None,
            kind: "proposition".into(),
        };
        let inputs = vec![("Thème".to_owned(), vec![item("Voir M. DUPONT, e\u{301}"), item("Rien d'autre")])];
        let said = said_among(&inputs, &asked);
        let mut said: Vec<&str> = said.iter().map(String::as_str).collect();
        said.sort();
        assert_eq!(said, ["dupont", "é"]);
    }
}
