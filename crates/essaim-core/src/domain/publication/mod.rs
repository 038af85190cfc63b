//! The published strategy (issue 18; docs/publication.md): each publication of a
//! consultation's strategy is a numbered version holding a snapshot of what was published —
//! per theme, each orientation with its text, the plenary's verdict, its retained amendments,
//! its support, its quotes and the accepted contributions behind it. Public pages, documents,
//! open data and the commitments read the snapshot, never the live drafts: what the public
//! sees is exactly what staff published, until they publish again. The snapshot is made by
//! `essaim-synthesis` (`publication::publish`); its shape lives here so every module reads it.
//!
//! The shape only grows: a field added later carries `#[serde(default)]`, so an older
//! version's snapshot still reads.

pub mod answers;
mod changes;
pub mod notices;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::{DbConnection, Id};
use crate::domain::orientation::Quote;
use crate::domain::plenary::{Judgement, Tally};
use crate::error::{CoreError, CoreResult};
use crate::schema::publications;

pub use changes::{changes_between, ChangedOrientation, Changes, Retitled};

/// One published version of a consultation's strategy, as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = publications)]
pub struct Publication {
    /// Identifier.
    pub id: Id,
    /// Its consultation.
    pub consultation_id: Id,
    /// Its number, from 1, per consultation.
    pub version: i32,
    /// When it was published.
    pub published_at: NaiveDateTime,
    /// Who published it (none from the command line).
    pub published_by: Option<Id>,
    /// When it was withdrawn, if it was.
    pub withdrawn_at: Option<NaiveDateTime>,
    /// Who withdrew it.
    pub withdrawn_by: Option<Id>,
    /// The JSON of the [`Snapshot`].
    #[diesel(column_name = snapshot)]
    pub snapshot_json: String,
    /// The JSON of the [`Changes`] against the previous version.
    #[diesel(column_name = changes)]
    pub changes_json: String,
}

impl Publication {
    /// What was published.
    pub fn snapshot(&self) -> CoreResult<Snapshot> {
        serde_json::from_str(&self.snapshot_json)
            .map_err(|e| CoreError::Internal(format!("instantané de publication illisible : {e}")))
    }

    /// What changed against the previous version (an unreadable list reads as none).
    pub fn changes(&self) -> Changes {
        serde_json::from_str(&self.changes_json).unwrap_or_default()
    }

    /// True while it is not withdrawn.
    pub fn is_withdrawn(&self) -> bool {
        self.withdrawn_at.is_some()
    }
}

/// What one publication made public.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// The consultation's title when published.
    pub consultation_title: String,
    /// Who led it (may be empty).
    #[serde(default)]
    pub organisers: String,
    /// The themes, in the consultation's order; a theme with no published orientation is kept
    /// (it says so).
    pub themes: Vec<PublishedTheme>,
}

impl Snapshot {
    /// Every published orientation, theme by theme.
    pub fn orientations(&self) -> impl Iterator<Item = (&PublishedTheme, &PublishedOrientation)> {
        self.themes.iter().flat_map(|t| t.orientations.iter().map(move |o| (t, o)))
    }

    /// One published orientation and its theme.
    pub fn orientation(&self, id: Id) -> Option<(&PublishedTheme, &PublishedOrientation)> {
        self.orientations().find(|(_, o)| o.id == id)
    }

    /// How many orientations were published.
    pub fn orientation_count(&self) -> usize {
        self.themes.iter().map(|t| t.orientations.len()).sum()
    }
}

/// A theme as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedTheme {
    /// The theme.
    pub id: Id,
    /// Its position (from 1).
    pub position: i32,
    /// Its title.
    pub title: String,
    /// Its published orientations, largest first.
    pub orientations: Vec<PublishedOrientation>,
}

/// An orientation as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedOrientation {
    /// The orientation (stable from one version to the next).
    pub id: Id,
    /// Its title, scrubbed of personal data.
    pub title: String,
    /// Its text, scrubbed.
    pub text: String,
    /// The plenary's verdict, where one was recorded.
    #[serde(default)]
    pub verdict: Option<Judgement>,
    /// The votes cast, where it was put to the vote.
    #[serde(default)]
    pub votes: Option<Tally>,
    /// The texts of the amendments the plenary retained, scrubbed.
    #[serde(default)]
    pub amendments: Vec<String>,
    /// Its support among the accepted contributions behind it.
    pub support: Support,
    /// Representative quotes, scrubbed.
    #[serde(default)]
    pub quotes: Vec<Quote>,
    /// The accepted contributions behind it when published (ids, in the order they arrived).
    #[serde(default)]
    pub contributions: Vec<Id>,
}

/// Support of an orientation: its accepted contributions counted per facet.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Support {
    /// Accepted contributions behind it.
    pub contributions: i64,
    /// By channel, largest first.
    pub by_channel: Vec<Count>,
    /// By territory, largest first.
    pub by_territory: Vec<Count>,
    /// By legal family of the organisation that wrote it, largest first.
    pub by_legal_family: Vec<Count>,
}

/// One count of a facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// The stable code (`non_renseigne` when unknown).
    pub code: String,
    /// Its French label when published.
    pub label: String,
    /// How many.
    pub count: i64,
}

/// Every publication of a consultation, newest first, withdrawn ones included.
pub fn publications_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<Publication>> {
    Ok(publications::table
        .filter(publications::consultation_id.eq(consultation))
        .order(publications::version.desc())
        .select(Publication::as_select())
        .load(conn)?)
}

/// The latest publication of a consultation, withdrawn or not.
pub fn latest_publication(conn: &mut DbConnection, consultation: Id) -> CoreResult<Option<Publication>> {
    Ok(publications::table
        .filter(publications::consultation_id.eq(consultation))
        .order(publications::version.desc())
        .select(Publication::as_select())
        .first(conn)
        .optional()?)
}

/// What the public reads: the latest version, unless it was withdrawn (then nothing: a
/// withdrawal hides the strategy, it does not bring an older version back).
pub fn current_publication(conn: &mut DbConnection, consultation: Id) -> CoreResult<Option<Publication>> {
    Ok(latest_publication(conn, consultation)?.filter(|p| !p.is_withdrawn()))
}

/// One version of a consultation's strategy.
pub fn publication_version(conn: &mut DbConnection, consultation: Id, version: i32) -> CoreResult<Option<Publication>> {
    Ok(publications::table
        .filter(publications::consultation_id.eq(consultation))
        .filter(publications::version.eq(version))
        .select(Publication::as_select())
        .first(conn)
        .optional()?)
}

/// Stores a new version. The caller (the synthesis' `publish`) runs it in its write
/// transaction; a version number already taken by another process is refused by the unique
/// (consultation, version) and answered as a [`CoreError::Conflict`] in French.
pub fn insert_publication(conn: &mut DbConnection, publication: &Publication) -> CoreResult<()> {
    match diesel::insert_into(publications::table).values(publication).execute(conn) {
        Ok(_) => Ok(()),
        Err(diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _)) => {
            Err(CoreError::Conflict(format!(
                "une publication de la version {} est déjà en cours ou faite ; rechargez la page",
                publication.version
            )))
        }
        Err(e) => Err(e.into()),
    }
}

/// Marks a publication withdrawn; false when it already was.
pub fn mark_withdrawn(conn: &mut DbConnection, publication: Id, actor: Option<Id>) -> CoreResult<bool> {
    let n = diesel::update(publications::table.find(publication).filter(publications::withdrawn_at.is_null()))
        .set((publications::withdrawn_at.eq(crate::clock::now()), publications::withdrawn_by.eq(actor)))
        .execute(conn)?;
    Ok(n == 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{demo, TestDb};

    fn version(consultation: Id, n: i32) -> Publication {
        Publication {
            id: Id::new(),
            consultation_id: consultation,
            version: n,
            published_at: crate::clock::now(),
            published_by: None,
            withdrawn_at: None,
            withdrawn_by: None,
            snapshot_json: serde_json::to_string(&Snapshot::default()).unwrap(),
            changes_json: "{}".into(),
        }
    }

    #[test]
    fn a_version_is_made_once_and_a_withdrawal_hides_the_strategy() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        assert!(current_publication(&mut conn, consultation).unwrap().is_none());
        insert_publication(&mut conn, &version(consultation, 1)).unwrap();
        // Another process making version 1 at the same time is refused, in French.
        match insert_publication(&mut conn, &version(consultation, 1)) {
            Err(CoreError::Conflict(message)) => assert!(message.contains("version 1"), "{message}"),
            other => panic!("{other:?}"),
        }
        let second = version(consultation, 2);
        insert_publication(&mut conn, &second).unwrap();
        assert_eq!(current_publication(&mut conn, consultation).unwrap().map(|p| p.version), Some(2));
        assert_eq!(
            publications_of(&mut conn, consultation).unwrap().iter().map(|p| p.version).collect::<Vec<_>>(),
            [2, 1]
        );
        assert!(mark_withdrawn(&mut conn, second.id, None).unwrap());
        assert!(!mark_withdrawn(&mut conn, second.id, None).unwrap(), "once");
        // Withdrawn: nothing is current, not even the older version.
        assert!(current_publication(&mut conn, consultation).unwrap().is_none());
        assert!(latest_publication(&mut conn, consultation).unwrap().unwrap().is_withdrawn());
        assert_eq!(publication_version(&mut conn, consultation, 1).unwrap().unwrap().version, 1);
        assert_eq!(
            publication_version(&mut conn, consultation, 1).unwrap().unwrap().snapshot().unwrap(),
            Snapshot::default()
        );
    }
}
