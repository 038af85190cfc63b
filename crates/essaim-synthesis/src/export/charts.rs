//! Participation charts as SVG: horizontal bars, labelled, readable without colour, with a
//! text equivalent beside them in every export.

use std::collections::BTreeMap;

use super::html::escape;

/// Participation of a theme or a whole run by one facet: (label, count), largest first.
pub fn bars(counts: &BTreeMap<String, usize>, label: impl Fn(&str) -> String) -> Vec<(String, usize)> {
    let mut bars: Vec<(String, usize)> = counts.iter().map(|(k, v)| (label(k), *v)).collect();
    bars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    bars
}

/// A horizontal bar chart; `title` is also the accessible name.
pub fn bar_chart_svg(title: &str, bars: &[(String, usize)]) -> String {
    let row = 26;
    let label_width = 230;
    let bar_width = 320;
    let height = 34 + row * bars.len().max(1);
    let max = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" font-family=\"sans-serif\" font-size=\"13\">\
<title>{t}</title><text x=\"0\" y=\"16\" font-weight=\"bold\" fill=\"#1c1d21\">{t}</text>",
        w = label_width + bar_width + 70,
        t = escape(title)
    );
    for (i, (name, value)) in bars.iter().enumerate() {
        let y = 30 + i * row;
        let length = (*value as f64 / max as f64 * bar_width as f64).round().max(1.0);
        svg.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" fill=\"#1c1d21\">{name}</text>\
<rect x=\"{bx}\" y=\"{y}\" width=\"{length}\" height=\"18\" fill=\"#0b5e57\"/>\
<text x=\"{vx}\" y=\"{ty}\" fill=\"#1c1d21\">{value}</text>",
            lx = label_width - 8,
            ty = y + 14,
            name = escape(name),
            bx = label_width,
            vx = label_width as f64 + length + 6.0,
        ));
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_sorted_and_names_escaped() {
        let counts = BTreeMap::from([("a".to_owned(), 2), ("b".to_owned(), 5)]);
        let b = bars(&counts, |k| format!("<{k}>"));
        assert_eq!(b[0], ("<b>".to_owned(), 5));
        let svg = bar_chart_svg("Par canal", &b);
        assert!(svg.contains("<title>Par canal</title>"));
        assert!(svg.contains("&lt;b&gt;"));
        assert!(!svg.contains("<b>"));
    }
}
