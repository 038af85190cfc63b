//! Time, always UTC, at the microsecond (PostgreSQL's precision, so both backends agree).

use chrono::{NaiveDateTime, SubsecRound, Utc};

/// Now, in UTC, truncated to the microsecond.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}
