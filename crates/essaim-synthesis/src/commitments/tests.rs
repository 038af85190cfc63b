use essaim_core::db::Id;
use essaim_core::testing::{demo, demo_account, TestDb};

use super::*;

fn form(status: &str, progress: &str) -> CommitmentForm {
    CommitmentForm {
        action: "Créer un fonds".into(),
        carrier: "Région".into(),
        status: status.into(),
        progress: progress.into(),
    }
}

fn commitment(status: CommitmentStatus, progress: i32) -> Commitment {
    Commitment {
        id: Id::new(),
        consultation_id: Id::new(),
        orientation_id: Id::new(),
        action: "A".into(),
        carrier: "B".into(),
        status,
        progress,
        created_at: essaim_core::clock::now(),
        updated_at: essaim_core::clock::now(),
    }
}

#[test]
fn the_mean_progress_leaves_abandoned_commitments_out() {
    let list = [
        commitment(CommitmentStatus::InProgress, 40),
        commitment(CommitmentStatus::Done, 100),
        commitment(CommitmentStatus::Abandoned, 0),
    ];
    assert_eq!(mean_progress(&list), Some(70));
    assert_eq!(mean_progress(&list[2..]), None);
    assert_eq!(mean_progress(&[]), None);
}

#[test]
fn an_orientation_not_published_takes_no_commitment_and_refusals_name_the_field() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, _) = demo(&mut conn);
    let actor = demo_account(&mut conn, "staff");
    match add_commitment(&mut conn, consultation, Id::new(), &form("planned", ""), actor) {
        Err(CommitmentError::NotFound(_)) => {}
        other => panic!("{other:?}"),
    }
    for (typed, field) in [
        (form("planned", "101"), "progress"),
        (form("planned", "-1"), "progress"),
        (form("planned", "beaucoup"), "progress"),
        (form("inconnu", "10"), "status"),
        (CommitmentForm { action: "  ".into(), ..form("planned", "") }, "action"),
        (CommitmentForm { carrier: String::new(), ..form("planned", "") }, "carrier"),
    ] {
        match add_commitment(&mut conn, consultation, Id::new(), &typed, actor) {
            Err(CommitmentError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{typed:?}: {other:?}"),
        }
    }
}

#[test]
fn the_csv_guards_formulas_and_lists_the_latest_news() {
    let mut c = commitment(CommitmentStatus::InProgress, 30);
    c.action = "=HYPERLINK(\"http://x\")".into();
    let news = |day: u32, body: &str| News {
        id: Id::new(),
        commitment_id: c.id,
        happened_on: chrono::NaiveDate::from_ymd_opt(2017, 3, day).unwrap(),
        body: body.into(),
        created_at: essaim_core::clock::now(),
    };
    let list = vec![OrientationCommitments {
        theme: "Thème".into(),
        id: c.orientation_id,
        title: "Orientation".into(),
        commitments: vec![CommitmentWithNews {
            news: vec![news(20, "La plus récente"), news(1, "Ancienne")],
            commitment: c,
        }],
    }];
    let csv = String::from_utf8(commitments_csv(&list)).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert!(csv.contains("\"'=HYPERLINK(\"\"http://x\"\")\""), "{csv}");
    assert!(csv.contains("\"En cours\",\"30\",\"2017-03-20\",\"La plus récente\""), "{csv}");
    assert!(!csv.contains("Ancienne"));
}
