//! The one rule for text coming in, whatever the channel: forms, the JSON API, uploaded and
//! imported files. Control characters other than tab and line breaks are dropped (a NUL byte
//! cannot be stored by PostgreSQL at all, and the others are invisible), and so are the
//! Unicode bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069),
//! which would let a contribution reorder how pages, mails and exports show the text around
//! it ("Trojan Source", CVE-2021-42574). The marks U+200E and U+200F stay: they only settle the
//! direction of neutral characters next to them, as Arabic or Hebrew text may need.
//!
//! The server applies it once to every request (body, path and query) before any handler
//! runs, and [`crate::tabular`] to every cell of an imported file; nothing else needs to.

use std::borrow::Cow;

/// Whether `c` is dropped from incoming text.
pub fn is_dropped(c: char) -> bool {
    match c {
        '\t' | '\n' | '\r' => false,
        // C0, DEL and C1 controls.
        c if c.is_control() => true,
        '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => true,
        // Not characters: no text should carry them.
        '\u{FFFE}' | '\u{FFFF}' => true,
        _ => false,
    }
}

/// `text` without the characters [`is_dropped`] names; borrowed when there are none, which is
/// nearly always.
pub fn clean(text: &str) -> Cow<'_, str> {
    if text.chars().any(is_dropped) {
        Cow::Owned(text.chars().filter(|c| !is_dropped(*c)).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// Cleans `text` in place; returns whether anything was dropped.
pub fn clean_in_place(text: &mut String) -> bool {
    if text.chars().any(is_dropped) {
        text.retain(|c| !is_dropped(c));
        true
    } else {
        false
    }
}

/// Whether `text` holds any character [`is_dropped`] names.
pub fn needs_cleaning(text: &str) -> bool {
    text.chars().any(is_dropped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_go_and_line_breaks_stay() {
        let dirty = "a\u{0}b\u{1}c\u{1b}[31m\u{7f}\u{85}d\te\r\nf\u{202E}gnp.exe\u{202C}\u{2066}h\u{2069}";
        assert_eq!(clean(dirty), "abc[31md\te\r\nfgnp.exeh");
        let mut owned = dirty.to_owned();
        assert!(clean_in_place(&mut owned));
        assert_eq!(owned, "abc[31md\te\r\nfgnp.exeh");
    }

    #[test]
    fn ordinary_text_is_borrowed_untouched() {
        let text = "L'économie sociale et solidaire — « ESS » 🐝 עברית\u{200F} العربية";
        assert!(matches!(clean(text), Cow::Borrowed(t) if t == text));
        assert!(!needs_cleaning(text));
        let mut owned = text.to_owned();
        assert!(!clean_in_place(&mut owned));
    }
}
