//! The background workers every `essaim serve` runs beside its web workers: the job worker
//! (synthesis runs of large themes) and the mail worker (the outbox). Both work from database
//! tables, so several servers on one database share the work.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

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
    /// Queues the daily purge of personal data.
    pub retention: RetentionClock,
}

/// Every kind of job and who runs it.
pub fn job_handlers() -> HashMap<JobKind, JobHandler> {
    let synthesis: JobHandler = Arc::new(essaim_synthesis::drafts::run_job);
    let purge: JobHandler = Arc::new(essaim_contributions::retention::run_job);
    HashMap::from([(JobKind::SynthesisRun, synthesis), (JobKind::RetentionPurge, purge)])
}

/// Starts both workers on `pool`.
pub fn start(pool: &DbPool, config: &Config, mailer: Mailer) -> std::io::Result<Workers> {
    let options = WorkerOptions { stale_after: config.job_stale_after, ..WorkerOptions::default() };
    let jobs = JobWorker::start(pool.clone(), job_handlers(), options)?;
    let mail = MailWorker::start(pool.clone(), mailer, config.mail_from.clone(), MailWorkerOptions::default())?;
    let retention = RetentionClock::start(pool.clone(), Duration::from_secs(3600))?;
    Ok(Workers { jobs, mail, retention })
}

/// Every `every`, queues the day's purge of personal data past their retention
/// (`essaim_contributions::retention::schedule_daily`): with several servers, the first to
/// look queues it, the others find it queued, and one job worker runs it.
pub struct RetentionClock {
    stop: Arc<AtomicBool>,
}

impl RetentionClock {
    /// Starts the clock's thread; it looks at once, then every `every`.
    pub fn start(pool: DbPool, every: Duration) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::Builder::new().name("essaim-retention".into()).spawn(move || {
            let tick = Duration::from_secs(1);
            let mut waited = every;
            while !stopped.load(Ordering::SeqCst) {
                if waited >= every {
                    waited = Duration::ZERO;
                    if let Ok(mut conn) = pool.get() {
                        if let Err(e) = essaim_contributions::retention::schedule_daily(&mut conn) {
                            tracing::warn!(error = %e, "purge des données personnelles : mise en file impossible");
                        }
                    }
                }
                std::thread::sleep(tick);
                waited += tick;
            }
        })?;
        Ok(RetentionClock { stop })
    }
}

impl Drop for RetentionClock {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}
