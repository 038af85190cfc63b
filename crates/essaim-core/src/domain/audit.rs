//! The audit log: who did what to what, and when. Written in the same transaction as the change.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::clock::now;
use crate::db::{DbConnection, Id};
use crate::error::CoreResult;
use crate::schema::audit_log;

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = audit_log)]
pub struct AuditEntry {
    /// Identifier.
    pub id: Id,
    /// When (UTC).
    pub occurred_at: NaiveDateTime,
    /// The account that acted, if any (the CLI acts as nobody).
    pub actor_id: Option<Id>,
    /// What was done, e.g. `account.create`.
    pub action: String,
    /// Kind of record acted on, e.g. `account`.
    pub target_kind: String,
    /// The record's id.
    pub target_id: Option<String>,
    /// JSON object with what else matters; never a password or token.
    pub details: String,
}

/// An event to record.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    actor: Option<Id>,
    action: &'static str,
    target_kind: &'static str,
    target_id: Option<String>,
    details: serde_json::Value,
}

impl AuditEvent {
    /// An event without details.
    pub fn new(actor: Option<Id>, action: &'static str, target_kind: &'static str, target_id: Option<String>) -> Self {
        AuditEvent { actor, action, target_kind, target_id, details: serde_json::json!({}) }
    }

    /// Adds details (a JSON object).
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
}

/// Appends one event.
pub fn record(conn: &mut DbConnection, event: AuditEvent) -> CoreResult<()> {
    let entry = AuditEntry {
        id: Id::new(),
        occurred_at: now(),
        actor_id: event.actor,
        action: event.action.to_owned(),
        target_kind: event.target_kind.to_owned(),
        target_id: event.target_id,
        details: event.details.to_string(),
    };
    diesel::insert_into(audit_log::table).values(&entry).execute(conn)?;
    Ok(())
}

/// The most recent events about one record, newest first.
pub fn history_of(conn: &mut DbConnection, target_kind: &str, target_id: &str) -> CoreResult<Vec<AuditEntry>> {
    Ok(audit_log::table
        .filter(audit_log::target_kind.eq(target_kind))
        .filter(audit_log::target_id.eq(target_id))
        .order(audit_log::id.desc())
        .select(AuditEntry::as_select())
        .load(conn)?)
}
