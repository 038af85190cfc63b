//! Personal data removed from texts before anything is published (quotes, orientation texts,
//! key phrases, titles, the contributions CSV): e-mail addresses (also spelt out:
//! `jean (at) exemple (dot) com`), phone numbers, and names of persons (after a civility,
//! beside a known first name, after an initial, or names known as authors). The rules are
//! listed in docs/personal-data.md.
//!
//! Every rule finds byte ranges of the *original* text; the masks are put in at the end, in one
//! pass. So no rule sees another rule's output, and nothing depends on lowercasing keeping byte
//! lengths (it does not: `K` U+212A, `İ`, `ẞ` change length).
//!
//! Build a [`Scrubber`] once and call [`Scrubber::scrub`] for each text when there are many
//! texts; [`scrub`] does both at once.

mod names;
mod obfuscated;
mod phones;
#[cfg(test)]
mod tests;

use std::cmp::Reverse;

use names::KnownNames;

/// What replaces an e-mail address.
pub const EMAIL_MASK: &str = "[courriel masqué]";
/// What replaces a phone number.
pub const PHONE_MASK: &str = "[téléphone masqué]";
/// What replaces a person's name.
pub const NAME_MASK: &str = "[nom masqué]";

/// Removes personal data from texts; holds what is costly to prepare (the names known as
/// authors), so that it is prepared once for many texts.
#[derive(Debug, Default)]
pub struct Scrubber {
    known: KnownNames,
}

impl Scrubber {
    /// A scrubber that also masks `known_names` (persons' names recorded as authors), ignoring
    /// case, wherever they stand as whole words. Names shorter than 3 characters are ignored:
    /// they would mask parts of ordinary words.
    pub fn new<S: AsRef<str>>(known_names: &[S]) -> Self {
        Self { known: KnownNames::new(known_names.iter().map(AsRef::as_ref)) }
    }

    /// The text with e-mail addresses, phone numbers and persons' names replaced by
    /// [`EMAIL_MASK`], [`PHONE_MASK`] and [`NAME_MASK`]; everything else is kept as it was,
    /// whitespace included.
    pub fn scrub(&self, text: &str) -> String {
        apply(text, self.spans(text))
    }

    /// [`Scrubber::scrub`], or `None` when nothing in `text` is masked: most texts, which are
    /// then neither copied nor compared with their copy.
    pub fn scrubbed(&self, text: &str) -> Option<String> {
        let spans = self.spans(text);
        (!spans.is_empty()).then(|| apply(text, spans))
    }

    /// What [`Scrubber::scrub`] replaces in `text`: byte ranges of `text`, in order, not
    /// overlapping, each with its mask. For measures (`scripts/bench-scrub`) and reviews.
    pub fn masked(&self, text: &str) -> Vec<(std::ops::Range<usize>, &'static str)> {
        merged(self.spans(text)).into_iter().map(|s| (s.start..s.end, s.mask)).collect()
    }

    /// What to mask in `text`, as byte ranges of `text` (possibly overlapping, in no order).
    fn spans(&self, text: &str) -> Vec<Span> {
        let tokens = tokenize(text);
        let mut spans = Vec::new();
        for token in &tokens {
            let core = token.core(text);
            if core.contains('@') {
                for (start, end) in emails(core) {
                    spans.push(Span { start: token.core_start + start, end: token.core_start + end, mask: EMAIL_MASK });
                }
            }
        }
        obfuscated::find(text, &tokens, &mut spans);
        phones::find(text, &mut spans);
        names::find_persons(text, &tokens, &mut spans);
        self.known.find(text, &mut spans);
        spans
    }
}

/// Removes personal data from a text; `known_names` are persons' names recorded as authors.
/// For many texts, build a [`Scrubber`] once instead.
pub fn scrub(text: &str, known_names: &[String]) -> String {
    Scrubber::new(known_names).scrub(text)
}

/// A byte range of the original text and what replaces it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: usize,
    end: usize,
    mask: &'static str,
}

/// Puts the masks in. Overlapping ranges become one mask (the one starting first, the longest
/// when two start together): a known name inside an e-mail address must not cut it in two.
fn apply(text: &str, spans: Vec<Span>) -> String {
    if spans.is_empty() {
        return text.to_owned();
    }
    let spans = merged(spans);
    let mut out = String::with_capacity(text.len() + 16 * spans.len());
    let mut done = 0;
    for span in spans {
        out.push_str(&text[done..span.start]);
        out.push_str(span.mask);
        done = span.end;
    }
    out.push_str(&text[done..]);
    out
}

/// The spans in order, overlapping ones made one (see [`apply`]).
fn merged(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable_by_key(|s| (s.start, Reverse(s.end)));
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match out.last_mut() {
            Some(last) if span.start < last.end => last.end = last.end.max(span.end),
            _ => out.push(span),
        }
    }
    out
}

/// Letters, digits and combining marks: what a word is made of. Marks count so that a name
/// written with decomposed accents (`e` + U+0301) is one word, and so that a name is not
/// found inside a longer word through a mark.
pub(crate) fn is_word_char(c: char) -> bool {
    // Most chars are ASCII: no table lookup for them.
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric() || unicode_normalization::char::is_combining_mark(c)
    }
}

/// A run of non-whitespace characters: its byte range, and the range of its core, without
/// the punctuation before and after (quotes, brackets, commas, full stops).
#[derive(Debug, Clone, Copy)]
struct Token {
    start: usize,
    end: usize,
    core_start: usize,
    core_end: usize,
}

impl Token {
    fn core<'a>(&self, text: &'a str) -> &'a str {
        &text[self.core_start..self.core_end]
    }

    /// Punctuation after the core (`.` of `M.`, `,`, `)`).
    fn trail<'a>(&self, text: &'a str) -> &'a str {
        &text[self.core_end..self.end]
    }

    /// Whether punctuation comes before the core (an opening quote or bracket).
    fn has_lead(&self) -> bool {
        self.core_start > self.start
    }
}

/// Splits on every Unicode whitespace (no-break spaces U+00A0 and U+202F included: French
/// typography puts them after civilities and inside phone numbers).
fn tokenize(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                tokens.push(token(text, s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        tokens.push(token(text, s, text.len()));
    }
    tokens
}

fn token(text: &str, start: usize, end: usize) -> Token {
    let word = &text[start..end];
    let core_start = word.find(is_word_char).map_or(end, |i| start + i);
    let core_end =
        word.rfind(is_word_char).map_or(end, |i| start + i + word[i..].chars().next().map_or(0, char::len_utf8));
    Token { start, end, core_start, core_end: core_end.max(core_start) }
}

/// The e-mail addresses in a word, as byte ranges: from each `@`, the characters an address
/// is made of on either side, so that `mailto:jean@exemple.fr` or `courriel:jean@exemple.fr`
/// keeps its prefix and `a@b@c` is no address.
fn emails(word: &str) -> Vec<(usize, usize)> {
    // `/` is allowed by the RFC but separates addresses in practice ("a@b.fr/c@d.fr").
    let is_local = |c: char| is_word_char(c) || "._%+-'!#$&*=?^`{|}~".contains(c);
    let is_domain = |c: char| is_word_char(c) || c == '.' || c == '-';
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = word[from..].find('@').map(|i| from + i) {
        // Not before the previous address: two may be glued together.
        let start = word[from..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_local(c))
            .map_or(from, |(i, c)| from + i + c.len_utf8());
        let domain_end = word[at + 1..].find(|c: char| !is_domain(c)).map_or(word.len(), |i| at + 1 + i);
        // A full stop or a dash after the address belongs to the sentence.
        let end = at + 1 + word[at + 1..domain_end].trim_end_matches(['.', '-']).len();
        let (local, domain) = (&word[start..at], &word[at + 1..end]);
        let valid = !local.is_empty()
            && !local.starts_with('.')
            && domain.contains('.')
            && !domain.starts_with(['.', '-'])
            && !domain.contains("..");
        if valid {
            found.push((start, end));
        }
        from = end.max(at + 1);
    }
    found
}
