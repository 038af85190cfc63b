//! The application: shared state and the route table, used by `serve` and by the tests.

use actix_web::{middleware, web};
use essaim_core::config::Config;
use essaim_core::db::{DbConnection, DbPool};
use essaim_core::mail::Mailer;
use essaim_core::CoreError;

use crate::error::AppError;
use crate::routes;

/// What every request may use.
#[derive(Clone)]
pub struct AppState {
    /// Database pool.
    pub pool: DbPool,
    /// Configuration.
    pub config: Config,
    /// Outgoing e-mail.
    pub mailer: Mailer,
    /// Synthesis runs of large themes under way.
    pub jobs: crate::jobs::Jobs,
}

impl AppState {
    /// Runs blocking database work on a worker thread, so the event loop never waits on disk.
    pub async fn db<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, CoreError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        web::block(move || {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(format!("tâche interrompue : {e}")))?
        .map_err(AppError::from)
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
            .app_data(
                web::FormConfig::default()
                    .limit(64 * 1024)
                    .error_handler(|err, _| AppError::BadRequest(err.to_string()).into()),
            )
            .app_data(web::JsonConfig::default().limit(64 * 1024))
            .service(
                web::scope("")
                    .wrap(middleware::from_fn(crate::auth::session_middleware))
                    .wrap(security_headers())
                    .configure(routes::register),
            );
    }
}
