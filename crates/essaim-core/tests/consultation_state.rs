//! A closed consultation takes no new contribution, on every path that records one; what it
//! accepted before is still answered as accepted; an archived one never reopens.

use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::{ensure_accepting, find_consultation, set_state};
use essaim_core::domain::contribution::{record_bulk, record_contribution, Recorded};
use essaim_core::domain::ConsultationState;
use essaim_core::testing::{contribution, demo, TestDb};
use essaim_core::CoreError;

#[test]
fn closed_refuses_new_contributions_keeps_replays_and_archived_stays_archived() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, themes) = demo(&mut conn);
    let keyed = contribution(consultation, themes[0].id, "Envoyée avant la clôture").idempotency_key("cle-avant");
    assert!(matches!(record_contribution(&mut conn, keyed.clone()).unwrap(), Recorded::New(_)));

    set_state(&mut conn, consultation, ConsultationState::Closed, None).unwrap();
    let refused = record_contribution(&mut conn, contribution(consultation, themes[0].id, "Arrivée trop tard"));
    let Err(CoreError::Closed(message)) = refused else { panic!("refused, got {refused:?}") };
    assert!(message.contains("est close : elle ne reçoit plus de contributions"), "{message}");
    assert!(
        matches!(record_contribution(&mut conn, keyed).unwrap(), Recorded::Again(_)),
        "a retry of what was accepted is answered as accepted"
    );
    let bulk = contribution(consultation, themes[1].id, "Import tardif").validate(&[themes[1].id]).unwrap();
    assert!(matches!(ensure_accepting(&mut conn, consultation), Err(CoreError::Closed(_))), "no proof, no bulk");

    set_state(&mut conn, consultation, ConsultationState::Open, None).unwrap();
    let accepting = ensure_accepting(&mut conn, consultation).unwrap();
    record_bulk(&mut conn, accepting, &[bulk]).expect("reopened: taken again");

    set_state(&mut conn, consultation, ConsultationState::Archived, None).unwrap();
    assert!(matches!(set_state(&mut conn, consultation, ConsultationState::Open, None), Err(CoreError::Conflict(_))));
    assert_eq!(find_consultation(&mut conn, DEMO_SLUG).unwrap().state, ConsultationState::Archived);
    let Err(CoreError::Closed(message)) =
        record_contribution(&mut conn, contribution(consultation, themes[0].id, "Dans les archives"))
    else {
        panic!("refused")
    };
    assert!(message.contains("archivée"), "{message}");
}
