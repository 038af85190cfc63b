//! The contribution: the one unit that every channel feeds and the synthesis reads.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{DbConnection, Id};
use crate::domain::vocab::{AuthorKind, Channel, ContributionKind, ModerationStatus};
use crate::error::CoreResult;
use crate::schema::contributions;

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
    /// Moderation status.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub moderation_status: ModerationStatus,
    /// Reference in the source it was imported from.
    pub external_ref: Option<String>,
    /// Key sent with a submission so that a retry is not counted twice.
    pub idempotency_key: Option<String>,
}

/// Stores one contribution as given (callers validate first).
pub fn insert_contribution(conn: &mut DbConnection, contribution: &Contribution) -> CoreResult<()> {
    diesel::insert_into(contributions::table).values(contribution.clone()).execute(conn)?;
    Ok(())
}

/// A contribution by its idempotency key.
pub fn find_by_idempotency_key(conn: &mut DbConnection, key: &str) -> CoreResult<Option<Contribution>> {
    Ok(contributions::table
        .filter(contributions::idempotency_key.eq(key))
        .select(Contribution::as_select())
        .first(conn)
        .optional()?)
}

/// The contributions of a consultation, oldest first.
pub fn contributions_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<Contribution>> {
    Ok(contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .order(contributions::id.asc())
        .select(Contribution::as_select())
        .load(conn)?)
}

/// Rows per multi-row `INSERT`: 16 columns × 1,000 rows stays under SQLite's variable limit.
const BULK_CHUNK: usize = 1_000;

/// Stores many contributions with multi-row inserts (callers wrap it in their transaction).
///
/// `MultiBackend` cannot build a multi-row `INSERT` for SQLite, so this is one of the rare
/// places that matches on the backend: the same statement shape, typed per backend.
pub fn insert_contributions_bulk(conn: &mut DbConnection, rows: &[Contribution]) -> CoreResult<()> {
    for chunk in rows.chunks(BULK_CHUNK) {
        let values: Vec<Contribution> = chunk.to_vec();
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(contributions::table).values(values).execute(c)?,
            DbConnection::Postgresql(c) => diesel::insert_into(contributions::table).values(values).execute(c)?,
        };
    }
    Ok(())
}
