//! Group commit: many small writes, each acknowledged only once it is durable, sharing one
//! transaction and so one `fsync`.
//!
//! SQLite with `synchronous = FULL` syncs the journal at every commit; a few milliseconds each,
//! that caps a server at a few hundred acknowledged writes per second whatever the CPU. Here one
//! thread takes every write waiting in its queue, runs each in its own savepoint (one failing
//! write rolls back alone), commits them together, and only then answers each caller. Nothing is
//! acknowledged before its commit, so durability is unchanged; while a batch commits, the next
//! one gathers. The same code runs on PostgreSQL, where it saves round trips and WAL flushes.

use std::sync::mpsc;
use std::thread;

use diesel::r2d2::R2D2Connection;
use diesel::Connection;

use super::{write_transaction, DbConnection, DbPool, PooledConn};
use crate::error::CoreError;

/// Writes committed together at most (a batch stays a short transaction).
pub const MAX_BATCH: usize = 256;

type Completion = Box<dyn FnOnce(Option<&str>) + Send>;
type Job = Box<dyn FnOnce(&mut DbConnection) -> Completion + Send>;

/// The queue of one committing thread; cheap to share.
pub struct GroupCommit {
    queue: mpsc::Sender<Job>,
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
    /// Starts the committing thread over `pool`. It stops when the last handle is dropped.
    pub fn start(pool: DbPool) -> Result<GroupCommit, CoreError> {
        let (queue, jobs) = mpsc::channel::<Job>();
        thread::Builder::new()
            .name("essaim-commit".into())
            .spawn(move || commit_loop(&pool, &jobs))
            .map_err(|e| CoreError::Internal(format!("fil d'écriture groupée : {e}")))?;
        Ok(GroupCommit { queue })
    }

    /// Runs `work` in the next batch and returns its result once the batch is committed.
    /// Blocking: call it from a blocking thread (the server's `web::block`).
    pub fn run<T, E, F>(&self, work: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<CoreError> + Send + 'static,
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    {
        let (reply, answer) = mpsc::channel::<Result<T, E>>();
        self.submit(work, move |outcome| {
            let _ = reply.send(outcome);
        });
        answer.recv().unwrap_or_else(|_| Err(E::from(CoreError::Internal("écriture groupée interrompue".into()))))
    }

    /// Queues `work` for the next batch and returns at once; `reply` gets its result once the
    /// batch is committed (or its refusal), on the committing thread: it must only hand the
    /// result on (a channel send), never block. An async caller passes the sender of a
    /// oneshot channel and awaits it, holding no thread while the batch commits.
    pub fn submit<T, E, F, R>(&self, work: F, reply: R)
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
        let _ = self.queue.send(job);
    }
}

fn commit_loop(pool: &DbPool, jobs: &mpsc::Receiver<Job>) {
    // One connection of its own, taken from the pool once and kept from batch to batch.
    // SQLite drops a connection's whole page cache when it finds that another connection
    // wrote since its last transaction: a writer taking any pooled connection (which readers
    // used meanwhile) started each batch cold and reread the indexes it inserts into, slower
    // as the database grew (docs/benchmarks.md). Every batch writes through this one, so its
    // cache stays warm.
    let mut writer: Option<PooledConn> = None;
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
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
