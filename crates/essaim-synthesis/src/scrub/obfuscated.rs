//! E-mail addresses written so that robots miss them: `jean.dupont (at) exemple (dot) com`,
//! `jean[at]exemple[point]fr`, `jean.dupont arobase exemple.fr`, `jean at exemple dot com`.
//!
//! The `@` is a word between brackets (`(at)`, `[at]`, `{at}`, `<at>`, `(arobase)`), or
//! `at`, `arobase` or `@` between spaces; the dots of the domain are `.`, a bracketed `dot` or
//! `point`, or `dot` / `point` between spaces. "Point" and "at" are ordinary words, so the
//! domain must end with a known top-level domain (`fr`, `com`, `org`…) unless every marker
//! was bracketed: "le point de vue" or "look at this" stays.

use super::{is_word_char, Span, Token, EMAIL_MASK};

/// Top-level domains a disguised address may end with when a marker is a bare word.
const KNOWN_TLDS: [&str; 22] = [
    "fr", "com", "org", "net", "eu", "info", "be", "ch", "ca", "io", "de", "uk", "es", "it", "lu", "re", "biz", "coop",
    "asso", "bzh", "gouv", "paris",
];

/// Longest label of a top-level domain taken without the list ("museum", "travel").
const MAX_TLD_CHARS: usize = 6;

/// Adds the disguised addresses of `text` (split into `tokens`) to `spans`.
pub(super) fn find(text: &str, tokens: &[Token], spans: &mut Vec<Span>) {
    let bytes = text.as_bytes();
    // Cheap tests first, for the many texts with no marker at all: a bracket or an `@`
    // somewhere, or a bare "at" or "arobase" as a word.
    // One `contains` per byte: each is a fast `memchr`, where one loop testing five bytes
    // is not.
    let bracket = [b'(', b'[', b'{', b'<', b'@'].iter().any(|b| bytes.contains(b));
    let bare = || {
        tokens.iter().any(|t| {
            let word = &bytes[t.start..t.end];
            word.eq_ignore_ascii_case(b"at") || word.eq_ignore_ascii_case(b"arobase")
        })
    };
    if !bracket && !bare() {
        return;
    }
    let mut i = 0;
    while i < bytes.len() {
        // Cheap test first, on each byte: every marker of an `@` starts with a bracket, or
        // with a space before "a" or "@".
        let candidate = match bytes[i] {
            b'(' | b'[' | b'{' | b'<' => true,
            b' ' => matches!(bytes.get(i + 1), Some(b'a' | b'A' | b'@')),
            _ => false,
        };
        if candidate {
            if let Some((end, bracketed)) = marker(bytes, i, &["at", "arobase", "@"]) {
                if let Some(span) = address_around(text, i, end, bracketed) {
                    spans.push(span);
                    i = span.end;
                    continue;
                }
            }
        }
        i += 1;
    }
}

/// Whether `bytes` at `i` reads `word`, ignoring ASCII case.
fn reads(bytes: &[u8], i: usize, word: &str) -> bool {
    bytes.get(i..i + word.len()).is_some_and(|s| s.eq_ignore_ascii_case(word.as_bytes()))
}

/// A marker at `i` among `words`: bracketed (`(at)`, `[ at ]`), or a bare word between
/// spaces (` at `). Its end, and whether it was bracketed.
fn marker(bytes: &[u8], i: usize, words: &[&str]) -> Option<(usize, bool)> {
    let close = match bytes.get(i)? {
        b'(' => b')',
        b'[' => b']',
        b'{' => b'}',
        b'<' => b'>',
        b' ' => b' ',
        _ => return None,
    };
    let bracketed = close != b' ';
    let mut p = i + 1;
    if bracketed {
        while bytes.get(p) == Some(&b' ') {
            p += 1;
        }
    }
    let word = words.iter().find(|w| reads(bytes, p, w))?;
    p += word.len();
    if bracketed {
        while bytes.get(p) == Some(&b' ') {
            p += 1;
        }
    }
    (bytes.get(p) == Some(&close)).then_some((if bracketed { p + 1 } else { p }, bracketed))
}

fn is_local(c: char) -> bool {
    is_word_char(c) || matches!(c, '.' | '_' | '%' | '+' | '-')
}

fn is_label(c: char) -> bool {
    is_word_char(c) || c == '-'
}

/// The address whose `@` is written from byte `at` to `at_end`, if a local part stands before
/// it and a domain after it.
fn address_around(text: &str, at: usize, at_end: usize, at_bracketed: bool) -> Option<Span> {
    let bytes = text.as_bytes();
    // The local part: what an address is made of, right before the marker (spaces aside).
    let local_end = text[..at].trim_end_matches(' ').len();
    let mut start = text[..local_end].char_indices().rev().take_while(|&(_, c)| is_local(c)).last()?.0;
    // "jean (dot) dupont (at) …", "jean dot dupont at …": earlier parts of the local part.
    loop {
        let before = text[..start].trim_end_matches(' ');
        let Some(dot) = ["(dot)", "[dot]", "(point)", "[point]", " dot"].iter().find(|m| {
            before.len() >= m.len() && before.as_bytes()[before.len() - m.len()..].eq_ignore_ascii_case(m.as_bytes())
        }) else {
            break;
        };
        let rest = text[..before.len() - dot.len()].trim_end_matches(' ');
        match rest.char_indices().rev().take_while(|&(_, c)| is_local(c)).last() {
            Some((s, _)) => start = s,
            None => break,
        }
    }
    let local = &text[start..local_end];
    if !local.contains(is_word_char) || local.starts_with('.') {
        return None;
    }
    // The domain: labels joined by dots, written or spelt out.
    let label_at = |p: usize| -> Option<usize> {
        let len = text[p..].char_indices().take_while(|&(_, c)| is_label(c)).last().map(|(i, c)| i + c.len_utf8())?;
        Some(p + len)
    };
    let mut p = at_end;
    while bytes.get(p) == Some(&b' ') {
        p += 1;
    }
    let mut end = label_at(p)?;
    let mut labels = 1;
    let mut all_bracketed = at_bracketed;
    let mut best = None;
    loop {
        let (next, bracketed) = if bytes.get(end) == Some(&b'.') {
            (end + 1, true)
        } else {
            let mut q = end;
            while bytes.get(q) == Some(&b' ') && bytes.get(q + 1) == Some(&b' ') {
                q += 1;
            }
            let spaced =
                if bytes.get(q) == Some(&b' ') && matches!(bytes.get(q + 1), Some(b'(' | b'[')) { q + 1 } else { q };
            match marker(bytes, spaced, &["dot", "point", "."]) {
                Some((m, bracketed)) => {
                    let mut m = m;
                    while bytes.get(m) == Some(&b' ') {
                        m += 1;
                    }
                    (m, bracketed)
                }
                None => break,
            }
        };
        let Some(label_end) = label_at(next) else { break };
        labels += 1;
        all_bracketed &= bracketed;
        end = label_end;
        let tld = &text[next..end];
        let known = KNOWN_TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld));
        let plausible = tld.len() >= 2 && tld.len() <= MAX_TLD_CHARS && tld.bytes().all(|b| b.is_ascii_alphabetic());
        if labels >= 2 && (known || (all_bracketed && plausible)) {
            best = Some(end);
        }
    }
    best.map(|end| Span { start, end, mask: EMAIL_MASK })
}
