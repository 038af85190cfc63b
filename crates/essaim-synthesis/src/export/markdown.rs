//! The draft strategy in Markdown: readable as text, convertible by any tool.

use super::labels;
use super::report::{not_grouped_lines, parameter_lines, participation, support_lines, Facet};
use crate::pipeline::Item;
use crate::run::SynthesisDocument;

/// Escapes what Markdown would read as markup in people's words.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|') {
            out.push('\\');
        }
        out.push(if c == '\n' { ' ' } else { c });
    }
    out
}

fn facet_table(out: &mut String, title: &str, facet: &Facet) {
    out.push_str(&format!("| {title} | contributions |\n| --- | ---: |\n"));
    for (label, n) in facet {
        out.push_str(&format!("| {} | {} |\n", escape(label), labels::number(*n)));
    }
    out.push('\n');
}

/// The Markdown text.
pub fn render(document: &SynthesisDocument, inputs: &[(String, Vec<Item>)]) -> String {
    let run = &document.run;
    let mut out = format!(
        "# Projet de stratégie — {}\n\nSynthèse des contributions, pour la revue en plénière. Chaque orientation renvoie aux contributions dont elle est tirée (annexe 2).\n\n",
        escape(&run.consultation_title)
    );
    let p = participation(inputs);
    out.push_str(&format!("## Participation\n\n{} contributions lues.\n\n", labels::number(p.total)));
    facet_table(&mut out, "Canal", &p.by_channel);
    facet_table(&mut out, "Département", &p.by_territory);
    facet_table(&mut out, "Famille juridique", &p.by_legal_family);

    for (t, theme) in document.themes.iter().enumerate() {
        out.push_str(&format!(
            "## Thème {} — {}\n\n{} contributions, {} orientation(s) proposée(s), {} non groupée(s).\n\n",
            t + 1,
            escape(&theme.theme),
            labels::number(theme.contributions),
            theme.orientations.len(),
            labels::number(theme.not_grouped.len())
        ));
        for note in &theme.notes {
            out.push_str(&format!("> Remarque : {}\n\n", escape(note)));
        }
        for (o, orientation) in theme.orientations.iter().enumerate() {
            out.push_str(&format!("### Orientation {}.{} — {}\n\n", t + 1, o + 1, escape(&orientation.title)));
            if !orientation.text.is_empty() {
                out.push_str(&format!("{}\n\n", escape(&orientation.text)));
            }
            if !orientation.key_phrases.is_empty() {
                out.push_str(&format!("Mots-clés : {}\n\n", escape(&orientation.key_phrases.join(", "))));
            }
            for line in support_lines(&orientation.support) {
                out.push_str(&format!("- {}\n", escape(&line)));
            }
            out.push('\n');
            for quote in &orientation.quotes {
                out.push_str(&format!("> « {} » (réf. {})\n\n", escape(&quote.text), escape(&quote.reference)));
            }
        }
    }

    out.push_str(&format!(
        "## Annexe 1 — Méthode\n\n{}\n\n| paramètre | valeur |\n| --- | --- |\n",
        escape(&run.method)
    ));
    for (name, value) in parameter_lines(document) {
        out.push_str(&format!("| {} | {} |\n", escape(&name), escape(&value)));
    }
    out.push_str("\n## Annexe 2 — Traçabilité\n\n");
    for (t, theme) in document.themes.iter().enumerate() {
        out.push_str(&format!("### Thème {} — {}\n\n", t + 1, escape(&theme.theme)));
        for (o, orientation) in theme.orientations.iter().enumerate() {
            out.push_str(&format!(
                "- Orientation {}.{} : {}\n",
                t + 1,
                o + 1,
                escape(&orientation.contributions.join(", "))
            ));
        }
        let left = not_grouped_lines(theme);
        if !left.is_empty() {
            out.push_str(&format!("- Non groupées : {}\n", escape(&left.join(", "))));
        }
        out.push('\n');
    }
    out
}
