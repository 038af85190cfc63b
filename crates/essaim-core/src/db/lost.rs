//! Connections lost under a query (the database stopped or restarted, the network between
//! went down). diesel's `is_broken` only knows about a transaction left broken, not a dead
//! socket, so a pooled connection whose server went away went back to the pool and failed
//! every request that took it, for ever. The error is noticed where it is classified
//! ([`crate::error::CoreError`]'s `From`), on the thread that ran the query, and the pool
//! (or the committing thread) drops that thread's connection when it is handed back.

use std::cell::Cell;

use diesel::result::{DatabaseErrorKind, Error};

thread_local! {
    static LOST: Cell<bool> = const { Cell::new(false) };
}

/// Whether `e` says the connection itself is gone; if so, it is noted for this thread.
pub fn note_if_lost(e: &Error) -> bool {
    let lost = matches!(
        e,
        Error::DatabaseError(DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand, _)
    );
    if lost {
        LOST.with(|flag| flag.set(true));
    }
    lost
}

/// Whether a connection was lost on this thread since the last call (and forget it).
pub fn take_lost() -> bool {
    LOST.with(|flag| flag.replace(false))
}
