//! What a publication makes public, read from the drafts as staff left them: every draft
//! orientation (not discarded) of every theme, with the plenary's verdict and retained
//! amendments, its support among its accepted contributions, its quotes, and those
//! contributions' ids. Every text goes through the scrubber first.

use std::collections::BTreeMap;

use essaim_core::db::DbConnection;
use essaim_core::domain::consultation::{themes_of, Consultation};
use essaim_core::domain::orientation::Quote;
use essaim_core::domain::plenary::outcomes_of_consultation;
use essaim_core::domain::publication::{Count, PublishedOrientation, PublishedTheme, Snapshot, Support};

use crate::drafts::{theme_drafts, DraftError};
use crate::export::labels;
use crate::run::person_names;
use crate::scrub::Scrubber;

fn counts(facet: &BTreeMap<String, usize>, label: impl Fn(&str) -> String) -> Vec<Count> {
    let mut out: Vec<Count> = facet
        .iter()
        .map(|(code, n)| Count { code: code.clone(), label: label(code), count: i64::try_from(*n).unwrap_or(i64::MAX) })
        .collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    out
}

/// The snapshot a publication of `consultation` would make now.
pub fn build_snapshot(conn: &mut DbConnection, consultation: &Consultation) -> Result<Snapshot, DraftError> {
    let names = person_names(conn, consultation.id)?;
    let scrubber = Scrubber::new(&names);
    let outcomes = outcomes_of_consultation(conn, consultation.id)?;
    let mut themes = Vec::new();
    for theme in themes_of(conn, consultation.id)? {
        let drafts = theme_drafts(conn, consultation.id, theme.id)?;
        let orientations = drafts
            .drafts
            .iter()
            .map(|draft| {
                let outcome = outcomes.get(&draft.orientation.id);
                let mut contributions: Vec<_> = draft.members.iter().map(|m| m.id).collect();
                contributions.sort();
                PublishedOrientation {
                    id: draft.orientation.id,
                    title: scrubber.scrub(&draft.orientation.title),
                    text: scrubber.scrub(&draft.orientation.body),
                    verdict: outcome.and_then(|o| o.verdict),
                    votes: outcome.map(|o| o.tally),
                    amendments: outcome
                        .map(|o| o.amendments.iter().map(|a| scrubber.scrub(a)).collect())
                        .unwrap_or_default(),
                    support: Support {
                        contributions: i64::try_from(draft.members.len()).unwrap_or(i64::MAX),
                        by_channel: counts(&draft.support.by_channel, labels::channel),
                        by_territory: counts(&draft.support.by_territory, labels::territory),
                        by_legal_family: counts(&draft.support.by_legal_family, labels::legal_family),
                    },
                    quotes: draft
                        .quotes
                        .iter()
                        .map(|q| Quote { reference: q.reference.clone(), text: scrubber.scrub(&q.text) })
                        .collect(),
                    contributions,
                }
            })
            .collect();
        themes.push(PublishedTheme { id: theme.id, position: theme.position, title: theme.title, orientations });
    }
    Ok(Snapshot { consultation_title: consultation.title.clone(), organisers: consultation.organisers.clone(), themes })
}
