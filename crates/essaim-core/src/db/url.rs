//! Parsing of `DATABASE_URL` and its redaction for messages.

use std::fmt;

use crate::error::CoreError;

/// The two supported database backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Embedded SQLite file.
    Sqlite,
    /// PostgreSQL server.
    Postgresql,
}

impl Backend {
    /// The name used in `/healthz` and in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgresql => "postgresql",
        }
    }
}

/// A database location: `sqlite://PATH` (or a bare path, or `sqlite::memory:`) or `postgres://…`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file path (or `:memory:`).
    Sqlite(String),
    /// A PostgreSQL connection URL, kept whole for libpq.
    Postgresql(String),
}

impl DatabaseUrl {
    /// The default: `essaim.db` in the working directory.
    pub fn default_sqlite() -> Self {
        DatabaseUrl::Sqlite("essaim.db".to_owned())
    }

    /// Reads a URL, choosing the backend from its scheme.
    pub fn parse(raw: &str) -> Result<Self, CoreError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(CoreError::Config("DATABASE_URL est vide".into()));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgresql(raw.to_owned()));
        }
        if let Some(path) = raw.strip_prefix("sqlite://").or_else(|| raw.strip_prefix("sqlite:")) {
            if path.is_empty() {
                return Err(CoreError::Config("DATABASE_URL sqlite:// sans chemin de fichier".into()));
            }
            return Ok(DatabaseUrl::Sqlite(path.to_owned()));
        }
        if let Some((scheme, _)) = raw.split_once("://") {
            return Err(CoreError::Config(format!(
                "DATABASE_URL : schéma « {scheme} » non pris en charge (sqlite:// ou postgres://)"
            )));
        }
        // A bare path is a SQLite file, as in `DATABASE_URL=data/essaim.db`.
        Ok(DatabaseUrl::Sqlite(raw.to_owned()))
    }

    /// The backend this URL selects.
    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgresql(_) => Backend::Postgresql,
        }
    }

    /// The full URL, password included: only for handing to a child process or a driver.
    pub fn expose(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
            DatabaseUrl::Postgresql(raw) => raw.clone(),
        }
    }

    /// The URL with any password replaced by `***`, safe for logs and error messages.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(path) => format!("sqlite://{path}"),
            DatabaseUrl::Postgresql(raw) => match ::url::Url::parse(raw) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("***"));
                    }
                    // Query parameters may carry `password=`; drop them from messages.
                    parsed.set_query(None);
                    parsed.to_string()
                }
                Err(_) => "postgres://(adresse illisible)".to_owned(),
            },
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_picks_the_backend() {
        assert_eq!(DatabaseUrl::parse("sqlite://essaim.db").unwrap(), DatabaseUrl::Sqlite("essaim.db".into()));
        assert_eq!(DatabaseUrl::parse("/tmp/x.db").unwrap().backend(), Backend::Sqlite);
        assert_eq!(DatabaseUrl::parse("postgres://u@h/db").unwrap().backend(), Backend::Postgresql);
        assert_eq!(DatabaseUrl::parse("postgresql://u@h/db").unwrap().backend(), Backend::Postgresql);
        assert!(DatabaseUrl::parse("mysql://h/db").is_err());
        assert!(DatabaseUrl::parse("  ").is_err());
    }

    #[test]
    fn passwords_never_appear_in_messages() {
        let url = DatabaseUrl::parse("postgres://essaim:s3cr3t@db.example:5432/essaim?password=other").unwrap();
        let shown = url.redacted();
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(!shown.contains("other"), "{shown}");
        assert!(shown.contains("db.example"));
        assert!(!format!("{url:?}").contains("s3cr3t"));
    }
}
