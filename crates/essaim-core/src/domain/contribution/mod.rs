//! The contribution: the one unit that every channel feeds and the synthesis reads.
//!
//! Every channel records through [`record_contribution`] (one at a time, with an idempotency
//! key) or [`record_bulk`] (an import), after the same checks ([`NewContribution::validate`]),
//! and gets its moderation status from the same rule ([`initial_status`], docs/moderation.md).

mod counts;
mod edit;
mod form;
mod moderation;
mod queue;
mod record;
mod theme;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{DbConnection, Id};
use crate::domain::vocab::{AuthorKind, Channel, ContributionKind, ModerationStatus};
use crate::error::CoreResult;
use crate::schema::contributions;

pub use counts::{
    counts_by_channel, counts_by_theme, counts_by_theme_and_channel, moderation_counts, ChannelCount, ModerationCounts,
    ThemeChannelCount, ThemeCount,
};
pub use edit::{delete_contribution, edit_contribution};
pub use form::{
    CheckedForm, ChosenTerritory, ContributionForm, OrganisationField, OrganisationName, KIND_MESSAGE,
    MAX_ORGANISATION_CHARS,
};
pub use moderation::{
    initial_status, moderate, moderate_many, Decision, Submitter, MAX_BULK, MAX_MODERATION_NOTE_CHARS,
};
pub use queue::{
    accepted_of_theme, find_contribution_in, moderation_queue, original_candidates, Page, QueueCursor, QueueFilter,
    MAX_PAGE_SIZE, ORIGINAL_CANDIDATES, PAGE_SIZE,
};
pub use record::{
    clean_text, record_bulk, record_contribution, Author, NewContribution, Recorded, ValidContribution,
    MAX_CONTRIBUTION_CHARS, MAX_IDEMPOTENCY_KEY_CHARS,
};
pub use theme::{assign_theme, count_without_theme, without_theme, UNTHEMED_PAGE};

/// One contribution, whatever its channel.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = contributions)]
pub struct Contribution {
    /// Identifier.
    pub id: Id,
    /// The consultation it belongs to.
    pub consultation_id: Id,
    /// Its theme, if classified.
    pub theme_id: Option<Id>,
    /// Constat, proposition, expérience, question.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: ContributionKind,
    /// How it reached us.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub channel: Channel,
    /// The text, as written.
    pub body: String,
    /// Who speaks.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub author_kind: AuthorKind,
    /// The organisation, when it speaks for one.
    pub organisation_id: Option<Id>,
    /// A person's or group's name; personal data, never published.
    pub author_name: Option<String>,
    /// Where it comes from.
    pub territory_id: Option<Id>,
    /// The account that logged it (a facilitator, for workshops).
    pub logged_by: Option<Id>,
    /// When it was received (UTC).
    pub created_at: NaiveDateTime,
    /// Moderation status: only accepted contributions are read and counted.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub moderation_status: ModerationStatus,
    /// Reference in the source it was imported from.
    pub external_ref: Option<String>,
    /// Key sent with a submission so that a retry is not counted twice.
    pub idempotency_key: Option<String>,
    /// Who accepted or rejected it (none when the rule accepted it on arrival).
    pub moderated_by: Option<Id>,
    /// When it was moderated.
    pub moderated_at: Option<NaiveDateTime>,
    /// Why it was rejected, for staff.
    pub moderation_note: Option<String>,
    /// The contribution this one repeats, when a moderator marked it so (it is then rejected).
    pub duplicate_of: Option<Id>,
}

/// A contribution by id.
pub fn find_contribution(conn: &mut DbConnection, id: Id) -> CoreResult<Option<Contribution>> {
    Ok(contributions::table.find(id).select(Contribution::as_select()).first(conn).optional()?)
}

/// A contribution by its idempotency key.
pub fn find_by_idempotency_key(conn: &mut DbConnection, key: &str) -> CoreResult<Option<Contribution>> {
    Ok(contributions::table
        .filter(contributions::idempotency_key.eq(key))
        .select(Contribution::as_select())
        .first(conn)
        .optional()?)
}

/// The contributions of a consultation, oldest first, whatever their status.
pub fn contributions_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<Contribution>> {
    Ok(contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .order(contributions::id.asc())
        .select(Contribution::as_select())
        .load(conn)?)
}
