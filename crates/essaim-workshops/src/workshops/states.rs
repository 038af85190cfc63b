//! A workshop's state, and who may move it: the buttons a page offers and the rule that
//! refuses the others are one function, so they cannot disagree.

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::Account;
use essaim_core::schema::workshops;

use super::{is_staff, workshop_for, Workshop, WorkshopError, WorkshopState};

/// The states a workshop in `state` may move to when `who` asks: the buttons its page offers,
/// and the rule [`set_state`] keeps (staff may also set any state by hand).
pub fn next_states(state: WorkshopState, who: &Account) -> Vec<WorkshopState> {
    match state {
        WorkshopState::Planned => vec![WorkshopState::Open],
        WorkshopState::Open => vec![WorkshopState::Closed],
        WorkshopState::Closed if is_staff(who) => vec![WorkshopState::Open],
        WorkshopState::Closed => Vec::new(),
    }
}

/// Opens or closes a workshop. A facilitator of it may open a planned workshop and close an
/// open one; staff may set any state (reopen a closed one). Audited (`workshop.state`).
pub fn set_state(
    conn: &mut DbConnection,
    id: Id,
    who: &Account,
    state: WorkshopState,
) -> Result<Workshop, WorkshopError> {
    write_transaction(conn, |conn| {
        let before = workshop_for(conn, id, who)?;
        if before.state == state {
            return Ok(before);
        }
        let allowed = is_staff(who) || next_states(before.state, who).contains(&state);
        if !allowed {
            return Err(WorkshopError::State(
                "Un atelier clos ne peut être rouvert que par l'équipe Région / État.".into(),
            ));
        }
        let at = now();
        diesel::update(workshops::table.find(id))
            .set((workshops::state.eq(state), workshops::updated_at.eq(at)))
            .execute(conn)?;
        record(
            conn,
            AuditEvent::new(Some(who.id), "workshop.state", "workshop", Some(id.to_string()))
                .with_details(serde_json::json!({ "from": before.state.as_str(), "to": state.as_str() })),
        )?;
        Ok(Workshop { state, updated_at: at, ..before })
    })
}

#[cfg(test)]
mod tests {
    use essaim_core::testing::{demo, TestDb};

    use super::super::create_workshop;
    use super::super::tests::{account, form};
    use super::*;

    #[test]
    fn a_facilitator_opens_and_closes_and_only_staff_reopen() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        let staff = account(&mut conn, "staff");
        let fatou = account(&mut conn, "facilitator");
        let w = create_workshop(&mut conn, consultation, &form("3", vec![fatou.id.to_string()]), staff.id).unwrap();
        // What the page offers is what the rule allows.
        assert_eq!(next_states(WorkshopState::Planned, &fatou), [WorkshopState::Open]);
        assert_eq!(next_states(WorkshopState::Closed, &fatou), []);
        assert_eq!(next_states(WorkshopState::Closed, &staff), [WorkshopState::Open]);
        assert_eq!(set_state(&mut conn, w.id, &fatou, WorkshopState::Open).unwrap().state, WorkshopState::Open);
        assert_eq!(set_state(&mut conn, w.id, &fatou, WorkshopState::Closed).unwrap().state, WorkshopState::Closed);
        assert!(matches!(set_state(&mut conn, w.id, &fatou, WorkshopState::Open), Err(WorkshopError::State(_))));
        assert_eq!(set_state(&mut conn, w.id, &staff, WorkshopState::Open).unwrap().state, WorkshopState::Open);
    }
}
