//! The published strategy as a document, from the snapshot of one version, rendered by the
//! same document writer as the draft strategy (PDF, ODT, DOCX). It carries only what was
//! published: no reference lists, no contribution waiting for moderation, nothing discarded.
//! It opens as the draft does: a cover, the contents, how it was made in plain words; the
//! technical method is in an annex.

use essaim_core::clock::french_date;
use essaim_core::domain::publication::{Count, Publication, PublishedOrientation, Snapshot};
use essaim_documents::{Block, Document, Format};

use std::collections::{BTreeMap, BTreeSet};

use essaim_core::domain::agreement::room_agreement;

use crate::export::account::{opening, plain_account, AccountFigures, CoverLines, AGREEMENT_METHOD};
use crate::export::labels;
use crate::run::METHOD;

fn heading(level: u8, text: String) -> Block {
    Block::Heading { level, text }
}

fn facet_line(name: &str, counts: &[Count]) -> Option<String> {
    if counts.is_empty() {
        return None;
    }
    let parts: Vec<String> = counts
        .iter()
        .map(|c| format!("{} {}", c.label, labels::number(usize::try_from(c.count).unwrap_or(0))))
        .collect();
    Some(format!("{name} : {}", parts.join(", ")))
}

/// The support of an orientation, as lines.
pub fn support_lines(orientation: &PublishedOrientation) -> Vec<String> {
    let support = &orientation.support;
    let mut lines = vec![format!(
        "{} contribution(s) acceptée(s)",
        labels::number(usize::try_from(support.contributions).unwrap_or(0))
    )];
    lines.extend(facet_line("Canaux", &support.by_channel));
    lines.extend(facet_line("Territoires", &support.by_territory));
    lines.extend(facet_line("Familles juridiques", &support.by_legal_family));
    lines
}

/// « Plénière : confirmée (12 votes : …) », where the plenary judged it.
pub fn verdict_line(orientation: &PublishedOrientation) -> Option<String> {
    let verdict = orientation.verdict.map(|v| v.label().to_lowercase());
    let votes = orientation.votes.filter(|t| t.total() > 0).map(|t| {
        format!(
            "{} vote(s) : {} confirmée, {} à amender, {} non confirmée",
            t.total(),
            t.confirmed,
            t.to_amend,
            t.not_confirmed
        )
    });
    match (verdict, votes) {
        (None, None) => None,
        (Some(v), None) => Some(format!("Verdict de la plénière : {v}.")),
        (None, Some(votes)) => Some(format!("Plénière : {votes}.")),
        (Some(v), Some(votes)) => Some(format!("Verdict de la plénière : {v} ({votes}).")),
    }
}

/// The contributions behind the published orientations, by channel (largest first), and
/// how many départements they came from.
fn channels_and_territories(snapshot: &Snapshot) -> (usize, Vec<(String, usize)>, usize) {
    let mut channels: BTreeMap<String, usize> = BTreeMap::new();
    let mut territories: BTreeSet<&str> = BTreeSet::new();
    let mut total = 0;
    for (_, o) in snapshot.orientations() {
        total += usize::try_from(o.support.contributions).unwrap_or(0);
        for c in &o.support.by_channel {
            *channels.entry(c.label.clone()).or_insert(0) += usize::try_from(c.count).unwrap_or(0);
        }
        territories
            .extend(o.support.by_territory.iter().filter(|c| c.code != "non_renseigne").map(|c| c.code.as_str()));
    }
    let mut channels: Vec<(String, usize)> = channels.into_iter().collect();
    channels.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    (total, channels, territories.len())
}

/// The document of one published version.
pub fn publication_document(publication: &Publication, snapshot: &Snapshot) -> Document {
    let title = format!("Stratégie — {}", snapshot.consultation_title);
    let mut blocks = opening(CoverLines {
        title: title.clone(),
        subtitle: "Stratégie tirée de la consultation des acteurs".into(),
        organisers: snapshot.organisers.clone(),
        version: format!("Version {} publiée le {}", publication.version, french_date(publication.published_at.date())),
    });
    let (contributions, by_channel, territories) = channels_and_territories(snapshot);
    blocks.extend(plain_account(
        &AccountFigures {
            contributions,
            by_channel: &by_channel,
            territories,
            themes: snapshot.themes.len(),
            orientations: snapshot.orientation_count(),
        },
        "Comment cette stratégie a été construite",
    ));
    for theme in &snapshot.themes {
        blocks.push(heading(1, format!("Thème {} — {}", theme.position, theme.title)));
        if theme.orientations.is_empty() {
            blocks.push(Block::Paragraph("Aucune orientation publiée pour ce thème.".into()));
        }
        for (o, orientation) in theme.orientations.iter().enumerate() {
            blocks.push(heading(2, format!("Orientation {}.{} — {}", theme.position, o + 1, orientation.title)));
            if !orientation.text.is_empty() {
                blocks.push(Block::Paragraph(orientation.text.clone()));
            }
            if let Some(line) = verdict_line(orientation) {
                blocks.push(Block::Paragraph(line));
            }
            if let Some(votes) = orientation.votes.filter(|t| t.total() > 0) {
                blocks.push(Block::Paragraph(format!("Accord de la salle : {}.", room_agreement(&votes).describe())));
            }
            if !orientation.amendments.is_empty() {
                blocks.push(Block::Paragraph(format!(
                    "Amendements retenus en plénière ({}) :",
                    orientation.amendments.len()
                )));
                blocks.push(Block::List(orientation.amendments.clone()));
            }
            blocks.push(Block::List(support_lines(orientation)));
            for quote in &orientation.quotes {
                blocks.push(Block::Quote(format!("« {} »", quote.text)));
            }
        }
    }
    blocks.push(heading(1, "Annexe — Méthode technique".into()));
    blocks.push(Block::Paragraph(METHOD.to_owned()));
    blocks.push(Block::Paragraph(AGREEMENT_METHOD.to_owned()));
    Document { title, language: "fr-FR".to_owned(), blocks }
}

/// One published version as PDF, ODT or DOCX bytes.
pub fn render_publication(publication: &Publication, snapshot: &Snapshot, format: Format) -> Result<Vec<u8>, String> {
    essaim_documents::render(&publication_document(publication, snapshot), format).map_err(|e| e.to_string())
}
