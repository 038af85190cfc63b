//! The drafts as staff left them, in the shape of a synthesis document, for the same exports.

use essaim_core::db::DbConnection;
use essaim_core::domain::consultation::{find_consultation, themes_of};
use essaim_core::domain::contribution::moderation_counts;
use essaim_core::domain::plenary::{outcomes_of_consultation, OrientationOutcome, VoteState};
use essaim_core::CoreError;

use super::{drafts_of, placed_items, theme_was_synthesised, DraftError};
use crate::pipeline::{Item, NotGrouped, Params, PlenaryOutcome, ProposedOrientation, ThemeSynthesis};
use crate::run::{input_hash, person_names, RunInfo, SynthesisDocument, SynthesisOutput, METHOD};

/// The consultation's current drafts, every theme, ready for `write_exports`.
pub fn drafts_document(conn: &mut DbConnection, slug: &str) -> Result<SynthesisOutput, DraftError> {
    let consultation = find_consultation(conn, slug).map_err(|e| match e {
        CoreError::NotFound(_) => DraftError::NotFound("consultation"),
        other => DraftError::Store(other),
    })?;
    // What the plenary said of each orientation, read through the core.
    let outcomes = outcomes_of_consultation(conn, consultation.id)?;
    let mut themes = Vec::new();
    let mut inputs: Vec<(String, Vec<Item>)> = Vec::new();
    for theme in themes_of(conn, consultation.id)? {
        let placed = placed_items(conn, consultation.id, theme.id)?;
        let view = drafts_of(conn, theme.id, &placed)?;
        // A contribution is "arrived after the last synthesis" only if there was one: in a
        // theme never synthesised, every contribution is simply waiting for the first run.
        let synthesised = theme_was_synthesised(conn, theme.id)?;
        let unplaced_reason = if synthesised { "not_yet_placed" } else { "theme_not_synthesised" };
        let items: Vec<Item> = placed.into_iter().map(|p| p.item).collect();
        let mut not_grouped: Vec<NotGrouped> = view
            .set_aside
            .iter()
            .map(|(m, reason)| NotGrouped { reference: m.reference.clone(), reason: reason.clone() })
            .chain(
                view.unplaced
                    .iter()
                    .map(|m| NotGrouped { reference: m.reference.clone(), reason: unplaced_reason.into() }),
            )
            .chain(
                view.discarded_members
                    .iter()
                    .map(|m| NotGrouped { reference: m.reference.clone(), reason: "discarded".into() }),
            )
            .collect();
        not_grouped.sort_by(|a, b| a.reference.cmp(&b.reference));
        let counts = moderation_counts(conn, consultation.id, Some(theme.id))?;
        themes.push(ThemeSynthesis {
            pending_moderation: usize::try_from(counts.pending).unwrap_or(0),
            rejected: usize::try_from(counts.rejected).unwrap_or(0),
            theme: theme.title.clone(),
            contributions: items.len(),
            groups: view.drafts.len(),
            groups_chosen_automatically: false,
            orientations: view
                .drafts
                .iter()
                .map(|d| ProposedOrientation {
                    title: d.orientation.title.clone(),
                    text: d.orientation.body.clone(),
                    text_proposed: d.orientation.body_proposed,
                    stances: d.stances.clone(),
                    key_phrases: d.key_phrases.clone(),
                    quotes: d.quotes.clone(),
                    contributions: d.members.iter().map(|m| m.reference.clone()).collect(),
                    duplicate_groups: Vec::new(),
                    support: d.support.clone(),
                    plenary: outcomes.get(&d.orientation.id).map(plenary_outcome),
                })
                .collect(),
            not_grouped,
            notes: if !synthesised {
                vec!["Aucune synthèse n'a encore été faite pour ce thème.".into()]
            } else {
                Vec::new()
            },
        });
        inputs.push((theme.title, items));
    }
    let document = SynthesisDocument {
        run: RunInfo {
            consultation: consultation.slug,
            consultation_title: consultation.title,
            software_version: essaim_core::VERSION.to_owned(),
            input_sha256: input_hash(&inputs),
            parameters: Params::default(),
            method: format!("{METHOD} Orientations relues et modifiées par l'équipe (journal d'audit)."),
            organisers: consultation.organisers.clone(),
        },
        themes,
    };
    let names = person_names(conn, consultation.id)?;
    Ok(SynthesisOutput { document, inputs }.scrubbed(&names))
}

/// The plenary's outcome of one orientation, as the exports show it.
fn plenary_outcome(outcome: &OrientationOutcome) -> PlenaryOutcome {
    PlenaryOutcome {
        verdict: outcome.verdict.map(|v| v.as_str().to_owned()),
        vote_closed: outcome.vote_state == VoteState::Closed,
        votes_confirmed: outcome.tally.confirmed,
        votes_to_amend: outcome.tally.to_amend,
        votes_not_confirmed: outcome.tally.not_confirmed,
        amendments: outcome.amendments.clone(),
    }
}
