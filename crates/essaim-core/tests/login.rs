//! The login rules on the backend named by `ESSAIM_TEST_DATABASE_URL` (SQLite by default):
//! one answer for every failure, throttling per (account, address), per address and per
//! account, refusals not recorded, old rows purged, and the three steps of a login.

use std::sync::{mpsc, Barrier};
use std::time::Duration;

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::session::{
    authenticate, begin_login, finish_login, LoginError, LOGIN_FAILURE_LIMIT_PER_ACCOUNT,
    LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS, LOGIN_FAILURE_LIMIT_PER_ADDRESS, LOGIN_FAILURE_WINDOW,
};
use essaim_core::domain::{create_account, set_account_disabled, Account, NewAccount};
use essaim_core::schema::{accounts, login_failures};
use essaim_core::security::{hash_password, verify_slots};
use essaim_core::testing::TestDb;

const OWNER: &str = "fatou@region.fr";
const PASSWORD: &str = "une longue phrase de passe";

fn create(conn: &mut DbConnection, email: &str, role: &str) -> Account {
    let new =
        NewAccount { email: email.into(), display_name: String::new(), role: role.into(), password: PASSWORD.into() };
    create_account(conn, &new, None).unwrap()
}

/// One wrong attempt, without paying for argon2 (the outcome does not depend on the password
/// here): `Ok` when it was counted as a failure, `Err` when it was refused.
fn fail(conn: &mut DbConnection, email: &str, ip: &str) -> Result<(), LoginError> {
    let attempt = begin_login(conn, email, ip)?;
    match finish_login(conn, attempt, false) {
        Err(LoginError::InvalidCredentials) => Ok(()),
        other => panic!("a wrong attempt must be refused as invalid, got {other:?}"),
    }
}

fn rows(conn: &mut DbConnection) -> i64 {
    login_failures::table.count().get_result(conn).unwrap()
}

fn rows_from(conn: &mut DbConnection, ip: &str) -> i64 {
    login_failures::table.filter(login_failures::ip.eq(ip)).count().get_result(conn).unwrap()
}

#[test]
fn every_failure_gets_the_same_answer_and_the_e_mail_is_case_insensitive() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let owner = create(&mut conn, OWNER, "facilitator");

    assert!(matches!(
        authenticate(&mut conn, "inconnu@region.fr", "x", "10.0.0.1"),
        Err(LoginError::InvalidCredentials)
    ));
    assert!(matches!(authenticate(&mut conn, OWNER, "mauvais", "10.0.0.1"), Err(LoginError::InvalidCredentials)));
    assert_eq!(rows(&mut conn), 2, "both failures are recorded");
    let logged_in = authenticate(&mut conn, "FATOU@region.fr", PASSWORD, "10.0.0.1").unwrap();
    assert_eq!(logged_in.id, owner.id);
    assert!(logged_in.last_login_at.is_some());
    let stored: Option<chrono::NaiveDateTime> =
        accounts::table.find(owner.id).select(accounts::last_login_at).first(&mut conn).unwrap();
    assert_eq!(stored, logged_in.last_login_at);
    assert_eq!(rows(&mut conn), 1, "success clears the owner's failures from that address only");
}

#[test]
fn failures_per_account_and_address_throttle_that_pair_only() {
    let db = TestDb::new();
    let mut conn = db.conn();
    create(&mut conn, OWNER, "facilitator");
    create(&mut conn, "samuel@region.fr", "staff");

    for _ in 0..LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS {
        fail(&mut conn, OWNER, "10.0.0.1").unwrap();
    }
    assert!(matches!(authenticate(&mut conn, OWNER, PASSWORD, "10.0.0.1"), Err(LoginError::Throttled)));
    // The same account from another address, and another account from the same address.
    assert!(authenticate(&mut conn, OWNER, PASSWORD, "10.0.0.2").is_ok());
    assert!(authenticate(&mut conn, "samuel@region.fr", PASSWORD, "10.0.0.1").is_ok());
    // The owner's success elsewhere did not clear the throttled pair.
    assert!(matches!(authenticate(&mut conn, OWNER, PASSWORD, "10.0.0.1"), Err(LoginError::Throttled)));
}

#[test]
fn the_owner_is_not_locked_out_by_failures_from_other_addresses() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let owner = create(&mut conn, OWNER, "facilitator");

    // An attacker makes 20 failures, from two addresses until each is throttled, then from
    // ten more; and keeps hammering the throttled addresses.
    for ip in ["203.0.113.1", "203.0.113.2"] {
        for _ in 0..LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS {
            fail(&mut conn, OWNER, ip).unwrap();
        }
        for _ in 0..5 {
            assert!(matches!(fail(&mut conn, OWNER, ip), Err(LoginError::Throttled)));
        }
    }
    // The owner made two typos from home too.
    fail(&mut conn, OWNER, "192.0.2.10").unwrap();
    fail(&mut conn, OWNER, "192.0.2.10").unwrap();
    assert_eq!(rows(&mut conn), 22);

    let logged_in = authenticate(&mut conn, OWNER, PASSWORD, "192.0.2.10").unwrap();
    assert_eq!(logged_in.id, owner.id);
    assert_eq!(rows_from(&mut conn, "192.0.2.10"), 0, "the owner's typos and attempt are cleared");
    assert_eq!(rows(&mut conn), 20, "the attacker's failures stay");
    assert!(matches!(authenticate(&mut conn, OWNER, PASSWORD, "203.0.113.1"), Err(LoginError::Throttled)));
}

#[test]
fn failures_per_address_throttle_every_account_from_it() {
    let db = TestDb::new();
    let mut conn = db.conn();
    create(&mut conn, OWNER, "facilitator");

    // Spraying one password over many accounts, each below the pair limit.
    for i in 0..LOGIN_FAILURE_LIMIT_PER_ADDRESS {
        fail(&mut conn, &format!("x{i}@region.fr"), "10.9.9.9").unwrap();
    }
    assert!(matches!(fail(&mut conn, "nouveau@region.fr", "10.9.9.9"), Err(LoginError::Throttled)));
    assert!(matches!(authenticate(&mut conn, OWNER, PASSWORD, "10.9.9.9"), Err(LoginError::Throttled)));
    assert!(authenticate(&mut conn, OWNER, PASSWORD, "10.9.9.10").is_ok(), "other addresses are not affected");
}

#[test]
fn a_hundred_failures_per_account_throttle_it_even_from_new_addresses() {
    let db = TestDb::new();
    let mut conn = db.conn();
    create(&mut conn, OWNER, "facilitator");
    create(&mut conn, "samuel@region.fr", "staff");

    // Distributed guessing: one failure from each of many addresses.
    for i in 0..LOGIN_FAILURE_LIMIT_PER_ACCOUNT {
        fail(&mut conn, OWNER, &format!("10.1.{}.{}", i / 250, i % 250)).unwrap();
    }
    assert!(matches!(authenticate(&mut conn, OWNER, PASSWORD, "198.51.100.7"), Err(LoginError::Throttled)));
    assert!(authenticate(&mut conn, "samuel@region.fr", PASSWORD, "198.51.100.7").is_ok(), "other accounts are not");
}

#[test]
fn a_throttled_attempt_is_not_recorded() {
    let db = TestDb::new();
    let mut conn = db.conn();
    create(&mut conn, OWNER, "facilitator");

    for _ in 0..LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS {
        fail(&mut conn, OWNER, "10.0.0.1").unwrap();
    }
    let before = rows(&mut conn);
    assert_eq!(before, LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS);
    for _ in 0..20 {
        assert!(matches!(fail(&mut conn, OWNER, "10.0.0.1"), Err(LoginError::Throttled)));
    }
    assert!(matches!(authenticate(&mut conn, OWNER, PASSWORD, "10.0.0.1"), Err(LoginError::Throttled)));
    assert_eq!(rows(&mut conn), before, "refusals leave no row");

    // So the lock ends with the window, however long the hammering went on: age the failures.
    let aged = now() - LOGIN_FAILURE_WINDOW - chrono::Duration::seconds(1);
    diesel::update(login_failures::table).set(login_failures::occurred_at.eq(aged)).execute(&mut conn).unwrap();
    assert!(authenticate(&mut conn, OWNER, PASSWORD, "10.0.0.1").is_ok());
}

#[test]
fn rows_older_than_the_window_are_purged_at_each_attempt() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let at = now();
    let old = at - LOGIN_FAILURE_WINDOW - chrono::Duration::minutes(1);
    let recent = at - LOGIN_FAILURE_WINDOW + chrono::Duration::minutes(1);
    for (key, when) in [("old-1", old), ("old-2", old), ("old-3", old), ("recent", recent)] {
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::id.eq(Id::new()),
                login_failures::account_key.eq(key),
                login_failures::ip.eq("10.7.7.7"),
                login_failures::occurred_at.eq(when),
            ))
            .execute(&mut conn)
            .unwrap();
    }

    fail(&mut conn, "inconnu@region.fr", "10.0.0.1").unwrap();
    let left: Vec<String> = login_failures::table
        .select(login_failures::account_key)
        .order(login_failures::occurred_at)
        .load(&mut conn)
        .unwrap();
    assert_eq!(left.len(), 2, "{left:?}");
    assert_eq!(left[0], "recent", "rows inside the window are kept");
}

#[test]
fn parallel_attempts_cannot_slip_past_the_limit() {
    const THREADS: usize = 4; // The size of `TestDb`'s pool: each thread holds its own connection.
    const EACH: usize = 8;
    let db = TestDb::new();
    let barrier = Barrier::new(THREADS);
    let passed: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..THREADS)
            .map(|_| {
                s.spawn(|| {
                    let mut conn = db.conn();
                    barrier.wait();
                    let mut passed = 0;
                    for _ in 0..EACH {
                        // Attempts that pass are left unfinished: in flight, they count as failures.
                        match begin_login(&mut conn, OWNER, "10.0.0.1") {
                            Ok(_) => passed += 1,
                            Err(LoginError::Throttled) => {}
                            Err(e) => panic!("{e}"),
                        }
                    }
                    passed
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    let limit = LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS as usize;
    assert!((1..=limit).contains(&passed), "{passed} attempts passed, limit {limit}");
    assert_eq!(rows(&mut db.conn()), passed as i64, "exactly the attempts that passed are recorded");
}

#[test]
fn finish_login_refuses_when_the_account_changed_during_verification() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let admin = create(&mut conn, "alice@region.fr", "admin");
    let owner = create(&mut conn, OWNER, "facilitator");

    // Disabled between the check and the end.
    let attempt = begin_login(&mut conn, OWNER, "10.0.0.1").unwrap();
    assert!(attempt.verify(PASSWORD));
    set_account_disabled(&mut conn, owner.id, true, admin.id).unwrap();
    assert!(matches!(finish_login(&mut conn, attempt, true), Err(LoginError::InvalidCredentials)));
    set_account_disabled(&mut conn, owner.id, false, admin.id).unwrap();

    // Password changed between the check and the end: the old one no longer opens the account.
    let attempt = begin_login(&mut conn, OWNER, "10.0.0.1").unwrap();
    assert!(attempt.verify(PASSWORD));
    let new_hash = hash_password("une toute nouvelle phrase").unwrap();
    diesel::update(accounts::table.find(owner.id))
        .set(accounts::password_hash.eq(new_hash))
        .execute(&mut conn)
        .unwrap();
    assert!(matches!(finish_login(&mut conn, attempt, true), Err(LoginError::InvalidCredentials)));
    assert_eq!(rows(&mut conn), 2, "both count as failures");

    // An unknown e-mail never verifies, and a disabled account does not either.
    let unknown = begin_login(&mut conn, "inconnu@region.fr", "10.0.0.1").unwrap();
    assert!(!unknown.verify(PASSWORD));
    assert!(matches!(finish_login(&mut conn, unknown, true), Err(LoginError::InvalidCredentials)));
    set_account_disabled(&mut conn, owner.id, true, admin.id).unwrap();
    let disabled = begin_login(&mut conn, OWNER, "10.0.0.1").unwrap();
    assert!(!disabled.verify("une toute nouvelle phrase"));
}

#[test]
fn verification_waits_for_a_free_slot() {
    let db = TestDb::new();
    let mut conn = db.conn();
    create(&mut conn, OWNER, "facilitator");
    let attempt = begin_login(&mut conn, OWNER, "10.0.0.1").unwrap();
    drop(conn); // Verifying needs no connection.

    let slots = verify_slots();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    assert_eq!(slots.capacity(), cores * 2);
    // Other tests of this binary may be verifying: `acquire` waits for them.
    let mut held: Vec<_> = (0..slots.capacity()).map(|_| slots.acquire()).collect();
    assert!(slots.try_acquire().is_none());

    let (done, outcome) = mpsc::channel();
    std::thread::scope(|s| {
        s.spawn(|| done.send(attempt.verify(PASSWORD)).unwrap());
        assert!(outcome.recv_timeout(Duration::from_millis(300)).is_err(), "verify ran without a slot");
        held.pop();
        assert!(outcome.recv_timeout(Duration::from_secs(30)).unwrap(), "verify ran once a slot was freed");
    });
    drop(held);
    assert_eq!(finish_login(&mut db.conn(), attempt, true).unwrap().email, OWNER);
}
