//! Group commit: writes acknowledged together, each only once durable, a failing one undone
//! alone.

use std::sync::Arc;

use diesel::prelude::*;
use essaim_core::db::{GroupCommit, Id, Lane};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::schema::audit_log;
use essaim_core::testing::TestDb;
use essaim_core::CoreError;

fn audited(db: &TestDb, action: &str) -> i64 {
    audit_log::table.filter(audit_log::action.eq(action)).count().get_result(&mut db.conn()).unwrap()
}

#[test]
fn concurrent_writes_are_each_acknowledged_after_their_commit_and_a_failure_stays_alone() {
    let db = TestDb::new();
    let commits = Arc::new(GroupCommit::start(db.pool.clone()).unwrap());
    let threads: Vec<_> = (0..40)
        .map(|n| {
            let commits = commits.clone();
            std::thread::spawn(move || {
                commits.run(Lane::Any, move |conn| -> Result<usize, CoreError> {
                    record(conn, AuditEvent::new(None, "essai.groupe", "essai", Some(n.to_string())))?;
                    if n % 10 == 3 {
                        // Written, then refused: its savepoint is undone, not its neighbours.
                        return Err(CoreError::Conflict(format!("refus {n}")));
                    }
                    Ok(n)
                })
            })
        })
        .collect();
    let outcomes: Vec<Result<usize, CoreError>> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    let acknowledged = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(acknowledged, 36);
    assert!(outcomes.iter().filter_map(|o| o.as_ref().err()).all(|e| matches!(e, CoreError::Conflict(_))));
    // Every acknowledged write is in the database, seen from another connection.
    assert_eq!(audited(&db, "essai.groupe"), 36);
}

#[test]
fn a_write_that_breaks_its_statement_is_refused_without_losing_the_others() {
    let db = TestDb::new();
    let commits = GroupCommit::start(db.pool.clone()).unwrap();
    let good = commits.run(Lane::Any, |conn| -> Result<(), CoreError> {
        record(conn, AuditEvent::new(None, "essai.bon", "essai", None))
    });
    assert!(good.is_ok());
    let id = Id::new();
    let bad = commits.run(Lane::Any, move |conn| -> Result<(), CoreError> {
        // The same primary key twice: the database refuses the second insert.
        for _ in 0..2 {
            diesel::insert_into(audit_log::table)
                .values((
                    audit_log::id.eq(id),
                    audit_log::occurred_at.eq(essaim_core::clock::now()),
                    audit_log::action.eq("essai.double"),
                    audit_log::target_kind.eq("essai"),
                    audit_log::details.eq("{}"),
                ))
                .execute(conn)?;
        }
        Ok(())
    });
    assert!(matches!(bad, Err(CoreError::Query(_))), "{bad:?}");
    assert_eq!(audited(&db, "essai.bon"), 1);
    assert_eq!(audited(&db, "essai.double"), 0, "the failing write is undone whole");
    assert!(commits.run(Lane::Any, |conn| record(conn, AuditEvent::new(None, "essai.apres", "essai", None))).is_ok());
    assert_eq!(audited(&db, "essai.apres"), 1);
}

#[test]
fn a_queued_write_is_answered_through_its_callback_only_once_committed() {
    let db = TestDb::new();
    let commits = GroupCommit::start(db.pool.clone()).unwrap();
    let (sent, answers) = std::sync::mpsc::channel();
    for n in 0..20 {
        let pool = db.pool.clone();
        let sent = sent.clone();
        commits.submit(
            Lane::Any,
            move |conn| -> Result<usize, CoreError> {
                record(conn, AuditEvent::new(None, "essai.file", "essai", Some(n.to_string())))?;
                Ok(n)
            },
            move |outcome| {
                // Answered on the committing thread, after the commit: another connection
                // already sees the write.
                let seen: i64 = audit_log::table
                    .filter(audit_log::action.eq("essai.file"))
                    .filter(audit_log::target_id.eq(n.to_string()))
                    .count()
                    .get_result(&mut pool.get().unwrap())
                    .unwrap();
                let _ = sent.send((outcome, seen));
            },
        );
    }
    drop(sent);
    let answered: Vec<(Result<usize, CoreError>, i64)> = answers.iter().collect();
    assert_eq!(answered.len(), 20, "every queued write is answered");
    for (outcome, seen) in &answered {
        assert!(outcome.is_ok(), "{outcome:?}");
        assert_eq!(*seen, 1, "answered after its commit, never before");
    }
    let mut numbers: Vec<usize> = answered.into_iter().map(|(o, _)| o.unwrap()).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (0..20).collect::<Vec<_>>());
}

#[test]
fn several_committing_threads_write_side_by_side_and_share_one_counter() {
    use essaim_core::db::writer_shard;
    use essaim_core::domain::throttle::{hit, hits_now, throttle_key, Limit};
    let db = TestDb::new();
    let commits = Arc::new(GroupCommit::start_with(db.pool.clone(), 3).unwrap());
    let limit = Limit { max: 1_000, window_secs: 3_600 };
    let key = throttle_key("essai", "192.0.2.1");
    let threads: Vec<_> = (0..60)
        .map(|n| {
            let (commits, key) = (commits.clone(), key.clone());
            std::thread::spawn(move || {
                commits.run(Lane::Any, move |conn| -> Result<i32, CoreError> {
                    hit(conn, &key, limit)?;
                    record(conn, AuditEvent::new(None, "essai.plusieurs", "essai", Some(n.to_string())))?;
                    Ok(writer_shard())
                })
            })
        })
        .collect();
    let shards: Vec<i32> = threads.into_iter().map(|t| t.join().unwrap().unwrap()).collect();
    assert_eq!(audited(&db, "essai.plusieurs"), 60);
    // Each committing thread counts in a row of its own, never the shard of other writes.
    assert!(shards.iter().all(|s| *s != 0));
    // Read from outside, the counter is the sum of its rows: every attempt counted once.
    assert_eq!(hits_now(&mut db.conn(), &key, limit).unwrap(), 60);

    // A write queued while a batch runs is taken by another thread, not kept waiting.
    let first = slow_write_running(&commits, Lane::Any);
    let second = commits.run(Lane::Any, |_conn| -> Result<i32, CoreError> { Ok(writer_shard()) }).unwrap();
    assert_ne!(first.recv().unwrap().unwrap(), second, "the second write waited for the first thread");
}

/// Queues a write on `lane` that takes 300 ms and answers its committing thread's shard, and
/// returns once it runs, with the channel of its outcome.
fn slow_write_running(commits: &GroupCommit, lane: Lane) -> std::sync::mpsc::Receiver<Result<i32, CoreError>> {
    let (started, running) = std::sync::mpsc::channel();
    let (done, outcome) = std::sync::mpsc::channel();
    commits.submit(
        lane,
        move |_conn| -> Result<i32, CoreError> {
            let _ = started.send(());
            std::thread::sleep(std::time::Duration::from_millis(300));
            Ok(essaim_core::db::writer_shard())
        },
        move |result| {
            let _ = done.send(result);
        },
    );
    running.recv().unwrap();
    outcome
}

#[test]
fn writes_of_one_lane_go_to_one_thread_even_while_another_is_free() {
    use essaim_core::db::writer_shard;
    let db = TestDb::new();
    let commits = GroupCommit::start_with(db.pool.clone(), 3).unwrap();
    let lane = Lane::of("idempotency-key-1");
    let first = slow_write_running(&commits, lane);
    // A retry of the same key while the first is in flight waits for it, on its thread: two
    // threads would each insert the key and one would fail on the other's row.
    let second = commits.run(lane, |_conn| -> Result<i32, CoreError> { Ok(writer_shard()) }).unwrap();
    assert_eq!(first.recv().unwrap().unwrap(), second);
}
