//! The draft strategy as a reader sees it, independent of the file format: participation,
//! each theme's orientations, and the two annexes (method, traceability), as one
//! [`essaim_documents::Document`] that every document format (Markdown, HTML, ODT, DOCX, PDF)
//! renders, so they cannot drift apart.

use std::collections::BTreeMap;

use essaim_documents::charts::bars;
use essaim_documents::{Block, Document};

use super::csv::reason_label;
use super::labels;
use crate::pipeline::{Item, PlenaryOutcome};
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
    bars(&counts, label)
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
        bars(counts, label).iter().map(|(l, n)| format!("{l} {}", labels::number(*n))).collect::<Vec<_>>().join(", ")
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

/// What moderation kept out, said beside the figures: only accepted contributions are read.
pub fn moderation_line(pending: usize, rejected: usize) -> Option<String> {
    (pending + rejected > 0).then(|| {
        format!(
            "Seules les contributions acceptées sont lues : {} en attente de modération et {} rejetée(s) ne sont ni lues ni comptées.",
            labels::number(pending),
            labels::number(rejected)
        )
    })
}

/// "non groupée : motif" lines of a theme.
pub fn not_grouped_lines(theme: &crate::pipeline::ThemeSynthesis) -> Vec<String> {
    theme.not_grouped.iter().map(|n| format!("{} ({})", n.reference, reason_label(&n.reason))).collect()
}

fn heading(level: u8, text: String) -> Block {
    Block::Heading { level, text }
}

/// A facet as a chart (the largest bars; the renderers cut it) and the table of all its figures.
fn facet_blocks(blocks: &mut Vec<Block>, title: &str, column: &str, facet: &Facet) {
    blocks.push(Block::Chart { title: title.to_owned(), bars: facet.clone() });
    blocks.push(Block::Table {
        name: title.to_owned(),
        header: vec![column.to_owned(), "Contributions".to_owned()],
        rows: facet.iter().map(|(l, n)| vec![l.clone(), labels::number(*n)]).collect(),
    });
}

/// A verdict's French label, from its code.
pub fn verdict_label(code: &str) -> &'static str {
    match code {
        "confirmed" => "confirmée",
        "to_amend" => "à amender",
        "not_confirmed" => "non confirmée",
        _ => "inconnu",
    }
}

/// "Plénière : …" — the verdict, the counts and the state of the vote, in one sentence.
pub fn plenary_line(plenary: &PlenaryOutcome) -> String {
    let verdict = match &plenary.verdict {
        Some(code) => format!("verdict de la salle : {}", verdict_label(code)),
        None => "verdict de la salle pas encore enregistré".to_owned(),
    };
    format!(
        "Plénière — {verdict}. Votes{} : {} confirmée, {} à amender, {} non confirmée.",
        if plenary.vote_closed { "" } else { " (vote en cours)" },
        labels::number(usize::try_from(plenary.votes_confirmed).unwrap_or(0)),
        labels::number(usize::try_from(plenary.votes_to_amend).unwrap_or(0)),
        labels::number(usize::try_from(plenary.votes_not_confirmed).unwrap_or(0)),
    )
}

fn plenary_blocks(blocks: &mut Vec<Block>, plenary: &PlenaryOutcome) {
    blocks.push(Block::Paragraph(plenary_line(plenary)));
    if !plenary.amendments.is_empty() {
        blocks.push(Block::Paragraph(format!("Amendements retenus en plénière ({}) :", plenary.amendments.len())));
        blocks.push(Block::List(plenary.amendments.clone()));
    }
}

/// The draft strategy as a document: title, participation, one part per theme, the two
/// annexes.
pub fn strategy_document(document: &SynthesisDocument, inputs: &[(String, Vec<Item>)]) -> Document {
    let run = &document.run;
    let title = format!("Projet de stratégie — {}", run.consultation_title);
    let mut blocks = vec![
        Block::Title(title.clone()),
        Block::Paragraph(
            "Synthèse des contributions, pour la revue en plénière. Chaque orientation renvoie aux contributions dont elle est tirée (annexe 2).".into(),
        ),
    ];
    let p = participation(inputs);
    blocks.push(heading(1, "Participation".into()));
    blocks.push(Block::Paragraph(format!("{} contributions lues.", labels::number(p.total))));
    let (pending, rejected) =
        document.themes.iter().fold((0, 0), |(p, r), t| (p + t.pending_moderation, r + t.rejected));
    if let Some(line) = moderation_line(pending, rejected) {
        blocks.push(Block::Paragraph(line));
    }
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
        if let Some(line) = moderation_line(theme.pending_moderation, theme.rejected) {
            blocks.push(Block::Paragraph(line));
        }
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
            if let Some(plenary) = &orientation.plenary {
                plenary_blocks(&mut blocks, plenary);
            }
        }
    }
    blocks.push(heading(1, "Annexe 1 — Méthode".into()));
    blocks.push(Block::Paragraph(run.method.clone()));
    blocks.push(Block::Table {
        name: "Paramètres".into(),
        header: vec!["Paramètre".into(), "Valeur".into()],
        rows: parameter_lines(document).into_iter().map(|(name, value)| vec![name, value]).collect(),
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
    Document { title, language: "fr-FR".to_owned(), blocks }
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

    #[test]
    fn the_strategy_document_has_participation_themes_and_both_annexes() {
        use crate::pipeline::{NotGrouped, Params, ThemeSynthesis};
        use crate::run::RunInfo;
        let document = SynthesisDocument {
            run: RunInfo {
                consultation: "c".into(),
                consultation_title: "Consultation".into(),
                software_version: "0.1.0".into(),
                input_sha256: "ab".repeat(32),
                parameters: Params::default(),
                method: "Méthode.".into(),
            },
            themes: vec![ThemeSynthesis {
                theme: "Emploi".into(),
                contributions: 1,
                groups: 0,
                groups_chosen_automatically: false,
                orientations: Vec::new(),
                not_grouped: vec![NotGrouped { reference: "r1".into(), reason: "no_content".into() }],
                notes: vec!["Trop peu de contributions.".into()],
                pending_moderation: 2,
                rejected: 1,
            }],
        };
        let item = Item {
            reference: "r1".into(),
            text: "RAS".into(),
            channel: "online".into(),
            territory: Some("44".into()),
            legal_family: None,
            kind: "proposition".into(),
        };
        let strategy = strategy_document(&document, &[("Emploi".into(), vec![item])]);
        assert_eq!(strategy.title, "Projet de stratégie — Consultation");
        let said = |text: &str| {
            strategy.blocks.iter().filter(|b| matches!(b, Block::Paragraph(p) if p.contains(text))).count()
        };
        assert_eq!(said("2 en attente de modération et 1 rejetée(s) ne sont ni lues"), 2, "overall and in the theme");
        assert_eq!(strategy.language, "fr-FR");
        assert_eq!(strategy.blocks[0], Block::Title(strategy.title.clone()));
        let headings: Vec<(u8, &str)> = strategy
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level, text } => Some((*level, text.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings,
            [
                (1, "Participation"),
                (1, "Thème 1 — Emploi"),
                (1, "Annexe 1 — Méthode"),
                (1, "Annexe 2 — Traçabilité"),
                (2, "Thème 1 — Emploi")
            ]
        );
        // Each facet: its chart, then the table of its figures.
        let charts = strategy.blocks.iter().filter(|b| matches!(b, Block::Chart { .. })).count();
        assert_eq!(charts, 3);
        for (i, block) in strategy.blocks.iter().enumerate() {
            if let Block::Chart { title, .. } = block {
                assert!(matches!(&strategy.blocks[i + 1], Block::Table { name, .. } if name == title));
            }
        }
        let territory = strategy.blocks.iter().find_map(|b| match b {
            Block::Table { name, header, rows } if name == "Contributions par département" => Some((header, rows)),
            _ => None,
        });
        let (header, rows) = territory.unwrap();
        assert_eq!(header, &["Département", "Contributions"]);
        assert_eq!(rows, &[vec!["Loire-Atlantique (44)".to_owned(), "1".to_owned()]]);
        let parameters = strategy.blocks.iter().find_map(|b| match b {
            Block::Table { name, rows, .. } if name == "Paramètres" => Some(rows),
            _ => None,
        });
        assert!(parameters.unwrap().iter().all(|row| row.len() == 2));
        assert!(strategy.blocks.contains(&Block::Paragraph("Remarque : Trop peu de contributions.".into())));
        assert!(strategy
            .blocks
            .contains(&Block::List(vec!["Non groupées : r1 (sans contenu (RAS, non, je ne sais pas…))".into()])));
    }
}
