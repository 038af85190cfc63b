//! Durable jobs: one active job per kind and subject, claimed once, heartbeats, interruption.

use chrono::Duration;
use diesel::prelude::*;
use essaim_core::domain::{JobKind, JobState};
use essaim_core::jobs::{
    claim_next, complete, enqueue, heartbeat, interrupt_stale, latest, start_now, take_for_display,
};
use essaim_core::schema::jobs;
use essaim_core::testing::TestDb;
use essaim_core::CoreError;

#[test]
fn one_active_job_per_subject_claimed_by_exactly_one_worker() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let job = enqueue(&mut conn, JobKind::SynthesisRun, "theme-a", &serde_json::json!({"k": 1}), None).unwrap();
    assert!(matches!(
        enqueue(&mut conn, JobKind::SynthesisRun, "theme-a", &serde_json::json!({}), None),
        Err(CoreError::Conflict(_))
    ));
    assert!(matches!(
        start_now(&mut conn, JobKind::SynthesisRun, "theme-a", &serde_json::json!({}), None, "req"),
        Err(CoreError::Conflict(_))
    ));
    enqueue(&mut conn, JobKind::SynthesisRun, "theme-b", &serde_json::json!({}), None).unwrap();

    // Many workers race for the queue: each job is claimed once.
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let pool = db.pool.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().unwrap();
                let mut mine = Vec::new();
                while let Some(job) = claim_next(&mut conn, &format!("w{i}"), &[JobKind::SynthesisRun]).unwrap() {
                    mine.push(job.id);
                }
                mine
            })
        })
        .collect();
    let mut claimed: Vec<_> = handles.into_iter().flat_map(|h| h.join().unwrap()).collect();
    claimed.sort();
    assert_eq!(claimed.len(), 2, "two jobs, two claims");
    claimed.dedup();
    assert_eq!(claimed.len(), 2);
    let running = latest(&mut conn, JobKind::SynthesisRun, "theme-a").unwrap().unwrap();
    assert_eq!(running.state, JobState::Running);
    assert_eq!(running.attempts, 1);
    assert!(running.payload_json()["k"] == 1);
    let worker = running.worker.clone().unwrap();
    assert!(complete(&mut conn, job.id, "someone-else", &serde_json::json!({})).is_err(), "only its worker ends it");
    complete(&mut conn, job.id, &worker, &serde_json::json!({"ok": true})).unwrap();
    let shown = take_for_display(&mut conn, JobKind::SynthesisRun, "theme-a").unwrap().unwrap();
    assert_eq!(shown.state, JobState::Done);
    assert!(take_for_display(&mut conn, JobKind::SynthesisRun, "theme-a").unwrap().is_none(), "said once");
    enqueue(&mut conn, JobKind::SynthesisRun, "theme-a", &serde_json::json!({}), None)
        .expect("a new one after the end");
}

#[test]
fn a_job_whose_worker_stopped_beating_is_interrupted_and_cannot_complete() {
    let db = TestDb::new();
    let mut conn = db.conn();
    enqueue(&mut conn, JobKind::SynthesisRun, "theme-a", &serde_json::json!({}), None).unwrap();
    let job = claim_next(&mut conn, "vivant", &[JobKind::SynthesisRun]).unwrap().unwrap();
    assert_eq!(heartbeat(&mut conn, "vivant").unwrap(), 1);
    assert_eq!(interrupt_stale(&mut conn, Duration::seconds(60)).unwrap(), 0, "a beating job stays");
    let long_ago = essaim_core::clock::now() - Duration::minutes(5);
    diesel::update(jobs::table.find(job.id)).set(jobs::heartbeat_at.eq(long_ago)).execute(&mut conn).unwrap();
    assert_eq!(interrupt_stale(&mut conn, Duration::seconds(60)).unwrap(), 1);
    let after = latest(&mut conn, JobKind::SynthesisRun, "theme-a").unwrap().unwrap();
    assert_eq!(after.state, JobState::Interrupted);
    assert!(matches!(complete(&mut conn, job.id, "vivant", &serde_json::json!({})), Err(CoreError::Conflict(_))));
    assert_eq!(heartbeat(&mut conn, "vivant").unwrap(), 0);
}

#[test]
fn the_worker_prunes_the_throttle_counters_nobody_will_read_again() {
    use essaim_core::domain::throttle::{hit, Limit, KEEP_COUNTERS};
    use essaim_core::jobs::{JobWorker, WorkerOptions};
    use essaim_core::schema::throttle_hits;
    let db = TestDb::new();
    let mut conn = db.conn();
    let stale = essaim_core::clock::now() - KEEP_COUNTERS - Duration::minutes(5);
    diesel::insert_into(throttle_hits::table)
        .values((throttle_hits::key.eq("gone-home"), throttle_hits::window_start.eq(stale), throttle_hits::count.eq(3)))
        .execute(&mut conn)
        .unwrap();
    hit(&mut conn, "still-here", Limit { max: 10, window_secs: 600 }).unwrap();
    let options = WorkerOptions { poll: std::time::Duration::from_millis(20), ..WorkerOptions::default() };
    let worker = JobWorker::start(db.pool.clone(), std::collections::HashMap::new(), options).unwrap();
    let keys = |conn: &mut essaim_core::db::DbConnection| -> Vec<String> {
        throttle_hits::table.select(throttle_hits::key).order(throttle_hits::key.asc()).load(conn).unwrap()
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while keys(&mut conn).len() > 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    worker.stop();
    assert_eq!(keys(&mut conn), ["still-here"], "the stale counter is gone, the live one kept");
}
