//! The worker every `essaim serve` runs: it claims queued jobs, runs each on its own thread at
//! a lower scheduling priority (so pages stay fast while a theme is grouped), beats their
//! heartbeat, and declares interrupted the jobs of workers that stopped beating.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use super::{claim_next, fail, heartbeat, interrupt_own, interrupt_stale, Job};
use crate::db::DbPool;
use crate::domain::vocab::JobKind;

/// What a handler gets: the pool (take a connection only while you need it) and the job.
pub struct JobContext {
    /// The database.
    pub pool: DbPool,
    /// The job, as claimed.
    pub job: Job,
    /// This worker's name, for [`super::complete`].
    pub worker: String,
}

/// Runs one kind of job. It must store its work and call [`super::complete`] in one
/// transaction; an `Err` is recorded as the job's failure (a French message for staff).
pub type JobHandler = Arc<dyn Fn(&JobContext) -> Result<(), String> + Send + Sync>;

/// How often the worker looks, beats and reaps.
#[derive(Debug, Clone)]
pub struct WorkerOptions {
    /// Pause between two looks at the queue.
    pub poll: Duration,
    /// A running job whose heartbeat is older than this is declared interrupted.
    pub stale_after: Duration,
    /// Jobs run at once by this process.
    pub concurrency: usize,
    /// How often the worker tidies the tables that only grow (the throttle's counters).
    pub housekeeping_every: Duration,
}

impl Default for WorkerOptions {
    fn default() -> Self {
        WorkerOptions {
            poll: Duration::from_millis(500),
            stale_after: Duration::from_secs(60),
            concurrency: 1,
            housekeeping_every: Duration::from_secs(3600),
        }
    }
}

/// A running worker; stopping it (or dropping the process) ends its loop.
pub struct JobWorker {
    name: String,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// A name unique to this process, readable in the jobs table.
fn worker_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    let host = host.trim();
    let host = if host.is_empty() { "essaim" } else { host };
    format!("{host}:{}:{}", std::process::id(), &crate::security::random_token()[..6])
}

/// Lowers the calling thread's priority (Linux: `setpriority` acts on the calling thread), so
/// a long job yields the CPU to requests. Failing to is harmless.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority has no memory effects; it only changes this thread's nice value.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}

impl JobWorker {
    /// Starts the worker loop on its own thread, with a handler per kind of job.
    pub fn start(
        pool: DbPool,
        handlers: HashMap<JobKind, JobHandler>,
        options: WorkerOptions,
    ) -> std::io::Result<Self> {
        let name = worker_name();
        let stop = Arc::new(AtomicBool::new(false));
        let (loop_name, loop_stop) = (name.clone(), stop.clone());
        let thread = std::thread::Builder::new()
            .name("essaim-taches".into())
            .spawn(move || run_loop(pool, handlers, options, loop_name, loop_stop))?;
        Ok(JobWorker { name, stop, thread: Some(thread) })
    }

    /// This worker's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Stops looking for work (a job under way finishes on its thread) and waits for the loop.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for JobWorker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn run_loop(
    pool: DbPool,
    handlers: HashMap<JobKind, JobHandler>,
    options: WorkerOptions,
    name: String,
    stop: Arc<AtomicBool>,
) {
    let kinds: Vec<JobKind> = handlers.keys().copied().collect();
    let running = Arc::new(AtomicUsize::new(0));
    let stale = chrono::Duration::from_std(options.stale_after).unwrap_or(chrono::Duration::seconds(60));
    // Housekeeping at start, then every `housekeeping_every`; with several servers each does
    // it, which is harmless (a delete of what is stale).
    let mut tidied: Option<std::time::Instant> = None;
    while !stop.load(Ordering::SeqCst) {
        if let Ok(mut conn) = pool.get() {
            if let Err(e) = heartbeat(&mut conn, &name).and_then(|_| interrupt_stale(&mut conn, stale)) {
                tracing::warn!(error = %e, "tâches : battement ou relève impossible");
            }
            if tidied.is_none_or(|at| at.elapsed() >= options.housekeeping_every) {
                match crate::domain::throttle::prune_stale(&mut conn) {
                    Ok(n) if n > 0 => tracing::info!(removed = n, "compteurs de limitation périmés supprimés"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "tâches : ménage des compteurs impossible"),
                }
                tidied = Some(std::time::Instant::now());
            }
            while running.load(Ordering::SeqCst) < options.concurrency {
                match claim_next(&mut conn, &name, &kinds) {
                    Ok(Some(job)) => {
                        let Some(handler) = handlers.get(&job.kind).cloned() else { break };
                        running.fetch_add(1, Ordering::SeqCst);
                        spawn_job(pool.clone(), job, name.clone(), handler, running.clone());
                    }
                    Ok(None) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "tâches : lecture de la file impossible");
                        break;
                    }
                }
            }
        }
        std::thread::sleep(options.poll);
    }
    // Stopping while a job runs: nothing of it is stored unless it completes, and if the
    // process ends first its heartbeat stops and another worker declares it interrupted.
    if running.load(Ordering::SeqCst) == 0 {
        if let Ok(mut conn) = pool.get() {
            let _ = interrupt_own(&mut conn, &name);
        }
    }
}

fn spawn_job(pool: DbPool, job: Job, worker: String, handler: JobHandler, running: Arc<AtomicUsize>) {
    let (id, kind) = (job.id, job.kind);
    let (fallback_pool, fallback_worker, fallback_running) = (pool.clone(), worker.clone(), running.clone());
    let spawned = std::thread::Builder::new().name("essaim-tache".into()).spawn(move || {
        lower_priority();
        tracing::info!(job = %id, kind = kind.as_str(), "tâche démarrée");
        let context = JobContext { pool: pool.clone(), job, worker: worker.clone() };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(&context)))
            .unwrap_or_else(|_| Err("Le travail s'est arrêté sur une erreur interne.".into()));
        match outcome {
            Ok(()) => tracing::info!(job = %id, "tâche terminée"),
            Err(message) => {
                tracing::warn!(job = %id, %message, "tâche échouée");
                if let Ok(mut conn) = pool.get() {
                    let _ = fail(&mut conn, id, &worker, &message);
                }
            }
        }
        running.fetch_sub(1, Ordering::SeqCst);
    });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "tâche : impossible de démarrer un fil");
        if let Ok(mut conn) = fallback_pool.get() {
            let _ = fail(&mut conn, id, &fallback_worker, "Le travail n'a pas pu démarrer : relancez-le.");
        }
        fallback_running.fetch_sub(1, Ordering::SeqCst);
    }
}
