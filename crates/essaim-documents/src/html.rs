//! One standalone HTML page: readable on screen, printed well (A4, a page per part, headings
//! kept with what follows), accessible — the document's language, one `h1` and headings in
//! order, tables with a caption and header cells (`th` with `scope`), charts as inline SVG with
//! a name and a description, each followed by the table of its figures. No script, no outside
//! resource: the file opens anywhere.

use crate::charts::bar_chart_svg;
use crate::table::Grid;
use crate::{heading_level, Block, Document, CONTENTS_TITLE};

/// Escapes text for HTML content and attribute values; drops the control characters HTML
/// forbids (line breaks and tabs become spaces: a block's text is one paragraph).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => out.push(' '),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;line-height:1.5;color:#1c1d21;max-width:52rem;margin:2rem auto;padding:0 1rem}\
h1,h2,h3,h4{line-height:1.25}h2{border-bottom:2px solid #0b5e57;padding-bottom:.2rem;margin-top:2.5rem}\
blockquote{border-left:4px solid #0b5e57;margin:.8rem 0;padding:.2rem 1rem;background:#f4f3ee}\
table{border-collapse:collapse;margin:1rem 0}caption{text-align:left;font-weight:bold}\
th,td{border:1px solid #767881;padding:.25rem .5rem;text-align:left;vertical-align:top}thead th{background:#e3efed}\
.n{text-align:right;font-variant-numeric:tabular-nums}figure{margin:1rem 0}svg{max-width:100%;height:auto}\
.cover{margin:3rem 0 4rem}.cover h1{font-size:2.25rem;color:#0b5e57}.cover .subtitle{font-size:1.25rem}\
.contents ul{list-style:none;padding:0}.contents .level-2{padding-left:1.5rem}\
@media print{body{margin:0;max-width:none}.cover{break-after:page}h2{break-before:page}h2.first{break-before:avoid}h2,h3,h4{break-after:avoid}\
blockquote,li,tr,figure{break-inside:avoid}figure{break-after:avoid}thead{display:table-header-group}a{color:inherit}}\
@page{size:A4;margin:2cm}";

/// The `lang` attribute: the primary subtag of the document's language ("fr-FR" → "fr"), as
/// the application's pages say it.
fn lang(language: &str) -> String {
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    escape(if primary.is_empty() { "fr" } else { primary })
}

fn table(out: &mut String, name: &str, header: &[String], rows: &[Vec<String>]) {
    let Some(grid) = Grid::new(header, rows) else { return };
    let figures: Vec<bool> = (0..grid.columns).map(|c| grid.is_figures(c)).collect();
    out.push_str(&format!("<table><caption>{}</caption><thead><tr>", escape(name)));
    for (h, figure) in grid.header.iter().zip(&figures) {
        let class = if *figure { " class=\"n\"" } else { "" };
        out.push_str(&format!("<th scope=\"col\"{class}>{}</th>", escape(h)));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &grid.rows {
        out.push_str("<tr>");
        for (c, (cell, figure)) in row.iter().zip(&figures).enumerate() {
            let class = if *figure { " class=\"n\"" } else { "" };
            // The first cell names its row (a label, a parameter), when others follow it.
            if c == 0 && grid.columns > 1 {
                out.push_str(&format!("<th scope=\"row\"{class}>{}</th>", escape(cell)));
            } else {
                out.push_str(&format!("<td{class}>{}</td>", escape(cell)));
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
}

/// Each heading's id, numbered by level (part 2, its section 3: "s2-3"), for links into the
/// page and from the table of contents.
fn heading_ids(blocks: &[Block]) -> Vec<String> {
    let mut numbers = [0usize; 3];
    let mut ids = Vec::new();
    for block in blocks {
        if let Block::Heading { level, .. } = block {
            let level = usize::from(heading_level(*level));
            numbers[level - 1] += 1;
            numbers[level..].fill(0);
            let id: Vec<String> = numbers[..level].iter().map(usize::to_string).collect();
            ids.push(format!("s{}", id.join("-")));
        }
    }
    ids
}

/// The HTML page.
pub(crate) fn render(document: &Document) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body><main>",
        lang(&document.language),
        escape(&document.title)
    );
    let ids = heading_ids(&document.blocks);
    let mut headings = 0;
    // After a cover, the first part starts a page too, in print.
    let mut covered = false;
    for (at, block) in document.blocks.iter().enumerate() {
        match block {
            Block::Title(text) => out.push_str(&format!("<h1>{}</h1>", escape(text))),
            Block::Cover { title, subtitle, details } => {
                covered = true;
                out.push_str(&format!("<header class=\"cover\"><h1>{}</h1>", escape(title)));
                if !subtitle.is_empty() {
                    out.push_str(&format!("<p class=\"subtitle\">{}</p>", escape(subtitle)));
                }
                for line in details {
                    out.push_str(&format!("<p>{}</p>", escape(line)));
                }
                out.push_str("</header>");
            }
            Block::Contents => {
                out.push_str(&format!(
                    "<nav class=\"contents\" aria-labelledby=\"sommaire\"><h2 id=\"sommaire\" class=\"first\">{CONTENTS_TITLE}</h2><ul>"
                ));
                let later = document.blocks[at..].iter().filter_map(|b| match b {
                    Block::Heading { level, text } => Some((heading_level(*level), text)),
                    _ => None,
                });
                for ((level, text), id) in later.zip(&ids[headings..]).filter(|((level, _), _)| *level <= 2) {
                    out.push_str(&format!("<li class=\"level-{level}\"><a href=\"#{id}\">{}</a></li>", escape(text)));
                }
                out.push_str("</ul></nav>");
            }
            Block::Image(picture) => out.push_str(&format!(
                "<figure role=\"img\" aria-label=\"{}\">{}</figure>",
                escape(&picture.alt),
                picture.svg().replacen("<svg ", "<svg aria-hidden=\"true\" ", 1)
            )),
            Block::Heading { level, text } => {
                // The title is the h1: parts are h2, and so on.
                let level = usize::from(heading_level(*level));
                let first = level == 1 && headings == 0 && !covered;
                let id = &ids[headings];
                headings += 1;
                let class = if first { " class=\"first\"" } else { "" };
                out.push_str(&format!("<h{n} id=\"{id}\"{class}>{}</h{n}>", escape(text), n = level + 1));
            }
            Block::Paragraph(text) => out.push_str(&format!("<p>{}</p>", escape(text))),
            Block::Quote(text) => out.push_str(&format!("<blockquote><p>{}</p></blockquote>", escape(text))),
            Block::List(items) => {
                out.push_str("<ul>");
                for item in items {
                    out.push_str(&format!("<li>{}</li>", escape(item)));
                }
                out.push_str("</ul>");
            }
            Block::Table { name, header, rows } => table(&mut out, name, header, rows),
            Block::Chart { title, bars } => out.push_str(&format!("<figure>{}</figure>", bar_chart_svg(title, bars))),
        }
    }
    out.push_str("</main></body></html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Document {
        let mut document = Document::new("Compte rendu <b>d'atelier</b>");
        document.blocks = vec![
            Block::Title("Compte rendu <b>d'atelier</b>".into()),
            Block::Heading { level: 1, text: "Présents".into() },
            Block::Paragraph("Texte\u{1b} & \"suite\"\nfin".into()),
            Block::Chart { title: "Par canal".into(), bars: vec![("En ligne".into(), 10_517), ("Atelier".into(), 3)] },
            Block::Table {
                name: "Par canal".into(),
                header: vec!["Canal".into(), "Contributions".into()],
                rows: vec![vec!["En ligne".into(), "10\u{202f}517".into()], vec!["Atelier".into(), "3".into()]],
            },
            Block::Heading { level: 1, text: "Propositions".into() },
            Block::Heading { level: 2, text: "Emploi".into() },
            Block::Quote("« <script>alert(1)</script> » (réf. demo-001)".into()),
            Block::List(vec!["un".into(), "deux".into()]),
        ];
        document
    }

    #[test]
    fn the_page_is_french_escaped_and_its_headings_in_order() {
        let html = render(&sample());
        assert!(html.starts_with("<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"));
        assert!(html.contains("<title>Compte rendu &lt;b&gt;d&#39;atelier&lt;/b&gt;</title>"));
        assert_eq!(html.matches("<h1>").count(), 1);
        assert!(html.contains("<h2 id=\"s1\" class=\"first\">Présents</h2>"));
        assert!(html.contains("<h2 id=\"s2\">Propositions</h2><h3 id=\"s2-1\">Emploi</h3>"));
        assert!(html.contains("<p>Texte &amp; &quot;suite&quot; fin</p>"), "controls dropped, lines folded");
        assert!(!html.contains("<script>") && html.contains("&lt;script&gt;"));
        assert!(html.contains("<ul><li>un</li><li>deux</li></ul>"));
        assert!(!html.contains("<script") && !html.contains(" src=") && !html.contains(" href="), "standalone");
    }

    #[test]
    fn tables_have_captions_and_scoped_headers_and_charts_a_text_alternative() {
        let html = render(&sample());
        assert!(html.contains("<table><caption>Par canal</caption><thead><tr><th scope=\"col\">Canal</th><th scope=\"col\" class=\"n\">Contributions</th></tr></thead>"));
        assert!(html.contains("<tr><th scope=\"row\">En ligne</th><td class=\"n\">10\u{202f}517</td></tr>"));
        let figure = &html[html.find("<figure>").unwrap()..html.find("</figure>").unwrap()];
        assert!(figure.contains("role=\"img\""));
        assert!(figure.contains("<title>Par canal</title>"));
        assert!(figure.contains("<desc>Par canal (diagramme en barres) : En ligne 10\u{202f}517, Atelier 3.</desc>"));
        // The table of the figures follows the chart.
        assert!(html.find("</figure>").unwrap() < html.find("<table>").unwrap());
    }

    #[test]
    fn print_keeps_the_layout_rules() {
        let html = render(&sample());
        for rule in ["h2{break-before:page}", "h2.first{break-before:avoid}", "h2,h3,h4{break-after:avoid}"] {
            assert!(html.contains(rule), "{rule}");
        }
        assert!(html.contains("blockquote,li,tr,figure{break-inside:avoid}"));
        assert!(html.contains("thead{display:table-header-group}"), "headers repeat on each printed page");
    }

    #[test]
    fn the_language_attribute_is_the_primary_subtag() {
        assert_eq!(lang("fr-FR"), "fr");
        assert_eq!(lang("br"), "br");
        assert_eq!(lang(""), "fr");
        assert_eq!(lang("\"><x"), "&quot;&gt;&lt;x");
    }
}
