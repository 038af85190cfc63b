//! Marking duplicates, the moderation queue and the accepted contributions of a theme, on
//! SQLite and (with `ESSAIM_TEST_DATABASE_URL`) PostgreSQL.

use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::audit::history_of;
use essaim_core::domain::consultation::{create_consultation, NewConsultation};
use essaim_core::domain::contribution::{
    accepted_of_theme, find_contribution, find_contribution_in, moderate, moderation_queue, Decision, NewContribution,
    QueueCursor, QueueFilter, Submitter,
};
use essaim_core::domain::vocab::{Channel, ContributionKind, ModerationStatus};
use essaim_core::domain::{Contribution, Theme};
use essaim_core::testing::{demo_account, record, TestDb};
use essaim_core::CoreError;

fn consultation(conn: &mut DbConnection, slug: &str) -> (Id, Vec<Theme>) {
    let input = NewConsultation { slug: slug.into(), title: format!("Consultation {slug}"), ..Default::default() };
    let titles: Vec<String> = (1..=3).map(|i| format!("Thème {i}")).collect();
    let (c, themes) = create_consultation(conn, &input, &titles).expect("consultation");
    (c.id, themes)
}

fn online(conn: &mut DbConnection, consultation: Id, theme: Option<Id>, text: &str) -> Contribution {
    let mut input =
        NewContribution::new(consultation, Channel::Online, ContributionKind::Proposition, text, Submitter::Public);
    if let Some(theme) = theme {
        input = input.theme(theme);
    }
    record(conn, input)
}

fn invalid_message(result: Result<Contribution, CoreError>) -> String {
    match result {
        Err(CoreError::Validation(errors)) => errors.get("duplicate_of").expect("duplicate_of field").to_owned(),
        other => panic!("refused as invalid, got {other:?}"),
    }
}

#[test]
fn a_duplicate_is_rejected_pointing_to_its_original_and_accepting_clears_it() {
    let db = TestDb::new();
    let mut conn = db.conn();
    essaim_core::demo::seed_demo(&mut conn, &[]).expect("demo");
    let staff = demo_account(&mut conn, "staff");
    let (c, themes) = consultation(&mut conn, "doublons");
    let original = online(&mut conn, c, Some(themes[0].id), "Créer un fonds régional d'amorçage.");
    let repeat = online(&mut conn, c, Some(themes[0].id), "Créer un fonds régional d'amorçage !");

    let marked = moderate(&mut conn, repeat.id, Decision::Duplicate(original.id), staff).unwrap();
    assert_eq!(marked.moderation_status, ModerationStatus::Rejected);
    assert_eq!(marked.duplicate_of, Some(original.id));
    assert_eq!(marked.moderation_note.as_deref(), Some(format!("Doublon de la contribution {}", original.id).as_str()));
    assert_eq!(marked.moderated_by, Some(staff));
    let history = history_of(&mut conn, "contribution", &repeat.id.to_string()).unwrap();
    assert_eq!(history[0].action, "contribution.duplicate");
    assert!(history[0].details.contains(&original.id.to_string()), "{}", history[0].details);

    // A duplicate of the duplicate points to the original: chains never grow.
    let third = online(&mut conn, c, Some(themes[0].id), "Un fonds d'amorçage, encore.");
    let third = moderate(&mut conn, third.id, Decision::Duplicate(repeat.id), staff).unwrap();
    assert_eq!(third.duplicate_of, Some(original.id));

    let accepted = moderate(&mut conn, repeat.id, Decision::Accept, staff).unwrap();
    assert_eq!((accepted.moderation_status, accepted.duplicate_of), (ModerationStatus::Accepted, None));
    assert_eq!(accepted.moderation_note, None);
    moderate(&mut conn, third.id, Decision::Reject("Hors sujet".into()), staff).unwrap();
    let third = find_contribution(&mut conn, third.id).unwrap().unwrap();
    assert_eq!((third.duplicate_of, third.moderation_note.as_deref()), (None, Some("Hors sujet")));
}

#[test]
fn a_duplicate_of_itself_of_another_consultation_or_of_nothing_is_refused_in_french() {
    let db = TestDb::new();
    let mut conn = db.conn();
    essaim_core::demo::seed_demo(&mut conn, &[]).expect("demo");
    let staff = demo_account(&mut conn, "staff");
    let (c, themes) = consultation(&mut conn, "refus-doublons");
    let (other, other_themes) = consultation(&mut conn, "autre-consultation");
    let one = online(&mut conn, c, Some(themes[1].id), "Une idée");
    let elsewhere = online(&mut conn, other, Some(other_themes[1].id), "Une idée");

    let itself = invalid_message(moderate(&mut conn, one.id, Decision::Duplicate(one.id), staff));
    assert_eq!(itself, "Une contribution ne peut pas être le doublon d'elle-même.");
    let foreign = invalid_message(moderate(&mut conn, one.id, Decision::Duplicate(elsewhere.id), staff));
    assert!(foreign.contains("autre consultation"), "{foreign}");
    let unknown = Id::new();
    let nothing = invalid_message(moderate(&mut conn, one.id, Decision::Duplicate(unknown), staff));
    assert!(nothing.contains(&unknown.to_string()), "{nothing}");
    // A contribution whose original is itself: marking the original as its duplicate's
    // duplicate would loop, and is refused the same way.
    let repeat = online(&mut conn, c, Some(themes[1].id), "Une idée, bis");
    moderate(&mut conn, repeat.id, Decision::Duplicate(one.id), staff).unwrap();
    let looped = invalid_message(moderate(&mut conn, one.id, Decision::Duplicate(repeat.id), staff));
    assert!(looped.contains("elle-même"), "{looped}");

    let untouched = find_contribution(&mut conn, one.id).unwrap().unwrap();
    assert_eq!((untouched.moderation_status, untouched.duplicate_of), (ModerationStatus::Pending, None));
    assert!(history_of(&mut conn, "contribution", &one.id.to_string()).unwrap().is_empty(), "nothing audited");

    assert!(matches!(find_contribution_in(&mut conn, c, elsewhere.id), Err(CoreError::NotFound(_))));
    assert_eq!(find_contribution_in(&mut conn, other, elsewhere.id).unwrap().id, elsewhere.id);
}

#[test]
fn the_queue_shows_waiting_ones_first_theme_by_theme_and_its_pages_miss_nothing() {
    let db = TestDb::new();
    let mut conn = db.conn();
    essaim_core::demo::seed_demo(&mut conn, &[]).expect("demo");
    let staff = demo_account(&mut conn, "staff");
    let (c, themes) = consultation(&mut conn, "file-moderation");
    let (other, other_themes) = consultation(&mut conn, "autre-file");
    online(&mut conn, other, Some(other_themes[0].id), "Pas dans cette file");
    // Recorded out of theme order, some accepted, one unclassified.
    let mut expected_pending: Vec<(i32, Id)> = Vec::new();
    let mut accepted = Vec::new();
    for i in 0..12 {
        let theme = &themes[(i * 2) % 3];
        let contribution = online(&mut conn, c, Some(theme.id), &format!("Contribution {i}"));
        if i % 4 == 0 {
            moderate(&mut conn, contribution.id, Decision::Accept, staff).unwrap();
            accepted.push((theme.position, contribution.id));
        } else {
            expected_pending.push((theme.position, contribution.id));
        }
    }
    let unclassified = online(&mut conn, c, None, "Sans thème");
    expected_pending.sort();
    let mut expected: Vec<Id> = expected_pending.iter().map(|(_, id)| *id).collect();
    expected.push(unclassified.id);

    // Every status, by pages of 4: the waiting ones first in theme order, then the accepted.
    let mut seen = Vec::new();
    let mut filter = QueueFilter { limit: 4, ..Default::default() };
    loop {
        let page = moderation_queue(&mut conn, c, &filter).unwrap();
        assert!(page.items.len() <= 4);
        seen.extend(page.items.iter().map(|i| i.id));
        match page.next {
            Some(cursor) => {
                assert_eq!(QueueCursor::parse(&cursor.to_param()), Some(cursor));
                filter.after = Some(cursor);
            }
            None => break,
        }
    }
    accepted.sort();
    let mut all = expected.clone();
    all.extend(accepted.iter().map(|(_, id)| *id));
    assert_eq!(seen, all, "waiting first by theme, then accepted; every one once");

    let pending =
        moderation_queue(&mut conn, c, &QueueFilter { status: Some(ModerationStatus::Pending), ..Default::default() })
            .unwrap();
    assert_eq!(pending.items.iter().map(|i| i.id).collect::<Vec<_>>(), expected);
    assert_eq!(pending.next, None);
    let theme3 = moderation_queue(
        &mut conn,
        c,
        &QueueFilter { status: Some(ModerationStatus::Pending), theme: Some(themes[2].id), ..Default::default() },
    )
    .unwrap();
    assert!(!theme3.items.is_empty());
    assert!(theme3
        .items
        .iter()
        .all(|i| i.theme_id == Some(themes[2].id) && i.moderation_status == ModerationStatus::Pending));
    // Another consultation's theme shows nothing of this one.
    let foreign =
        moderation_queue(&mut conn, c, &QueueFilter { theme: Some(other_themes[0].id), ..Default::default() }).unwrap();
    assert!(foreign.items.is_empty());
}

#[test]
fn a_themes_public_page_lists_only_its_accepted_contributions_by_pages() {
    let db = TestDb::new();
    let mut conn = db.conn();
    essaim_core::demo::seed_demo(&mut conn, &[]).expect("demo");
    let staff = demo_account(&mut conn, "staff");
    let (c, themes) = consultation(&mut conn, "page-publique");
    let mut accepted = Vec::new();
    for i in 0..7 {
        let contribution = online(&mut conn, c, Some(themes[0].id), &format!("Idée {i}"));
        match i % 3 {
            0 => {}
            1 => {
                moderate(&mut conn, contribution.id, Decision::Reject("Publicité".into()), staff).unwrap();
            }
            _ => {
                moderate(&mut conn, contribution.id, Decision::Accept, staff).unwrap();
                accepted.push(contribution.id);
            }
        }
    }
    let elsewhere = online(&mut conn, c, Some(themes[1].id), "Autre thème");
    moderate(&mut conn, elsewhere.id, Decision::Accept, staff).unwrap();

    let first = accepted_of_theme(&mut conn, c, themes[0].id, None, 1).unwrap();
    assert_eq!(first.items.iter().map(|i| i.id).collect::<Vec<_>>(), vec![accepted[0]]);
    let second = accepted_of_theme(&mut conn, c, themes[0].id, first.next, 1).unwrap();
    assert_eq!(second.items.iter().map(|i| i.id).collect::<Vec<_>>(), vec![accepted[1]]);
    assert_eq!(second.next, None, "no page after the last");
    let whole = accepted_of_theme(&mut conn, c, themes[0].id, None, 0).unwrap();
    assert_eq!(whole.items.iter().map(|i| i.id).collect::<Vec<_>>(), accepted);
}
