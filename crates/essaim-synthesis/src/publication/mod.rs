//! Publishing the strategy (docs/publication.md): staff preview what would be published, then
//! publish it as a numbered version; publishing again makes a new version with what changed;
//! withdrawing hides it. At each publication, the contributions of published orientations that
//! have no answer yet become *retenues* (the rule of the *suite donnée*), and followers whose
//! answers are news get one mail each. All of it in one write transaction: nothing is
//! half-published. The shape of what is published is the core's
//! (`essaim_core::domain::publication`), so open data and commitments read it too.

mod document;
mod public;
mod snapshot;

use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::consultation::{find_consultation, Consultation};
use essaim_core::domain::publication::answers::apply_publication_rule;
use essaim_core::domain::publication::notices::notify_followers;
use essaim_core::domain::publication::{
    changes_between, insert_publication, latest_publication, mark_withdrawn, Changes, Publication, Snapshot,
};
use essaim_core::CoreError;

pub use document::{publication_document, render_publication, support_lines, verdict_line};
pub use public::{published_contributions, PublicContribution, CONTRIBUTIONS_PER_PAGE};
pub use snapshot::build_snapshot;

use crate::drafts::DraftError;

/// Why a publication or a withdrawal was refused.
#[derive(Debug, thiserror::Error)]
pub enum PublicationError {
    /// No such consultation.
    #[error("consultation introuvable")]
    NotFound,
    /// Refused, with a French message for the page or the terminal.
    #[error("{0}")]
    Refused(String),
    /// The store failed; nothing was changed.
    #[error(transparent)]
    Store(#[from] CoreError),
}

impl From<diesel::result::Error> for PublicationError {
    fn from(e: diesel::result::Error) -> Self {
        PublicationError::Store(CoreError::from(e))
    }
}

impl From<DraftError> for PublicationError {
    fn from(e: DraftError) -> Self {
        match e {
            DraftError::NotFound(_) => PublicationError::NotFound,
            DraftError::Store(CoreError::NotFound(_)) => PublicationError::NotFound,
            DraftError::Store(e) => PublicationError::Store(e),
            other => PublicationError::Refused(other.to_string()),
        }
    }
}

fn consultation(conn: &mut DbConnection, slug: &str) -> Result<Consultation, PublicationError> {
    find_consultation(conn, slug).map_err(|e| match e {
        CoreError::NotFound(_) => PublicationError::NotFound,
        other => PublicationError::Store(other),
    })
}

/// What the staff page shows before publishing.
#[derive(Debug, Clone)]
pub struct Preview {
    /// The consultation.
    pub consultation: Consultation,
    /// What would be published now.
    pub snapshot: Snapshot,
    /// What would change against the latest version.
    pub changes: Changes,
    /// The latest version (withdrawn or not), which a publication follows.
    pub latest: Option<Publication>,
}

/// What a publication now would be.
pub fn preview(conn: &mut DbConnection, slug: &str) -> Result<Preview, PublicationError> {
    let consultation = consultation(conn, slug)?;
    let snapshot = build_snapshot(conn, &consultation)?;
    let latest = latest_publication(conn, consultation.id)?;
    let previous = match &latest {
        Some(p) => Some((p.version, p.snapshot()?)),
        None => None,
    };
    let changes = changes_between(previous.as_ref().map(|(v, s)| (*v, s)), &snapshot);
    Ok(Preview { consultation, snapshot, changes, latest })
}

/// What one publication did.
#[derive(Debug, Clone)]
pub struct Published {
    /// The new version.
    pub publication: Publication,
    /// Contributions answered *retenue* by the rule.
    pub answered_by_rule: usize,
    /// Mails queued to followers.
    pub mails: usize,
}

/// The public address of a consultation's strategy.
pub fn strategy_path(slug: &str) -> String {
    format!("/consultations/{slug}/strategie")
}

/// Publishes the consultation's strategy as its next version. `expected_latest` is the latest
/// version the staff saw on the preview (none: none was published; the command line passes what
/// it reads): if another publication happened meanwhile, this one is refused rather than
/// published twice. `base_url` makes the strategy's address in the followers' mails.
/// One write transaction: the version, the answers by rule, the mails and the audit.
pub fn publish(
    conn: &mut DbConnection,
    slug: &str,
    actor: Option<Id>,
    expected_latest: Option<Option<i32>>,
    base_url: &str,
) -> Result<Published, PublicationError> {
    let consultation = consultation(conn, slug)?;
    // The snapshot is read before the write lock: reading every theme may take a while.
    let snapshot = build_snapshot(conn, &consultation)?;
    if snapshot.orientation_count() == 0 {
        return Err(PublicationError::Refused(
            "Aucune orientation à publier : la synthèse n'a encore proposé aucune orientation, ou toutes ont été écartées."
                .into(),
        ));
    }
    let strategy_url = format!("{}{}", base_url.trim_end_matches('/'), strategy_path(slug));
    write_transaction(conn, |conn| {
        let latest = latest_publication(conn, consultation.id)?;
        let latest_version = latest.as_ref().map(|p| p.version);
        if let Some(expected) = expected_latest {
            if expected != latest_version {
                return Err(PublicationError::Refused(format!(
                    "Une autre publication a eu lieu entre-temps (version {}) : relisez l'aperçu avant de publier à nouveau.",
                    latest_version.unwrap_or(0)
                )));
            }
        }
        let previous = match &latest {
            Some(p) => Some((p.version, p.snapshot()?)),
            None => None,
        };
        let changes = changes_between(previous.as_ref().map(|(v, s)| (*v, s)), &snapshot);
        let publication = Publication {
            id: Id::new(),
            consultation_id: consultation.id,
            version: latest_version.unwrap_or(0) + 1,
            published_at: now(),
            published_by: actor,
            withdrawn_at: None,
            withdrawn_by: None,
            snapshot_json: serde_json::to_string(&snapshot)
                .map_err(|e| CoreError::Internal(format!("instantané : {e}")))?,
            changes_json: serde_json::to_string(&changes)
                .map_err(|e| CoreError::Internal(format!("changements : {e}")))?,
        };
        insert_publication(conn, &publication).map_err(|e| match e {
            CoreError::Conflict(m) => PublicationError::Refused(format!("Publication refusée : {m}.")),
            other => PublicationError::Store(other),
        })?;
        let answered_by_rule = apply_publication_rule(conn, consultation.id, &snapshot)?;
        let mails = notify_followers(conn, consultation.id, &snapshot, &strategy_url, actor)?;
        record(
            conn,
            AuditEvent::new(actor, "publication.publish", "consultation", Some(consultation.id.to_string()))
                .with_details(serde_json::json!({
                    "version": publication.version,
                    "orientations": snapshot.orientation_count(),
                    "answered_by_rule": answered_by_rule,
                    "mails": mails,
                })),
        )?;
        Ok(Published { publication, answered_by_rule, mails })
    })
}

/// Withdraws the current publication: the public strategy is no longer shown. Refused when
/// nothing is published.
pub fn withdraw(conn: &mut DbConnection, slug: &str, actor: Option<Id>) -> Result<Publication, PublicationError> {
    let consultation = consultation(conn, slug)?;
    write_transaction(conn, |conn| {
        let latest = latest_publication(conn, consultation.id)?
            .filter(|p| !p.is_withdrawn())
            .ok_or_else(|| PublicationError::Refused("Aucune stratégie publiée à retirer.".into()))?;
        if !mark_withdrawn(conn, latest.id, actor)? {
            return Err(PublicationError::Refused("Cette version est déjà retirée.".into()));
        }
        record(
            conn,
            AuditEvent::new(actor, "publication.withdraw", "consultation", Some(consultation.id.to_string()))
                .with_details(serde_json::json!({ "version": latest.version })),
        )?;
        Ok(Publication { withdrawn_at: Some(now()), withdrawn_by: actor, ..latest })
    })
}
