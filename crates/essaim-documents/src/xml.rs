//! The one XML escaper, for the ODT and DOCX parts and the SVG charts.

/// Escapes text for XML content and attribute values. Characters XML 1.0 forbids (C0 controls,
/// U+FFFE, U+FFFF) are dropped: a single one would make the whole part unreadable. Line breaks
/// and tabs become spaces, since a block's text is one paragraph.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn text_is_escaped_and_forbidden_characters_dropped() {
        assert_eq!(escape("a<b & \"c\" 'd'"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;");
        assert_eq!(escape("x\u{0}\u{1b}\u{fffe}\u{ffff}y\nz"), "xy z");
        assert_eq!(escape("10\u{202f}517 « oui »"), "10\u{202f}517 « oui »");
    }
}
