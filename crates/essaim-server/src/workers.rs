//! The background workers every `essaim serve` runs beside its web workers: the job worker
//! (synthesis runs of large themes) and the mail worker (the outbox). Both work from database
//! tables, so several servers on one database share the work.

use std::collections::HashMap;
use std::sync::Arc;

use essaim_core::config::Config;
use essaim_core::db::DbPool;
use essaim_core::domain::JobKind;
use essaim_core::jobs::{JobHandler, JobWorker, WorkerOptions};
use essaim_core::mail::outbox::{MailWorker, MailWorkerOptions};
use essaim_core::mail::Mailer;

/// The running workers; dropping them stops their loops.
pub struct Workers {
    /// Runs jobs.
    pub jobs: JobWorker,
    /// Sends e-mail.
    pub mail: MailWorker,
}

/// Every kind of job and who runs it.
pub fn job_handlers() -> HashMap<JobKind, JobHandler> {
    let synthesis: JobHandler = Arc::new(essaim_synthesis::drafts::run_job);
    HashMap::from([(JobKind::SynthesisRun, synthesis)])
}

/// Starts both workers on `pool`.
pub fn start(pool: &DbPool, config: &Config, mailer: Mailer) -> std::io::Result<Workers> {
    let options = WorkerOptions { stale_after: config.job_stale_after, ..WorkerOptions::default() };
    let jobs = JobWorker::start(pool.clone(), job_handlers(), options)?;
    let mail = MailWorker::start(pool.clone(), mailer, config.mail_from.clone(), MailWorkerOptions::default())?;
    Ok(Workers { jobs, mail })
}
