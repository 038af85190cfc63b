//! The one chart drawer: horizontal bars, labelled, readable without colour, as SVG (ODT,
//! HTML) or as a PNG picture of that SVG (DOCX). In every document a table of the same figures
//! follows the chart, so the chart never is the only way to read them.

use std::collections::BTreeMap;

use crate::numbers::number;
use crate::xml::escape;
use crate::DocumentError;

/// Counts of one facet as bars: (label, count), largest first, ties by label.
pub fn bars(counts: &BTreeMap<String, usize>, label: impl Fn(&str) -> String) -> Vec<(String, usize)> {
    let mut bars: Vec<(String, usize)> = counts.iter().map(|(k, v)| (label(k), *v)).collect();
    bars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    bars
}

/// Bars a chart shows at most: beyond, the chart would not fit a page. The smallest are summed
/// into one "autres" bar; the table beside every chart keeps each of them.
pub const MAX_BARS: usize = 20;

/// The bars a chart draws: all of them up to [`MAX_BARS`], else the largest and one "autres"
/// bar summing the rest. Applying it twice changes nothing.
pub fn chart_bars(bars: &[(String, usize)]) -> Vec<(String, usize)> {
    if bars.len() <= MAX_BARS {
        return bars.to_vec();
    }
    let kept = MAX_BARS - 1;
    let rest = &bars[kept..];
    let mut out = bars[..kept].to_vec();
    out.push((format!("autres ({} catégories)", rest.len()), rest.iter().map(|b| b.1).sum()));
    out
}

/// The chart said in words, for readers who cannot see it: "Par canal (diagramme en barres) :
/// Questionnaire 12, Atelier 3." (the bars drawn, figures in French).
pub fn text_alternative(title: &str, bars: &[(String, usize)]) -> String {
    let bars = chart_bars(bars);
    format!(
        "{title} (diagramme en barres) : {}.",
        bars.iter().map(|(l, n)| format!("{l} {}", number(*n))).collect::<Vec<_>>().join(", ")
    )
}

const ROW: usize = 26;
const LABEL_WIDTH: usize = 230;
const BAR_WIDTH: usize = 320;
/// Height of a line of the title.
const TITLE_LINE: usize = 16;
/// Characters of a bar's label that fit left of the bars (13px DejaVu Sans averages about 7.8px
/// a character). A longer label is cut at its end with an ellipsis, its full text kept in a
/// tooltip (`<title>`), in the description and in the table beside every chart: drawn whole,
/// right-aligned, it ran off the picture's left edge and lost its start ("e ou
/// administrateur·rice bénévole", issue 19).
pub const LABEL_CHARS: usize = 28;
/// Characters of the bold title per line: a longer title wraps instead of running off the
/// right edge.
pub const TITLE_CHARS: usize = 66;

/// `label` as drawn: whole if it fits in [`LABEL_CHARS`], else cut with « … ».
fn shortened(label: &str) -> String {
    if label.chars().count() <= LABEL_CHARS {
        return label.to_owned();
    }
    let cut: String = label.chars().take(LABEL_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

/// The title's lines: words greedily filled up to [`TITLE_CHARS`] a line (a longer word cut).
fn title_lines(title: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in title.split_whitespace() {
        let mut word: Vec<char> = word.chars().collect();
        while word.len() > TITLE_CHARS {
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            lines.push(word.drain(..TITLE_CHARS).collect());
        }
        let word: String = word.into_iter().collect();
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > TITLE_CHARS {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A horizontal bar chart as SVG; `title` is its accessible name (`<title>`) and the
/// [`text_alternative`] its description (`<desc>`).
pub fn bar_chart_svg(title: &str, bars: &[(String, usize)]) -> String {
    let bars = chart_bars(bars);
    let (width, height) = bar_chart_size(title, &bars);
    let max = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1);
    let lines = title_lines(title);
    let drawn_title: String = lines
        .iter()
        .enumerate()
        .map(|(i, l)| format!("<tspan x=\"0\" y=\"{}\">{}</tspan>", 16 + i * TITLE_LINE, escape(l)))
        .collect();
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"13\">\
<title>{t}</title><desc>{d}</desc><text x=\"0\" y=\"16\" font-weight=\"bold\" fill=\"#1c1d21\">{drawn_title}</text>",
        t = escape(title),
        d = escape(&text_alternative(title, &bars)),
    );
    let top = 30 + (lines.len() - 1) * TITLE_LINE;
    for (i, (name, value)) in bars.iter().enumerate() {
        let y = top + i * ROW;
        let length = (*value as f64 / max as f64 * BAR_WIDTH as f64).round().max(1.0);
        let drawn = shortened(name);
        // A cut label keeps its full text as the tooltip of what is drawn.
        let tooltip = if drawn == *name { String::new() } else { format!("<title>{}</title>", escape(name)) };
        svg.push_str(&format!(
            "<text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\" fill=\"#1c1d21\">{tooltip}{drawn}</text>\
<rect x=\"{bx}\" y=\"{y}\" width=\"{length}\" height=\"18\" fill=\"#0b5e57\"/>\
<text x=\"{vx}\" y=\"{ty}\" fill=\"#1c1d21\">{value}</text>",
            lx = LABEL_WIDTH - 8,
            ty = y + 14,
            drawn = escape(&drawn),
            bx = LABEL_WIDTH,
            vx = LABEL_WIDTH as f64 + length + 6.0,
        ));
    }
    svg.push_str("</svg>");
    svg
}

/// The same chart as a PNG picture at twice its size (sharp when printed), for formats whose
/// readers do not all show SVG (DOCX). Deterministic: the same bars give the same bytes.
pub fn bar_chart_png(title: &str, bars: &[(String, usize)]) -> Result<Vec<u8>, DocumentError> {
    let error = |reason: String| DocumentError::Chart { title: title.to_owned(), reason };
    let svg = bar_chart_svg(title, bars);
    let tree = resvg::usvg::Tree::from_str(&svg, &crate::fonts::svg_options()).map_err(|e| error(e.to_string()))?;
    let scale = 2.0;
    let size = tree.size().to_int_size().scale_by(scale).ok_or_else(|| error("taille invalide".into()))?;
    let mut pixmap =
        resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or_else(|| error("taille invalide".into()))?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| error(e.to_string()))
}

/// Width and height of the chart in SVG pixels (1/96 in), for placing its picture: a long
/// title takes more lines.
pub fn bar_chart_size(title: &str, bars: &[(String, usize)]) -> (usize, usize) {
    let extra_lines = title_lines(title).len() - 1;
    (LABEL_WIDTH + BAR_WIDTH + 70, 34 + extra_lines * TITLE_LINE + ROW * bars.len().clamp(1, MAX_BARS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_facets_are_cut_to_the_largest_bars_and_one_for_the_rest() {
        let bars: Vec<(String, usize)> = (0..101).map(|i| (format!("d{i}"), 200 - i)).collect();
        let shown = chart_bars(&bars);
        assert_eq!(shown.len(), MAX_BARS);
        assert_eq!(shown[0], bars[0]);
        assert_eq!(shown.last().unwrap().0, "autres (82 catégories)");
        assert_eq!(shown.iter().map(|b| b.1).sum::<usize>(), bars.iter().map(|b| b.1).sum::<usize>());
        assert_eq!(chart_bars(&bars[..5]), bars[..5].to_vec());
        assert_eq!(chart_bars(&shown), shown, "idempotent");
        // The drawing cuts too, whoever calls it.
        let svg = bar_chart_svg("Par département", &bars);
        assert_eq!(svg.matches("<rect").count(), MAX_BARS);
        assert_eq!(bar_chart_size("Par département", &bars), bar_chart_size("Par département", &shown));
    }

    #[test]
    fn png_chart_is_a_deterministic_picture_of_the_svg_size() {
        let bars = vec![("Questionnaire".to_owned(), 12), ("Atelier — Nantes".to_owned(), 3)];
        let png = bar_chart_png("Contributions par canal", &bars).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        // IHDR: width and height, big-endian, at twice the SVG size.
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        let (w, h) = bar_chart_size("Contributions par canal", &bars);
        assert_eq!((width as usize, height as usize), (w * 2, h * 2));
        assert_eq!(png, bar_chart_png("Contributions par canal", &bars).unwrap());
        // Text was drawn: the picture is not only white and bars.
        assert!(png.len() > 2000);
    }

    #[test]
    fn bars_are_sorted_names_escaped_and_the_chart_described() {
        let counts = BTreeMap::from([("a".to_owned(), 2), ("b".to_owned(), 5_000)]);
        let b = bars(&counts, |k| format!("<{k}>"));
        assert_eq!(b[0], ("<b>".to_owned(), 5_000));
        let svg = bar_chart_svg("Par canal", &b);
        assert!(svg.contains("<title>Par canal</title>"));
        assert!(svg.contains("<desc>Par canal (diagramme en barres) : &lt;b&gt; 5\u{202f}000, &lt;a&gt; 2.</desc>"));
        assert!(svg.contains("&lt;b&gt;"));
        assert!(!svg.contains("<b>"));
        assert!(roxmltree::Document::parse(&svg).is_ok());
        // A label with characters XML forbids still gives a picture.
        assert!(bar_chart_png("Par canal", &[("a\u{1}\u{fffe}b".to_owned(), 1)]).is_ok());
    }

    #[test]
    fn long_labels_are_cut_at_their_end_with_the_full_text_kept_and_long_titles_wrap() {
        let long = "Salarié·e ou administrateur·rice bénévole d'une structure de l'ESS";
        let title = "Quelle est votre relation avec les services de la Région en matière de soutien à l'économie sociale et solidaire ?";
        let bars = vec![(long.to_owned(), 4), ("Autre".to_owned(), 1)];
        let svg = bar_chart_svg(title, &bars);
        let doc = roxmltree::Document::parse(&svg).unwrap();
        let texts: Vec<String> = doc
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.children().filter(|c| c.is_text()).map(|c| c.text().unwrap_or("")).collect())
            .collect();
        // The drawn label starts as the label does and ends with an ellipsis, within the room.
        let drawn = texts.iter().find(|t| t.ends_with('…')).expect("a cut label");
        assert!(long.starts_with(drawn.trim_end_matches('…')), "{drawn}");
        assert!(drawn.chars().count() <= LABEL_CHARS);
        assert!(texts.contains(&"Autre".to_owned()), "a short label is drawn whole");
        // Its full text stays: tooltip and description.
        assert!(svg.contains(&format!("<title>{}</title>", escape(long))));
        assert!(svg.contains(&format!("<desc>{} (diagramme en barres) : {} 4", escape(title), escape(long))));
        // The title wraps on lines that fit, all its words drawn, and the picture grows with it.
        let lines: Vec<String> =
            doc.descendants().filter(|n| n.has_tag_name("tspan")).map(|n| n.text().unwrap_or("").to_owned()).collect();
        assert!(lines.len() >= 2 && lines.iter().all(|l| l.chars().count() <= TITLE_CHARS), "{lines:?}");
        assert_eq!(lines.join(" "), title);
        assert_eq!(bar_chart_size(title, &bars).1, bar_chart_size("Court", &bars).1 + (lines.len() - 1) * TITLE_LINE);
        assert!(bar_chart_png(title, &bars).is_ok());
    }
}
