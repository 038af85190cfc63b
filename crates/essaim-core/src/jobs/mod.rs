//! Durable background work: a `jobs` row per piece of work that outlives a request.
//!
//! The database is the only source of truth, so several `essaim serve` processes on one
//! database behave as one: a job enqueued by one is seen by all, claimed by exactly one
//! (a conditional `UPDATE`), and a second job of the same kind and subject cannot be enqueued
//! while one is queued or running (a partial unique index). A running job beats a heartbeat;
//! one whose heartbeat stops (its process died) is marked interrupted by any live worker.
//! A job's result is stored in the same transaction that marks it done (see [`complete`]),
//! so a job killed mid-run leaves nothing half-written.

mod worker;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use crate::clock::now;
use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::vocab::{JobKind, JobState};
use crate::error::{CoreError, CoreResult};
use crate::schema::jobs;

pub use worker::{JobContext, JobHandler, JobWorker, WorkerOptions};

/// A job, as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = jobs)]
pub struct Job {
    /// Identifier.
    pub id: Id,
    /// What kind of work.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub kind: JobKind,
    /// What it works on (for a synthesis run: the theme's id).
    pub subject: String,
    /// Its parameters (JSON object).
    pub payload: String,
    /// Where it stands.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: JobState,
    /// How many times a worker started it.
    pub attempts: i32,
    /// Who asked for it.
    pub created_by: Option<Id>,
    /// When it was asked for (UTC).
    pub created_at: NaiveDateTime,
    /// When a worker started it.
    pub started_at: Option<NaiveDateTime>,
    /// The last sign of life of its worker.
    pub heartbeat_at: Option<NaiveDateTime>,
    /// When it ended.
    pub finished_at: Option<NaiveDateTime>,
    /// The worker on it (`host:pid:random`).
    pub worker: Option<String>,
    /// Why it failed, in French, for staff.
    pub error: Option<String>,
    /// What it produced (JSON), for staff.
    pub result: Option<String>,
    /// When staff were shown how it ended (an outcome is said once).
    pub reported_at: Option<NaiveDateTime>,
}

impl Job {
    /// The payload as JSON (an unreadable payload reads as `{}`).
    pub fn payload_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.payload).unwrap_or_else(|_| serde_json::json!({}))
    }

    /// Queued or running.
    pub fn is_active(&self) -> bool {
        matches!(self.state, JobState::Queued | JobState::Running)
    }
}

fn is_unique_violation(e: &diesel::result::Error) -> bool {
    matches!(e, diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _))
}

/// Stores a new job; the partial unique index refuses a second active one of a subject.
fn insert_job(conn: &mut DbConnection, job: Job) -> CoreResult<Job> {
    match diesel::insert_into(jobs::table).values(job.clone()).execute(conn) {
        Ok(_) => Ok(job),
        Err(e) if is_unique_violation(&e) => Err(CoreError::Conflict("une tâche identique est déjà en cours".into())),
        Err(e) => Err(e.into()),
    }
}

/// Enqueues a job; a conflict if one of the same kind and subject is already queued or
/// running, on this process or any other sharing the database.
pub fn enqueue(
    conn: &mut DbConnection,
    kind: JobKind,
    subject: &str,
    payload: &serde_json::Value,
    created_by: Option<Id>,
) -> CoreResult<Job> {
    let job = Job {
        id: Id::new(),
        kind,
        subject: subject.to_owned(),
        payload: payload.to_string(),
        state: JobState::Queued,
        attempts: 0,
        created_by,
        created_at: now(),
        started_at: None,
        heartbeat_at: None,
        finished_at: None,
        worker: None,
        error: None,
        result: None,
        reported_at: None,
    };
    insert_job(conn, job)
}

/// Records a job that the caller runs at once, itself (a small synthesis run inside its
/// request): it takes the same place as a queued one, so a run under way anywhere — here or
/// in a worker of another process — refuses it, and it refuses them.
pub fn start_now(
    conn: &mut DbConnection,
    kind: JobKind,
    subject: &str,
    payload: &serde_json::Value,
    created_by: Option<Id>,
    worker: &str,
) -> CoreResult<Job> {
    let at = now();
    let job = Job {
        id: Id::new(),
        kind,
        subject: subject.to_owned(),
        payload: payload.to_string(),
        state: JobState::Running,
        attempts: 1,
        created_by,
        created_at: at,
        started_at: Some(at),
        heartbeat_at: Some(at),
        finished_at: None,
        worker: Some(worker.to_owned()),
        error: None,
        result: None,
        // Set once the request has shown its own outcome ([`mark_reported`]); if its process
        // dies first, the interruption is reported like a background job's.
        reported_at: None,
    };
    insert_job(conn, job)
}

/// Claims the oldest queued job of these kinds for `worker`, or none. Two workers racing for
/// the same job: the conditional update lets exactly one have it.
pub fn claim_next(conn: &mut DbConnection, worker: &str, kinds: &[JobKind]) -> CoreResult<Option<Job>> {
    let codes: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    for _ in 0..3 {
        let candidate: Option<Id> = jobs::table
            .filter(jobs::state.eq(JobState::Queued))
            .filter(jobs::kind.eq_any(&codes))
            .order((jobs::created_at.asc(), jobs::id.asc()))
            .select(jobs::id)
            .first(conn)
            .optional()?;
        let Some(id) = candidate else { return Ok(None) };
        let at = now();
        let taken = diesel::update(jobs::table.find(id).filter(jobs::state.eq(JobState::Queued)))
            .set((
                jobs::state.eq(JobState::Running),
                jobs::worker.eq(worker),
                jobs::started_at.eq(at),
                jobs::heartbeat_at.eq(at),
                jobs::attempts.eq(jobs::attempts + 1),
            ))
            .execute(conn)?;
        if taken == 1 {
            return find_job(conn, id);
        }
    }
    Ok(None)
}

/// One job by id.
pub fn find_job(conn: &mut DbConnection, id: Id) -> CoreResult<Option<Job>> {
    Ok(jobs::table.find(id).select(Job::as_select()).first(conn).optional()?)
}

/// Refreshes the heartbeat of `worker`'s running jobs; returns how many it still holds.
pub fn heartbeat(conn: &mut DbConnection, worker: &str) -> CoreResult<usize> {
    Ok(diesel::update(jobs::table.filter(jobs::state.eq(JobState::Running)).filter(jobs::worker.eq(worker)))
        .set(jobs::heartbeat_at.eq(now()))
        .execute(conn)?)
}

/// Marks as interrupted every running job whose heartbeat is older than `stale_after`: its
/// worker died (killed, crashed, machine restarted). Returns how many.
pub fn interrupt_stale(conn: &mut DbConnection, stale_after: Duration) -> CoreResult<usize> {
    let limit = now() - stale_after;
    Ok(diesel::update(jobs::table.filter(jobs::state.eq(JobState::Running)).filter(jobs::heartbeat_at.lt(limit)))
        .set((
            jobs::state.eq(JobState::Interrupted),
            jobs::finished_at.eq(now()),
            jobs::error.eq("Le serveur qui faisait ce travail s'est arrêté avant la fin ; rien n'a été enregistré à moitié. Relancez-le."),
        ))
        .execute(conn)?)
}

/// Marks `worker`'s running jobs as interrupted: at shutdown, or at start for a worker that
/// reuses its predecessor's name.
pub fn interrupt_own(conn: &mut DbConnection, worker: &str) -> CoreResult<usize> {
    Ok(diesel::update(jobs::table.filter(jobs::state.eq(JobState::Running)).filter(jobs::worker.eq(worker)))
        .set((
            jobs::state.eq(JobState::Interrupted),
            jobs::finished_at.eq(now()),
            jobs::error.eq("Le serveur s'est arrêté avant la fin de ce travail ; rien n'a été enregistré à moitié."),
        ))
        .execute(conn)?)
}

/// Marks a running job done with its result. Call it inside the transaction that stores the
/// job's work: if the job is no longer this worker's (it was declared interrupted meanwhile),
/// this fails and the caller's transaction rolls back, so the work is never stored twice.
pub fn complete(conn: &mut DbConnection, id: Id, worker: &str, result: &serde_json::Value) -> CoreResult<()> {
    let done =
        diesel::update(jobs::table.find(id).filter(jobs::state.eq(JobState::Running)).filter(jobs::worker.eq(worker)))
            .set((jobs::state.eq(JobState::Done), jobs::finished_at.eq(now()), jobs::result.eq(result.to_string())))
            .execute(conn)?;
    if done == 1 {
        Ok(())
    } else {
        Err(CoreError::Conflict("cette tâche n'est plus en cours sur ce serveur".into()))
    }
}

/// Marks a running job failed with a French message for staff.
pub fn fail(conn: &mut DbConnection, id: Id, worker: &str, message: &str) -> CoreResult<()> {
    write_transaction(conn, |conn| {
        diesel::update(jobs::table.find(id).filter(jobs::state.eq(JobState::Running)).filter(jobs::worker.eq(worker)))
            .set((jobs::state.eq(JobState::Failed), jobs::finished_at.eq(now()), jobs::error.eq(message)))
            .execute(conn)?;
        Ok(())
    })
}

/// Records that staff were shown how a job ended.
pub fn mark_reported(conn: &mut DbConnection, id: Id) -> CoreResult<()> {
    diesel::update(jobs::table.find(id)).set(jobs::reported_at.eq(now())).execute(conn)?;
    Ok(())
}

/// The most recent job of a kind and subject.
pub fn latest(conn: &mut DbConnection, kind: JobKind, subject: &str) -> CoreResult<Option<Job>> {
    Ok(jobs::table
        .filter(jobs::kind.eq(kind))
        .filter(jobs::subject.eq(subject))
        .order((jobs::created_at.desc(), jobs::id.desc()))
        .select(Job::as_select())
        .first(conn)
        .optional()?)
}

/// What staff should be told about a subject's work: an active job always; an ended one
/// once (it is marked reported), so the notice does not follow staff around.
pub fn take_for_display(conn: &mut DbConnection, kind: JobKind, subject: &str) -> CoreResult<Option<Job>> {
    let Some(job) = latest(conn, kind, subject)? else { return Ok(None) };
    if job.is_active() {
        return Ok(Some(job));
    }
    if job.reported_at.is_some() {
        return Ok(None);
    }
    let marked = diesel::update(jobs::table.find(job.id).filter(jobs::reported_at.is_null()))
        .set(jobs::reported_at.eq(now()))
        .execute(conn)?;
    Ok((marked == 1).then_some(job))
}
