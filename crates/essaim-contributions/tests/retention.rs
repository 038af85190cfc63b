//! Retention: a consultation closed for its `personal_data_days` loses its addresses, links
//! and mail copies — shown first by a dry run that writes nothing —, once, whichever process
//! runs the daily purge.

use diesel::prelude::*;
use essaim_contributions::online::{submit_online, OnlineForm};
use essaim_contributions::personal_data::subject_of_link;
use essaim_contributions::retention::{
    due, purge_consultation, run_due, schedule_daily, set_personal_data_days, DEFAULT_PERSONAL_DATA_DAYS,
};
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::{find_consultation, set_state, themes_of};
use essaim_core::domain::ConsultationState;
use essaim_core::mail::limits::Requester;
use essaim_core::mail::outbox::mark_sent;
use essaim_core::schema::{access_links, consultations, follows, outbox};
use essaim_core::testing::TestDb;

fn count_links(conn: &mut essaim_core::db::DbConnection) -> i64 {
    access_links::table.count().get_result(conn).unwrap()
}

#[test]
fn a_consultation_past_its_retention_loses_its_contact_data_once_after_a_dry_run() {
    let db = TestDb::new();
    let mut conn = db.conn();
    essaim_core::demo::seed_demo(&mut conn, &[]).unwrap();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let theme = themes_of(&mut conn, consultation.id).unwrap().remove(0);
    let form = OnlineForm {
        kind: "constat".into(),
        body: "Un constat à garder.".into(),
        organisation: String::new(),
        territory: String::new(),
        email: "suivie@exemple.fr".into(),
        idempotency_key: "cle-retention".into(),
    };
    submit_online(&mut conn, &consultation, &theme, &form, "http://essaim.test/", &Requester("x".into())).unwrap();
    let text: String = outbox::table.select(outbox::text_body).first(&mut conn).unwrap();
    let at = text.find("/suivi/").unwrap() + "/suivi/".len();
    let token = text[at..at + 32].to_owned();
    let mail: essaim_core::db::Id = outbox::table.select(outbox::id).first(&mut conn).unwrap();
    mark_sent(&mut conn, mail).unwrap();

    assert_eq!(consultation.state, ConsultationState::Open);
    assert!(due(&mut conn).unwrap().is_empty(), "open: nothing due");
    set_state(&mut conn, consultation.id, ConsultationState::Closed, None).unwrap();
    let days: i32 =
        consultations::table.find(consultation.id).select(consultations::personal_data_days).first(&mut conn).unwrap();
    assert_eq!(days, DEFAULT_PERSONAL_DATA_DAYS);
    assert!(due(&mut conn).unwrap().is_empty(), "closed today, kept 365 days");
    assert!(set_personal_data_days(&mut conn, consultation.id, -1, None).is_err());
    set_personal_data_days(&mut conn, consultation.id, 0, None).unwrap();
    assert_eq!(due(&mut conn).unwrap(), [consultation.id]);

    let links = count_links(&mut conn);
    let dry = purge_consultation(&mut conn, consultation.id, true).unwrap();
    assert_eq!((dry.addresses, dry.links, dry.mails), (1, 1, 1), "{dry:?}");
    assert_eq!(count_links(&mut conn), links, "a dry run writes nothing");
    assert!(subject_of_link(&mut conn, &token).unwrap().is_some());

    let run = run_due(&mut conn).unwrap();
    assert_eq!(run.consultations.len(), 1);
    assert_eq!(run.consultations[0].1, dry, "the dry run said what the purge did");
    assert!(subject_of_link(&mut conn, &token).unwrap().is_none(), "the link stopped working");
    let emails: Vec<Option<String>> = follows::table.select(follows::email).load(&mut conn).unwrap();
    assert!(emails.iter().all(Option::is_none));
    assert_eq!(outbox::table.count().get_result::<i64>(&mut conn).unwrap(), 0);
    assert!(due(&mut conn).unwrap().is_empty(), "purged once");
    assert!(run_due(&mut conn).unwrap().consultations.is_empty());
}

#[test]
fn the_daily_purge_is_queued_once_whoever_asks() {
    let db = TestDb::new();
    let mut conn = db.conn();
    assert!(schedule_daily(&mut conn).unwrap());
    assert!(!schedule_daily(&mut db.conn()).unwrap(), "a second process finds it queued");
    let jobs: i64 = essaim_core::schema::jobs::table.count().get_result(&mut conn).unwrap();
    assert_eq!(jobs, 1);
}
