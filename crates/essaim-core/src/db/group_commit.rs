//! Group commit: many small writes, each acknowledged only once it is durable, sharing one
//! transaction and so one `fsync`.
//!
//! SQLite with `synchronous = FULL` syncs the journal at every commit; a few milliseconds each,
//! that caps a server at a few hundred acknowledged writes per second whatever the CPU. Here one
//! thread takes every write waiting in its queue, runs each in its own savepoint (one failing
//! write rolls back alone), commits them together, and only then answers each caller. Nothing is
//! acknowledged before its commit, so durability is unchanged; while a batch commits, the next
//! one gathers. The same code runs on PostgreSQL, where it saves round trips and WAL flushes.
//!
//! SQLite has one writer at a time, so one committing thread. PostgreSQL takes writers side by
//! side, and there one thread spends most of its time waiting for the server's answers (a
//! response is about sixteen statements, each a round trip): [`writers_for`] committing
//! threads, each with its own queue and connection. Two such batches must not wait on each
//! other's rows, or they stop each other until a commit (or, holding two rows each in opposite
//! orders, until PostgreSQL breaks the deadlock a second later by failing one write). So:
//! - writes that may touch the same rows — one idempotency key, one device — name the same
//!   [`Lane`] and go to the same thread, one after the other (a retry sent while its first try
//!   is still in flight finds it, as on SQLite, instead of failing on its row);
//! - the rows every anonymous write touches are split by committing thread ([`writer_shard`]:
//!   the throttle counters), or only read-locked (the plenary item a vote checks is open);
//! - the other rows a write touches are its own (docs/architecture.md).

use std::cell::Cell;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;

use diesel::r2d2::R2D2Connection;
use diesel::Connection;

use super::{write_transaction, Backend, DbConnection, DbPool, PooledConn};
use crate::error::CoreError;

/// Writes committed together at most (a batch stays a short transaction).
pub const MAX_BATCH: usize = 256;

type Completion = Box<dyn FnOnce(Option<&str>) + Send>;
type Job = Box<dyn FnOnce(&mut DbConnection) -> Completion + Send>;

/// How many committing threads a pool gets: one for SQLite (one writer at a time, and one
/// connection keeps its page cache warm); for PostgreSQL `ESSAIM_WRITERS` (1 to 32), else one
/// per core, at least 2 and at most 8. More threads than cores bought nothing on a 2-core
/// machine but longer tails (4: 741–796 responses/s, p99 205–257 ms; 2: 824–1,015/s, p99
/// 134–161 ms; docs/benchmarks.md): PostgreSQL's own work is the limit there.
pub fn writers_for(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 1,
        Backend::Postgresql => std::env::var("ESSAIM_WRITERS")
            .ok()
            .and_then(|raw| raw.trim().parse::<usize>().ok())
            .filter(|n| (1..=32).contains(n))
            .unwrap_or_else(postgres_writers),
    }
}

/// The default number of committing threads on PostgreSQL: one per core, 2 to 8.
pub fn postgres_writers() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).clamp(2, 8)
}

thread_local! {
    static SHARD: Cell<i32> = const { Cell::new(0) };
}

/// The shard of the rows this thread's writes may share with other writers' (0 outside a
/// committing thread). Each committing thread draws its own at start, at random so that the
/// threads of several processes on one database differ too: a counter bumped by every
/// anonymous write keeps one row per shard, summed when read ([`crate::domain::throttle`]),
/// and no two committing threads hold the same row until their commits.
pub fn writer_shard() -> i32 {
    SHARD.with(Cell::get)
}

/// Which committing thread takes a write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Any: a write whose rows are all its own (a new device). Threads take turns.
    Any,
    /// The thread of this key (a hash): writes that may touch the same rows — one
    /// idempotency key, one device — run one after the other there.
    Of(u64),
}

impl Lane {
    /// The lane of `key` (an idempotency key, a device's id or token).
    pub fn of(key: &str) -> Lane {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut hasher);
        Lane::Of(hasher.finish())
    }
}

/// The queues of the committing threads, one each; cheap to share.
pub struct GroupCommit {
    queues: Vec<mpsc::Sender<Job>>,
    turn: AtomicUsize,
}

/// What a write's savepoint can end with.
enum Inner<E> {
    Work(E),
    Database(diesel::result::Error),
}

impl<E> From<diesel::result::Error> for Inner<E> {
    fn from(e: diesel::result::Error) -> Self {
        Inner::Database(e)
    }
}

impl GroupCommit {
    /// Starts the committing threads over `pool` ([`writers_for`] its backend). They stop
    /// when the last handle is dropped.
    pub fn start(pool: DbPool) -> Result<GroupCommit, CoreError> {
        // The database away at start: one thread, which is always safe.
        let writers = pool.get().map(|conn| writers_for(conn.backend())).unwrap_or(1);
        GroupCommit::start_with(pool, writers)
    }

    /// Starts `writers` committing threads (at least one) over `pool`.
    pub fn start_with(pool: DbPool, writers: usize) -> Result<GroupCommit, CoreError> {
        let mut queues = Vec::new();
        for n in 0..writers.max(1) {
            let (queue, jobs) = mpsc::channel::<Job>();
            queues.push(queue);
            let pool = pool.clone();
            thread::Builder::new()
                .name(format!("essaim-commit-{n}"))
                .spawn(move || {
                    SHARD.with(|shard| shard.set(draw_shard()));
                    commit_loop(&pool, &jobs)
                })
                .map_err(|e| CoreError::Internal(format!("fil d'écriture groupée : {e}")))?;
        }
        Ok(GroupCommit { queues, turn: AtomicUsize::new(0) })
    }

    /// The queue of `lane`'s thread.
    fn queue(&self, lane: Lane) -> &mpsc::Sender<Job> {
        let count = self.queues.len();
        let index = match lane {
            Lane::Any => self.turn.fetch_add(1, Ordering::Relaxed) % count,
            Lane::Of(hash) => (hash % count as u64) as usize,
        };
        &self.queues[index]
    }

    /// Runs `work` in the next batch of `lane`'s thread and returns its result once the batch
    /// is committed. Blocking: call it from a blocking thread (the server's `web::block`).
    pub fn run<T, E, F>(&self, lane: Lane, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<CoreError> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = mpsc::channel::<Result<T, E>>();
        self.submit(lane, work, move |outcome| {
            let _ = reply.send(outcome);
        });
        answer.recv().unwrap_or_else(|_| Err(E::from(CoreError::Internal("écriture groupée interrompue".into()))))
    }

    /// Queues `work` for the next batch of `lane`'s thread and returns at once; `reply` gets its result once the
    /// batch is committed (or its refusal), on the committing thread: it must only hand the
    /// result on (a channel send), never block. An async caller passes the sender of a
    /// oneshot channel and awaits it, holding no thread while the batch commits.
    pub fn submit<T, E, F, R>(&self, lane: Lane, work: F, reply: R)
    where
        T: Send + 'static,
        E: From<CoreError> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        R: FnOnce(Result<T, E>) + Send + 'static,
    {
        let job: Job = Box::new(move |conn: &mut DbConnection| {
            // A savepoint: a failing write is undone alone, the batch goes on.
            let result = match conn.transaction(|conn| work(conn).map_err(Inner::Work)) {
                Ok(value) => Ok(value),
                Err(Inner::Work(e)) => Err(e),
                Err(Inner::Database(e)) => Err(E::from(CoreError::from(e))),
            };
            Box::new(move |commit_error: Option<&str>| {
                let outcome = match (commit_error, result) {
                    (Some(message), Ok(_)) => {
                        Err(E::from(CoreError::Internal(format!("écriture groupée non validée : {message}"))))
                    }
                    (_, result) => result,
                };
                reply(outcome);
            })
        });
        // A stopped thread drops the job, and with it `reply`: the caller's channel closes and
        // it reports the interruption.
        let _ = self.queue(lane).send(job);
    }
}

/// Sets this thread's shard, as a committing thread does at start (tests of what sums shards).
#[cfg(test)]
pub(crate) fn set_writer_shard(shard: i32) {
    SHARD.with(|cell| cell.set(shard));
}

/// A shard for a committing thread: never 0 (the shard of writes outside the group commit).
fn draw_shard() -> i32 {
    loop {
        let shard = rand::random::<i32>();
        if shard != 0 {
            return shard;
        }
    }
}

/// The next batch: the first job waiting (blocking), then whatever else is queued, up to
/// [`MAX_BATCH`]. `None` once every handle is dropped.
fn next_batch(jobs: &mpsc::Receiver<Job>) -> Option<Vec<Job>> {
    let mut batch = vec![jobs.recv().ok()?];
    while batch.len() < MAX_BATCH {
        match jobs.try_recv() {
            Ok(job) => batch.push(job),
            Err(_) => break,
        }
    }
    Some(batch)
}

fn commit_loop(pool: &DbPool, jobs: &mpsc::Receiver<Job>) {
    // One connection of its own, taken from the pool once and kept from batch to batch.
    // SQLite drops a connection's whole page cache when it finds that another connection
    // wrote since its last transaction: a writer taking any pooled connection (which readers
    // used meanwhile) started each batch cold and reread the indexes it inserts into, slower
    // as the database grew (docs/benchmarks.md). Every batch writes through this one, so its
    // cache stays warm.
    let mut writer: Option<PooledConn> = None;
    while let Some(mut batch) = next_batch(jobs) {
        // The writer's connection lost under the last batch (noted on this thread) is dropped,
        // like a broken one, so writes resume by themselves once the database is back.
        if super::take_lost() | writer.as_mut().is_some_and(|conn| conn.is_broken()) {
            writer = None;
        }
        if writer.is_none() {
            match pool.get() {
                Ok(conn) => writer = Some(conn),
                Err(e) => tracing::error!(error = %e, "écriture groupée : pas de connexion"),
            }
        }
        let mut completions: Vec<Completion> = Vec::with_capacity(batch.len());
        let outcome = match writer.as_mut() {
            Some(conn) => write_transaction(conn, |conn| {
                for job in batch.drain(..) {
                    completions.push(job(conn));
                }
                Ok::<(), CoreError>(())
            }),
            None => Err(CoreError::Pool("aucune connexion d'écriture".into())),
        };
        let error = outcome.err().map(|e| e.to_string());
        if let Some(message) = &error {
            tracing::error!(error = %message, writes = completions.len(), "écriture groupée refusée");
        }
        for completion in completions {
            completion(error.as_deref());
        }
        // Without a connection no job ran: dropping them drops their reply channels, and each
        // caller gets an error rather than waiting.
        drop(batch);
    }
}
