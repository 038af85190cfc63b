//! The connection enum over both backends; the derive writes the `MultiBackend` glue.
// The derive generates public items without doc comments.
#![allow(missing_docs)]

/// A connection to either backend. Queries written against it run unchanged on both.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, for production.
    Postgresql(diesel::PgConnection),
    /// SQLite, embedded: the default.
    Sqlite(diesel::SqliteConnection),
}
