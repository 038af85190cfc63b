//! The audit log, readable: who did what, when, on what — filtered by account, kind of action
//! and dates, a page at a time (the administrators' `/admin/journal` and its CSV).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::{DbConnection, Id};
use crate::error::CoreResult;
use crate::schema::{accounts, audit_log};

/// Lines per page.
pub const PAGE_SIZE: i64 = 50;

/// At most this many lines in one CSV (a larger range: narrow the dates).
pub const CSV_LIMIT: i64 = 100_000;

/// What the journal is narrowed to. Dates are inclusive, in UTC.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct JournalFilter {
    /// One account's actions.
    pub actor: Option<Id>,
    /// One kind of action: what comes before the dot (`contribution`, `account`…).
    pub kind: Option<String>,
    /// From this day.
    pub from: Option<NaiveDate>,
    /// To this day.
    pub to: Option<NaiveDate>,
}

/// One line, with who acted as staff know them.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalLine {
    /// When (UTC).
    pub occurred_at: NaiveDateTime,
    /// The account's name and address; none for the command line or a person without account.
    pub actor: Option<(String, String)>,
    /// What was done (`contribution.delete`…).
    pub action: String,
    /// On what kind of record.
    pub target_kind: String,
    /// Its id.
    pub target_id: Option<String>,
    /// The details, as recorded (JSON).
    pub details: String,
}

fn filtered(filter: &JournalFilter) -> audit_log::BoxedQuery<'static, crate::db::MultiBackend> {
    let mut query = audit_log::table.into_boxed();
    if let Some(actor) = filter.actor {
        query = query.filter(audit_log::actor_id.eq(actor));
    }
    if let Some(kind) = filter.kind.as_deref().filter(|k| !k.is_empty()) {
        let exact = kind.to_owned();
        let prefix = format!("{}.%", kind.replace('%', "").replace('_', "\\_"));
        query = query.filter(audit_log::action.eq(exact).or(audit_log::action.like(prefix).escape('\\')));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::occurred_at.ge(from.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    if let Some(to) = filter.to.and_then(|d| d.succ_opt()) {
        query = query.filter(audit_log::occurred_at.lt(to.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    query
}

/// A page of the journal (`page` from 1), newest first, and how many lines match in all.
pub fn journal(
    conn: &mut DbConnection,
    filter: &JournalFilter,
    page: i64,
    size: i64,
) -> CoreResult<(Vec<JournalLine>, i64)> {
    let total: i64 = filtered(filter).count().get_result(conn)?;
    type Row = (NaiveDateTime, Option<Id>, String, String, Option<String>, String);
    let rows: Vec<Row> = filtered(filter)
        .select((
            audit_log::occurred_at,
            audit_log::actor_id,
            audit_log::action,
            audit_log::target_kind,
            audit_log::target_id,
            audit_log::details,
        ))
        .order((audit_log::occurred_at.desc(), audit_log::id.desc()))
        .offset((page.max(1) - 1) * size)
        .limit(size)
        .load(conn)?;
    let mut actors: Vec<Id> = rows.iter().filter_map(|r| r.1).collect();
    actors.sort();
    actors.dedup();
    let names: Vec<(Id, String, String)> = accounts::table
        .filter(accounts::id.eq_any(&actors))
        .select((accounts::id, accounts::display_name, accounts::email))
        .load(conn)?;
    Ok((
        rows.into_iter()
            .map(|(occurred_at, actor, action, target_kind, target_id, details)| JournalLine {
                occurred_at,
                actor: actor.and_then(|a| names.iter().find(|n| n.0 == a)).map(|n| (n.1.clone(), n.2.clone())),
                action,
                target_kind,
                target_id,
                details,
            })
            .collect(),
        total,
    ))
}

/// The kinds of action the journal holds (what comes before the dot), for the filter's list.
pub fn action_kinds(conn: &mut DbConnection) -> CoreResult<Vec<String>> {
    let actions: Vec<String> = audit_log::table.select(audit_log::action).distinct().load(conn)?;
    let mut kinds: Vec<String> =
        actions.into_iter().map(|a| a.split('.').next().unwrap_or_default().to_owned()).collect();
    kinds.sort();
    kinds.dedup();
    Ok(kinds)
}

/// The accounts that appear in the journal, by name, for the filter's list.
pub fn actors(conn: &mut DbConnection) -> CoreResult<Vec<(Id, String, String)>> {
    let ids: Vec<Option<Id>> = audit_log::table.select(audit_log::actor_id).distinct().load(conn)?;
    let ids: Vec<Id> = ids.into_iter().flatten().collect();
    let mut found: Vec<(Id, String, String)> = accounts::table
        .filter(accounts::id.eq_any(&ids))
        .select((accounts::id, accounts::display_name, accounts::email))
        .load(conn)?;
    found.sort_by(|a, b| a.1.cmp(&b.1));
    Ok(found)
}
