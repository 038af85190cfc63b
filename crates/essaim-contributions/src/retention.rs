//! Retention: once a consultation has been closed for its `personal_data_days` (365 by
//! default), its personal contact data go — the addresses of its responses, invitations and
//! follows, every link to them, the copies of the mails sent to those addresses and their
//! counters. Contributions, answers and figures stay (the archive stays readable). Run by the
//! periodic job (`run_due`) or by `essaim purge --consultation SLUG [--dry-run]`
//! (docs/personal-data.md).

use std::collections::BTreeSet;

use chrono::Duration;
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::throttle::throttle_key;
use essaim_core::domain::vocab::MailState;
use essaim_core::privacy::{address_pseudonym, housekeeping, lower, normalised, settle_erasure, Housekeeping};
use essaim_core::schema::{
    access_links, consultations, contributions, follow_contributions, follows, invitations, outbox, questionnaires,
    responses, throttle_hits,
};
use essaim_core::{CoreError, CoreResult};
use serde::Serialize;

/// Days a consultation's personal contact data are kept after its closing, unless its staff
/// chose otherwise: enough for the synthesis, the plenary, the publication the following
/// autumn and the mail that announces it to every follower.
pub const DEFAULT_PERSONAL_DATA_DAYS: i32 = 365;

/// What a consultation's purge removes (or, dry, would remove).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Purged {
    /// Addresses cleared (responses, invitations, follows).
    pub addresses: usize,
    /// Links (invitation, resume, follow) deleted.
    pub links: usize,
    /// Mails to those addresses deleted (sent or failed; none still waiting).
    pub mails: usize,
    /// Counters of mails to those addresses.
    pub counters: usize,
}

/// The marker an invitation's address becomes (the column is required and unique per
/// questionnaire; the invitation stays counted).
fn purged_invitation_address(id: Id) -> String {
    format!("efface-{id}@purge.invalid")
}

fn purge_in(conn: &mut DbConnection, consultation: Id) -> CoreResult<Purged> {
    let mut purged = Purged::default();
    let questionnaire_ids: Vec<Id> = questionnaires::table
        .filter(questionnaires::consultation_id.eq(consultation))
        .select(questionnaires::id)
        .load(conn)?;
    let response_rows: Vec<(Id, Option<String>, Option<Id>)> = responses::table
        .filter(responses::questionnaire_id.eq_any(&questionnaire_ids))
        .select((responses::id, responses::email, responses::follow_id))
        .load(conn)?;
    let invitation_rows: Vec<(Id, String)> = invitations::table
        .filter(invitations::questionnaire_id.eq_any(&questionnaire_ids))
        .select((invitations::id, invitations::email))
        .load(conn)?;
    let mut follow_ids: BTreeSet<Id> = response_rows.iter().filter_map(|r| r.2).collect();
    let online: Vec<Id> = follow_contributions::table
        .inner_join(contributions::table)
        .filter(contributions::consultation_id.eq(consultation))
        .select(follow_contributions::follow_id)
        .load(conn)?;
    follow_ids.extend(online);
    let follow_ids: Vec<Id> = follow_ids.into_iter().collect();
    let follow_rows: Vec<(Id, Option<String>)> =
        follows::table.filter(follows::id.eq_any(&follow_ids)).select((follows::id, follows::email)).load(conn)?;

    let mut addresses: BTreeSet<String> = BTreeSet::new();
    for (id, email, _) in &response_rows {
        if let Some(email) = email {
            addresses.insert(normalised(email));
            purged.addresses +=
                diesel::update(responses::table.find(*id)).set(responses::email.eq(None::<String>)).execute(conn)?;
        }
    }
    for (id, email) in &invitation_rows {
        if *email != purged_invitation_address(*id) {
            addresses.insert(normalised(email));
            purged.addresses += diesel::update(invitations::table.find(*id))
                .set(invitations::email.eq(purged_invitation_address(*id)))
                .execute(conn)?;
        }
    }
    for (id, email) in &follow_rows {
        if let Some(email) = email {
            addresses.insert(normalised(email));
            purged.addresses +=
                diesel::update(follows::table.find(*id)).set(follows::email.eq(None::<String>)).execute(conn)?;
        }
    }
    let response_ids: Vec<Id> = response_rows.iter().map(|r| r.0).collect();
    let invitation_ids: Vec<Id> = invitation_rows.iter().map(|r| r.0).collect();
    for chunk in response_ids.chunks(500) {
        purged.links +=
            diesel::delete(access_links::table.filter(access_links::response_id.eq_any(chunk))).execute(conn)?;
    }
    for chunk in invitation_ids.chunks(500) {
        purged.links +=
            diesel::delete(access_links::table.filter(access_links::invitation_id.eq_any(chunk))).execute(conn)?;
    }
    for chunk in follow_ids.chunks(500) {
        purged.links +=
            diesel::delete(access_links::table.filter(access_links::follow_id.eq_any(chunk))).execute(conn)?;
    }
    for address in &addresses {
        // A mail still waiting may be another consultation's: it goes, then is purged there.
        purged.mails += diesel::delete(
            outbox::table
                .filter(outbox::state.ne(MailState::Pending))
                .filter(outbox::state.ne(MailState::Sending))
                .filter(lower(outbox::recipient).eq(address)),
        )
        .execute(conn)?;
        let pseudonym = address_pseudonym(conn, address)?;
        purged.counters +=
            diesel::delete(throttle_hits::table.filter(throttle_hits::key.eq(throttle_key("mail-to", &pseudonym))))
                .execute(conn)?;
    }
    Ok(purged)
}

/// Purges one consultation's personal contact data now (`dry_run`: counts only, nothing
/// written — the same work, rolled back).
pub fn purge_consultation(conn: &mut DbConnection, consultation: Id, dry_run: bool) -> CoreResult<Purged> {
    const DRY: &str = "essai à blanc";
    let mut counts = Purged::default();
    let outcome = write_transaction(conn, |conn| {
        counts = purge_in(conn, consultation)?;
        if dry_run {
            return Err(CoreError::Internal(DRY.into()));
        }
        diesel::update(consultations::table.find(consultation))
            .set(consultations::personal_data_purged_at.eq(now()))
            .execute(conn)?;
        Ok(())
    });
    match outcome {
        Ok(()) => {
            settle_erasure(conn, &["responses", "invitations", "follows", "access_links", "outbox", "throttle_hits"])?;
            Ok(counts)
        }
        Err(CoreError::Internal(message)) if dry_run && message == DRY => Ok(counts),
        Err(e) => Err(e),
    }
}

/// The consultations whose retention has run out: closed (or archived) for at least their
/// `personal_data_days`, not purged since.
pub fn due(conn: &mut DbConnection) -> CoreResult<Vec<Id>> {
    let rows: Vec<(Id, i32, Option<chrono::NaiveDateTime>, Option<chrono::NaiveDateTime>)> = consultations::table
        .filter(consultations::closed_at.is_not_null())
        .select((
            consultations::id,
            consultations::personal_data_days,
            consultations::closed_at,
            consultations::personal_data_purged_at,
        ))
        .load(conn)?;
    let at = now();
    Ok(rows
        .into_iter()
        .filter(|(_, days, closed, purged)| {
            closed.is_some_and(|closed| {
                closed + Duration::days(i64::from(*days)) <= at && purged.is_none_or(|purged| purged < closed)
            })
        })
        .map(|(id, ..)| id)
        .collect())
}

/// What the periodic purge did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PurgeRun {
    /// Each consultation purged, with its counts.
    pub consultations: Vec<(String, Purged)>,
    /// The installation-wide part.
    pub housekeeping: Housekeeping,
}

/// Purges every consultation that is due, then the installation-wide housekeeping. Several
/// processes may run it: what is purged is found no more.
pub fn run_due(conn: &mut DbConnection) -> CoreResult<PurgeRun> {
    let mut run = PurgeRun::default();
    for consultation in due(conn)? {
        let slug: String = consultations::table.find(consultation).select(consultations::slug).first(conn)?;
        run.consultations.push((slug, purge_consultation(conn, consultation, false)?));
    }
    run.housekeeping = write_transaction(conn, |conn| housekeeping(conn, false))?;
    Ok(run)
}

/// Sets how many days a consultation keeps its personal contact data after closing.
pub fn set_personal_data_days(
    conn: &mut DbConnection,
    consultation: Id,
    days: i32,
    actor: Option<Id>,
) -> CoreResult<()> {
    if !(0..=3650).contains(&days) {
        return Err(CoreError::Conflict("la durée de conservation va de 0 à 3 650 jours".into()));
    }
    write_transaction(conn, |conn| {
        diesel::update(consultations::table.find(consultation))
            .set(consultations::personal_data_days.eq(days))
            .execute(conn)?;
        essaim_core::domain::audit::record(
            conn,
            essaim_core::domain::audit::AuditEvent::new(
                actor,
                "consultation.retention",
                "consultation",
                Some(consultation.to_string()),
            )
            .with_details(serde_json::json!({ "personal_data_days": days })),
        )
    })
}

/// The periodic purge as a job of the core's queue (`JobKind::RetentionPurge`).
pub fn run_job(context: &essaim_core::jobs::JobContext) -> Result<(), String> {
    let mut conn = context.pool.get().map_err(|_| "La base de données ne répond pas.".to_owned())?;
    let run = run_due(&mut conn).map_err(|e| format!("La purge des données personnelles a échoué : {e}"))?;
    let result = serde_json::to_value(&run).unwrap_or_default();
    essaim_core::jobs::complete(&mut conn, context.job.id, &context.worker, &result)
        .map_err(|e| format!("La purge est faite, son compte rendu n'a pas pu être écrit : {e}"))
}

/// Queues today's purge unless it was queued already, by this process or another sharing the
/// database (the job's subject is the day: one purge a day, whoever asks first). True when
/// this call queued it.
pub fn schedule_daily(conn: &mut DbConnection) -> CoreResult<bool> {
    use essaim_core::domain::JobKind;
    let day = now().date().to_string();
    if essaim_core::jobs::latest(conn, JobKind::RetentionPurge, &day)?.is_some() {
        return Ok(false);
    }
    match essaim_core::jobs::enqueue(conn, JobKind::RetentionPurge, &day, &serde_json::json!({}), None) {
        Ok(_) => Ok(true),
        // Another process queued it between the look and the insert.
        Err(CoreError::Conflict(_)) => Ok(false),
        Err(e) => Err(e),
    }
}
