//! Recording contributions: one set of checks and one way in, for every channel.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::moderation::{initial_status, Submitter};
use super::{find_by_idempotency_key, Contribution};
use crate::clock::now;
use crate::db::{DbConnection, Id};
use crate::domain::consultation::{ensure_accepting, Accepting};
use crate::domain::vocab::{AuthorKind, Channel, ContributionKind};
use crate::error::{CoreError, CoreResult, ValidationErrors};
use crate::schema::{consultations, contributions, themes};

/// Longest contribution accepted, in characters (about ten pages), whatever the channel.
pub const MAX_CONTRIBUTION_CHARS: usize = 20_000;
/// Longest idempotency key (a device-made UUID is 36 characters).
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 200;
/// Longest external reference (an import's `id` column).
const MAX_REFERENCE_CHARS: usize = 200;
/// Longest author name.
const MAX_NAME_CHARS: usize = 200;

/// Who speaks in a contribution.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Author {
    /// A recorded organisation.
    Organisation(Id),
    /// An organisation known only by the name given (not in the register yet).
    NamedOrganisation(String),
    /// A person, by name (personal data, never published).
    Person(String),
    /// A group, e.g. a workshop table.
    Group(String),
    /// Nobody named.
    #[default]
    Anonymous,
}

/// A contribution as a channel hands it over, before the checks.
#[derive(Debug, Clone)]
pub struct NewContribution {
    /// The consultation.
    pub consultation_id: Id,
    /// Its theme, if the channel knows it.
    pub theme_id: Option<Id>,
    /// Constat, proposition…
    pub kind: ContributionKind,
    /// The channel it came through.
    pub channel: Channel,
    /// The text, as typed.
    pub body: String,
    /// Who speaks.
    pub author: Author,
    /// Where it comes from.
    pub territory_id: Option<Id>,
    /// Who vouches for it: decides whether it waits for a moderator.
    pub submitter: Submitter,
    /// When it was said, if not now (an import, a note taken offline).
    pub received_at: Option<NaiveDateTime>,
    /// The reference in the source it is imported from.
    pub external_ref: Option<String>,
    /// The client's key: the same key twice records one contribution.
    pub idempotency_key: Option<String>,
}

impl NewContribution {
    /// A contribution with the required parts; the rest through the builder methods.
    pub fn new(
        consultation_id: Id,
        channel: Channel,
        kind: ContributionKind,
        body: impl Into<String>,
        submitter: Submitter,
    ) -> Self {
        NewContribution {
            consultation_id,
            theme_id: None,
            kind,
            channel,
            body: body.into(),
            author: Author::Anonymous,
            territory_id: None,
            submitter,
            received_at: None,
            external_ref: None,
            idempotency_key: None,
        }
    }

    /// Under this theme.
    pub fn theme(mut self, theme: Id) -> Self {
        self.theme_id = Some(theme);
        self
    }

    /// Spoken by this author.
    pub fn author(mut self, author: Author) -> Self {
        self.author = author;
        self
    }

    /// From this territory.
    pub fn territory(mut self, territory: Id) -> Self {
        self.territory_id = Some(territory);
        self
    }

    /// Received at this time rather than now.
    pub fn received_at(mut self, at: NaiveDateTime) -> Self {
        self.received_at = Some(at);
        self
    }

    /// With the reference it has in its source.
    pub fn external_ref(mut self, reference: impl Into<String>) -> Self {
        self.external_ref = Some(reference.into());
        self
    }

    /// With the client's idempotency key.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Checks every part; `consultation_themes` are the ids of the consultation's themes.
    /// Each rejected field has its French message; nothing is half-accepted.
    pub fn validate(self, consultation_themes: &[Id]) -> Result<ValidContribution, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let body = match clean_text(&self.body) {
            Ok(body) => body,
            Err(message) => {
                errors.add("body", message);
                String::new()
            }
        };
        if let Some(theme) = self.theme_id {
            if !consultation_themes.contains(&theme) {
                errors.add("theme_id", "Ce thème n'appartient pas à la consultation.");
            }
        }
        let key = match self.idempotency_key.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(key) if key.chars().count() > MAX_IDEMPOTENCY_KEY_CHARS || key.chars().any(char::is_control) => {
                errors.add(
                    "idempotency_key",
                    format!("La clé d'idempotence compte au plus {MAX_IDEMPOTENCY_KEY_CHARS} caractères imprimables."),
                );
                None
            }
            Some(key) => Some(key.to_owned()),
        };
        let reference = match self.external_ref.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(r) if r.chars().count() > MAX_REFERENCE_CHARS => {
                errors.add("external_ref", format!("La référence compte au plus {MAX_REFERENCE_CHARS} caractères."));
                None
            }
            Some(r) => Some(r.to_owned()),
        };
        let (author_kind, organisation_id, author_name) = match &self.author {
            Author::Organisation(id) => (AuthorKind::Organisation, Some(*id), None),
            Author::NamedOrganisation(name) => (AuthorKind::Organisation, None, Some(name)),
            Author::Person(name) => (AuthorKind::Person, None, Some(name)),
            Author::Group(name) => (AuthorKind::Group, None, Some(name)),
            Author::Anonymous => (AuthorKind::Anonymous, None, None),
        };
        let author_name = author_name.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if author_name.as_ref().is_some_and(|n| n.chars().count() > MAX_NAME_CHARS) {
            errors.add("author", format!("Le nom compte au plus {MAX_NAME_CHARS} caractères."));
        }
        errors.clone().into_result().map_err(|_| errors)?;
        let at = now();
        Ok(ValidContribution(Contribution {
            id: Id::new(),
            consultation_id: self.consultation_id,
            theme_id: self.theme_id,
            kind: self.kind,
            channel: self.channel,
            body,
            author_kind,
            organisation_id,
            author_name,
            territory_id: self.territory_id,
            logged_by: match self.submitter {
                Submitter::Account(id) => Some(id),
                _ => None,
            },
            created_at: self.received_at.unwrap_or(at),
            moderation_status: initial_status(self.channel, self.submitter),
            external_ref: reference,
            idempotency_key: key,
            moderated_by: None,
            moderated_at: None,
            moderation_note: None,
            duplicate_of: None,
        }))
    }
}

/// A contribution that passed [`NewContribution::validate`]; only those can be recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidContribution(Contribution);

impl ValidContribution {
    /// What will be stored.
    pub fn contribution(&self) -> &Contribution {
        &self.0
    }
}

/// A contribution's text as stored: trimmed, line ends unified, what [`crate::text`] drops
/// from all incoming text removed (for channels that do not pass through it: imports of
/// JSON Lines, the command line), and
/// within [`MAX_CONTRIBUTION_CHARS`]. The error is the French message for the field.
pub fn clean_text(raw: &str) -> Result<String, String> {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    let cleaned = crate::text::clean(&unified);
    let text = cleaned.trim();
    if text.is_empty() {
        return Err("Écrivez votre contribution.".into());
    }
    let chars = text.chars().count();
    if chars > MAX_CONTRIBUTION_CHARS {
        return Err(format!(
            "La contribution compte {chars} caractères, {MAX_CONTRIBUTION_CHARS} au plus : découpez-la en plusieurs."
        ));
    }
    Ok(text.to_owned())
}

/// What [`record_contribution`] did.
#[derive(Debug, Clone, PartialEq)]
pub enum Recorded {
    /// Stored now.
    New(Contribution),
    /// Stored earlier under the same idempotency key; nothing new was written.
    Again(Contribution),
}

impl Recorded {
    /// The stored contribution, whichever call stored it.
    pub fn contribution(&self) -> &Contribution {
        match self {
            Recorded::New(c) | Recorded::Again(c) => c,
        }
    }
}

fn theme_ids(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<Id>> {
    let exists: i64 = consultations::table.find(consultation).count().get_result(conn)?;
    if exists == 0 {
        return Err(CoreError::NotFound("consultation".into()));
    }
    Ok(themes::table.filter(themes::consultation_id.eq(consultation)).select(themes::id).load(conn)?)
}

/// The same submission again, or another one under a key already taken?
fn same_submission(stored: &Contribution, new: &Contribution) -> bool {
    stored.consultation_id == new.consultation_id && stored.channel == new.channel && stored.body == new.body
}

/// Checks and records one contribution. With an idempotency key, the key is checked and
/// written by one statement (`INSERT … ON CONFLICT DO NOTHING`): however many concurrent
/// retries arrive, one row is stored and every caller gets its id back. A key already used
/// for a different text is a conflict.
/// A closed or archived consultation refuses a new contribution ([`CoreError::Closed`]).
pub fn record_contribution(conn: &mut DbConnection, input: NewContribution) -> CoreResult<Recorded> {
    let themes = theme_ids(conn, input.consultation_id)?;
    let valid = input.validate(&themes).map_err(CoreError::Validation)?;
    let row = valid.0;
    let Some(key) = row.idempotency_key.clone() else {
        ensure_accepting(conn, row.consultation_id)?;
        diesel::insert_into(contributions::table).values(row.clone()).execute(conn)?;
        return Ok(Recorded::New(row));
    };
    // The usual retry finds its row at once, without a write: what was accepted before the
    // consultation closed is still answered as accepted.
    if let Some(stored) = find_by_idempotency_key(conn, &key)? {
        return again(stored, &row);
    }
    ensure_accepting(conn, row.consultation_id)?;
    let inserted = match conn {
        DbConnection::Sqlite(c) => diesel::insert_into(contributions::table)
            .values(row.clone())
            .on_conflict(contributions::idempotency_key)
            .do_nothing()
            .execute(c)?,
        DbConnection::Postgresql(c) => diesel::insert_into(contributions::table)
            .values(row.clone())
            .on_conflict(contributions::idempotency_key)
            .do_nothing()
            .execute(c)?,
    };
    if inserted == 1 {
        return Ok(Recorded::New(row));
    }
    // Another call stored it between our look-up and our insert: its row is committed now.
    match find_by_idempotency_key(conn, &key)? {
        Some(stored) => again(stored, &row),
        None => Err(CoreError::Internal("clé d'idempotence en conflit mais introuvable".into())),
    }
}

fn again(stored: Contribution, new: &Contribution) -> CoreResult<Recorded> {
    if same_submission(&stored, new) {
        Ok(Recorded::Again(stored))
    } else {
        Err(CoreError::Conflict("cette clé d'idempotence a déjà servi pour une autre contribution".into()))
    }
}

/// Rows per multi-row `INSERT`: 19 columns × 1,000 rows stays under SQLite's variable limit.
const BULK_CHUNK: usize = 1_000;

/// Stores many checked contributions with multi-row inserts (an import; callers wrap it in
/// their transaction).
///
/// `MultiBackend` cannot build a multi-row `INSERT` for SQLite, so this is one of the rare
/// places that matches on the backend: the same statement shape, typed per backend.
///
/// `accepting` is [`ensure_accepting`]'s proof that their consultation takes contributions
/// (made in the same transaction, or just before it on a hot path); rows of another
/// consultation are refused.
pub fn record_bulk(conn: &mut DbConnection, accepting: Accepting, rows: &[ValidContribution]) -> CoreResult<()> {
    if rows.iter().any(|row| row.0.consultation_id != accepting.consultation()) {
        return Err(CoreError::Internal("contributions d'une autre consultation que celle vérifiée".into()));
    }
    for chunk in rows.chunks(BULK_CHUNK) {
        let values: Vec<Contribution> = chunk.iter().map(|v| v.0.clone()).collect();
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(contributions::table).values(values).execute(c)?,
            DbConnection::Postgresql(c) => diesel::insert_into(contributions::table).values(values).execute(c)?,
        };
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_cleaned_and_bounded_with_one_rule() {
        assert_eq!(clean_text("  Une idée\r\nsur deux lignes\u{0}  ").unwrap(), "Une idée\nsur deux lignes");
        assert_eq!(clean_text(" \u{7} \n ").unwrap_err(), "Écrivez votre contribution.");
        let long = "é".repeat(MAX_CONTRIBUTION_CHARS + 1);
        assert!(clean_text(&long).unwrap_err().contains("20000 au plus"), "one limit, said in the message");
        assert!(clean_text(&"é".repeat(MAX_CONTRIBUTION_CHARS)).is_ok());
    }

    #[test]
    fn every_field_is_checked_at_once() {
        let theme = Id::new();
        let input =
            NewContribution::new(Id::new(), Channel::Online, ContributionKind::Question, "  ", Submitter::Public)
                .theme(Id::new())
                .idempotency_key("k".repeat(MAX_IDEMPOTENCY_KEY_CHARS + 1));
        let errors = input.validate(&[theme]).unwrap_err();
        assert_eq!(errors.get("body"), Some("Écrivez votre contribution."));
        assert!(errors.get("theme_id").is_some());
        assert!(errors.get("idempotency_key").is_some());
    }
}
