//! Configuration from the environment, with defaults that run on a fresh machine.

use std::path::PathBuf;

use crate::db::DatabaseUrl;
use crate::error::CoreError;

/// Default listening address.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";

/// Settings shared by the server and the command line.
#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://PATH` (default `essaim.db`) or `postgres://…`.
    pub database_url: DatabaseUrl,
    /// `ESSAIM_BIND`: where the server listens.
    pub bind: String,
    /// `ESSAIM_BASE_URL`: the public address, for links in e-mails; `Secure` cookies when https.
    pub base_url: String,
    /// `SMTP_URL`: e.g. `smtps://user:pass@smtp.example.fr`; without it, e-mails go to the outbox.
    pub smtp_url: Option<String>,
    /// `ESSAIM_OUTBOX`: folder where e-mails are written as `.eml` without SMTP.
    pub outbox_dir: PathBuf,
    /// `ESSAIM_FROM`: sender of e-mails.
    pub mail_from: String,
    /// `ESSAIM_JOB_STALE_AFTER` (seconds, default 60): a background job whose worker has not
    /// beaten its heartbeat for this long is declared interrupted (its server died).
    pub job_stale_after: std::time::Duration,
}

impl Config {
    /// Reads the environment; `bind` may be overridden by a flag afterwards.
    pub fn from_env() -> Result<Self, CoreError> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let database_url = match var("DATABASE_URL") {
            Some(raw) => DatabaseUrl::parse(&raw)?,
            None => DatabaseUrl::default_sqlite(),
        };
        let bind = var("ESSAIM_BIND").unwrap_or_else(|| DEFAULT_BIND.to_owned());
        let base_url = var("ESSAIM_BASE_URL").unwrap_or_else(|| format!("http://{bind}"));
        Ok(Config {
            database_url,
            base_url: base_url.trim_end_matches('/').to_owned(),
            bind,
            smtp_url: var("SMTP_URL"),
            outbox_dir: var("ESSAIM_OUTBOX").map(PathBuf::from).unwrap_or_else(|| PathBuf::from("outbox")),
            mail_from: var("ESSAIM_FROM").unwrap_or_else(|| "Essaim <ne-pas-repondre@essaim.invalid>".to_owned()),
            job_stale_after: match var("ESSAIM_JOB_STALE_AFTER") {
                None => std::time::Duration::from_secs(60),
                Some(raw) => {
                    raw.trim().parse::<u64>().ok().filter(|s| *s > 0).map(std::time::Duration::from_secs).ok_or_else(
                        || CoreError::Config("ESSAIM_JOB_STALE_AFTER : un nombre de secondes est attendu".into()),
                    )?
                }
            },
        })
    }

    /// True when the public address is https: cookies then get `Secure`.
    pub fn behind_tls(&self) -> bool {
        self.base_url.starts_with("https://")
    }
}
