//! The draft strategy as one HTML file: readable on screen, printed well (A4, page breaks
//! between themes), accessible (headings, tables with captions, charts with text equivalents).

use super::charts::{bar_chart_svg, chart_bars};
use super::labels;
use super::report::{not_grouped_lines, parameter_lines, participation, support_lines, Facet};
use crate::pipeline::Item;
use crate::run::SynthesisDocument;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;line-height:1.5;color:#1c1d21;max-width:52rem;margin:2rem auto;padding:0 1rem}\
h1,h2,h3{line-height:1.25}h2{border-bottom:2px solid #0b5e57;padding-bottom:.2rem;margin-top:2.5rem}\
blockquote{border-left:4px solid #0b5e57;margin:.8rem 0;padding:.2rem 1rem;background:#f4f3ee}\
.ref{color:#575a63;font-size:.9em}table{border-collapse:collapse;margin:1rem 0}caption{text-align:left;font-weight:bold}\
th,td{border:1px solid #767881;padding:.25rem .5rem;text-align:left}td.n{text-align:right}.support{font-size:.95em}\
.charts{display:flex;flex-wrap:wrap;gap:1rem}\
@media print{body{margin:0;max-width:none}h2{break-before:page}h2.first{break-before:avoid}blockquote,table,svg{break-inside:avoid}a{color:inherit}}\
@page{size:A4;margin:2cm}";

fn facet_table(out: &mut String, caption: &str, column: &str, facet: &Facet) {
    out.push_str(&format!(
        "<table><caption>{}</caption><thead><tr><th scope=\"col\">{}</th><th scope=\"col\">Contributions</th></tr></thead><tbody>",
        escape(caption),
        escape(column)
    ));
    for (label, n) in facet {
        out.push_str(&format!("<tr><td>{}</td><td class=\"n\">{}</td></tr>", escape(label), labels::number(*n)));
    }
    out.push_str("</tbody></table>");
}

/// The HTML document.
pub fn render(document: &SynthesisDocument, inputs: &[(String, Vec<Item>)]) -> String {
    let run = &document.run;
    let title = format!("Projet de stratégie — {}", run.consultation_title);
    let mut out = format!(
        "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title><style>{STYLE}</style></head><body><main>\
<h1>{t}</h1><p>Synthèse des contributions, pour la revue en plénière. Chaque orientation renvoie aux contributions dont elle est tirée (annexe 2).</p>",
        t = escape(&title)
    );
    let p = participation(inputs);
    out.push_str(&format!(
        "<h2 class=\"first\" id=\"participation\">Participation</h2><p>{} contributions lues.</p><div class=\"charts\">",
        labels::number(p.total)
    ));
    for (caption, facet) in [
        ("Contributions par canal", &p.by_channel),
        ("Contributions par département", &p.by_territory),
        ("Contributions par famille juridique", &p.by_legal_family),
    ] {
        out.push_str(&format!("<figure>{}</figure>", bar_chart_svg(caption, &chart_bars(facet))));
    }
    out.push_str("</div>");
    facet_table(&mut out, "Contributions par canal", "Canal", &p.by_channel);
    facet_table(&mut out, "Contributions par département", "Département", &p.by_territory);
    facet_table(&mut out, "Contributions par famille juridique", "Famille juridique", &p.by_legal_family);

    for (t, theme) in document.themes.iter().enumerate() {
        out.push_str(&format!(
            "<h2 id=\"theme-{n}\">Thème {n} — {name}</h2><p>{c} contributions, {o} orientation(s) proposée(s), {g} non groupée(s).</p>",
            n = t + 1,
            name = escape(&theme.theme),
            c = labels::number(theme.contributions),
            o = theme.orientations.len(),
            g = labels::number(theme.not_grouped.len())
        ));
        for note in &theme.notes {
            out.push_str(&format!("<p><strong>Remarque :</strong> {}</p>", escape(note)));
        }
        for (o, orientation) in theme.orientations.iter().enumerate() {
            out.push_str(&format!(
                "<section aria-labelledby=\"o-{t1}-{o1}\"><h3 id=\"o-{t1}-{o1}\">Orientation {t1}.{o1} — {title}</h3>",
                t1 = t + 1,
                o1 = o + 1,
                title = escape(&orientation.title)
            ));
            if !orientation.text.is_empty() {
                out.push_str(&format!("<p>{}</p>", escape(&orientation.text)));
            }
            if !orientation.key_phrases.is_empty() {
                out.push_str(&format!("<p>Mots-clés : {}</p>", escape(&orientation.key_phrases.join(", "))));
            }
            out.push_str("<ul class=\"support\">");
            for line in support_lines(&orientation.support) {
                out.push_str(&format!("<li>{}</li>", escape(&line)));
            }
            out.push_str("</ul>");
            for quote in &orientation.quotes {
                out.push_str(&format!(
                    "<blockquote><p>« {} »</p><p class=\"ref\">réf. {}</p></blockquote>",
                    escape(&quote.text),
                    escape(&quote.reference)
                ));
            }
            out.push_str("</section>");
        }
    }

    out.push_str(&format!(
        "<h2 id=\"methode\">Annexe 1 — Méthode</h2><p>{}</p><table><caption>Paramètres</caption><tbody>",
        escape(&run.method)
    ));
    for (name, value) in parameter_lines(document) {
        out.push_str(&format!("<tr><th scope=\"row\">{}</th><td>{}</td></tr>", escape(&name), escape(&value)));
    }
    out.push_str("</tbody></table><h2 id=\"tracabilite\">Annexe 2 — Traçabilité</h2>");
    for (t, theme) in document.themes.iter().enumerate() {
        out.push_str(&format!("<h3>Thème {} — {}</h3><ul>", t + 1, escape(&theme.theme)));
        for (o, orientation) in theme.orientations.iter().enumerate() {
            out.push_str(&format!(
                "<li>Orientation {}.{} : {}</li>",
                t + 1,
                o + 1,
                escape(&orientation.contributions.join(", "))
            ));
        }
        let left = not_grouped_lines(theme);
        if !left.is_empty() {
            out.push_str(&format!("<li>Non groupées : {}</li>", escape(&left.join(", "))));
        }
        out.push_str("</ul>");
    }
    out.push_str("</main></body></html>\n");
    out
}
