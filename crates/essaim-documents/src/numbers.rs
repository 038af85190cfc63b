//! Figures as French typography writes them.

/// "1 234": digits grouped by three with a narrow no-break space (U+202F), which no renderer
/// breaks a line at.
pub fn number(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// Whether a table cell is a figure (digits, grouped or not, maybe a sign, decimals or a
/// percentage), so renderers can align it to the right.
pub(crate) fn is_figure(cell: &str) -> bool {
    let cell = cell.trim();
    cell.chars().any(|c| c.is_ascii_digit())
        && cell.chars().all(|c| c.is_ascii_digit() || matches!(c, '\u{202f}' | '\u{a0}' | ' ' | ',' | '.' | '%' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_in_french() {
        assert_eq!(number(429_112), "429\u{202f}112");
        assert_eq!(number(10_517), "10\u{202f}517");
        assert_eq!(number(1_000_000), "1\u{202f}000\u{202f}000");
        assert_eq!(number(57), "57");
        assert_eq!(number(0), "0");
    }

    #[test]
    fn figures_are_told_from_words() {
        assert!(is_figure("10\u{202f}517"));
        assert!(is_figure("12,5 %"));
        assert!(!is_figure("Loire-Atlantique (44)"));
        assert!(!is_figure(""));
        assert!(!is_figure("-"));
    }
}
