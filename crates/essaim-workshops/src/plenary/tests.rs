//! The plenary's rules, on the backend the tests run on.

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::account::find_account;
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::contribution::find_contribution;
use essaim_core::domain::orientation::Orientation;
use essaim_core::domain::plenary::{outcomes_of_consultation, retained_amendments, tally, Plenary};
use essaim_core::domain::throttle::Limit;
use essaim_core::domain::{Account, Channel, ModerationStatus, OrientationOrigin, OrientationStatus};
use essaim_core::schema::{orientations, plenary_amendments, plenary_votes};
use essaim_core::testing::{demo, demo_account, TestDb};

use super::devices::{new_device, NewDevice};
use super::run::{close_vote, open_vote, record_verdict, retain_amendments, Retained};
use super::votes::{amendments_proposed, cast_vote, Ballot, VoteLimits, VoteOutcome};
use super::*;

pub(crate) fn orientation(conn: &mut DbConnection, title: &str) -> Orientation {
    let (consultation, themes) = demo(conn);
    let at = now();
    let o = Orientation {
        id: Id::new(),
        consultation_id: consultation,
        theme_id: themes[2].id,
        run_id: None,
        title: title.into(),
        body: String::new(),
        key_phrases: "[]".into(),
        body_proposed: false,
        stances: String::new(),
        quotes: "[]".into(),
        origin: OrientationOrigin::Manual,
        status: OrientationStatus::Draft,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(orientations::table).values(o.clone()).execute(conn).unwrap();
    o
}

pub(super) fn account(conn: &mut DbConnection, role: &str) -> Account {
    let id = demo_account(conn, role);
    find_account(conn, id).unwrap().unwrap()
}

pub(super) fn setup(conn: &mut DbConnection) -> (Plenary, Orientation, Account) {
    let o = orientation(conn, "Pérenniser les emplois aidés");
    let consultation = find_consultation(conn, essaim_core::demo::DEMO_SLUG).unwrap();
    let staff = account(conn, "staff");
    (ensure_plenary(conn, &consultation, Some(&staff)).unwrap(), o, staff)
}

pub(super) fn device(conn: &mut DbConnection, plenary: &Plenary) -> String {
    match new_device(conn, plenary.id, "192.0.2.1", Limit { max: 1000, window_secs: 600 }).unwrap() {
        NewDevice::Made { token, .. } => token,
        other => panic!("{other:?}"),
    }
}

fn ballot(choice: &str, amendment: &str) -> Ballot {
    Ballot { choice: choice.into(), amendment: amendment.into(), voting_code: String::new() }
}

#[test]
fn two_devices_vote_one_changes_and_the_tally_and_verdict_follow() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (plenary, o, _staff) = setup(&mut conn);
    let facilitator = account(&mut conn, "facilitator");
    let (a, b) = (device(&mut conn, &plenary), device(&mut conn, &plenary));
    let limits = VoteLimits::default();
    // Not open yet: refused, nothing stored.
    let early = cast_vote(&mut conn, &plenary.code, o.id, &a, &ballot("confirmed", ""), "192.0.2.1", limits);
    assert!(matches!(early, Err(WorkshopError::State(_))), "{early:?}");
    let item = open_vote(&mut conn, &plenary, o.id, &facilitator).unwrap();
    let first = cast_vote(&mut conn, &plenary.code, o.id, &a, &ballot("confirmed", ""), "192.0.2.1", limits).unwrap();
    assert!(matches!(first, VoteOutcome::New(_)));
    let vote_b =
        cast_vote(&mut conn, &plenary.code, o.id, &b, &ballot("to_amend", "Ajouter les SCIC"), "192.0.2.1", limits)
            .unwrap();
    assert!(matches!(vote_b, VoteOutcome::New(_)));
    // A changes its mind; a replay of the same request is the same device: updated, not added.
    for _ in 0..2 {
        let changed =
            cast_vote(&mut conn, &plenary.code, o.id, &a, &ballot("not_confirmed", ""), "192.0.2.1", limits).unwrap();
        assert!(matches!(changed, VoteOutcome::Changed(_)), "{changed:?}");
    }
    assert_eq!(tally(&mut conn, item.id).unwrap(), Tally { confirmed: 0, to_amend: 1, not_confirmed: 1 });
    let rows: i64 = plenary_votes::table.count().get_result(&mut conn).unwrap();
    assert_eq!(rows, 2);
    // A forged token gives no vote.
    let forged = cast_vote(
        &mut conn,
        &plenary.code,
        o.id,
        &essaim_core::security::random_token(),
        &ballot("confirmed", ""),
        "192.0.2.1",
        limits,
    );
    assert!(matches!(forged, Err(WorkshopError::UnknownDevice)), "{forged:?}");
    // A verdict waits for the close; after it, a vote is refused.
    assert!(matches!(
        record_verdict(&mut conn, &plenary, o.id, Judgement::ToAmend, &facilitator),
        Err(WorkshopError::State(_))
    ));
    close_vote(&mut conn, &plenary, o.id, &facilitator).unwrap();
    let late = cast_vote(&mut conn, &plenary.code, o.id, &b, &ballot("confirmed", ""), "192.0.2.1", limits);
    assert!(matches!(late, Err(WorkshopError::VoteClosed)), "{late:?}");
    assert_eq!(tally(&mut conn, item.id).unwrap().total(), 2);
    let item = record_verdict(&mut conn, &plenary, o.id, Judgement::ToAmend, &facilitator).unwrap();
    assert_eq!(item.verdict(), Some(Judgement::ToAmend));
    assert!(item.verdict_at.is_some());
    // The amendment proposed from B's phone, and one heard in the room, retained once each.
    let proposed = amendments_proposed(&mut conn, item.id).unwrap();
    assert_eq!(proposed.len(), 1);
    let retained = Retained { votes: vec![proposed[0].id], typed: "Associer les CRESS".into(), key: "k1".into() };
    assert_eq!(retain_amendments(&mut conn, &plenary, o.id, &retained, &facilitator).unwrap(), 2);
    assert_eq!(retain_amendments(&mut conn, &plenary, o.id, &retained, &facilitator).unwrap(), 0, "once");
    let kept = retained_amendments(&mut conn, item.id).unwrap();
    assert_eq!(kept.len(), 2);
    let c = find_contribution(&mut conn, kept[0].contribution_id).unwrap().unwrap();
    assert_eq!(
        (c.channel, c.theme_id, c.moderation_status),
        (Channel::PlenaryDebate, Some(o.theme_id), ModerationStatus::Accepted)
    );
    assert_eq!(c.body, "Ajouter les SCIC");
    let linked: i64 = plenary_amendments::table
        .filter(plenary_amendments::orientation_id.eq(o.id))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(linked, 2);
    // What the synthesis reads through the core.
    let outcomes = outcomes_of_consultation(&mut conn, plenary.consultation_id).unwrap();
    let outcome = &outcomes[&o.id];
    assert_eq!(outcome.verdict, Some(Judgement::ToAmend));
    assert_eq!(outcome.tally, Tally { confirmed: 0, to_amend: 1, not_confirmed: 1 });
    assert_eq!(outcome.amendments, ["Ajouter les SCIC", "Associer les CRESS"]);
    // Every action audited.
    let actions: Vec<String> = essaim_core::domain::audit::history_of(&mut conn, "plenary_item", &item.id.to_string())
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    for action in ["plenary.vote.open", "plenary.vote.close", "plenary.verdict", "plenary.amendment.retain"] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
}

#[test]
fn a_flood_from_one_device_is_limited_and_a_bad_ballot_says_why() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (plenary, o, staff) = setup(&mut conn);
    open_vote(&mut conn, &plenary, o.id, &staff).unwrap();
    let a = device(&mut conn, &plenary);
    let limits = VoteLimits { per_device: Limit { max: 3, window_secs: 600 }, ..VoteLimits::default() };
    for _ in 0..3 {
        assert!(!matches!(
            cast_vote(&mut conn, &plenary.code, o.id, &a, &ballot("confirmed", ""), "192.0.2.1", limits).unwrap(),
            VoteOutcome::Limited { .. }
        ));
    }
    let over = cast_vote(&mut conn, &plenary.code, o.id, &a, &ballot("to_amend", ""), "192.0.2.1", limits).unwrap();
    assert!(matches!(over, VoteOutcome::Limited { retry_after_secs } if retry_after_secs > 0), "{over:?}");
    let Err(WorkshopError::Core(essaim_core::CoreError::Validation(errors))) = cast_vote(
        &mut conn,
        &plenary.code,
        o.id,
        &a,
        &ballot("peut-être", &"x".repeat(votes::MAX_AMENDMENT_CHARS + 1)),
        "192.0.2.1",
        limits,
    ) else {
        panic!("refused")
    };
    assert!(errors.get("choice").is_some() && errors.get("amendment").is_some());
    assert_eq!(VoteLimits::parse("5,10").unwrap().per_address.max, 10);
    assert!(VoteLimits::parse("x").is_none());
}

#[test]
fn only_those_who_run_the_plenary_may_and_only_staff_set_it_up() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (plenary, o, _) = setup(&mut conn);
    let facilitator = account(&mut conn, "facilitator");
    assert!(matches!(
        set_results_mode(&mut conn, &plenary, ResultsMode::AfterClose, &facilitator),
        Err(WorkshopError::Forbidden)
    ));
    let consultation = find_consultation(&mut conn, essaim_core::demo::DEMO_SLUG).unwrap();
    assert!(matches!(ensure_plenary(&mut conn, &consultation, Some(&facilitator)), Err(WorkshopError::Forbidden)));
    assert!(open_vote(&mut conn, &plenary, o.id, &facilitator).is_ok());
    // An orientation of no draft is not on the agenda.
    assert!(matches!(open_vote(&mut conn, &plenary, Id::new(), &facilitator), Err(WorkshopError::NotFound)));
    let slides = projection::agenda(&mut conn, &plenary).unwrap();
    assert_eq!(slides.len(), 5);
    assert_eq!(slides[2].slides.len(), 1);
    assert_eq!(slides[2].slides[0].item.as_ref().map(|i| i.vote_state), Some(VoteState::Open));
}

#[test]
fn the_results_export_has_one_row_per_orientation_with_counts_verdict_and_amendments() {
    use super::results::{download_results, plenary_results};
    use crate::export::ExportFormat;
    let db = TestDb::new();
    let mut conn = db.conn();
    let (plenary, o, staff) = setup(&mut conn);
    let other = orientation(&mut conn, "=SOMME(A1:A9) dès la rentrée");
    let consultation = find_consultation(&mut conn, essaim_core::demo::DEMO_SLUG).unwrap();
    assert!(plenary_results(&mut conn, consultation.id).unwrap().is_empty(), "nothing put to the vote yet");
    let limits = VoteLimits::default();
    open_vote(&mut conn, &plenary, o.id, &staff).unwrap();
    open_vote(&mut conn, &plenary, other.id, &staff).unwrap();
    let (a, b) = (device(&mut conn, &plenary), device(&mut conn, &plenary));
    cast_vote(&mut conn, &plenary.code, o.id, &a, &ballot("confirmed", ""), "192.0.2.1", limits).unwrap();
    cast_vote(&mut conn, &plenary.code, o.id, &b, &ballot("to_amend", "Ajouter les SCIC"), "192.0.2.1", limits)
        .unwrap();
    cast_vote(&mut conn, &plenary.code, other.id, &a, &ballot("not_confirmed", ""), "192.0.2.1", limits).unwrap();
    close_vote(&mut conn, &plenary, o.id, &staff).unwrap();
    let item = record_verdict(&mut conn, &plenary, o.id, Judgement::ToAmend, &staff).unwrap();
    let proposed = amendments_proposed(&mut conn, item.id).unwrap();
    let retained = Retained { votes: vec![proposed[0].id], typed: "Associer les CRESS".into(), key: "k".into() };
    retain_amendments(&mut conn, &plenary, o.id, &retained, &staff).unwrap();

    let rows = plenary_results(&mut conn, consultation.id).unwrap();
    assert_eq!(rows.len(), 2);
    let first = &rows[0];
    assert_eq!((first.orientation_title.as_str(), first.vote_state), ("Pérenniser les emplois aidés", "closed"));
    assert_eq!(
        (first.votes_confirmed, first.votes_to_amend, first.votes_not_confirmed, first.votes_total),
        (1, 1, 0, 2)
    );
    assert_eq!((first.verdict, first.verdict_label), ("to_amend", "À amender"));
    assert!(!first.closed_at.is_empty() && !first.verdict_at.is_empty());
    assert_eq!(first.amendments_proposed, 1);
    assert_eq!(first.amendments_retained, ["Ajouter les SCIC", "Associer les CRESS"]);
    let second = &rows[1];
    assert_eq!((second.vote_state, second.votes_not_confirmed, second.verdict), ("open", 1, ""));
    assert!(second.closed_at.is_empty());

    let csv = download_results(&mut conn, &consultation, ExportFormat::Csv, staff.id).unwrap();
    assert_eq!(csv.rows, 2);
    let text = String::from_utf8(csv.bytes).unwrap();
    assert!(text.starts_with("\u{feff}\"theme\",\"theme_intitule\",\"orientation\""), "a BOM, then the header: {text}");
    assert!(text.contains("\"Vote clos\"") && text.contains("\"Vote ouvert\""), "states in words: {text}");
    assert!(!text.contains("\"to_amend\"") && !text.contains("\"open\""), "no raw code in a French file: {text}");
    assert!(text.contains("\"Ajouter les SCIC\nAssocier les CRESS\""), "one cell, one line each: {text}");
    assert!(text.contains("\"'=SOMME(A1:A9) dès la rentrée\""), "formula defused: {text}");
    let json = download_results(&mut conn, &consultation, ExportFormat::Json, staff.id).unwrap();
    let parsed: serde_json::Value = serde_json::from_slice(&json.bytes).unwrap();
    assert_eq!(parsed[0]["amendments_retained"][1], "Associer les CRESS");
    assert_eq!(parsed[1]["orientation_title"], "=SOMME(A1:A9) dès la rentrée", "JSON keeps the text as typed");
    let audit =
        essaim_core::domain::audit::history_of(&mut conn, "consultation", &consultation.id.to_string()).unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "plenary.export").count(), 2);
}

#[test]
fn the_results_say_which_orientations_the_room_agrees_on_and_which_divide_it() {
    use super::results::plenary_results;
    let db = TestDb::new();
    let mut conn = db.conn();
    let (plenary, agreed, staff) = setup(&mut conn);
    let split = orientation(&mut conn, "Fusionner les deux fonds régionaux");
    let few = orientation(&mut conn, "Un guichet unique");
    let limits = VoteLimits::default();
    for o in [&agreed, &split, &few] {
        open_vote(&mut conn, &plenary, o.id, &staff).unwrap();
    }
    // Twelve phones: 10 confirm and 2 ask to amend the first; the second splits them 6/6 at
    // both ends; only three vote on the third.
    for n in 0..12 {
        let phone = device(&mut conn, &plenary);
        let first = if n < 10 { "confirmed" } else { "to_amend" };
        let second = if n < 6 { "confirmed" } else { "not_confirmed" };
        cast_vote(&mut conn, &plenary.code, agreed.id, &phone, &ballot(first, ""), "192.0.2.1", limits).unwrap();
        cast_vote(&mut conn, &plenary.code, split.id, &phone, &ballot(second, ""), "192.0.2.1", limits).unwrap();
        if n < 3 {
            cast_vote(&mut conn, &plenary.code, few.id, &phone, &ballot("confirmed", ""), "192.0.2.1", limits).unwrap();
        }
    }
    let consultation = find_consultation(&mut conn, essaim_core::demo::DEMO_SLUG).unwrap();
    let rows = plenary_results(&mut conn, consultation.id).unwrap();
    let row = |title: &str| rows.iter().find(|r| r.orientation_title == title).unwrap();
    let agreed = row("Pérenniser les emplois aidés");
    assert_eq!(agreed.agreement, "broad_agreement");
    assert_eq!(agreed.consensus, Some(0.77), "10 confirmed, 2 to amend");
    let split = row("Fusionner les deux fonds régionaux");
    assert_eq!((split.agreement, split.consensus), ("divided", Some(0.0)));
    let few = row("Un guichet unique");
    assert_eq!((few.agreement, few.consensus), ("too_few_votes", None));
    let csv =
        String::from_utf8(super::results::render_results(&rows, crate::export::ExportFormat::Csv).unwrap()).unwrap();
    assert!(csv.lines().next().unwrap().contains("\"consensus\",\"accord_de_la_salle\""), "{csv}");
    assert!(csv.contains("Accord large") && csv.contains("Salle divisée") && csv.contains("Trop peu de votes"));
}

#[test]
fn a_device_made_for_one_plenary_cannot_vote_in_another() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (plenary, o, staff) = setup(&mut conn);
    let facilitator = account(&mut conn, "facilitator");
    let (other_consultation, _) = essaim_core::domain::consultation::create_consultation(
        &mut conn,
        &essaim_core::domain::consultation::NewConsultation {
            slug: "autre-region-2016".into(),
            title: "Autre région".into(),
            ..Default::default()
        },
        &["Un thème".to_owned()],
    )
    .unwrap();
    let other = ensure_plenary(&mut conn, &other_consultation, Some(&staff)).unwrap();
    open_vote(&mut conn, &plenary, o.id, &facilitator).unwrap();
    let foreign = device(&mut conn, &other);
    let limits = VoteLimits::default();
    let refused = cast_vote(&mut conn, &plenary.code, o.id, &foreign, &ballot("confirmed", ""), "192.0.2.1", limits);
    assert!(matches!(refused, Err(WorkshopError::UnknownDevice)), "{refused:?}");
    let own = device(&mut conn, &plenary);
    let taken = cast_vote(&mut conn, &plenary.code, o.id, &own, &ballot("confirmed", ""), "192.0.2.1", limits);
    assert!(matches!(taken, Ok(VoteOutcome::New(_))), "{taken:?}");
    let votes: i64 = plenary_votes::table.count().get_result(&mut conn).unwrap();
    assert_eq!(votes, 1, "only the plenary's own device voted");
}
