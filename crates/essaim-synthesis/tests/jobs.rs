//! Synthesis runs as durable jobs: one run of a theme at a time, whoever asks and wherever it
//! runs; a background run stores its result and ends its job in one commit; a run whose job
//! was declared interrupted stores nothing. On the backend of `ESSAIM_TEST_DATABASE_URL`.

use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::orientation::{placements_of_theme, theme_standing};
use essaim_core::domain::{JobKind, JobState};
use essaim_core::jobs::{self, JobContext};
use essaim_core::schema::{audit_log, orientations, synthesis_runs};
use essaim_core::testing::{demo, demo_account, TestDb};
use essaim_synthesis::drafts::{self, DraftError};
use essaim_synthesis::pipeline::Params;

struct Setup {
    db: TestDb,
    consultation: Id,
    theme: Id,
    theme_name: String,
    other_theme: (Id, String),
    staff: Id,
}

fn setup() -> Setup {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, themes) = demo(&mut conn);
    let staff = demo_account(&mut conn, "staff");
    drop(conn);
    Setup {
        db,
        consultation,
        theme: themes[2].id,
        theme_name: themes[2].title.clone(),
        other_theme: (themes[3].id, themes[3].title.clone()),
        staff,
    }
}

fn queue(s: &Setup, conn: &mut DbConnection) -> Result<jobs::Job, DraftError> {
    drafts::queue_run(conn, s.consultation, s.theme, &s.theme_name, &Params::default(), Some(s.staff))
}

fn run_now(s: &Setup, conn: &mut DbConnection) -> Result<drafts::RunReport, DraftError> {
    drafts::run_now(conn, s.consultation, s.theme, &s.theme_name, &Params::default(), Some(s.staff))
}

fn claim(conn: &mut DbConnection, worker: &str) -> jobs::Job {
    jobs::claim_next(conn, worker, &[JobKind::SynthesisRun]).unwrap().expect("a queued job")
}

/// What a run leaves in the database: orientations, placements, run records, audit entries.
fn stored(s: &Setup, conn: &mut DbConnection) -> (i64, usize, i64, i64) {
    let orientations: i64 =
        orientations::table.filter(orientations::theme_id.eq(s.theme)).count().get_result(conn).unwrap();
    let placements = placements_of_theme(conn, s.theme).unwrap().len();
    let runs: i64 =
        synthesis_runs::table.filter(synthesis_runs::theme_id.eq(s.theme)).count().get_result(conn).unwrap();
    let audited: i64 = audit_log::table.filter(audit_log::action.eq("synthesis.run")).count().get_result(conn).unwrap();
    (orientations, placements, runs, audited)
}

#[test]
fn one_run_of_a_theme_at_a_time_and_a_background_run_ends_its_job_with_its_result() {
    let s = setup();
    let mut conn = s.db.conn();
    let job = queue(&s, &mut conn).unwrap();
    assert_eq!(job.state, JobState::Queued);
    assert!(matches!(queue(&s, &mut conn), Err(DraftError::Busy)), "a second queued run of the theme");
    assert!(matches!(run_now(&s, &mut conn), Err(DraftError::Busy)), "a run in the request while one is queued");
    // Another theme is not held up.
    let (other, other_name) = &s.other_theme;
    drafts::queue_run(&mut conn, s.consultation, *other, other_name, &Params::default(), None).unwrap();

    let claimed = claim(&mut conn, "serveur-a:1:abc");
    assert_eq!(claimed.id, job.id);
    assert_eq!(claimed.state, JobState::Running);
    assert!(matches!(queue(&s, &mut conn), Err(DraftError::Busy)), "queued while it runs");
    assert!(matches!(run_now(&s, &mut conn), Err(DraftError::Busy)), "run now while it runs");
    assert_eq!(stored(&s, &mut conn), (0, 0, 0, 0));

    let context = JobContext { pool: s.db.pool.clone(), job: claimed, worker: "serveur-a:1:abc".into() };
    drafts::run_job(&context).unwrap();
    let done = jobs::find_job(&mut conn, job.id).unwrap().unwrap();
    assert_eq!(done.state, JobState::Done);
    assert!(done.finished_at.is_some());
    let result: serde_json::Value = serde_json::from_str(done.result.as_deref().unwrap()).unwrap();
    let standing = theme_standing(&mut conn, s.theme).unwrap();
    assert_eq!(result["new_contributions"], standing.contributions);
    assert_eq!(result["proposed"], standing.orientations);
    assert_eq!(standing.unplaced, 0, "the result is stored");
    let (orientations, placements, runs, audited) = stored(&s, &mut conn);
    assert!(orientations >= 2);
    assert_eq!((placements as i64, runs, audited), (standing.contributions, 1, 1));
    // The job's result is the run's own summary: one report, stored once.
    let summary: String = synthesis_runs::table
        .filter(synthesis_runs::theme_id.eq(s.theme))
        .select(synthesis_runs::summary)
        .first(&mut conn)
        .unwrap();
    assert_eq!(serde_json::from_str::<serde_json::Value>(&summary).unwrap(), result);

    // The place is free again: a run in the request goes through, and places nothing twice.
    let report = run_now(&s, &mut conn).unwrap();
    assert_eq!(report.new_contributions, 0);
    let latest = jobs::latest(&mut conn, JobKind::SynthesisRun, &s.theme.to_string()).unwrap().unwrap();
    assert_eq!(latest.state, JobState::Done);
    queue(&s, &mut conn).unwrap();
}

#[test]
fn a_run_whose_job_was_declared_interrupted_stores_nothing() {
    let s = setup();
    let mut conn = s.db.conn();

    // The worker's job is declared interrupted (its heartbeat stopped, or the server shut
    // down) before the run stores: the run's transaction rolls back entirely.
    queue(&s, &mut conn).unwrap();
    let job = claim(&mut conn, "serveur-a:1:abc");
    assert_eq!(jobs::interrupt_own(&mut conn, "serveur-a:1:abc").unwrap(), 1);
    let context = JobContext { pool: s.db.pool.clone(), job: job.clone(), worker: "serveur-a:1:abc".into() };
    let message = drafts::run_job(&context).unwrap_err();
    assert!(!message.is_empty());
    assert_eq!(stored(&s, &mut conn), (0, 0, 0, 0), "no orientation, placement, run or audit entry");
    let after = jobs::find_job(&mut conn, job.id).unwrap().unwrap();
    assert_eq!(after.state, JobState::Interrupted, "not done");
    assert!(after.result.is_none());

    // The same, step by step: read and plan while the job runs, interrupted between the plan
    // and the store.
    queue(&s, &mut conn).unwrap();
    let job = claim(&mut conn, "serveur-b:2:def");
    let state = drafts::read_theme(&mut conn, s.consultation, s.theme, &s.theme_name).unwrap();
    let plan = drafts::plan_run(&state, &Params::default()).unwrap();
    assert_eq!(jobs::interrupt_own(&mut conn, "serveur-b:2:def").unwrap(), 1);
    let outcome = drafts::store_run(&mut conn, plan, None, |conn, report| {
        jobs::complete(conn, job.id, "serveur-b:2:def", &serde_json::to_value(report).unwrap())
            .map_err(DraftError::Store)
    });
    assert!(matches!(outcome, Err(DraftError::Store(essaim_core::CoreError::Conflict(_)))), "{outcome:?}");
    assert_eq!(stored(&s, &mut conn), (0, 0, 0, 0));
    assert_eq!(jobs::find_job(&mut conn, job.id).unwrap().unwrap().state, JobState::Interrupted);

    // Nothing half-written: the next run starts from scratch and places everything once.
    queue(&s, &mut conn).unwrap();
    let job = claim(&mut conn, "serveur-c:3:ghi");
    drafts::run_job(&JobContext { pool: s.db.pool.clone(), job: job.clone(), worker: "serveur-c:3:ghi".into() })
        .unwrap();
    let standing = theme_standing(&mut conn, s.theme).unwrap();
    assert_eq!((standing.unplaced, stored(&s, &mut conn).2), (0, 1));
    assert_eq!(jobs::find_job(&mut conn, job.id).unwrap().unwrap().state, JobState::Done);
}

#[test]
fn a_run_in_the_request_that_fails_marks_its_job_failed_and_frees_the_theme() {
    let s = setup();
    let mut conn = s.db.conn();
    let impossible = Params { groups: Some(40), ..Params::default() };
    let err =
        drafts::run_now(&mut conn, s.consultation, s.theme, &s.theme_name, &impossible, Some(s.staff)).unwrap_err();
    assert!(matches!(err, DraftError::Synthesis(_)), "{err:?}");
    let job = jobs::latest(&mut conn, JobKind::SynthesisRun, &s.theme.to_string()).unwrap().unwrap();
    assert_eq!(job.state, JobState::Failed);
    assert!(job.error.as_deref().unwrap().contains("40 groupes demandés"), "{:?}", job.error);
    assert_eq!(stored(&s, &mut conn), (0, 0, 0, 0));
    run_now(&s, &mut conn).unwrap();
}
