//! Markdown (CommonMark, with GFM tables): readable as plain text, convertible by any tool.
//! Charts are left out: the table of their figures follows them.
//!
//! Texts come from contributions, so none of their characters may become markup in any
//! CommonMark or GFM renderer:
//! - every line break a renderer may honour (LF, CR, U+2028, U+2029, U+0085, vertical tab,
//!   form feed) and every run of spaces is folded into one space, so a text is one line and
//!   cannot start a heading, a list, a quote, a code block or a table of its own;
//! - markup characters are escaped with a backslash, and at the start of a block so are the
//!   characters that would open a list, a thematic break or an ordered list (`-`, `+`, `=`,
//!   `1.`);
//! - tokens that look like an address (`http://`, `https://`, `ftp://`, `www.`, `mailto:`,
//!   e-mail addresses) are put in code spans, which GFM's autolink extension does not enter,
//!   fenced by more backticks than any run inside them.

use crate::table::Grid;
use crate::{contents_entries, heading_level, Block, Document, CONTENTS_TITLE};

/// Spaces that join words: kept as they are (French figures and punctuation use them).
fn no_break_space(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}')
}

/// Whether a token would be turned into a link by an autolink extension.
fn looks_like_address(token: &str) -> bool {
    let lower = token.to_lowercase();
    if ["://", "www.", "mailto:", "xmpp:"].iter().any(|marker| lower.contains(marker)) {
        return true;
    }
    // An e-mail address: something@domain.tld.
    lower.find('@').is_some_and(|at| at > 0 && lower[at + 1..].contains('.'))
}

/// A code span holding `token` as it is: the fence is one backtick longer than the longest run
/// inside, and padded with spaces when the token starts or ends with a backtick.
fn code_span(token: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in token.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if token.starts_with('`') || token.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{token}{pad}{fence}")
}

/// An address as code. In a GFM table a pipe ends the cell even inside a code span, and an
/// escaped one would keep a backslash before it there, so in a table the pipes go between code
/// spans, escaped.
fn address(token: &str, in_table: bool) -> String {
    if !in_table {
        return code_span(token);
    }
    token
        .split('|')
        .map(|piece| if piece.is_empty() { String::new() } else { code_span(piece) })
        .collect::<Vec<_>>()
        .join("\\|")
}

/// Escapes one token of words; `at_start` when it opens the block.
fn escape_token(token: &str, at_start: bool, out: &mut String) {
    let chars: Vec<char> = token.chars().collect();
    // "2016." or "3)" opening a block would start an ordered list: escape the delimiter.
    let digits = chars.iter().take_while(|c| c.is_ascii_digit()).count();
    let ordered = at_start && digits > 0 && matches!(chars.get(digits), Some('.') | Some(')'));
    for (i, &c) in chars.iter().enumerate() {
        let markup = matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~')
            // "&amp;" would be read as an entity.
            || (c == '&' && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#'))
            || (at_start && i == 0 && matches!(c, '-' | '+' | '='))
            || (ordered && i == digits);
        if markup {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A text as Markdown inline content on one line, none of its characters read as markup.
pub(crate) fn inline(text: &str, in_table: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let tokens =
        text.split(|c: char| (c.is_whitespace() && !no_break_space(c)) || c.is_control()).filter(|t| !t.is_empty());
    for (i, token) in tokens.enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if looks_like_address(token) {
            out.push_str(&address(token, in_table));
        } else {
            // A table cell holds inline content only: nothing there can open a block.
            escape_token(token, i == 0 && !in_table, &mut out);
        }
    }
    out
}

fn table(out: &mut String, name: &str, header: &[String], rows: &[Vec<String>]) {
    let Some(grid) = Grid::new(header, rows) else { return };
    // The caption, as a paragraph before the table (Markdown tables have none).
    out.push_str(&format!("**{}**\n\n", inline(name, false)));
    let cells = |cells: &[&str]| cells.iter().map(|c| format!(" {} |", inline(c, true))).collect::<String>();
    out.push_str(&format!("|{}\n|", cells(&grid.header)));
    for c in 0..grid.columns {
        out.push_str(if grid.is_figures(c) { " ---: |" } else { " --- |" });
    }
    out.push('\n');
    for row in &grid.rows {
        out.push_str(&format!("|{}\n", cells(row)));
    }
    out.push('\n');
}

/// The Markdown text.
pub(crate) fn render(document: &Document) -> String {
    let mut out = String::new();
    for (at, block) in document.blocks.iter().enumerate() {
        match block {
            Block::Title(text) => out.push_str(&format!("# {}\n\n", inline(text, false))),
            Block::Cover { title, subtitle, details } => {
                out.push_str(&format!("# {}\n\n", inline(title, false)));
                for line in std::iter::once(subtitle).chain(details).filter(|l| !l.is_empty()) {
                    out.push_str(&format!("{}\n\n", inline(line, false)));
                }
            }
            Block::Contents => {
                out.push_str(&format!("## {CONTENTS_TITLE}\n\n"));
                for (level, text) in contents_entries(&document.blocks, at) {
                    let indent = if level == 2 { "  " } else { "" };
                    out.push_str(&format!("{indent}- {}\n", inline(text, false)));
                }
                out.push('\n');
            }
            // The picture's text alternative stands for it.
            Block::Image(picture) => out.push_str(&format!("*{}*\n\n", inline(&picture.alt, false))),
            Block::Heading { level, text } => {
                let marks = "#".repeat(usize::from(heading_level(*level)) + 1);
                out.push_str(&format!("{marks} {}\n\n", inline(text, false)));
            }
            Block::Paragraph(text) => {
                let text = inline(text, false);
                if !text.is_empty() {
                    out.push_str(&format!("{text}\n\n"));
                }
            }
            Block::Quote(text) => out.push_str(&format!("> {}\n\n", inline(text, false))),
            Block::List(items) => {
                for item in items {
                    out.push_str(&format!("- {}\n", inline(item, false)));
                }
                out.push('\n');
            }
            Block::Table { name, header, rows } => table(&mut out, name, header, rows),
            // A picture has no Markdown form; its figures are in the table that follows.
            Block::Chart { .. } => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_is_escaped_and_lines_folded() {
        assert_eq!(
            inline("<script> *gras* [lien](x) # | ~~barré~~", false),
            "\\<script\\> \\*gras\\* \\[lien\\](x) \\# \\| \\~\\~barré\\~\\~"
        );
        assert_eq!(inline("a\nb\r\nc\u{2028}d\u{2029}e\u{85}f\u{b}g\u{c}h", false), "a b c d e f g h");
        assert_eq!(inline("  deux   espaces\t", false), "deux espaces");
        assert_eq!(inline("Vraiment ! Et ![image](x)", false), "Vraiment ! Et !\\[image\\](x)");
        assert_eq!(inline("10\u{202f}517 « oui »", false), "10\u{202f}517 « oui »");
        assert_eq!(inline("Cafés & co &amp; &#60;", false), "Cafés & co \\&amp; \\&\\#60;");
    }

    #[test]
    fn block_openers_are_escaped_only_at_the_start() {
        assert_eq!(inline("- pas une liste - vraiment", false), "\\- pas une liste - vraiment");
        assert_eq!(inline("+ plus", false), "\\+ plus");
        assert_eq!(inline("=== titre", false), "\\=== titre");
        assert_eq!(inline("2016. Une année", false), "2016\\. Une année");
        assert_eq!(inline("3) trois", false), "3\\) trois");
        assert_eq!(inline("le 3) reste", false), "le 3) reste");
        assert_eq!(inline("---", false), "\\---");
        // A table cell holds inline content only: its start needs no escape.
        assert_eq!(inline("0.1.0", true), "0.1.0");
        assert_eq!(inline("- x", true), "- x");
    }

    #[test]
    fn addresses_go_in_code_spans_fenced_longer_than_their_backticks() {
        assert_eq!(inline("voir https://exemple.fr/a_b", false), "voir `https://exemple.fr/a_b`");
        assert_eq!(inline("www.ess.fr", false), "`www.ess.fr`");
        assert_eq!(inline("contact@ess.fr", false), "`contact@ess.fr`");
        assert_eq!(inline("@ESS", false), "@ESS");
        assert_eq!(inline("http://x/``y`", false), "``` http://x/``y` ```");
        assert_eq!(code_span("`http://x`"), "`` `http://x` ``");
        assert_eq!(address("http://a|b", false), "`http://a|b`");
        assert_eq!(address("http://a|b||c", true), "`http://a`\\|`b`\\|\\|`c`");
    }

    #[test]
    fn tables_have_a_caption_and_right_aligned_figures_and_charts_are_left_out() {
        let mut document = Document::new("T");
        document.blocks = vec![
            Block::Chart { title: "Par canal".into(), bars: vec![("En ligne".into(), 3)] },
            Block::Table {
                name: "Par canal".into(),
                header: vec!["Canal".into(), "Contributions".into()],
                rows: vec![vec!["En | ligne".into(), "10\u{202f}517".into()]],
            },
        ];
        assert_eq!(
            render(&document),
            "**Par canal**\n\n| Canal | Contributions |\n| --- | ---: |\n| En \\| ligne | 10\u{202f}517 |\n\n"
        );
    }
}
