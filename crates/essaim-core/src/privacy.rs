//! Personal data: what every module's erasure and export share — the rule that says when a
//! person may still have their contributions deleted, the mails sent to an address, the
//! traces an address leaves in the core's tables (outbox, throttles, audit log), and making an
//! erasure reach the database file (docs/personal-data.md).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{DbConnection, Id};
use crate::domain::audit::{record, AuditEvent};
use crate::domain::throttle::throttle_key;
use crate::error::CoreResult;
use crate::mail::outbox::mask_links;
use crate::schema::{audit_log, outbox, throttle_hits};
use crate::security::pseudonym_of;

/// What replaces an erased value in free text (the audit log's details).
pub const ERASED: &str = "[effacé]";

/// Whether a consultation's strategy counts as published: from then on a contribution is part
/// of a public record (it may be traced from a published orientation, its id is in the open
/// data), and a person's erasure keeps it anonymised instead of deleting it. Any version ever
/// published counts, a withdrawn one included: it was public.
pub fn strategy_published(conn: &mut DbConnection, consultation: Id) -> CoreResult<bool> {
    Ok(crate::domain::publication::latest_publication(conn, consultation)?.is_some())
}

/// An address as compared: trimmed, lowercase.
pub fn normalised(address: &str) -> String {
    address.trim().to_lowercase()
}

/// The keyed pseudonym of an address, as the audit log names a person (never the address).
pub fn address_pseudonym(conn: &mut DbConnection, address: &str) -> CoreResult<String> {
    pseudonym_of(conn, &format!("courriel:{}", normalised(address)))
}

/// A mail sent (or to be sent) to a person, as their export shows it: links masked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MailCopy {
    /// What it was about (`invitation`, `copie-reponses`…).
    pub topic: String,
    /// Subject line.
    pub subject: String,
    /// `pending`, `sending`, `sent` or `failed`.
    pub state: String,
    /// Queued (UTC).
    pub created_at: NaiveDateTime,
    /// Accepted by the mail server (UTC).
    pub sent_at: Option<NaiveDateTime>,
    /// The text, its links masked.
    pub text: String,
}

diesel::define_sql_function! {
    /// SQL's `lower`, the same on both backends (for comparing addresses without case).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

diesel::define_sql_function! {
    /// SQL's `lower` over a column that may be NULL.
    #[sql_name = "lower"]
    fn lower_opt(x: diesel::sql_types::Nullable<diesel::sql_types::Text>) -> diesel::sql_types::Nullable<diesel::sql_types::Text>;
}

/// The outbox's rows to `address` (compared without case), oldest first.
pub fn mails_to(conn: &mut DbConnection, address: &str) -> CoreResult<Vec<MailCopy>> {
    type Row = (String, String, String, NaiveDateTime, Option<NaiveDateTime>, String);
    let rows: Vec<Row> = outbox::table
        .filter(lower(outbox::recipient).eq(normalised(address)))
        .select((outbox::topic, outbox::subject, outbox::state, outbox::created_at, outbox::sent_at, outbox::text_body))
        .order((outbox::created_at.asc(), outbox::id.asc()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(topic, subject, state, created_at, sent_at, text)| MailCopy {
            topic,
            subject,
            state,
            created_at,
            sent_at,
            text: mask_links(&text),
        })
        .collect())
}

/// What [`forget_address`] removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Forgotten {
    /// Rows of the outbox (copies of mails, and mails not sent yet).
    pub mails: usize,
    /// Throttle counters of mails to the address.
    pub counters: usize,
}

/// Removes what the core keeps of an address: the outbox's rows to it (sent copies and
/// waiting mails alike: an erased person is not written to again) and the counters of mails
/// to it.
pub fn forget_address(conn: &mut DbConnection, address: &str) -> CoreResult<Forgotten> {
    let address = normalised(address);
    let mails = diesel::delete(outbox::table.filter(lower(outbox::recipient).eq(&address))).execute(conn)?;
    let pseudonym = address_pseudonym(conn, &address)?;
    let counters =
        diesel::delete(throttle_hits::table.filter(throttle_hits::key.eq(throttle_key("mail-to", &pseudonym))))
            .execute(conn)?;
    Ok(Forgotten { mails, counters })
}

/// Replaces, in the audit log's details, every occurrence of each of `values` (an address, a
/// name; compared without case) by [`ERASED`]; returns how many lines changed. Values shorter
/// than three characters are skipped (they would blank unrelated words).
pub fn scrub_audit_log(conn: &mut DbConnection, values: &[String]) -> CoreResult<usize> {
    let needles: Vec<String> =
        values.iter().map(|v| v.trim().to_lowercase()).filter(|v| v.chars().count() >= 3).collect();
    if needles.is_empty() {
        return Ok(0);
    }
    let mut changed = 0;
    for needle in &needles {
        let pattern = format!("%{}%", needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
        let rows: Vec<(Id, String)> = audit_log::table
            .filter(
                diesel::dsl::sql::<diesel::sql_types::Bool>("lower(details) LIKE ")
                    .bind::<diesel::sql_types::Text, _>(pattern)
                    .sql(" ESCAPE '\\'"),
            )
            .select((audit_log::id, audit_log::details))
            .load(conn)?;
        for (id, details) in rows {
            let scrubbed = replace_ignoring_case(&details, needle, ERASED);
            if scrubbed != details {
                diesel::update(audit_log::table.find(id)).set(audit_log::details.eq(scrubbed)).execute(conn)?;
                changed += 1;
            }
        }
    }
    Ok(changed)
}

/// Blanks the details of every audit line about these records (`target_kind`, ids): a deleted
/// contribution's text must not survive in its history.
pub fn blank_audit_of(conn: &mut DbConnection, target_kind: &str, ids: &[Id]) -> CoreResult<usize> {
    let ids: Vec<String> = ids.iter().map(Id::to_string).collect();
    let mut changed = 0;
    for chunk in ids.chunks(500) {
        changed += diesel::update(
            audit_log::table.filter(audit_log::target_kind.eq(target_kind)).filter(audit_log::target_id.eq_any(chunk)),
        )
        .set(audit_log::details.eq(serde_json::json!({ "efface": true }).to_string()))
        .execute(conn)?;
    }
    Ok(changed)
}

/// `haystack` with every occurrence of `needle` (lowercase) replaced, ignoring case.
fn replace_ignoring_case(haystack: &str, needle: &str, by: &str) -> String {
    let lower = haystack.to_lowercase();
    // Lowercasing can change byte lengths (rare letters): then the text is left as is but for
    // exact matches, which is safe (nothing else is cut).
    if lower.len() != haystack.len() {
        return haystack.replace(needle, by);
    }
    let mut out = String::with_capacity(haystack.len());
    let mut at = 0;
    while let Some(found) = lower[at..].find(needle) {
        out.push_str(&haystack[at..at + found]);
        out.push_str(by);
        at += found + needle.len();
    }
    out.push_str(&haystack[at..]);
    out
}

/// Records an erasure: who asked (`actor`, none for the person themselves), whose (the
/// address's pseudonym, never the address), and what went.
pub fn audit_erasure(
    conn: &mut DbConnection,
    actor: Option<Id>,
    address: Option<&str>,
    details: serde_json::Value,
) -> CoreResult<()> {
    let person = match address {
        Some(address) => Some(address_pseudonym(conn, address)?),
        None => None,
    };
    record(conn, AuditEvent::new(actor, "personal_data.erase", "person", person).with_details(details))
}

/// Makes a committed erasure reach the database file. SQLite (with `secure_delete`, set on
/// every connection) has overwritten the freed bytes in its pages; the old pages still in the
/// write-ahead log are folded back and the log truncated. PostgreSQL: `VACUUM` of the touched
/// tables makes the dead rows' space reusable (it does not promise to overwrite it at once:
/// docs/personal-data.md). Called after the erasure's transaction, never inside one.
pub fn settle_erasure(conn: &mut DbConnection, tables: &[&str]) -> CoreResult<()> {
    use diesel::connection::SimpleConnection;
    match conn {
        DbConnection::Sqlite(c) => {
            // Another reader may hold the log for a moment: the checkpoint then does what it
            // can, and the next one finishes (nothing to report to the person).
            let _ = c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        DbConnection::Postgresql(c) => {
            for table in tables {
                if table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
                    c.batch_execute(&format!("VACUUM {table}"))?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::replace_ignoring_case;

    #[test]
    fn a_value_is_replaced_whatever_its_case() {
        assert_eq!(
            replace_ignoring_case("{\"email\":\"Claire@Exemple.fr\",\"n\":1}", "claire@exemple.fr", "[effacé]"),
            "{\"email\":\"[effacé]\",\"n\":1}"
        );
        assert_eq!(replace_ignoring_case("rien", "claire", "x"), "rien");
    }
}

/// How long a sent mail's copy keeps its text (its links are masked as soon as it is sent).
pub const SENT_MAIL_BODY_DAYS: i64 = 90;

/// What the installation-wide housekeeping removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Housekeeping {
    /// Expired sessions.
    pub sessions: usize,
    /// Throttle counters past their windows (they hold address pseudonyms).
    pub counters: usize,
    /// Failed logins past their window (account hashes and address pseudonyms).
    pub login_failures: usize,
    /// Sent mails whose text was blanked.
    pub mail_bodies: usize,
}

/// The purge that concerns no consultation in particular: expired sessions, stale counters
/// and failed logins, the text of mails sent more than [`SENT_MAIL_BODY_DAYS`] ago. Harmless
/// to run twice (it deletes what is stale).
pub fn housekeeping(conn: &mut DbConnection, dry_run: bool) -> CoreResult<Housekeeping> {
    use crate::schema::{login_failures, sessions};
    let at = crate::clock::now();
    let old_mail = at - chrono::Duration::days(SENT_MAIL_BODY_DAYS);
    let stale_logins = at - chrono::Duration::days(1);
    let stale_counters = at - chrono::Duration::days(2);
    let sent_old = outbox::table
        .filter(outbox::state.eq(crate::domain::vocab::MailState::Sent))
        .filter(outbox::sent_at.lt(old_mail))
        .filter(outbox::text_body.ne(""));
    if dry_run {
        return Ok(Housekeeping {
            sessions: sessions::table.filter(sessions::expires_at.lt(at)).count().get_result::<i64>(conn)? as usize,
            counters: throttle_hits::table
                .filter(throttle_hits::window_start.lt(stale_counters))
                .count()
                .get_result::<i64>(conn)? as usize,
            login_failures: login_failures::table
                .filter(login_failures::occurred_at.lt(stale_logins))
                .count()
                .get_result::<i64>(conn)? as usize,
            mail_bodies: sent_old.count().get_result::<i64>(conn)? as usize,
        });
    }
    Ok(Housekeeping {
        sessions: diesel::delete(sessions::table.filter(sessions::expires_at.lt(at))).execute(conn)?,
        counters: crate::domain::throttle::prune(conn, stale_counters)?,
        login_failures: diesel::delete(login_failures::table.filter(login_failures::occurred_at.lt(stale_logins)))
            .execute(conn)?,
        mail_bodies: diesel::update(sent_old)
            .set((outbox::text_body.eq(""), outbox::html_body.eq(None::<String>)))
            .execute(conn)?,
    })
}
