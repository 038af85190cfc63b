//! LimeSurvey's texts are HTML: they are made plain text here, so that no markup crosses the
//! import (LimeSurvey's own #20697 was an XSS through a `.lss` import). Kept apart because it is
//! the import's one defence against markup, and is tested as such.

use essaim_core::text::clean;
use html_escape::decode_html_entities;

use crate::questionnaire::definition::MAX_LABEL_CHARS;

/// LimeSurvey's HTML as plain text: no tag, no script, entities decoded, one line, capped at
/// [`MAX_LABEL_CHARS`]. Control characters and bidirectional overrides go by the core's one
/// rule ([`clean`]), after decoding, so that an entity cannot bring one back.
pub(super) fn plain(html: &str) -> String {
    let text = defuse(&decode_html_entities(&strip_tags(html)));
    let cleaned: String = clean(&text).chars().map(|c| if invisible(c) { ' ' } else { c }).collect();
    let one_line = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    shorten(&one_line, MAX_LABEL_CHARS)
}

/// What shows nothing but can split or hide words and that [`clean`] leaves (soft hyphen, zero
/// widths, direction marks, word joiners, byte-order mark): a space, as between two words.
fn invisible(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2065}' | '\u{feff}')
}

/// At most `max` characters, an ellipsis marking the cut.
pub(super) fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// Tags removed; `<script>` and `<style>` with their content; comments. Block tags leave a
/// space so that words on two lines stay two words.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let Some((len, name)) = tag(tail) else {
            out.push('<');
            rest = &tail[1..];
            continue;
        };
        rest = &tail[len..];
        if name == "script" || name == "style" {
            rest = after_closing(rest, &name);
        }
        if BLOCKS.contains(&name.as_str()) {
            out.push(' ');
        }
    }
    out.push_str(rest);
    out
}

const BLOCKS: &[&str] = &[
    "br",
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "td",
    "th",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "dd",
    "dt",
    "!--",
    "script",
    "style",
];

/// The length and lowercased name of the tag `text` starts with (a `<`), or `None` when that
/// `<` opens no tag ("a < b"). An unterminated tag runs to the end: what follows is dropped.
fn tag(text: &str) -> Option<(usize, String)> {
    if let Some(body) = text.strip_prefix("<!--") {
        return Some((body.find("-->").map_or(text.len(), |end| end + 7), "!--".into()));
    }
    let after = text[1..].strip_prefix('/').unwrap_or(&text[1..]);
    let first = text[1..].chars().next()?;
    if !(first.is_ascii_alphabetic() || matches!(first, '/' | '!' | '?')) {
        return None;
    }
    let name: String = after.chars().take_while(char::is_ascii_alphanumeric).collect::<String>().to_ascii_lowercase();
    let closing = text[1..].starts_with('/');
    Some((tag_end(text), if closing { format!("/{name}") } else { name }))
}

/// Where a tag ends: its `>` outside quoted attribute values.
fn tag_end(text: &str) -> usize {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in text.char_indices().skip(1) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '>' => return i + 1,
            None if (c == '"' || c == '\'') && previous == '=' => quote = Some(c),
            None => {}
        }
        if !c.is_whitespace() {
            previous = c;
        }
    }
    text.len()
}

/// What follows `</name…>`, or nothing when it never closes.
fn after_closing<'a>(text: &'a str, name: &str) -> &'a str {
    // ASCII lowercasing keeps byte offsets, so positions found in `lower` hold in `text`.
    let lower = text.to_ascii_lowercase();
    let Some(start) = lower.find(&format!("</{name}")) else {
        return "";
    };
    &text[start + tag_end(&text[start..])..]
}

/// A decoded `<` that could open a tag (`&lt;script&gt;`) becomes `‹`: the text is plain, and
/// stays harmless even where someone would forget to escape it.
pub(super) fn defuse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let opens = c == '<' && chars.peek().is_some_and(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?'));
        out.push(if opens { '‹' } else { c });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_from_html() {
        assert_eq!(plain("Text for <strong>first question</strong>"), "Text for first question");
        assert_eq!(plain("Caf&eacute;&nbsp;&amp; th&#233; &#x2013; fin"), "Café & thé – fin");
        assert_eq!(plain("un<br/>deux<p>trois</p>"), "un deux trois");
        assert_eq!(plain("a < b et c > d"), "a < b et c > d");
        assert_eq!(plain("<script>alert(1)</script>Bonjour<style>p{}</style> !"), "Bonjour !");
        assert_eq!(plain("<SCRIPT type='x'>alert('</p>')</SCRIPT>ok"), "ok");
        assert_eq!(plain("<img alt=\"a>b\" src=x onerror=alert(1)>Oui"), "Oui");
        assert_eq!(plain("&lt;script&gt;alert(1)&lt;/script&gt;"), "‹script>alert(1)‹/script>");
        assert_eq!(plain("avant <!-- <b>commentaire</b> --> après"), "avant après");
        assert_eq!(plain("coupé <b"), "coupé");
        assert_eq!(plain("&unknown; &amp"), "&unknown; &amp");
        assert_eq!(plain("l'avis de l’équipe"), "l'avis de l’équipe");
        // The core's rule drops controls and overrides; a zero width still parts two words.
        assert_eq!(plain("a\u{202e}b\u{200b}c"), "ab c");
        assert_eq!(plain("a\u{0}b\u{7}\tc&#x202E;d"), "ab cd");
    }

    #[test]
    fn every_html_entity_is_decoded() {
        // Beyond the 63 names the import once knew: the whole WHATWG list, and numbers.
        assert_eq!(plain("&frac12; &sect;3 &rarr; &Uuml;ber &oslash; &lsaquo;x&rsaquo;"), "½ §3 → Über ø ‹x›");
        assert_eq!(
            plain("l&#x2019;&eacute;t&eacute;&hellip; &#8212; &laquo;&nbsp;oui&nbsp;&raquo;"),
            "l’été… — « oui »"
        );
        // Unknown, unfinished or NUL references stay as written.
        assert_eq!(plain("&unknown; &#0; &#xD800; &amp"), "&unknown; &#0; &#xD800; &amp");
    }

    #[test]
    fn labels_are_capped() {
        let long = "x".repeat(MAX_LABEL_CHARS + 10);
        assert_eq!(plain(&long).chars().count(), MAX_LABEL_CHARS);
    }
}
