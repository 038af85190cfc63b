//! The draft strategy as a reader sees it, independent of the file format: a cover and a table
//! of contents, how the draft was made in plain words, participation, each theme's
//! orientations, and the technical method in an annex, as one
//! [`essaim_documents::Document`] that every document format (Markdown, HTML, ODT, DOCX, PDF)
//! renders, so they cannot drift apart.

use std::collections::BTreeMap;

use essaim_documents::charts::bars;
use essaim_documents::{Block, Document};

use essaim_core::clock::{french_date, now};
use essaim_core::domain::agreement::room_agreement;
use essaim_core::domain::plenary::Tally;

use super::account::{opening, plain_account, AccountFigures, CoverLines, AGREEMENT_METHOD};
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

/// Says that the text below is the run's, for staff to rewrite.
pub const PROPOSED_TEXT: &str = "Texte proposé, tiré des contributions, à réécrire par l'équipe :";

/// The two sides a group holds, with a quote of each.
fn stance_blocks(blocks: &mut Vec<Block>, stances: &crate::pipeline::Stances) {
    blocks.push(Block::Paragraph(stances_line(stances)));
    for side in &stances.sides {
        // The reference stays in the CSV and the JSON: the document is for people.
        blocks.push(Block::Quote(format!("« {} » — {}", side.quote.text, side.position)));
    }
}

/// "Positions opposées : baisser les impôts (62 %, 31 contributions) et augmenter les impôts
/// (38 %, 19 contributions), sur 50 qui prennent position."
pub fn stances_line(stances: &crate::pipeline::Stances) -> String {
    let sides: Vec<String> = stances
        .sides
        .iter()
        .map(|s| {
            format!(
                "« {} » ({} %, {})",
                s.position,
                s.percent,
                if s.contributions == 1 {
                    "1 contribution".to_owned()
                } else {
                    format!("{} contributions", labels::number(s.contributions))
                }
            )
        })
        .collect();
    format!(
        "Positions opposées dans ce groupe : {}, sur {} qui prennent position. À séparer avant la plénière ?",
        sides.join(" et "),
        labels::number(stances.taking_position)
    )
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

/// « Accord de la salle : accord large (consensus 0,73). », once there are votes.
pub fn agreement_line(plenary: &PlenaryOutcome) -> Option<String> {
    let tally = Tally {
        confirmed: plenary.votes_confirmed,
        to_amend: plenary.votes_to_amend,
        not_confirmed: plenary.votes_not_confirmed,
    };
    (tally.total() > 0).then(|| format!("Accord de la salle : {}.", room_agreement(&tally).describe()))
}

fn plenary_blocks(blocks: &mut Vec<Block>, plenary: &PlenaryOutcome) {
    blocks.push(Block::Paragraph(plenary_line(plenary)));
    blocks.extend(agreement_line(plenary).map(Block::Paragraph));
    if !plenary.amendments.is_empty() {
        blocks.push(Block::Paragraph(format!("Amendements retenus en plénière ({}) :", plenary.amendments.len())));
        blocks.push(Block::List(plenary.amendments.clone()));
    }
}

/// The draft strategy as a document: cover, contents, how it was made, participation, one
/// part per theme, the technical method in an annex. No reference list in it: which
/// contributions make each orientation is in the CSV and the open data (the account says so).
pub fn strategy_document(document: &SynthesisDocument, inputs: &[(String, Vec<Item>)]) -> Document {
    let run = &document.run;
    let title = format!("Projet de stratégie — {}", run.consultation_title);
    let mut blocks = opening(CoverLines {
        title: title.clone(),
        subtitle: "Synthèse des contributions, pour la revue en plénière".into(),
        organisers: run.organisers.clone(),
        version: format!("Version de travail du {}", french_date(now().date())),
    });
    let p = participation(inputs);
    let orientations = document.themes.iter().map(|t| t.orientations.len()).sum();
    let territories = p.by_territory.iter().filter(|(label, _)| label != &labels::territory("non_renseigne")).count();
    blocks.extend(plain_account(
        &AccountFigures {
            contributions: p.total,
            by_channel: &p.by_channel,
            territories,
            themes: document.themes.len(),
            orientations,
        },
        "Comment ce projet a été construit",
    ));
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
                if orientation.text_proposed {
                    blocks.push(Block::Paragraph(PROPOSED_TEXT.to_owned()));
                }
                blocks.push(Block::Paragraph(orientation.text.clone()));
            }
            if let Some(stances) = &orientation.stances {
                stance_blocks(&mut blocks, stances);
            }
            if !orientation.key_phrases.is_empty() {
                blocks.push(Block::Paragraph(format!("Mots-clés : {}", orientation.key_phrases.join(", "))));
            }
            blocks.push(Block::List(support_lines(&orientation.support)));
            for quote in &orientation.quotes {
                blocks.push(Block::Quote(format!("« {} »", quote.text)));
            }
            if let Some(plenary) = &orientation.plenary {
                plenary_blocks(&mut blocks, plenary);
            }
        }
    }
    blocks.push(heading(1, "Annexe — Méthode technique".into()));
    blocks.push(Block::Paragraph(run.method.clone()));
    blocks.push(Block::Paragraph(AGREEMENT_METHOD.to_owned()));
    blocks.push(Block::Table {
        name: "Paramètres".into(),
        header: vec!["Paramètre".into(), "Valeur".into()],
        rows: parameter_lines(document).into_iter().map(|(name, value)| vec![name, value]).collect(),
    });
    Document { title, language: "fr-FR".to_owned(), blocks }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::Support;

    #[test]
    fn the_room_agreement_follows_the_votes_once_there_are_any() {
        let outcome = |c, a, n| PlenaryOutcome {
            verdict: None,
            vote_closed: true,
            votes_confirmed: c,
            votes_to_amend: a,
            votes_not_confirmed: n,
            amendments: Vec::new(),
        };
        assert_eq!(agreement_line(&outcome(0, 0, 0)), None);
        assert_eq!(agreement_line(&outcome(2, 0, 0)).unwrap(), "Accord de la salle : Trop peu de votes pour conclure.");
        assert_eq!(agreement_line(&outcome(6, 0, 6)).unwrap(), "Accord de la salle : Salle divisée (consensus 0,00).");
        assert_eq!(agreement_line(&outcome(16, 4, 0)).unwrap(), "Accord de la salle : Accord large (consensus 0,73).");
    }

    #[test]
    fn support_figures_read_in_french() {
        let mut support = Support { total: 10_517, distinct: 9_223, ..Default::default() };
        support.by_kind.insert("proposition".into(), 10_517);
        let lines = support_lines(&support);
        assert_eq!(lines[0], "10\u{202f}517 contribution(s), 9\u{202f}223 voix distincte(s)");
        assert_eq!(lines[4], "Types : Proposition 10\u{202f}517");
    }

    #[test]
    fn the_strategy_document_has_a_cover_contents_an_account_participation_themes_and_the_method() {
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
                organisers: "Région et État".into(),
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
        assert!(matches!(&strategy.blocks[0], Block::Cover { title, details, .. }
            if title == &strategy.title && details[0] == "Consultation organisée par Région et État"
                && details[1].starts_with("Version de travail du ")));
        assert_eq!(strategy.blocks[1], Block::Contents);
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
                (1, "Comment ce projet a été construit"),
                (1, "Participation"),
                (1, "Thème 1 — Emploi"),
                (1, "Annexe — Méthode technique"),
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
        // No raw reference in the document: they stay in the CSV and the open data.
        let text = essaim_documents::render(&strategy, essaim_documents::Format::Markdown).unwrap();
        assert!(!String::from_utf8(text).unwrap().contains("r1"), "no reference list");
    }
}
