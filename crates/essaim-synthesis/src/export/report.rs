//! The draft strategy as a reader sees it, independent of the file format: participation,
//! each theme's orientations, and the two annexes (method, traceability). The office formats
//! (ODT, DOCX, PDF) are renderings of one list of [`Block`]s, so they cannot drift apart;
//! Markdown and HTML use the same helpers.

use std::collections::BTreeMap;

use super::csv::reason_label;
use super::labels;
use crate::pipeline::Item;
use crate::run::SynthesisDocument;

/// Counts of one facet, labelled, largest first.
pub type Facet = Vec<(String, usize)>;

/// Participation over every contribution read.
pub struct Participation {
    /// Contributions read.
    pub total: usize,
    /// By channel.
    pub by_channel: Facet,
    /// By département.
    pub by_territory: Facet,
    /// By legal family.
    pub by_legal_family: Facet,
}

fn facet(items: &[&Item], key: impl Fn(&Item) -> String, label: impl Fn(&str) -> String) -> Facet {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for item in items {
        *counts.entry(key(item)).or_insert(0) += 1;
    }
    super::charts::bars(&counts, label)
}

/// Participation from the contributions read.
pub fn participation(inputs: &[(String, Vec<Item>)]) -> Participation {
    let items: Vec<&Item> = inputs.iter().flat_map(|(_, items)| items.iter()).collect();
    Participation {
        total: items.len(),
        by_channel: facet(&items, |i| i.channel.clone(), labels::channel),
        by_territory: facet(
            &items,
            |i| i.territory.clone().unwrap_or_else(|| "non_renseigne".into()),
            labels::territory,
        ),
        by_legal_family: facet(
            &items,
            |i| i.legal_family.clone().unwrap_or_else(|| "non_renseigne".into()),
            labels::legal_family,
        ),
    }
}

/// One line of support figures: "12 contributions (10 voix distinctes) — canaux : …".
pub fn support_lines(support: &crate::pipeline::Support) -> Vec<String> {
    let join = |counts: &BTreeMap<String, usize>, label: &dyn Fn(&str) -> String| {
        super::charts::bars(counts, label)
            .iter()
            .map(|(l, n)| format!("{l} {}", labels::number(*n)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    vec![
        format!(
            "{} contribution(s), {} voix distincte(s)",
            labels::number(support.total),
            labels::number(support.distinct)
        ),
        format!("Canaux : {}", join(&support.by_channel, &labels::channel)),
        format!("Territoires : {}", join(&support.by_territory, &labels::territory)),
        format!("Familles juridiques : {}", join(&support.by_legal_family, &labels::legal_family)),
        format!("Types : {}", join(&support.by_kind, &labels::kind)),
    ]
}

/// The parameters of the run, in French, for the method annex.
pub fn parameter_lines(document: &SynthesisDocument) -> Vec<(String, String)> {
    let p = &document.run.parameters;
    vec![
        (
            "Nombre de groupes par thème".into(),
            match p.groups {
                Some(k) => k.to_string(),
                None => format!("choisi automatiquement entre {} et {} (silhouette)", p.min_groups, p.max_groups),
            },
        ),
        ("Graine".into(), p.seed.to_string()),
        ("Essais de k-moyennes".into(), p.restarts.to_string()),
        ("Itérations au plus".into(), p.max_iterations.to_string()),
        ("Fréquence minimale d'un terme".into(), format!("{} contributions", p.min_df)),
        ("Fréquence maximale d'un terme".into(), format!("{} ‰ des contributions", p.max_df_per_mille)),
        ("Paires de mots".into(), if p.bigrams { "oui".into() } else { "non".into() }),
        ("Échantillon d'apprentissage".into(), format!("{} textes au plus", labels::number(p.fit_sample))),
        ("Citations par orientation".into(), format!("{} au plus", p.quotes)),
        ("Version d'Essaim".into(), document.run.software_version.clone()),
        ("Empreinte SHA-256 des contributions lues".into(), document.run.input_sha256.clone()),
    ]
}

/// "non groupée : motif" lines of a theme.
pub fn not_grouped_lines(theme: &crate::pipeline::ThemeSynthesis) -> Vec<String> {
    theme.not_grouped.iter().map(|n| format!("{} ({})", n.reference, reason_label(&n.reason))).collect()
}

/// One piece of the office documents, in reading order.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// The document title (once, first).
    Title(String),
    /// A heading; level 1 starts a part (a new page in print, except the first).
    Heading {
        /// 1 to 3.
        level: u8,
        /// The heading's text.
        text: String,
    },
    /// Body text.
    Paragraph(String),
    /// A quote of a contribution, with its reference.
    Quote(String),
    /// A bulleted list.
    List(Vec<String>),
    /// A two-column table with a header row; `name` is its caption.
    Table {
        /// Caption and accessible name.
        name: String,
        /// The column headers.
        header: [String; 2],
        /// The rows.
        rows: Vec<(String, String)>,
    },
    /// A bar chart; its figures are always also given as the table that follows it.
    Chart {
        /// Title and text alternative.
        title: String,
        /// The bars, largest first.
        bars: Facet,
    },
}

fn heading(level: u8, text: String) -> Block {
    Block::Heading { level, text }
}

fn facet_blocks(blocks: &mut Vec<Block>, title: &str, column: &str, facet: &Facet) {
    blocks.push(Block::Chart { title: title.to_owned(), bars: super::charts::chart_bars(facet) });
    blocks.push(Block::Table {
        name: title.to_owned(),
        header: [column.to_owned(), "Contributions".to_owned()],
        rows: facet.iter().map(|(l, n)| (l.clone(), labels::number(*n))).collect(),
    });
}

/// The draft strategy as blocks: title, participation, one part per theme, the two annexes.
pub fn blocks(document: &SynthesisDocument, inputs: &[(String, Vec<Item>)]) -> Vec<Block> {
    let run = &document.run;
    let mut blocks = vec![
        Block::Title(format!("Projet de stratégie — {}", run.consultation_title)),
        Block::Paragraph(
            "Synthèse des contributions, pour la revue en plénière. Chaque orientation renvoie aux contributions dont elle est tirée (annexe 2).".into(),
        ),
    ];
    let p = participation(inputs);
    blocks.push(heading(1, "Participation".into()));
    blocks.push(Block::Paragraph(format!("{} contributions lues.", labels::number(p.total))));
    facet_blocks(&mut blocks, "Contributions par canal", "Canal", &p.by_channel);
    facet_blocks(&mut blocks, "Contributions par département", "Département", &p.by_territory);
    facet_blocks(&mut blocks, "Contributions par famille juridique", "Famille juridique", &p.by_legal_family);
    for (t, theme) in document.themes.iter().enumerate() {
        blocks.push(heading(1, format!("Thème {} — {}", t + 1, theme.theme)));
        blocks.push(Block::Paragraph(format!(
            "{} contributions, {} orientation(s) proposée(s), {} non groupée(s).",
            labels::number(theme.contributions),
            theme.orientations.len(),
            labels::number(theme.not_grouped.len())
        )));
        for note in &theme.notes {
            blocks.push(Block::Paragraph(format!("Remarque : {note}")));
        }
        for (o, orientation) in theme.orientations.iter().enumerate() {
            blocks.push(heading(2, format!("Orientation {}.{} — {}", t + 1, o + 1, orientation.title)));
            if !orientation.text.is_empty() {
                blocks.push(Block::Paragraph(orientation.text.clone()));
            }
            if !orientation.key_phrases.is_empty() {
                blocks.push(Block::Paragraph(format!("Mots-clés : {}", orientation.key_phrases.join(", "))));
            }
            blocks.push(Block::List(support_lines(&orientation.support)));
            for quote in &orientation.quotes {
                blocks.push(Block::Quote(format!("« {} » (réf. {})", quote.text, quote.reference)));
            }
        }
    }
    blocks.push(heading(1, "Annexe 1 — Méthode".into()));
    blocks.push(Block::Paragraph(run.method.clone()));
    blocks.push(Block::Table {
        name: "Paramètres".into(),
        header: ["Paramètre".into(), "Valeur".into()],
        rows: parameter_lines(document),
    });
    blocks.push(heading(1, "Annexe 2 — Traçabilité".into()));
    for (t, theme) in document.themes.iter().enumerate() {
        blocks.push(heading(2, format!("Thème {} — {}", t + 1, theme.theme)));
        let mut lines: Vec<String> = theme
            .orientations
            .iter()
            .enumerate()
            .map(|(o, orientation)| {
                format!("Orientation {}.{} : {}", t + 1, o + 1, orientation.contributions.join(", "))
            })
            .collect();
        let left = not_grouped_lines(theme);
        if !left.is_empty() {
            lines.push(format!("Non groupées : {}", left.join(", ")));
        }
        blocks.push(Block::List(lines));
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Support;

    #[test]
    fn support_figures_read_in_french() {
        let mut support = Support { total: 10_517, distinct: 9_223, ..Default::default() };
        support.by_kind.insert("proposition".into(), 10_517);
        let lines = support_lines(&support);
        assert_eq!(lines[0], "10\u{202f}517 contribution(s), 9\u{202f}223 voix distincte(s)");
        assert_eq!(lines[4], "Types : Proposition 10\u{202f}517");
    }
}
