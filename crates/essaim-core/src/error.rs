//! Errors of the core, each with a stable code that clients may rely on.

use serde::Serialize;

/// One rejected field of a form or request, with a French message for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name, as in the form or JSON body.
    pub field: String,
    /// What is wrong, in French.
    pub message: String,
}

/// Every field that was rejected in one input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    /// Records one more rejected field.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.push(FieldError { field: field.to_owned(), message: message.into() });
    }

    /// The message for a field, if it was rejected.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }

    /// True when nothing was rejected.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` if empty, the errors otherwise.
    pub fn into_result(self) -> Result<(), CoreError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(CoreError::Validation(self))
        }
    }
}

/// What can go wrong below the web layer.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    /// Bad configuration (flags, environment).
    #[error("configuration : {0}")]
    Config(String),
    /// The database could not be opened or migrated. `database` is already redacted.
    #[error("base de données {database} : {reason}")]
    Database {
        /// The database, password removed.
        database: String,
        /// Why, in one line.
        reason: String,
    },
    /// A query failed.
    #[error("erreur de la base de données : {0}")]
    Query(diesel::result::Error),
    /// Too many attempts of an anonymous client: try again in this many seconds.
    #[error("trop de tentatives : réessayez dans {retry_after_secs} s")]
    Limited {
        /// Seconds until the window ends.
        retry_after_secs: i64,
    },
    /// A pool checkout failed.
    #[error("base de données indisponible : {0}")]
    Pool(String),
    /// The record does not exist (or is not visible to the caller).
    #[error("introuvable : {0}")]
    NotFound(String),
    /// Input rejected; each field says why.
    #[error("saisie invalide")]
    Validation(ValidationErrors),
    /// The record already exists.
    #[error("conflit : {0}")]
    Conflict(String),
    /// The consultation takes no new contribution (closed or archived); the message says so
    /// in French.
    #[error("{0}")]
    Closed(String),
    /// An e-mail could not be written or sent.
    #[error("courriel : {0}")]
    Mail(String),
    /// Anything else; the message is for logs, not for users.
    #[error("erreur interne : {0}")]
    Internal(String),
}

impl CoreError {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            CoreError::Config(_) => "config_error",
            CoreError::Database { .. } | CoreError::Query(_) | CoreError::Pool(_) => "database_error",
            CoreError::NotFound(_) => "not_found",
            CoreError::Limited { .. } => "rate_limited",
            CoreError::Validation(_) => "invalid_input",
            CoreError::Conflict(_) => "conflict",
            CoreError::Closed(_) => "consultation_closed",
            CoreError::Mail(_) => "mail_error",
            CoreError::Internal(_) => "internal_error",
        }
    }

    /// A single-field validation error.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let mut errors = ValidationErrors::default();
        errors.add(field, message);
        CoreError::Validation(errors)
    }
}

impl From<diesel::result::Error> for CoreError {
    /// A connection lost on the way (the database stopped, restarted, or the network between
    /// went down) is the database being unavailable, like a pool that cannot connect: the
    /// request may be tried again, and is answered 503, not 500.
    fn from(e: diesel::result::Error) -> Self {
        match &e {
            diesel::result::Error::DatabaseError(_, info) if crate::db::note_if_lost(&e) => {
                CoreError::Pool(format!("connexion perdue : {}", first_line_of(info.message())))
            }
            _ => CoreError::Query(e),
        }
    }
}

fn first_line_of(message: &str) -> &str {
    message.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("")
}

impl From<r2d2::Error> for CoreError {
    fn from(e: r2d2::Error) -> Self {
        CoreError::Pool(e.to_string())
    }
}

/// Result of core operations.
pub type CoreResult<T> = Result<T, CoreError>;
