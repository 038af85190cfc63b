//! Following the commitments of a published strategy (Decidim's accountability is the
//! reference): after publication, staff attach to each published orientation the actions that
//! carry it out — the action, who carries it (Région, État, CRESS, a network…), a status, a
//! progress percentage — and dated news. The public reads them per orientation and for the
//! whole strategy, and downloads them as CSV (docs/commitments.md).

mod edit;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::publication::{current_publication, Publication};
use essaim_core::schema::{commitment_news, commitments};
use essaim_core::CoreError;
use serde::Serialize;

pub use edit::{add_commitment, add_news, delete_commitment, edit_commitment, CommitmentForm, NewsForm};

essaim_core::text_enum! {
    /// Where a commitment stands.
    CommitmentStatus {
        /// Decided, not started.
        Planned => ("planned", "Prévu"),
        /// Under way.
        InProgress => ("in_progress", "En cours"),
        /// Carried out.
        Done => ("done", "Réalisé"),
        /// Given up (its news say why).
        Abandoned => ("abandoned", "Abandonné"),
    }
}

/// Longest action, in characters.
pub const MAX_ACTION_CHARS: usize = 1_000;
/// Longest carrier, in characters.
pub const MAX_CARRIER_CHARS: usize = 200;
/// Longest news, in characters.
pub const MAX_NEWS_CHARS: usize = 2_000;

/// A commitment, as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = commitments)]
pub struct Commitment {
    /// Identifier.
    pub id: Id,
    /// The consultation.
    pub consultation_id: Id,
    /// The published orientation it carries out.
    pub orientation_id: Id,
    /// What will be done.
    pub action: String,
    /// Who carries it.
    pub carrier: String,
    /// Where it stands.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: CommitmentStatus,
    /// Progress, 0 to 100.
    pub progress: i32,
    /// Created (UTC).
    pub created_at: NaiveDateTime,
    /// Last changed (UTC).
    pub updated_at: NaiveDateTime,
}

/// A dated news of a commitment.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = commitment_news)]
pub struct News {
    /// Identifier.
    pub id: Id,
    /// The commitment.
    pub commitment_id: Id,
    /// The day it happened.
    pub happened_on: NaiveDate,
    /// What happened.
    pub body: String,
    /// When it was written (UTC).
    pub created_at: NaiveDateTime,
}

/// A commitment with its news, newest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommitmentWithNews {
    /// The commitment.
    pub commitment: Commitment,
    /// Its news, newest first.
    pub news: Vec<News>,
}

/// Why a change to the commitments was refused.
#[derive(Debug, thiserror::Error)]
pub enum CommitmentError {
    /// No such commitment or orientation in this consultation.
    #[error("{0} introuvable")]
    NotFound(&'static str),
    /// Refused, with a French message naming the field.
    #[error("{message}")]
    Invalid {
        /// The form field at fault.
        field: &'static str,
        /// What to do, in French.
        message: String,
    },
    /// The store failed; nothing was changed.
    #[error(transparent)]
    Store(#[from] CoreError),
}

impl From<diesel::result::Error> for CommitmentError {
    fn from(e: diesel::result::Error) -> Self {
        CommitmentError::Store(CoreError::from(e))
    }
}

/// A consultation's commitments with their news, by orientation, in the order they were
/// made: three queries whatever their number.
pub fn commitments_of(
    conn: &mut DbConnection,
    consultation: Id,
) -> Result<HashMap<Id, Vec<CommitmentWithNews>>, CoreError> {
    let all: Vec<Commitment> = commitments::table
        .filter(commitments::consultation_id.eq(consultation))
        .order((commitments::created_at, commitments::id))
        .select(Commitment::as_select())
        .load(conn)?;
    let mut news: HashMap<Id, Vec<News>> = HashMap::new();
    for n in commitment_news::table
        .inner_join(commitments::table)
        .filter(commitments::consultation_id.eq(consultation))
        .order((commitment_news::happened_on.desc(), commitment_news::created_at.desc()))
        .select(News::as_select())
        .load::<News>(conn)?
    {
        news.entry(n.commitment_id).or_default().push(n);
    }
    let mut by_orientation: HashMap<Id, Vec<CommitmentWithNews>> = HashMap::new();
    for commitment in all {
        let news = news.remove(&commitment.id).unwrap_or_default();
        by_orientation.entry(commitment.orientation_id).or_default().push(CommitmentWithNews { commitment, news });
    }
    Ok(by_orientation)
}

/// The mean progress of these commitments, abandoned ones left out; none without any.
pub fn mean_progress<'a, I: IntoIterator<Item = &'a Commitment>>(commitments: I) -> Option<i32> {
    let kept: Vec<i32> =
        commitments.into_iter().filter(|c| c.status != CommitmentStatus::Abandoned).map(|c| c.progress).collect();
    (!kept.is_empty()).then(|| (kept.iter().sum::<i32>() as f64 / kept.len() as f64).round() as i32)
}

/// One published orientation with its commitments, as the pages and the CSV list them.
#[derive(Debug, Clone, PartialEq)]
pub struct OrientationCommitments {
    /// Its theme's title.
    pub theme: String,
    /// The orientation's id.
    pub id: Id,
    /// Its published title.
    pub title: String,
    /// Its commitments, in the order they were made.
    pub commitments: Vec<CommitmentWithNews>,
}

/// The commitments of a consultation's current publication, orientation by orientation in the
/// strategy's order (orientations without any included); none when nothing is published.
pub fn strategy_commitments(
    conn: &mut DbConnection,
    consultation: Id,
) -> Result<Option<(Publication, Vec<OrientationCommitments>)>, CoreError> {
    let Some(publication) = current_publication(conn, consultation)? else { return Ok(None) };
    let snapshot = publication.snapshot()?;
    let mut all = commitments_of(conn, consultation)?;
    let list = snapshot
        .orientations()
        .map(|(theme, o)| OrientationCommitments {
            theme: theme.title.clone(),
            id: o.id,
            title: o.title.clone(),
            commitments: all.remove(&o.id).unwrap_or_default(),
        })
        .collect();
    Ok(Some((publication, list)))
}

/// Whether an orientation is in the consultation's current publication: commitments follow
/// the published strategy only.
pub fn is_published(conn: &mut DbConnection, consultation: Id, orientation: Id) -> Result<bool, CoreError> {
    Ok(match current_publication(conn, consultation)? {
        Some(publication) => publication.snapshot()?.orientation(orientation).is_some(),
        None => false,
    })
}

/// The CSV's columns, in French.
pub const CSV_HEADERS: &[&str] = &[
    "Thème",
    "Orientation",
    "Identifiant de l'orientation",
    "Action",
    "Porteur",
    "Statut",
    "Avancement (%)",
    "Dernière actualité (date)",
    "Dernière actualité",
    "Identifiant de l'engagement",
];

/// The CSV of these commitments, under their orientation, in the order the strategy shows them.
pub fn commitments_csv(orientations: &[OrientationCommitments]) -> Vec<u8> {
    let rows = orientations.iter().flat_map(|o| {
        let (theme, title, id) = (&o.theme, &o.title, o.id);
        o.commitments.iter().map(move |c| {
            let latest = c.news.first();
            vec![
                theme.clone(),
                title.clone(),
                id.to_string(),
                c.commitment.action.clone(),
                c.commitment.carrier.clone(),
                c.commitment.status.label().to_owned(),
                c.commitment.progress.to_string(),
                latest.map(|n| n.happened_on.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                latest.map(|n| n.body.clone()).unwrap_or_default(),
                c.commitment.id.to_string(),
            ]
        })
    });
    essaim_documents::spreadsheet::csv_bytes(CSV_HEADERS, rows).expect("CSV into memory")
}

#[cfg(test)]
mod tests;
