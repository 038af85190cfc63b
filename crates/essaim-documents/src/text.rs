//! Measuring and breaking lines of text with the built-in fonts, for the PDF (which has no
//! reader to lay text out) and for sizing table columns in every office format.
//!
//! Lines break where the Unicode line-breaking rules (UAX #14, the `unicode-linebreak` crate)
//! allow it: at spaces, after hyphens, and so on, never at a no-break space (U+00A0) or the
//! narrow no-break space (U+202F) that French figures ("10 517") and punctuation use. On top of
//! those rules, as French typography wants, no line starts with `:`, `;`, `!`, `?` or `»` and
//! none ends with `«`, unless the words they glue together are wider than a line. A word wider
//! than the line is cut between characters rather than run past the margin.

use unicode_linebreak::{linebreaks, BreakOpportunity};

use crate::fonts;
use crate::DocumentError;

/// Which of the two built-in faces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Face {
    Regular,
    Bold,
}

/// Spaces that join rather than separate: no line breaks there and they are kept as they are.
fn no_break_space(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{202f}' | '\u{2007}' | '\u{2060}' | '\u{feff}')
}

/// Advance widths from the font files, to break lines before drawing them.
pub(crate) struct Metrics {
    regular: ttf_parser::Face<'static>,
    bold: ttf_parser::Face<'static>,
}

impl Metrics {
    pub(crate) fn new() -> Result<Self, DocumentError> {
        let parse =
            |data: &'static [u8]| ttf_parser::Face::parse(data, 0).map_err(|e| DocumentError::Font(e.to_string()));
        Ok(Metrics { regular: parse(fonts::REGULAR)?, bold: parse(fonts::BOLD)? })
    }

    fn face(&self, face: Face) -> &ttf_parser::Face<'static> {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// Width of `text` in points at `size`.
    pub(crate) fn width(&self, face: Face, size: f32, text: &str) -> f32 {
        let f = self.face(face);
        let units: u32 =
            text.chars().map(|c| f.glyph_index(c).and_then(|g| f.glyph_hor_advance(g)).unwrap_or(0) as u32).sum();
        units as f32 * size / f.units_per_em() as f32
    }

    /// The text as the fonts can draw it: every line break, tab or other breaking space becomes
    /// a space (a block is one paragraph), and every character the fonts cannot draw becomes
    /// "?", so no reader sees an empty box and the PDF/UA check (every glyph maps to a
    /// character) holds.
    pub(crate) fn printable(&self, text: &str) -> String {
        text.chars()
            .map(|c| match c {
                c if c.is_whitespace() && !no_break_space(c) => ' ',
                c if c.is_control() => '?',
                // Glyph 0 is the font's "missing glyph" box: some lookups (U+FFFF) answer it.
                c if [&self.regular, &self.bold].iter().all(|f| f.glyph_index(c).is_some_and(|g| g.0 != 0)) => c,
                _ => '?',
            })
            .collect()
    }

    /// Breaks `text` (made [`printable`](Self::printable) first) into lines of at most `width`
    /// points. A line that ends where a space was keeps that space, so the text copied or
    /// read aloud from the PDF does not run words together; the concatenated lines give the
    /// text back with its runs of spaces collapsed. An empty text is one empty line.
    pub(crate) fn wrap(&self, face: Face, size: f32, text: &str, width: f32) -> Vec<String> {
        let text = collapse_spaces(text);
        let mut wrapper =
            Wrapper { metrics: self, face, size, width, lines: Vec::new(), line: String::new(), used: 0.0 };
        // Break opportunities (byte offsets where a line may start), the end excluded; `true`
        // where French typography accepts the break too.
        let mut start = 0;
        let mut inner = Vec::new();
        for at in opportunities(&text) {
            if french_break(&text, at) {
                wrapper.group(&text[start..at], &inner);
                start = at;
                inner.clear();
            } else {
                inner.push(at - start);
            }
        }
        wrapper.group(&text[start..], &inner);
        wrapper.finish()
    }

    /// Width of the widest piece of `text` that no rule lets break, capped at `cap`: what a
    /// table column needs at least.
    pub(crate) fn widest_word(&self, face: Face, size: f32, text: &str, cap: f32) -> f32 {
        let text = collapse_spaces(text);
        let mut start = 0;
        let mut widest: f32 = 0.0;
        for (at, _) in linebreaks(&text) {
            widest = widest.max(self.width(face, size, text[start..at].trim_end()));
            if widest >= cap {
                return cap;
            }
            start = at;
        }
        widest
    }
}

/// Runs of breaking spaces become one space, and the ends are trimmed; no-break spaces stay.
fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(|c: char| c.is_whitespace() && !no_break_space(c)).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Where a line may start, by the Unicode rules (the end of the text excluded), plus after a
/// space that follows a closing » or precedes an opening «. Unicode 15.0, which
/// `unicode-linebreak` implements, treats every quotation mark as ambiguous: it never breaks
/// before one, nor between one and a following parenthesis ("» (réf. …)"). French (and
/// Unicode 15.1, which tells « from ») breaks there at the space.
fn opportunities(text: &str) -> Vec<usize> {
    let mut at: Vec<usize> = linebreaks(text)
        .filter(|(at, kind)| *at < text.len() && *kind == BreakOpportunity::Allowed)
        .map(|(at, _)| at)
        .collect();
    let before_opening = text.match_indices(" «").map(|(i, _)| i + 1);
    let after_closing = text.match_indices("» ").map(|(i, m)| i + m.len()).filter(|i| *i < text.len());
    at.extend(before_opening.chain(after_closing));
    at.sort_unstable();
    at.dedup();
    at
}

/// Whether French typography accepts a line starting at byte `at`.
fn french_break(text: &str, at: usize) -> bool {
    !text[at..].starts_with([':', ';', '!', '?', '»']) && !text[..at].trim_end().ends_with('«')
}

/// Greedy line filling, one unbreakable group at a time.
struct Wrapper<'m> {
    metrics: &'m Metrics,
    face: Face,
    size: f32,
    width: f32,
    lines: Vec<String>,
    line: String,
    /// Width of `line`, its trailing spaces included.
    used: f32,
}

impl Wrapper<'_> {
    fn measure(&self, text: &str) -> f32 {
        self.metrics.width(self.face, self.size, text)
    }

    fn flush(&mut self) {
        if !self.line.is_empty() {
            self.lines.push(std::mem::take(&mut self.line));
            self.used = 0.0;
        }
    }

    /// Places a group that French typography keeps on one line; `inner` holds the offsets,
    /// inside it, where only the Unicode rules allow a break: used when the group is wider
    /// than a line.
    fn group(&mut self, group: &str, inner: &[usize]) {
        if self.fits_whole(group) || inner.is_empty() {
            self.piece(group);
            return;
        }
        let mut start = 0;
        for &at in inner.iter().chain(std::iter::once(&group.len())) {
            self.piece(&group[start..at]);
            start = at;
        }
    }

    /// Whether `text` fits on some line: this one, or a fresh one.
    fn fits_whole(&self, text: &str) -> bool {
        self.measure(text.trim_end()) <= self.width
    }

    /// Places text with no break opportunity inside (its trailing spaces aside).
    fn piece(&mut self, piece: &str) {
        let body = piece.trim_end();
        let spaces = &piece[body.len()..];
        let body_width = self.measure(body);
        if self.used + body_width > self.width {
            self.flush();
        }
        if body_width <= self.width {
            self.line.push_str(piece);
            self.used += body_width + self.measure(spaces);
            return;
        }
        // Wider than any line: cut between characters.
        for c in body.chars() {
            let w = self.measure(c.encode_utf8(&mut [0; 4]));
            if !self.line.is_empty() && self.used + w > self.width {
                self.flush();
            }
            self.line.push(c);
            self.used += w;
        }
        // Trailing spaces never count against the width.
        self.line.push_str(spaces);
        self.used += self.measure(spaces);
    }

    fn finish(mut self) -> Vec<String> {
        self.flush();
        if self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_fit(m: &Metrics, lines: &[String], width: f32) {
        for line in lines {
            assert!(m.width(Face::Regular, 10.0, line.trim_end()) <= width, "{line:?} is wider than {width}");
        }
    }

    #[test]
    fn lines_break_at_spaces_and_the_text_comes_back_whole() {
        let m = Metrics::new().unwrap();
        let text = "Développer les coopérations entre structures de l'économie sociale et solidaire";
        let lines = m.wrap(Face::Regular, 10.0, text, 150.0);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), text);
        assert!(lines[..lines.len() - 1].iter().all(|l| l.ends_with(' ')), "the space of each break is kept");
        assert_fit(&m, &lines, 150.0);
        assert_eq!(m.wrap(Face::Regular, 10.0, "", 100.0), vec![String::new()]);
        assert_eq!(m.wrap(Face::Regular, 10.0, "  deux   espaces  ", 500.0), vec!["deux espaces".to_owned()]);
    }

    #[test]
    fn a_french_figure_never_splits_at_its_narrow_no_break_space() {
        let m = Metrics::new().unwrap();
        let text = "10\u{202f}517 contributions";
        let figure = m.width(Face::Regular, 10.0, "10\u{202f}517");
        let whole = m.width(Face::Regular, 10.0, text);
        let word = m.width(Face::Regular, 10.0, "contributions");
        // Every width from just the figure up to the whole text: "10" never ends a line.
        let mut width = figure;
        while width < whole {
            let lines = m.wrap(Face::Regular, 10.0, text, width);
            assert_eq!(lines[0], "10\u{202f}517 ", "at {width}");
            if width >= word {
                assert_eq!(lines, ["10\u{202f}517 ", "contributions"], "at {width}");
            }
            assert_fit(&m, &lines, width);
            width += 1.0;
        }
        assert_eq!(m.wrap(Face::Regular, 10.0, text, whole), [text]);
        // The same with the no-break space, and inside a longer sentence.
        let sentence = "soit 1\u{a0}234 voix et 10\u{202f}517 contributions lues, 9\u{202f}223 voix distinctes";
        for width in [40.0, 60.0, 80.0, 120.0] {
            for line in m.wrap(Face::Regular, 10.0, sentence, width) {
                let line = line.trim_end();
                assert!(!line.ends_with("10") && !line.ends_with(" 1") && !line.ends_with(" 9"), "{line:?}");
                assert!(!line.starts_with("517") && !line.starts_with("234"), "{line:?}");
            }
        }
    }

    #[test]
    fn french_punctuation_stays_with_its_word() {
        let m = Metrics::new().unwrap();
        let text = "une relation privilégiée ? « oui » : bien sûr ; vraiment !";
        // Widths where every word fits: the rules hold.
        for width in [80.0, 90.0, 120.0, 160.0] {
            let lines = m.wrap(Face::Regular, 10.0, text, width);
            assert_eq!(lines.concat(), text);
            for line in &lines {
                assert!(!line.starts_with([':', ';', '!', '?', '»']), "{lines:?} at {width}");
                assert!(!line.trim_end().ends_with('«'), "{lines:?} at {width}");
            }
        }
        // A line may break before an opening « (after its space), not after it.
        let quoted = "il a dit « bonjour » puis est parti";
        let at = m.width(Face::Regular, 10.0, "il a dit « bon");
        let lines = m.wrap(Face::Regular, 10.0, quoted, at);
        assert_eq!(lines[..2], ["il a dit ", "« bonjour » "]);
        // And after a closing » before a parenthesis, as quotes end with their reference.
        let quote = "« Former les élus à l'économie sociale. » (réf. demo-005)";
        let at = m.width(Face::Regular, 10.0, "« Former les élus à l'économie sociale. » (ré");
        assert_eq!(
            m.wrap(Face::Regular, 10.0, quote, at),
            ["« Former les élus à l'économie sociale. » ", "(réf. demo-005)"]
        );
        // A glued group wider than the line still breaks, rather than overflowing.
        let lines = m.wrap(Face::Regular, 10.0, "« oui »", 15.0);
        assert!(lines.len() > 1);
        assert_fit(&m, &lines, 15.0);
    }

    #[test]
    fn lines_break_after_hyphens_without_adding_spaces() {
        let m = Metrics::new().unwrap();
        let text = "Loire-Atlantique";
        let width = m.width(Face::Regular, 10.0, "Loire-Atlan");
        let lines = m.wrap(Face::Regular, 10.0, text, width);
        assert_eq!(lines, ["Loire-", "Atlantique"]);
    }

    #[test]
    fn a_word_wider_than_the_line_is_cut_not_run_past_the_margin() {
        let m = Metrics::new().unwrap();
        let long = "a".repeat(200);
        let cut = m.wrap(Face::Regular, 10.0, &long, 100.0);
        assert!(cut.len() > 1);
        assert_eq!(cut.concat(), long);
        assert_fit(&m, &cut, 100.0);
        let url = "https://www.example.org/consultation/strategie-regionale-economie-sociale-et-solidaire/contributions?theme=emploi&page=12";
        for width in [60.0, 100.0, 200.0] {
            let lines = m.wrap(Face::Regular, 10.0, &format!("Voir {url} pour le détail"), width);
            assert_fit(&m, &lines, width);
            assert_eq!(lines.concat(), format!("Voir {url} pour le détail"));
        }
    }

    #[test]
    fn characters_the_font_lacks_become_question_marks_and_breaks_spaces() {
        let m = Metrics::new().unwrap();
        assert_eq!(m.printable("Économie « sociale » — 10\u{202f}517 €"), "Économie « sociale » — 10\u{202f}517 €");
        assert_eq!(m.printable("ok 中文\u{7}"), "ok ???");
        assert_eq!(m.printable("a\u{ffff}b\u{fffe}"), "a?b?", "glyph 0 is the missing-glyph box");
        assert_eq!(m.printable("a\nb\rc\u{2028}d\u{85}e\u{b}f\u{c}g\th"), "a b c d e f g h");
    }

    #[test]
    fn the_widest_word_is_what_a_column_needs_at_least() {
        let m = Metrics::new().unwrap();
        let widest = m.widest_word(Face::Regular, 10.0, "le mot anticonstitutionnellement", 1000.0);
        assert_eq!(widest, m.width(Face::Regular, 10.0, "anticonstitutionnellement"));
        assert_eq!(m.widest_word(Face::Regular, 10.0, &"x".repeat(1000), 50.0), 50.0);
        assert_eq!(m.widest_word(Face::Regular, 10.0, "", 50.0), 0.0);
    }
}
