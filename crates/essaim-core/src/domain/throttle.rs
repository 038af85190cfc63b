//! Limits on how often one device or one address may do something (leave an idea at a stand,
//! for instance), counted in the database so that several server processes on one database
//! behave as one.
//!
//! A fixed window: the counter of `key` for the window that contains the instant is bumped by
//! one statement (`INSERT … ON CONFLICT DO UPDATE SET count = count + 1`, atomic on both
//! backends), then read back. Every attempt counts, refused ones too, so a flood stays refused
//! until its window ends. Keys are hashed ([`throttle_key`]): no address is stored in clear.

use chrono::{DateTime, NaiveDateTime};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text, Timestamp};

use crate::clock::now;
use crate::db::{writer_shard, DbConnection};
use crate::error::CoreResult;
use crate::schema::throttle_hits;
use crate::security::hash_token;

/// At most `max` attempts per window of `window_secs` seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    /// Attempts allowed in one window.
    pub max: i32,
    /// The window's length, in seconds (at least 1).
    pub window_secs: i64,
}

/// What [`hit`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Within the limit: the attempt may go on. `count` attempts so far in this window.
    Allowed {
        /// Attempts counted in the window, this one included.
        count: i32,
    },
    /// Over the limit until the window ends, in `retry_after_secs` seconds.
    Refused {
        /// Seconds until the next window.
        retry_after_secs: i64,
    },
}

impl Verdict {
    /// True when the attempt may go on.
    pub fn allowed(&self) -> bool {
        matches!(self, Verdict::Allowed { .. })
    }
}

/// The stored key of a counter: the purpose in clear, the subject (a device id, an address)
/// hashed, so the table holds no address.
pub fn throttle_key(purpose: &str, subject: &str) -> String {
    format!("{purpose}:{}", &hash_token(&format!("essaim-throttle:{purpose}:{subject}"))[..32])
}

/// The first instant of the window of `limit` that contains `at`.
fn window_start(limit: Limit, at: NaiveDateTime) -> NaiveDateTime {
    let length = limit.window_secs.max(1);
    let seconds = at.and_utc().timestamp();
    let start = seconds - seconds.rem_euclid(length);
    DateTime::from_timestamp(start, 0).map(|d| d.naive_utc()).unwrap_or(at)
}

/// Counts one attempt of `key` now and says whether it is within `limit`.
pub fn hit(conn: &mut DbConnection, key: &str, limit: Limit) -> CoreResult<Verdict> {
    hit_at(conn, key, limit, now())
}

/// [`hit`] at a given instant (tests, and callers that took the time already).
///
/// The attempt is counted in this thread's row of the counter ([`writer_shard`]: one per
/// committing thread, so that two batches committing side by side never wait on one row), and
/// the verdict reads the sum of the rows. A batch not yet committed on another thread is not
/// in that sum: a limit can be passed by at most what the other threads hold uncommitted
/// (one batch each), which a flood meets once and then stays refused.
pub fn hit_at(conn: &mut DbConnection, key: &str, limit: Limit, at: NaiveDateTime) -> CoreResult<Verdict> {
    let start = window_start(limit, at);
    let shard = writer_shard();
    // Written as SQL rather than with diesel's `on_conflict`: diesel prepares an upsert anew
    // at every run (it caches no `DO UPDATE`), and every anonymous write runs this one. Raw, it
    // is prepared once per connection. The same statement on both backends.
    diesel::sql_query(
        "INSERT INTO throttle_hits (key, window_start, shard, count) VALUES ($1, $2, $3, 1) \
         ON CONFLICT (key, window_start, shard) DO UPDATE SET count = throttle_hits.count + 1",
    )
    .bind::<Text, _>(key)
    .bind::<Timestamp, _>(start)
    .bind::<Integer, _>(shard)
    .execute(conn)?;
    let rows = rows_in(conn, key, start)?;
    let count: i32 = rows.iter().map(|(_, n)| n).sum();
    if rows.iter().any(|&(s, n)| s == shard && n == 1) {
        // A new window of this key on this shard: forget the shard's older ones (they can
        // never matter again). Only its own: another thread may be bumping its rows.
        diesel::delete(
            throttle_hits::table
                .filter(throttle_hits::key.eq(key))
                .filter(throttle_hits::shard.eq(shard))
                .filter(throttle_hits::window_start.lt(start)),
        )
        .execute(conn)?;
    }
    if count <= limit.max {
        Ok(Verdict::Allowed { count })
    } else {
        let retry = (start.and_utc().timestamp() + limit.window_secs.max(1) - at.and_utc().timestamp()).max(1);
        Ok(Verdict::Refused { retry_after_secs: retry })
    }
}

/// The attempts of `key` counted in the window of `limit` that contains now, without counting one.
pub fn hits_now(conn: &mut DbConnection, key: &str, limit: Limit) -> CoreResult<i32> {
    Ok(rows_in(conn, key, window_start(limit, now()))?.iter().map(|(_, n)| n).sum())
}

/// The rows (shard, count) of `key`'s counter in the window starting at `start`.
fn rows_in(conn: &mut DbConnection, key: &str, start: NaiveDateTime) -> CoreResult<Vec<(i32, i32)>> {
    Ok(throttle_hits::table
        .filter(throttle_hits::key.eq(key))
        .filter(throttle_hits::window_start.eq(start))
        .select((throttle_hits::shard, throttle_hits::count))
        .load(conn)?)
}

/// How long a counter is kept: longer than any window in use (the longest is ten minutes).
/// A key seen again drops its own older windows at once ([`hit_at`]); this is for the keys
/// never seen again (a phone gone home).
pub const KEEP_COUNTERS: chrono::Duration = chrono::Duration::hours(24);

/// Removes the counters older than [`KEEP_COUNTERS`]; the job worker calls it every hour.
pub fn prune_stale(conn: &mut DbConnection) -> CoreResult<usize> {
    prune(conn, now() - KEEP_COUNTERS)
}

/// Removes every counter whose window started before `before` (keys never seen again).
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> CoreResult<usize> {
    Ok(diesel::delete(throttle_hits::table.filter(throttle_hits::window_start.lt(before))).execute(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;
    use chrono::NaiveDate;

    fn at(h: u32, m: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2016, 6, 28).unwrap().and_hms_opt(h, m, s).unwrap()
    }

    #[test]
    fn anonymous_limits_read_from_the_environment_or_are_refused() {
        assert_eq!(parse_anonymous_limits("60,300"), Some((60, 300)));
        assert_eq!(parse_anonymous_limits(" 1000000 , 2 "), Some((1_000_000, 2)));
        assert_eq!(parse_anonymous_limits("60"), None);
        assert_eq!(parse_anonymous_limits("0,300"), None);
        assert_eq!(parse_anonymous_limits("a,b"), None);
    }

    #[test]
    fn anonymous_writes_are_counted_per_client_and_a_caller_without_one_is_not() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let limit = Anonymous::Response.limit().max;
        for _ in 0..limit {
            count_anonymous(&mut conn, Anonymous::Response, "client-a").unwrap();
            count_anonymous(&mut conn, Anonymous::Response, "").unwrap();
        }
        let over = count_anonymous(&mut conn, Anonymous::Response, "client-a");
        assert!(matches!(over, Err(crate::CoreError::Limited { retry_after_secs }) if retry_after_secs > 0));
        count_anonymous(&mut conn, Anonymous::Response, "client-b").unwrap();
        count_anonymous(&mut conn, Anonymous::Contribution, "client-a").unwrap();
        count_anonymous(&mut conn, Anonymous::Response, "").unwrap();
    }

    #[test]
    fn attempts_past_the_limit_are_refused_until_the_window_ends() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let limit = Limit { max: 3, window_secs: 600 };
        let key = throttle_key("test", "192.0.2.1");
        for n in 1..=3 {
            assert_eq!(hit_at(&mut conn, &key, limit, at(10, 1, n)).unwrap(), Verdict::Allowed { count: n as i32 });
        }
        // 10:01:04 in the window 10:00–10:10: six minutes less four seconds to wait.
        assert_eq!(hit_at(&mut conn, &key, limit, at(10, 1, 4)).unwrap(), Verdict::Refused { retry_after_secs: 536 });
        // Another subject has its own counter.
        assert!(hit_at(&mut conn, &throttle_key("test", "192.0.2.2"), limit, at(10, 1, 5)).unwrap().allowed());
        // The next window starts afresh, and the old one is forgotten.
        assert_eq!(hit_at(&mut conn, &key, limit, at(10, 10, 0)).unwrap(), Verdict::Allowed { count: 1 });
        let rows: i64 = throttle_hits::table.filter(throttle_hits::key.eq(&key)).count().get_result(&mut conn).unwrap();
        assert_eq!(rows, 1);
        assert_eq!(prune(&mut conn, at(11, 0, 0)).unwrap(), 2);
    }

    #[test]
    fn a_counter_kept_by_several_committing_threads_sums_their_rows() {
        let db = TestDb::new();
        let limit = Limit { max: 3, window_secs: 600 };
        let key = throttle_key("test", "192.0.2.9");
        // Each thread its shard, as each committing thread draws one.
        let on_shard = |shard: i32, at: NaiveDateTime| {
            let (pool, key) = (db.pool.clone(), key.clone());
            std::thread::spawn(move || {
                crate::db::set_writer_shard(shard);
                hit_at(&mut pool.get().unwrap(), &key, limit, at).unwrap()
            })
            .join()
            .unwrap()
        };
        assert_eq!(on_shard(7, at(10, 1, 0)), Verdict::Allowed { count: 1 });
        assert_eq!(on_shard(9, at(10, 1, 1)), Verdict::Allowed { count: 2 });
        assert_eq!(on_shard(7, at(10, 1, 2)), Verdict::Allowed { count: 3 });
        // The fourth attempt is over the limit whichever thread counts it.
        assert!(!on_shard(9, at(10, 1, 3)).allowed());
        let rows = || -> Vec<(i32, i32)> {
            throttle_hits::table
                .filter(throttle_hits::key.eq(&key))
                .order((throttle_hits::window_start, throttle_hits::shard))
                .select((throttle_hits::shard, throttle_hits::count))
                .load(&mut db.conn())
                .unwrap()
        };
        assert_eq!(rows(), vec![(7, 2), (9, 2)]);
        // A new window: each shard forgets only its own older row.
        assert_eq!(on_shard(7, at(10, 10, 0)), Verdict::Allowed { count: 1 });
        assert_eq!(rows(), vec![(9, 2), (7, 1)]);
    }

    #[test]
    fn keys_hold_no_address_in_clear() {
        let key = throttle_key("stand-idea-address", "203.0.113.7");
        assert!(key.starts_with("stand-idea-address:"));
        assert!(!key.contains("203.0.113.7"));
        assert_eq!(key, throttle_key("stand-idea-address", "203.0.113.7"));
    }

    #[test]
    fn two_connections_share_one_counter() {
        // Two pools on one database stand for two server processes.
        let db = TestDb::new();
        let other = crate::db::connect(&db.url, 2).unwrap();
        let limit = Limit { max: 2, window_secs: 3600 };
        let key = throttle_key("test", "device");
        assert!(hit(&mut db.conn(), &key, limit).unwrap().allowed());
        assert!(hit(&mut other.get().unwrap(), &key, limit).unwrap().allowed());
        assert!(!hit(&mut db.conn(), &key, limit).unwrap().allowed());
        assert_eq!(hits_now(&mut other.get().unwrap(), &key, limit).unwrap(), 3);
    }
}

/// What an anonymous client may do only so often, counted per client pseudonym (the server's
/// keyed pseudonym of its address). A venue's Wi-Fi puts a whole room behind one address, so
/// these bound a flood, not a crowd (docs/security.md gives the figures and why).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anonymous {
    /// A contribution sent through the public online form.
    Contribution,
    /// A questionnaire response started (a public draft) or sent whole through the API.
    Response,
}

impl Anonymous {
    /// Its limit per client pseudonym: `ESSAIM_ANONYMOUS_LIMITS` (`CONTRIBUTIONS,RESPONSES` per
    /// ten minutes, e.g. `60,300`; a load benchmark raises them, its one client standing for a
    /// crowd), else the defaults.
    pub fn limit(self) -> Limit {
        static FROM_ENV: std::sync::OnceLock<Option<(i32, i32)>> = std::sync::OnceLock::new();
        let configured =
            FROM_ENV.get_or_init(|| parse_anonymous_limits(&std::env::var("ESSAIM_ANONYMOUS_LIMITS").ok()?));
        if let Some((contributions, responses)) = *configured {
            let max = if self == Anonymous::Contribution { contributions } else { responses };
            return Limit { max, window_secs: 600 };
        }
        self.default_limit()
    }

    /// Its limit when nothing is configured.
    pub fn default_limit(self) -> Limit {
        match self {
            // A person writes a few contributions in a sitting; a room at a workshop on one
            // Wi-Fi sends a few dozen in ten minutes.
            Anonymous::Contribution => Limit { max: 60, window_secs: 600 },
            // A room answering the questionnaire together, one draft each, on one address.
            Anonymous::Response => Limit { max: 300, window_secs: 600 },
        }
    }

    fn purpose(self) -> &'static str {
        match self {
            Anonymous::Contribution => "anonymous-contribution",
            Anonymous::Response => "anonymous-response",
        }
    }
}

/// Reads `CONTRIBUTIONS,RESPONSES` (positive counts); `None` when it does not read.
fn parse_anonymous_limits(raw: &str) -> Option<(i32, i32)> {
    let (a, b) = raw.split_once(',')?;
    let count = |part: &str| part.trim().parse::<i32>().ok().filter(|n| *n > 0);
    Some((count(a)?, count(b)?))
}

/// Counts one anonymous write of `client` (its pseudonym; empty for a caller that is not an
/// anonymous client, which is not counted) and refuses it over [`Anonymous::limit`] with
/// [`crate::CoreError::Limited`]. Call it in the write's transaction: a refused write rolls
/// its count back with it, so the counter stays at the limit until the window ends.
pub fn count_anonymous(conn: &mut DbConnection, what: Anonymous, client: &str) -> CoreResult<()> {
    if client.is_empty() {
        return Ok(());
    }
    match hit(conn, &throttle_key(what.purpose(), client), what.limit())? {
        Verdict::Allowed { .. } => Ok(()),
        Verdict::Refused { retry_after_secs } => Err(crate::CoreError::Limited { retry_after_secs }),
    }
}
