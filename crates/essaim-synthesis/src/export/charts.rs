//! Participation charts as SVG: horizontal bars, labelled, readable without colour, with a
//! text equivalent beside them in every export.

use std::collections::BTreeMap;

// XML escaping, which also drops characters XML forbids: the SVG is parsed again for the PNG.
use super::odt::xml as escape;

/// Participation of a theme or a whole run by one facet: (label, count), largest first.
pub fn bars(counts: &BTreeMap<String, usize>, label: impl Fn(&str) -> String) -> Vec<(String, usize)> {
    let mut bars: Vec<(String, usize)> = counts.iter().map(|(k, v)| (label(k), *v)).collect();
    bars.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    bars
}

/// Bars a chart shows at most: beyond, the chart would not fit a page. The smallest are summed
/// into one "autres" bar; the table beside every chart keeps each of them.
pub const MAX_BARS: usize = 20;

/// The bars of a chart: all of them up to [`MAX_BARS`], else the largest and one "autres" bar.
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

/// A horizontal bar chart; `title` is also the accessible name.
pub fn bar_chart_svg(title: &str, bars: &[(String, usize)]) -> String {
    let row = 26;
    let label_width = 230;
    let bar_width = 320;
    // Keep in step with `bar_chart_size`.
    let height = 34 + row * bars.len().max(1);
    let max = bars.iter().map(|b| b.1).max().unwrap_or(1).max(1);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{w}\" height=\"{height}\" viewBox=\"0 0 {w} {height}\" font-family=\"DejaVu Sans, sans-serif\" font-size=\"13\">\
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

/// The same chart as a PNG picture at twice its size (sharp when printed), for formats whose
/// readers do not all show SVG (DOCX). Deterministic: the same bars give the same bytes.
pub fn bar_chart_png(title: &str, bars: &[(String, usize)]) -> Result<Vec<u8>, String> {
    let svg = bar_chart_svg(title, bars);
    let tree = resvg::usvg::Tree::from_str(&svg, &super::fonts::svg_options())
        .map_err(|e| format!("graphique « {title} » : {e}"))?;
    let scale = 2.0;
    let size = tree.size().to_int_size().scale_by(scale).ok_or("graphique : taille invalide")?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).ok_or("graphique : taille invalide")?;
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(&tree, resvg::tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().map_err(|e| format!("graphique « {title} » : {e}"))
}

/// Width and height of the chart in SVG pixels (1/96 in), for placing its picture.
pub fn bar_chart_size(bars: &[(String, usize)]) -> (f64, f64) {
    (620.0, (34 + 26 * bars.len().max(1)) as f64)
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
    }

    #[test]
    fn png_chart_is_a_deterministic_picture_of_the_svg_size() {
        let bars = vec![("Questionnaire".to_owned(), 12), ("Atelier — Nantes".to_owned(), 3)];
        let png = bar_chart_png("Contributions par canal", &bars).unwrap();
        assert_eq!(&png[1..4], b"PNG");
        // IHDR: width and height, big-endian, at twice the SVG size.
        let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
        let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
        let (w, h) = bar_chart_size(&bars);
        assert_eq!((width as f64, height as f64), (w * 2.0, h * 2.0));
        assert_eq!(png, bar_chart_png("Contributions par canal", &bars).unwrap());
        // Text was drawn: the picture is not only white and bars.
        assert!(png.len() > 2000);
    }

    #[test]
    fn bars_are_sorted_and_names_escaped() {
        let counts = BTreeMap::from([("a".to_owned(), 2), ("b".to_owned(), 5)]);
        let b = bars(&counts, |k| format!("<{k}>"));
        assert_eq!(b[0], ("<b>".to_owned(), 5));
        let svg = bar_chart_svg("Par canal", &b);
        assert!(svg.contains("<title>Par canal</title>"));
        assert!(svg.contains("&lt;b&gt;"));
        assert!(!svg.contains("<b>"));
        // A label with characters XML forbids still gives a picture.
        assert!(bar_chart_png("Par canal", &[("a\u{1}\u{fffe}b".to_owned(), 1)]).is_ok());
    }
}
