//! Synthesis runs as durable jobs: in the background, one per theme across servers, and
//! reported when they end, fail or are interrupted.

use std::time::Duration;

use actix_web::http::StatusCode;
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::{JobKind, JobState};
use essaim_core::jobs;
use essaim_core::testing::TestDb;

use crate::common::{browser_background_runs, browser_on, job_worker, state_for, STAFF};

fn theme_three(db: &TestDb) -> essaim_core::db::Id {
    let mut conn = db.conn();
    let consultation = essaim_core::domain::consultation::find_consultation(&mut conn, DEMO_SLUG).unwrap();
    essaim_core::domain::consultation::themes_of(&mut conn, consultation.id).unwrap()[2].id
}

#[actix_web::test]
async fn a_large_theme_is_grouped_in_the_background_and_its_end_is_said_once() {
    let mut b = browser_background_runs().await;
    b.login(STAFF).await;
    let base = format!("/staff/consultations/{DEMO_SLUG}/synthese");
    let token = b.csrf().await;
    let ran = b.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    assert_eq!(ran.status, StatusCode::SEE_OTHER);
    assert!(ran.location().ends_with("?fait=lancee"));
    let mut finished = None;
    for _ in 0..600 {
        let page = b.get(&format!("{base}/3")).await;
        if !page.text().contains("Synthèse en cours") {
            finished = Some(page);
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(25)).await;
    }
    let page = finished.expect("the background run ends");
    assert!(page.text().contains("La synthèse lancée en arrière-plan est terminée"), "{}", page.text());
    assert!(page.body.contains("Voir les contributions"));
    assert!(!b.get(&format!("{base}/3")).await.text().contains("est terminée"), "said once");
    let job = jobs::latest(&mut b.db.conn(), JobKind::SynthesisRun, &theme_three(&b.db).to_string()).unwrap().unwrap();
    assert_eq!(job.state, JobState::Done);
    assert!(job.result.unwrap().contains("\"proposed\""));
}

#[actix_web::test]
async fn two_servers_on_one_database_share_the_run_and_refuse_a_second_one() {
    // Two apps, each with its own pool (as two `essaim serve` processes), on one database.
    let db = TestDb::new();
    let first_state = state_for(&db, 0);
    let mut second_state = first_state.clone();
    second_state.pool = essaim_core::db::connect(&db.url, 4).unwrap();
    let theme = theme_three(&db);
    let shared = TestDb::new();
    let mut first = browser_on(db, first_state, None).await;
    let mut second = browser_on(shared, second_state, None).await;
    let base = format!("/staff/consultations/{DEMO_SLUG}/synthese");

    first.login(STAFF).await;
    second.login(STAFF).await;
    let token = first.csrf().await;
    let started = first.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    assert!(started.location().ends_with("?fait=lancee"), "queued on the first server");

    let seen = second.get(&format!("{base}/3")).await;
    assert!(seen.text().contains("Synthèse en cours"), "the second server sees it under way");
    let token = second.csrf().await;
    let refused = second.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.text().contains("déjà en cours"));
    let token = first.csrf().await;
    assert_eq!(first.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await.status, StatusCode::CONFLICT);

    // A worker (of either server) runs it once; then a new run may start.
    let worker = job_worker(&first.db, Duration::from_secs(60));
    let mut done = false;
    for _ in 0..600 {
        let job = jobs::latest(&mut first.db.conn(), JobKind::SynthesisRun, &theme.to_string()).unwrap().unwrap();
        if job.state == JobState::Done {
            done = true;
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(25)).await;
    }
    worker.stop();
    assert!(done, "the job ends");
    let runs = essaim_core::jobs::latest(&mut first.db.conn(), JobKind::SynthesisRun, &theme.to_string()).unwrap();
    assert_eq!(runs.unwrap().attempts, 1, "claimed once");
    let token = second.csrf().await;
    let again = second.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    assert!(again.location().ends_with("?fait=lancee"), "a new run after the end");
}

#[actix_web::test]
async fn a_run_whose_server_died_is_reported_interrupted_and_a_small_run_waits_for_none() {
    let db = TestDb::new();
    let state = state_for(&db, usize::MAX);
    let theme = theme_three(&db);
    let worker = job_worker(&db, Duration::from_secs(1));
    let mut b = browser_on(db, state, Some(worker)).await;
    b.login(STAFF).await;
    let base = format!("/staff/consultations/{DEMO_SLUG}/synthese");
    let token = b.csrf().await;
    // A run "under way" on a server that died, started only now (after the login, which may
    // take longer than the staleness delay): the worker declares it interrupted a second
    // after its last heartbeat, and the next request comes well within that second.
    jobs::start_now(
        &mut b.db.conn(),
        JobKind::SynthesisRun,
        &theme.to_string(),
        &serde_json::json!({}),
        None,
        "mort:1:x",
    )
    .unwrap();
    // While it is "running", even a small theme's run in the request is refused.
    let refused = b.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let mut interrupted = None;
    for _ in 0..400 {
        let job = jobs::latest(&mut b.db.conn(), JobKind::SynthesisRun, &theme.to_string()).unwrap().unwrap();
        if job.state == JobState::Interrupted {
            interrupted = Some(job);
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(25)).await;
    }
    let job = interrupted.expect("declared interrupted by a live worker");
    assert!(job.error.unwrap().contains("rien n'a été enregistré à moitié"));
    let page = b.get(&format!("{base}/3")).await;
    assert!(page.text().contains("s'est arrêté avant la fin"), "reported on the theme page");
    // The request ran it itself (it was small), so the interruption is its own record.
    let ran = b.post(&format!("{base}/3/run"), &[("csrf_token", &token)]).await;
    assert!(ran.location().ends_with("?fait=synthese"), "{}", ran.location());
}

#[actix_web::test]
async fn a_run_under_way_says_since_when_in_the_consultation_s_time_zone() {
    use diesel::prelude::*;
    use essaim_core::schema::{consultations, jobs as job_rows};
    // `browser()` runs no job worker: the queued run stays under way.
    let mut b = crate::common::browser().await;
    let theme = theme_three(&b.db).to_string();
    jobs::enqueue(&mut b.db.conn(), JobKind::SynthesisRun, &theme, &serde_json::json!({}), None).unwrap();
    let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 6).unwrap().and_hms_opt(13, 5, 0).unwrap();
    diesel::update(job_rows::table).set(job_rows::created_at.eq(at)).execute(&mut b.db.conn()).unwrap();
    b.login(STAFF).await;
    let page = format!("/staff/consultations/{DEMO_SLUG}/synthese/3");
    let text = b.get(&page).await.text();
    assert!(text.contains("Synthèse en cours depuis 14 h 05"), "Europe/Paris by default: {text}");
    assert!(!text.contains("UTC"));
    diesel::update(consultations::table.filter(consultations::slug.eq(DEMO_SLUG)))
        .set(consultations::time_zone.eq("America/Cayenne"))
        .execute(&mut b.db.conn())
        .unwrap();
    let text = b.get(&page).await.text();
    assert!(text.contains("Synthèse en cours depuis 10 h 05"), "UTC−3: {text}");
}
