//! Essaim core: the words of the domain as types, their validation, the errors, the
//! configuration, and storage on SQLite and PostgreSQL through one code path.
#![warn(missing_docs)]

pub mod backup;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod jobs;
pub mod mail;
pub mod privacy;
pub mod schema;
pub mod security;
pub mod tabular;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
pub mod validation;

// Re-exported for `text_enum!`, whose types describe themselves in the set-up file's schema.
pub use schemars;

pub use error::{CoreError, CoreResult, FieldError, ValidationErrors};

/// The software version, as reported by `/healthz` and recorded with synthesis runs.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
