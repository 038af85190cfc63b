//! The e-mail outbox: enqueued with what causes it, sent by a worker with retries, a refusal
//! kept and shown, never lost. A small SMTP server on loopback stands for the real one.

use chrono::Duration;
use diesel::prelude::*;
use essaim_core::db::write_transaction;
use essaim_core::domain::MailState;
use essaim_core::mail::outbox::{deliver_due, enqueue_mail, recent_mail, retry_mail, OutgoingMail};
use essaim_core::mail::Mailer;
use essaim_core::testing::{demo, demo_account, smtp_sink, TestDb};
use essaim_core::CoreError;

fn mail(to: &str) -> OutgoingMail {
    OutgoingMail {
        topic: "essai".into(),
        recipient: to.into(),
        subject: "Votre lien pour répondre".into(),
        text: "Bonjour,\nvoici votre lien.".into(),
        html: Some("<p>Bonjour,</p><p>voici votre lien.</p>".into()),
    }
}

fn smtp(port: u16) -> Mailer {
    let mut config = essaim_core::config::Config::from_env().unwrap();
    config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"));
    Mailer::from_config(&config).unwrap()
}

const FROM: &str = "Essaim <ne-pas-repondre@essaim.invalid>";

#[test]
fn a_mail_exists_exactly_when_what_caused_it_was_committed() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let rolled_back: Result<(), CoreError> = write_transaction(&mut conn, |conn| {
        enqueue_mail(conn, &mail("claire@exemple.fr"))?;
        Err(CoreError::Conflict("la cause échoue".into()))
    });
    assert!(rolled_back.is_err());
    assert!(recent_mail(&mut conn, None, 10).unwrap().is_empty(), "no mail without its cause");
    write_transaction(&mut conn, |conn| enqueue_mail(conn, &mail("claire@exemple.fr")).map(|_| ())).unwrap();
    let queued = recent_mail(&mut conn, None, 10).unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].state, MailState::Pending);
    assert!(matches!(enqueue_mail(&mut conn, &mail("pas une adresse")), Err(CoreError::Validation(_))));
}

#[test]
fn an_accepted_mail_is_sent_once_with_its_text_and_html_parts() {
    let db = TestDb::new();
    let (port, received) = smtp_sink(false);
    enqueue_mail(&mut db.conn(), &mail("claire@exemple.fr")).unwrap();
    assert_eq!(deliver_due(&db.pool, &smtp(port), FROM, "w1", &[Duration::zero()]).unwrap(), 1);
    assert_eq!(deliver_due(&db.pool, &smtp(port), FROM, "w1", &[Duration::zero()]).unwrap(), 0, "sent once");
    let sent = &recent_mail(&mut db.conn(), None, 10).unwrap()[0];
    assert_eq!(sent.state, MailState::Sent);
    assert!(sent.sent_at.is_some());
    let messages = received.lock().unwrap();
    assert_eq!(messages.len(), 1);
    assert!(messages[0].contains("multipart/alternative"));
    assert!(messages[0].contains("text/html"));
}

#[test]
fn a_refused_mail_is_retried_then_failed_and_shown_never_lost() {
    let db = TestDb::new();
    let (port, received) = smtp_sink(true);
    enqueue_mail(&mut db.conn(), &mail("inconnu@exemple.fr")).unwrap();
    let backoff = [Duration::zero(), Duration::zero()];
    for attempt in 1..=3 {
        assert_eq!(deliver_due(&db.pool, &smtp(port), FROM, "w1", &backoff).unwrap(), 0);
        let row = &recent_mail(&mut db.conn(), None, 10).unwrap()[0];
        assert_eq!(row.attempts, attempt);
        assert!(row.last_error.as_deref().unwrap().contains("550"), "{:?}", row.last_error);
        let expected = if attempt < 3 { MailState::Pending } else { MailState::Failed };
        assert_eq!(row.state, expected, "attempt {attempt}");
    }
    assert!(received.lock().unwrap().is_empty());
    let failed = recent_mail(&mut db.conn(), Some(MailState::Failed), 10).unwrap();
    assert_eq!(failed.len(), 1, "kept, in failure, for staff");

    // A retry by staff puts it back, audited.
    let (_, _) = demo(&mut db.conn());
    let staff = demo_account(&mut db.conn(), "staff");
    retry_mail(&mut db.conn(), failed[0].id, staff).unwrap();
    assert_eq!(recent_mail(&mut db.conn(), Some(MailState::Pending), 10).unwrap().len(), 1);
    let audited: i64 = essaim_core::schema::audit_log::table
        .filter(essaim_core::schema::audit_log::action.eq("mail.retry"))
        .count()
        .get_result(&mut db.conn())
        .unwrap();
    assert_eq!(audited, 1);
    assert!(matches!(retry_mail(&mut db.conn(), failed[0].id, staff), Err(CoreError::NotFound(_))), "not failed now");
}

#[test]
fn an_unreachable_server_delays_the_next_attempt() {
    let db = TestDb::new();
    // Nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    enqueue_mail(&mut db.conn(), &mail("claire@exemple.fr")).unwrap();
    deliver_due(&db.pool, &smtp(port), FROM, "w1", &[Duration::hours(1)]).unwrap();
    let row = &recent_mail(&mut db.conn(), None, 10).unwrap()[0];
    assert_eq!(row.state, MailState::Pending);
    assert!(row.next_attempt_at > essaim_core::clock::now() + Duration::minutes(59), "backed off");
    assert_eq!(deliver_due(&db.pool, &smtp(port), FROM, "w1", &[Duration::hours(1)]).unwrap(), 0);
    assert_eq!(recent_mail(&mut db.conn(), None, 10).unwrap()[0].attempts, 1, "not due yet: not tried again");
}

#[test]
fn a_sent_mail_keeps_no_usable_link_in_its_row() {
    use essaim_core::mail::outbox::{mask_links, LINK_MARKER};
    let db = TestDb::new();
    let (port, received) = smtp_sink(false);
    let token = essaim_core::security::random_token();
    let mut linked = mail("claire@exemple.fr");
    linked.text =
        format!("Reprendre : https://essaim.exemple.fr/questionnaire/reprendre/{token}\nSIRET 12345678901234");
    linked.html = Some(format!("<a href=\"https://essaim.exemple.fr/suivi/{token}\">suivre</a>"));
    enqueue_mail(&mut db.conn(), &linked).unwrap();
    let queued = &recent_mail(&mut db.conn(), None, 10).unwrap()[0];
    assert!(queued.text_body.contains(&token), "a waiting mail keeps its link: it has yet to go");
    assert_eq!(deliver_due(&db.pool, &smtp(port), FROM, "w1", &[Duration::zero()]).unwrap(), 1);
    assert!(received.lock().unwrap()[0].contains(&token), "the recipient got the link");
    let sent = &recent_mail(&mut db.conn(), None, 10).unwrap()[0];
    assert!(!sent.text_body.contains(&token), "{}", sent.text_body);
    assert!(!sent.html_body.as_deref().unwrap().contains(&token));
    assert!(sent.text_body.contains(&format!("/questionnaire/reprendre/{LINK_MARKER}")), "{}", sent.text_body);
    assert!(sent.text_body.contains("12345678901234"), "other figures stay");
    assert_eq!(mask_links(&format!("x{token}")), format!("x{token}"), "only a token standing alone");
}
