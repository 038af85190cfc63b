//! Test support shared by the workshop tests here and by capture, export and report: demo
//! accounts, a second facilitator, a filled form; and the test of who sees what, which needs
//! them all.

use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::account::{create_account, NewAccount};
use essaim_core::domain::audit::history_of;
use essaim_core::domain::{find_account, Account};
use essaim_core::testing::{demo, demo_account, TestDb};

use super::*;

pub(crate) fn account(conn: &mut DbConnection, role: &str) -> Account {
    let id = demo_account(conn, role);
    find_account(conn, id).unwrap().unwrap()
}

pub(crate) fn other_facilitator(conn: &mut DbConnection) -> Account {
    let input = NewAccount {
        email: "autre.animateur@example.fr".into(),
        display_name: "Autre Animateur".into(),
        role: "facilitator".into(),
        password: "un mot de passe assez long".into(),
    };
    create_account(conn, &input, None).unwrap()
}

pub(crate) fn form(theme: &str, facilitators: Vec<String>) -> WorkshopForm {
    WorkshopForm {
        theme: theme.into(),
        phase: "launch".into(),
        place: "Nantes, salle 2".into(),
        date: "2016-04-12".into(),
        time: "14:00".into(),
        state: "planned".into(),
        facilitators,
    }
}

#[test]
fn staff_create_a_workshop_and_a_facilitator_sees_only_their_own() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, _) = demo(&mut conn);
    let staff = account(&mut conn, "staff");
    let fatou = account(&mut conn, "facilitator");
    let other = other_facilitator(&mut conn);
    let mine = create_workshop(&mut conn, consultation, &form("1", vec![fatou.id.to_string()]), staff.id).unwrap();
    let theirs = create_workshop(&mut conn, consultation, &form("2", vec![other.id.to_string()]), staff.id).unwrap();
    assert_eq!(mine.starts_at.unwrap().format("%Y-%m-%d %H:%M").to_string(), "2016-04-12 14:00");

    let seen: Vec<Id> = workshops_for(&mut conn, &fatou).unwrap().iter().map(|s| s.workshop.id).collect();
    assert_eq!(seen, [mine.id]);
    assert_eq!(workshops_for(&mut conn, &staff).unwrap().len(), 2);
    assert!(workshop_for(&mut conn, mine.id, &fatou).is_ok());
    assert!(matches!(workshop_for(&mut conn, theirs.id, &fatou), Err(WorkshopError::Forbidden)));
    assert!(matches!(workshop_for(&mut conn, Id::new(), &fatou), Err(WorkshopError::NotFound)));
    let refused = record_attendance(&mut conn, theirs.id, &fatou, &AttendanceForm::default());
    assert!(matches!(refused, Err(WorkshopError::Forbidden)));
    assert_eq!(history_of(&mut conn, "workshop", &mine.id.to_string()).unwrap()[0].action, "workshop.create");
}
