//! Synthesis runs as jobs of the core's `jobs` table: one run of a theme at a time across every
//! process sharing the database, large themes in the background, and a run killed mid-way
//! leaving nothing half-written (its result and the job's end are one commit).

use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::JobKind;
use essaim_core::jobs::{self, Job, JobContext};
use essaim_core::{CoreError, CoreResult};
use serde::{Deserialize, Serialize};

use super::run::{plan_run, read_theme, run_theme_with, store_run, RunReport};
use super::DraftError;
use crate::pipeline::Params;

/// From this many accepted contributions in a theme, its synthesis runs in the background.
pub const BACKGROUND_FROM: usize = 2_000;

/// What a synthesis job carries.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RunPayload {
    consultation: Id,
    theme: Id,
    theme_name: String,
    params: Params,
}

fn payload(consultation: Id, theme: Id, theme_name: &str, params: &Params) -> serde_json::Value {
    serde_json::to_value(RunPayload { consultation, theme, theme_name: theme_name.to_owned(), params: params.clone() })
        .unwrap_or_else(|_| serde_json::json!({}))
}

/// Queues a background run of a theme; [`DraftError::Busy`] if one is queued or under way,
/// on any server.
pub fn queue_run(
    conn: &mut DbConnection,
    consultation: Id,
    theme: Id,
    theme_name: &str,
    params: &Params,
    actor: Option<Id>,
) -> Result<Job, DraftError> {
    jobs::enqueue(
        conn,
        JobKind::SynthesisRun,
        &theme.to_string(),
        &payload(consultation, theme, theme_name, params),
        actor,
    )
    .map_err(|e| match e {
        CoreError::Conflict(_) => DraftError::Busy,
        other => DraftError::Store(other),
    })
}

/// Runs a theme now, inside the caller (small themes), holding the theme's job place while it
/// runs so that no other run of it can start anywhere meanwhile.
pub fn run_now(
    conn: &mut DbConnection,
    consultation: Id,
    theme: Id,
    theme_name: &str,
    params: &Params,
    actor: Option<Id>,
) -> Result<RunReport, DraftError> {
    let worker = format!("requete:{}:{}", std::process::id(), Id::new());
    let job = jobs::start_now(
        conn,
        JobKind::SynthesisRun,
        &theme.to_string(),
        &payload(consultation, theme, theme_name, params),
        actor,
        &worker,
    )
    .map_err(|e| match e {
        CoreError::Conflict(_) => DraftError::Busy,
        other => DraftError::Store(other),
    })?;
    let outcome = run_theme_with(conn, (consultation, theme, theme_name), params, actor, |conn, report| {
        let result = serde_json::to_value(report).unwrap_or_default();
        jobs::complete(conn, job.id, &worker, &result).map_err(DraftError::Store)
    });
    if let Err(e) = &outcome {
        let _ = jobs::fail(conn, job.id, &worker, &user_message(e));
    }
    // The request shows its own outcome: nothing is left to report on the theme page.
    let _ = jobs::mark_reported(conn, job.id);
    outcome
}

/// The message staff read for a failed run.
pub fn user_message(e: &DraftError) -> String {
    match e {
        DraftError::Invalid(message) => message.clone(),
        DraftError::Synthesis(s) => s.to_string(),
        DraftError::Busy => "Une synthèse de ce thème est déjà en cours : attendez qu'elle se termine.".into(),
        DraftError::NotFound(what) => format!("{what} introuvable : la consultation a changé pendant la synthèse."),
        DraftError::Store(e) => {
            tracing::error!(error = %e, "synthèse : erreur de la base");
            "La synthèse a échoué sur une erreur interne : relancez-la ou prévenez l'administrateur.".into()
        }
    }
}

/// The job handler of synthesis runs: reads with a connection it gives back, computes without
/// any, and stores in one short transaction that also marks the job done.
pub fn run_job(context: &JobContext) -> Result<(), String> {
    let payload: RunPayload = serde_json::from_str(&context.job.payload)
        .map_err(|_| "Tâche de synthèse illisible : relancez la synthèse du thème.".to_owned())?;
    let connection = |pool: &essaim_core::db::DbPool| {
        pool.get().map_err(|_| "La base de données n'a pas répondu : relancez la synthèse.".to_owned())
    };
    let started = std::time::Instant::now();
    let state = {
        let mut conn = connection(&context.pool)?;
        read_theme(&mut conn, payload.consultation, payload.theme, &payload.theme_name).map_err(|e| user_message(&e))?
    };
    let read = started.elapsed();
    let plan = plan_run(&state, &payload.params).map_err(|e| user_message(&e))?;
    drop(state);
    let planned = started.elapsed();
    let mut conn = connection(&context.pool)?;
    let stored = store_run(&mut conn, plan, context.job.created_by, |conn, report| {
        let result = serde_json::to_value(report).unwrap_or_default();
        jobs::complete(conn, context.job.id, &context.worker, &result).map_err(DraftError::Store)
    });
    // The three phases, for benchmarks: only the last holds the write lock.
    tracing::info!(
        theme = %payload.theme,
        read_ms = read.as_millis() as u64,
        plan_ms = (planned - read).as_millis() as u64,
        store_ms = (started.elapsed() - planned).as_millis() as u64,
        "synthèse en arrière-plan"
    );
    stored.map(|_| ()).map_err(|e| user_message(&e))
}

/// What staff should be told about a theme's runs: one under way (always), or how the last
/// background one ended (once).
pub fn run_status(conn: &mut DbConnection, theme: Id) -> CoreResult<Option<Job>> {
    jobs::take_for_display(conn, JobKind::SynthesisRun, &theme.to_string())
}
