//! The application: shared state, middleware, extractor settings and the route table, used by
//! `serve` and by the tests.

use actix_web::{middleware, web, HttpRequest};
use essaim_core::config::Config;
use essaim_core::db::{writers_for, DbConnection, DbPool, GroupCommit, Lane};
use essaim_core::security::AddressPseudonyms;
use essaim_core::CoreError;

use crate::error::{from_form_error, from_json_error, from_path_error, from_query_error};
use crate::routes;

/// What every request may use.
#[derive(Clone)]
pub struct AppState {
    /// Database pool.
    pub pool: DbPool,
    /// Configuration.
    pub config: Config,
    /// From this many accepted contributions, a theme's synthesis runs in the background.
    pub background_from: usize,
    /// Password checks under way at once, at most: a flood of logins waits here, holding
    /// neither a database connection nor a blocking thread.
    pub password_checks: std::sync::Arc<tokio::sync::Semaphore>,
    /// Small writes acknowledged by the hundred per commit (questionnaire submissions).
    pub commits: std::sync::Arc<GroupCommit>,
    /// Pseudonyms of client addresses for the throttle counters, keyed by the installation's
    /// secret (read from the database on first use).
    pub pseudonyms: std::sync::Arc<AddressPseudonyms>,
    /// The live tallies' polls, one per tally shared by all its listeners, and the streams
    /// each client holds.
    pub tally_hub: std::sync::Arc<crate::routes::plenary::hub::TallyHub>,
}

impl AppState {
    /// The state for a pool and a configuration, with the usual settings.
    pub fn new(pool: DbPool, config: Config) -> Self {
        let parallelism = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let writers = writers_for(config.database_url.backend());
        AppState {
            config,
            background_from: essaim_synthesis::drafts::BACKGROUND_FROM,
            password_checks: std::sync::Arc::new(tokio::sync::Semaphore::new(parallelism * 2)),
            // Spawning one thread fails only when the system is out of threads at start-up,
            // before any request: nothing to keep, and nothing else would work either.
            commits: std::sync::Arc::new(
                GroupCommit::start_with(pool.clone(), writers).expect("fil d'écriture groupée"),
            ),
            pseudonyms: std::sync::Arc::new(AddressPseudonyms::new()),
            tally_hub: std::sync::Arc::default(),
            pool,
        }
    }

    /// The client's address as the throttle counters know it: a pseudonym keyed by the
    /// installation's secret, never the address itself nor a plain hash of it
    /// (`security::AddressPseudonyms`). The secret is read once per process.
    pub async fn client_pseudonym(&self, req: &HttpRequest) -> Result<String, CoreError> {
        let address = crate::auth::client_ip(req);
        if let Some(known) = self.pseudonyms.known(&address) {
            return Ok(known);
        }
        let pseudonyms = self.pseudonyms.clone();
        self.db(move |conn| pseudonyms.of(conn, &address)).await
    }

    /// Reads on a pooled connection (given back at once), then writes what was read in the
    /// next group commit. The read runs on a blocking thread, which is free again as soon as
    /// the write is queued: the committing thread answers this task directly.
    /// `lane`: writes that may touch the same rows (one idempotency key, one device) name the
    /// same ([`Lane`]).
    pub async fn read_then_commit<P, T, E, R, W>(&self, lane: Lane, read: R, write: W) -> Result<T, E>
    where
        R: FnOnce(&mut DbConnection) -> Result<P, E> + Send + 'static,
        W: FnOnce(&mut DbConnection, P) -> Result<T, E> + Send + 'static,
        P: Send + 'static,
        T: Send + 'static,
        E: From<CoreError> + Send + 'static,
    {
        let (pool, commits) = (self.pool.clone(), self.commits.clone());
        let (reply, answer) = tokio::sync::oneshot::channel::<Result<T, E>>();
        let queued = web::block(move || {
            let prepared = {
                let mut conn = pool.get().map_err(|e| E::from(CoreError::from(e)))?;
                read(&mut conn)?
            };
            commits.submit(
                lane,
                move |conn| write(conn, prepared),
                move |outcome| {
                    let _ = reply.send(outcome);
                },
            );
            Ok::<(), E>(())
        })
        .await;
        match queued {
            Ok(Ok(())) => committed(answer).await,
            Ok(Err(e)) => Err(e),
            Err(e) => Err(E::from(CoreError::Internal(format!("tâche interrompue : {e}")))),
        }
    }

    /// Runs a small write in the next group commit ([`GroupCommit`]): it returns once its
    /// batch is durable, sharing the commit with the writes that arrived meanwhile. No thread
    /// waits meanwhile. `lane` as for [`AppState::read_then_commit`].
    pub async fn commit<T, E, F>(&self, lane: Lane, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<CoreError> + Send + 'static,
    {
        let (reply, answer) = tokio::sync::oneshot::channel::<Result<T, E>>();
        self.commits.submit(lane, work, move |outcome| {
            let _ = reply.send(outcome);
        });
        committed(answer).await
    }

    /// Runs blocking database work on a worker thread, so the event loop never waits on disk.
    /// The work's own error type comes back as it is (no tunnelling); a pool or thread failure
    /// becomes one of its values.
    pub async fn db<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<CoreError> + Send + 'static,
    {
        let pool = self.pool.clone();
        match web::block(move || {
            let mut conn = pool.get().map_err(|e| E::from(CoreError::from(e)))?;
            work(&mut conn)
        })
        .await
        {
            Ok(outcome) => outcome,
            Err(e) => Err(E::from(CoreError::Internal(format!("tâche interrompue : {e}")))),
        }
    }
}

/// Security headers on every answer. The CSP allows our own files only: pages work without
/// scripts, and none is inline.
fn security_headers() -> middleware::DefaultHeaders {
    middleware::DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "same-origin"))
        .add((
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ))
}

/// Registers state, middleware and every route on an actix `App` (via `App::configure`).
pub fn configure(state: AppState) -> impl FnOnce(&mut web::ServiceConfig) {
    move |cfg: &mut web::ServiceConfig| {
        cfg.app_data(web::Data::new(state))
            .app_data(web::FormConfig::default().limit(crate::extract::FORM_LIMIT).error_handler(from_form_error))
            .app_data(web::JsonConfig::default().limit(64 * 1024).error_handler(from_json_error))
            .app_data(web::PathConfig::default().error_handler(from_path_error))
            .app_data(web::QueryConfig::default().error_handler(from_query_error))
            .service(
                web::scope("")
                    // Innermost first: the account's limits are checked once the session
                    // middleware has loaded the account.
                    .wrap(middleware::from_fn(crate::scope::scope_middleware))
                    .wrap(middleware::from_fn(crate::auth::session_middleware))
                    .wrap(middleware::from_fn(crate::input::clean_input))
                    .wrap(security_headers())
                    .configure(routes::register),
            );
    }
}

/// The answer of a queued group-commit write; a closed channel means the committing thread
/// stopped before answering.
async fn committed<T, E: From<CoreError>>(answer: tokio::sync::oneshot::Receiver<Result<T, E>>) -> Result<T, E> {
    answer.await.unwrap_or_else(|_| Err(E::from(CoreError::Internal("écriture groupée interrompue".into()))))
}
