use essaim_contributions::{participation_by_channel, submit, SubmitOutcome, SubmittedContribution};
use essaim_core::demo::{seed_demo, DEMO_SLUG};
use essaim_core::domain::consultation::{find_consultation, themes_of};
use essaim_core::domain::contribution::contributions_of;
use essaim_core::domain::Channel;
use essaim_core::testing::TestDb;
use essaim_core::CoreError;

#[test]
fn a_retried_submission_is_recorded_once() {
    let db = TestDb::new();
    let mut conn = db.conn();
    seed_demo(&mut conn).unwrap();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let theme = &themes_of(&mut conn, consultation.id).unwrap()[2];
    let before = contributions_of(&mut conn, consultation.id).unwrap().len();
    let hunt_before = participation_by_channel(&mut conn, consultation.id)
        .unwrap()
        .into_iter()
        .find(|c| c.channel == Channel::TreasureHunt)
        .unwrap()
        .count;
    let input = SubmittedContribution {
        consultation_id: Some(consultation.id),
        theme_id: theme.id.to_string(),
        kind: "proposition".into(),
        channel: "treasure_hunt".into(),
        body: "  Mutualiser les groupements d'employeurs entre associations.  ".into(),
        logged_by: None,
        idempotency_key: Some("stand-7-essai-1".into()),
    };
    let SubmitOutcome::Recorded(first) = submit(&mut conn, &input).unwrap() else { panic!("first is recorded") };
    assert_eq!(first.body, "Mutualiser les groupements d'employeurs entre associations.");
    let SubmitOutcome::AlreadyRecorded(again) = submit(&mut conn, &input).unwrap() else { panic!("retry is not") };
    assert_eq!(again.id, first.id);
    assert_eq!(contributions_of(&mut conn, consultation.id).unwrap().len(), before + 1);

    let counts = participation_by_channel(&mut conn, consultation.id).unwrap();
    assert_eq!(counts.len(), Channel::ALL.len());
    assert_eq!(counts.iter().find(|c| c.channel == Channel::TreasureHunt).unwrap().count, hunt_before + 1);
    assert_eq!(counts.iter().map(|c| c.count).sum::<i64>(), before as i64 + 1);
}

#[test]
fn bad_input_is_refused_field_by_field_and_nothing_is_written() {
    let db = TestDb::new();
    let mut conn = db.conn();
    seed_demo(&mut conn).unwrap();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let before = contributions_of(&mut conn, consultation.id).unwrap().len();
    let input = SubmittedContribution {
        consultation_id: Some(consultation.id),
        theme_id: essaim_core::db::Id::new().to_string(),
        kind: "avis".into(),
        channel: "pigeon".into(),
        body: "   ".into(),
        ..Default::default()
    };
    let Err(CoreError::Validation(errors)) = submit(&mut conn, &input) else { panic!("expected validation errors") };
    assert_eq!(errors.get("body"), Some("Écrivez votre contribution."));
    assert!(errors.get("kind").is_some());
    assert!(errors.get("channel").is_some());
    assert!(errors.get("theme_id").unwrap().contains("n'appartient pas"));
    assert_eq!(contributions_of(&mut conn, consultation.id).unwrap().len(), before, "nothing written");
}
