//! Phone numbers: French ones (ten digits starting with `0`, or `+33` / `0033` and nine
//! digits, with an optional `(0)`) and international ones (`+` or `00`, then 10 to 15 digits),
//! written with spaces of any kind, dots, dashes or slashes between the groups, in ASCII or
//! full-width digits (`０６ １２ ３４ ５６ ７８`, which an input method may give).
//!
//! Ordinary figures must stay: amounts (`1 500 000 €`), counts (`152 500 emplois`), dates
//! (`28/06/2016`), years, and SIREN / SIRET numbers (9 and 14 digits), which identify an
//! organisation, not a person. Hence a national number needs exactly ten digits starting with
//! `0` and the same separator between all its groups — or five pairs of digits, whose
//! separators may differ (`06 12.34.56 78`, `06-12 34-56-78`): no date or amount is written
//! so —, and nothing is a phone number when a currency or `%` follows it.

use super::{is_word_char, Span, PHONE_MASK};

/// Beyond this, a digit group is no part of a phone number; reading stops there so that a
/// long run of digits costs little.
const MAX_GROUP_DIGITS: usize = 15;
/// "0 6 1 2 3 4 5 6 7 8" is the most a number is split.
const MAX_GROUPS: usize = 10;
/// Separators between two groups: " - " at most.
const MAX_SEPARATOR_CHARS: usize = 3;

/// Adds the phone numbers of `text` to `spans`.
pub(super) fn find(text: &str, spans: &mut Vec<Span>) {
    // 0xEF starts the UTF-8 of the full-width forms (U+FF00–U+FFEF).
    if !text.bytes().any(|b| b.is_ascii_digit() || b == 0xEF) {
        return;
    }
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut i = 0;
    while i < chars.len() {
        if starts_number(&chars, i) {
            if let Some(end) = phone_at(&chars, i) {
                spans.push(Span { start: byte_at(i), end: byte_at(end), mask: PHONE_MASK });
                i = end;
                continue;
            }
        }
        i += 1;
    }
}

/// Whether a number can start at `i`: a digit or `+digit`, not inside a word or another
/// number (`3.06`, `12/06`).
fn starts_number(chars: &[(usize, char)], i: usize) -> bool {
    let c = chars[i].1;
    let plus = matches!(c, '+' | '＋') && chars.get(i + 1).is_some_and(|&(_, d)| is_digit(d));
    if !is_digit(c) && !plus {
        return false;
    }
    let Some(&(_, prev)) = i.checked_sub(1).and_then(|p| chars.get(p)) else {
        return true;
    };
    // After `+`, the number was tried from the `+`.
    if is_word_char(prev) || matches!(prev, '+' | '＋') {
        return false;
    }
    let glued_to_number = matches!(normalise(prev), '.' | ',' | '/' | '-')
        && i.checked_sub(2).and_then(|p| chars.get(p)).is_some_and(|&(_, d)| is_digit(d));
    !glued_to_number
}

/// The value of an ASCII or a full-width digit.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '０'..='９' => Some((c as u32 - '０' as u32) as u8),
        _ => None,
    }
}

fn is_digit(c: char) -> bool {
    digit(c).is_some()
}

fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(normalise(c), '.' | '-' | '/')
}

/// Separators compare with every kind of space taken as one, and full-width punctuation as
/// its ASCII form.
fn normalise(c: char) -> char {
    match c {
        _ if c.is_whitespace() => ' ',
        '．' => '.',
        '－' => '-',
        '／' => '/',
        '，' => ',',
        _ => c,
    }
}

/// The end (char index, exclusive) of the phone number starting at `start`, if one does.
fn phone_at(chars: &[(usize, char)], start: usize) -> Option<usize> {
    let n = chars.len();
    let plus = matches!(chars[start].1, '+' | '＋');
    let mut p = start + usize::from(plus);
    // Digit groups and the separators between them, as char index ranges.
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut seps: Vec<(usize, usize)> = Vec::new();
    // How many groups stand before "(0)", the French trunk prefix written after "+33".
    let mut trunk_after: Option<usize> = None;
    loop {
        let g = p;
        while p < n && is_digit(chars[p].1) && p - g <= MAX_GROUP_DIGITS {
            p += 1;
        }
        if p == g || p - g > MAX_GROUP_DIGITS {
            break;
        }
        groups.push((g, p));
        if groups.len() == MAX_GROUPS {
            break;
        }
        let mut q = p;
        while q < n && q - p < MAX_SEPARATOR_CHARS && is_separator(chars[q].1) {
            q += 1;
        }
        let sep = (p, q);
        let zero = |c: char| digit(c) == Some(0);
        let international =
            plus || (zero(chars[groups[0].0].1) && chars.get(groups[0].0 + 1).is_some_and(|c| zero(c.1)));
        let trunk = matches!(chars.get(q..q + 3), Some([(_, '(' | '（'), (_, z), (_, ')' | '）')]) if zero(*z));
        if groups.len() == 1 && international && trunk {
            trunk_after = Some(1);
            q += 3;
            while q < n && is_separator(chars[q].1) && q - p < 2 * MAX_SEPARATOR_CHARS + 3 {
                q += 1;
            }
        }
        if q == p || q >= n || !is_digit(chars[q].1) {
            break;
        }
        seps.push(sep);
        p = q;
    }
    if groups.is_empty() {
        return None;
    }
    // In ASCII whatever was written, so that the checks below read one form.
    let digits: String = groups
        .iter()
        .flat_map(|&(a, b)| chars[a..b].iter().filter_map(|&(_, c)| digit(c).map(|d| char::from(b'0' + d))))
        .collect();
    let mut counted = Vec::with_capacity(groups.len());
    let mut total = 0;
    for &(a, b) in &groups {
        total += b - a;
        counted.push(total);
    }
    (1..=groups.len()).rev().find_map(|k| {
        let end = groups[k - 1].1;
        // The last group read must not be glued to a word, nor be an amount.
        if k == groups.len() && (chars.get(end).is_some_and(|&(_, c)| is_word_char(c)) || unit_follows(chars, end)) {
            return None;
        }
        if trunk_after.is_some_and(|t| t >= k) {
            return None;
        }
        let number = &digits[..counted[k - 1]];
        let valid = if plus {
            international(number, trunk_after.is_some())
        } else if let Some(rest) = number.strip_prefix("00") {
            international(rest, trunk_after.is_some())
        } else {
            national(number, &groups[..k], &seps[..k - 1], chars)
        };
        valid.then_some(end)
    })
}

/// `digits` after `+` or `00`.
fn international(digits: &str, trunk: bool) -> bool {
    let b = digits.as_bytes();
    if let Some(rest) = digits.strip_prefix("33") {
        let r = rest.as_bytes();
        // "+33 6 12 34 56 78", and the frequent "+33 06 12 34 56 78".
        return (r.len() == 9 && r[0] != b'0') || (!trunk && r.len() == 10 && r[0] == b'0' && r[1] != b'0');
    }
    (10..=15).contains(&b.len()) && b[0] != b'0'
}

/// "06 12 34 56 78", "06.12.34.56.78", "0612345678", "0 800 123 456".
fn national(digits: &str, groups: &[(usize, usize)], seps: &[(usize, usize)], chars: &[(usize, char)]) -> bool {
    let b = digits.as_bytes();
    if b.len() != 10 || b[0] != b'0' || b[1] == b'0' {
        return false;
    }
    if groups.len() == 1 {
        return true;
    }
    let sep_text = |&(a, b): &(usize, usize)| chars[a..b].iter().map(|&(_, c)| normalise(c));
    let same_separators = seps.iter().all(|s| sep_text(s).eq(sep_text(&seps[0])));
    // "01/06/2016 - 30" has ten digits too, but not one separator; five pairs are a phone
    // number whatever separates them ("06 12.34.56 78").
    let pairs = groups.len() == 5 && groups.iter().all(|&(a, b)| b - a == 2);
    (same_separators || pairs) && groups.iter().all(|&(a, b)| b - a <= 4)
}

/// Whether a currency or a percentage follows (after spaces): then the figure is an amount.
fn unit_follows(chars: &[(usize, char)], end: usize) -> bool {
    let mut rest = chars[end..].iter().map(|&(_, c)| c).skip_while(|c| c.is_whitespace());
    match rest.next() {
        Some('€' | '%' | '$' | '£' | '％' | '￥' | '＄') => true,
        Some(c @ ('e' | 'E')) => {
            let word: String = std::iter::once(c).chain(rest.take(2)).flat_map(char::to_lowercase).collect();
            word == "eur"
        }
        _ => false,
    }
}
