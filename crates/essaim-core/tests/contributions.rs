//! The one way to record a contribution: checks, idempotency under concurrency, moderation.

use essaim_core::domain::contribution::{
    contributions_of, counts_by_channel, moderate, moderation_counts, record_contribution, Decision, NewContribution,
    Recorded, Submitter,
};
use essaim_core::domain::vocab::{Channel, ContributionKind, ModerationStatus};
use essaim_core::testing::{contribution, demo, record, TestDb};
use essaim_core::CoreError;

#[test]
fn fifty_concurrent_retries_store_one_row_and_all_get_its_id() {
    let db = TestDb::new();
    let (consultation, themes) = demo(&mut db.conn());
    let theme = themes[2].id;
    let before = contributions_of(&mut db.conn(), consultation).unwrap().len();
    // A pool as large as the crowd, so that all fifty really are in flight at once.
    let pool = essaim_core::db::connect(&db.url, 50).expect("pool");
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(50));
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let pool = pool.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().expect("connection");
                let input = NewContribution::new(
                    consultation,
                    Channel::TreasureHunt,
                    ContributionKind::Proposition,
                    "Mutualiser les groupements d'employeurs entre associations.",
                    Submitter::Public,
                )
                .theme(theme)
                .idempotency_key("appareil-7-saisie-42");
                barrier.wait();
                record_contribution(&mut conn, input).map(|r| (r.contribution().id, matches!(r, Recorded::New(_))))
            })
        })
        .collect();
    let outcomes: Vec<_> = handles.into_iter().map(|h| h.join().expect("thread")).collect();
    let ids: std::collections::HashSet<_> = outcomes.iter().map(|o| o.as_ref().expect("never an error").0).collect();
    assert_eq!(ids.len(), 1, "every caller gets the same id");
    assert_eq!(outcomes.iter().filter(|o| o.as_ref().unwrap().1).count(), 1, "exactly one call stored it");
    assert_eq!(contributions_of(&mut db.conn(), consultation).unwrap().len(), before + 1);
}

#[test]
fn a_key_reused_for_another_text_is_a_conflict_and_bad_input_writes_nothing() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, themes) = demo(&mut conn);
    let first = record(&mut conn, contribution(consultation, themes[0].id, "Une idée").idempotency_key("k-1"));
    let again =
        record_contribution(&mut conn, contribution(consultation, themes[0].id, "  Une idée ").idempotency_key("k-1"))
            .unwrap();
    assert!(matches!(again, Recorded::Again(ref c) if c.id == first.id), "the same text, trimmed, is a retry");
    let other =
        record_contribution(&mut conn, contribution(consultation, themes[0].id, "Une autre").idempotency_key("k-1"));
    assert!(matches!(other, Err(CoreError::Conflict(_))), "{other:?}");

    let before = contributions_of(&mut conn, consultation).unwrap().len();
    let bad = contribution(consultation, essaim_core::db::Id::new(), &"x".repeat(20_001));
    let Err(CoreError::Validation(errors)) = record_contribution(&mut conn, bad) else { panic!("refused") };
    assert!(errors.get("body").unwrap().contains("20000 au plus"));
    assert!(errors.get("theme_id").is_some());
    assert_eq!(contributions_of(&mut conn, consultation).unwrap().len(), before);
    let unknown = contribution(essaim_core::db::Id::new(), themes[0].id, "Texte");
    assert!(matches!(record_contribution(&mut conn, unknown), Err(CoreError::NotFound(_))));
}

#[test]
fn only_accepted_contributions_are_counted_and_moderation_is_audited() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, themes) = demo(&mut conn);
    let before = moderation_counts(&mut conn, consultation, None).unwrap();
    let online_before = counts_by_channel(&mut conn, consultation).unwrap();
    let online = |text: &str| {
        NewContribution::new(consultation, Channel::Online, ContributionKind::Constat, text, Submitter::Public)
            .theme(themes[1].id)
    };
    let waiting = record(&mut conn, online("Les banques connaissent mal les SCOP."));
    let other = record(&mut conn, online("Publicité sans rapport."));
    assert_eq!(waiting.moderation_status, ModerationStatus::Pending, "the public waits for a moderator");
    let staff = essaim_core::testing::demo_account(&mut conn, "staff");
    let logged = record(
        &mut conn,
        NewContribution::new(
            consultation,
            Channel::Online,
            ContributionKind::Constat,
            "Noté par l'équipe",
            Submitter::Account(staff),
        )
        .theme(themes[1].id),
    );
    assert_eq!(logged.moderation_status, ModerationStatus::Accepted, "an account vouches for it");
    assert_eq!(logged.logged_by, Some(staff));

    let now = moderation_counts(&mut conn, consultation, None).unwrap();
    assert_eq!((now.accepted, now.pending, now.rejected), (before.accepted + 1, before.pending + 2, before.rejected));
    let channel = |counts: &[essaim_core::domain::contribution::ChannelCount]| {
        counts.iter().find(|c| c.channel == Channel::Online).unwrap().count
    };
    assert_eq!(channel(&counts_by_channel(&mut conn, consultation).unwrap()), channel(&online_before) + 1);

    moderate(&mut conn, waiting.id, Decision::Accept, staff).unwrap();
    assert!(matches!(
        moderate(&mut conn, other.id, Decision::Reject("  ".into()), staff),
        Err(CoreError::Validation(_))
    ));
    let rejected = moderate(&mut conn, other.id, Decision::Reject("Hors sujet".into()), staff).unwrap();
    assert_eq!(rejected.moderation_note.as_deref(), Some("Hors sujet"));
    assert_eq!(rejected.moderated_by, Some(staff));
    let theme = moderation_counts(&mut conn, consultation, Some(themes[1].id)).unwrap();
    assert_eq!((theme.pending, theme.rejected), (0, 1), "per theme too");
    let total = moderation_counts(&mut conn, consultation, None).unwrap();
    assert_eq!(
        (total.accepted, total.pending, total.rejected),
        (before.accepted + 2, before.pending, before.rejected + 1)
    );
}
