//! Mail texts per consultation: saved only when every placeholder is known (nothing written
//! otherwise), reset to the default, carried by the set-up file; the consultation's sender is
//! stored on each queued message and used by the mail worker.

use diesel::prelude::*;
use essaim_core::domain::consultation::find_consultation_by_id;
use essaim_core::mail::outbox::{deliver_due, enqueue_mail_from, recent_mail, OutgoingMail};
use essaim_core::mail::texts::{
    mail_context, reset_text, save_text, sender_of, set_sender, text_for, texts_of, MailKind, MailText, Sender,
};
use essaim_core::mail::Mailer;
use essaim_core::schema::consultation_mail_texts;
use essaim_core::testing::{demo, TestDb};
use essaim_core::CoreError;

fn text(subject: &str, body: &str) -> MailText {
    MailText { subject: subject.into(), body: body.into() }
}

#[test]
fn an_unknown_placeholder_is_refused_naming_the_field_and_nothing_is_written_and_reset_returns_to_default() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, _) = demo(&mut conn);
    let refused =
        save_text(&mut conn, consultation, MailKind::Invitation, &text("Invitation", "Bonjour {nom}, {lien}"), None);
    let Err(CoreError::Validation(errors)) = refused else { panic!("refused: {refused:?}") };
    assert_eq!(errors.0[0].field, "body");
    assert!(errors.0[0].message.contains("{nom}") && errors.0[0].message.contains("{organisation}"), "{errors:?}");
    let rows: i64 = consultation_mail_texts::table.count().get_result(&mut conn).unwrap();
    assert_eq!(rows, 0, "nothing half-written");

    let custom = text("Votre invitation, {organisation}", "Chère {organisation},\n\nRépondez ici :\n{lien}");
    save_text(&mut conn, consultation, MailKind::Invitation, &custom, None).unwrap();
    assert_eq!(text_for(&mut conn, consultation, MailKind::Invitation).unwrap(), custom);
    let listed = texts_of(&mut conn, consultation).unwrap();
    assert!(listed.iter().find(|t| t.kind == MailKind::Invitation).unwrap().customised);
    assert!(!listed.iter().find(|t| t.kind == MailKind::Relance).unwrap().customised);

    reset_text(&mut conn, consultation, MailKind::Invitation, None).unwrap();
    assert_eq!(text_for(&mut conn, consultation, MailKind::Invitation).unwrap(), MailKind::Invitation.default_text());
}

#[test]
fn the_consultation_sender_is_checked_stored_on_the_queued_mail_and_used_by_the_worker() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, _) = demo(&mut conn);
    let bad =
        set_sender(&mut conn, consultation, &Sender { name: "Région".into(), address: "pas une adresse".into() }, None);
    let Err(CoreError::Validation(errors)) = bad else { panic!("refused") };
    assert_eq!(errors.0[0].field, "sender_address");
    assert_eq!(sender_of(&mut conn, consultation).unwrap(), Sender::default(), "nothing written");

    set_sender(
        &mut conn,
        consultation,
        &Sender { name: " Région Pays de la Loire ".into(), address: "ess@paysdelaloire.fr".into() },
        None,
    )
    .unwrap();
    let context = mail_context(&mut conn, consultation, MailKind::Invitation).unwrap();
    assert_eq!(context.sender.name, "Région Pays de la Loire");
    let mail = OutgoingMail {
        topic: "invitation".into(),
        recipient: "claire@exemple.fr".into(),
        subject: "Invitation".into(),
        text: "Bonjour".into(),
        html: None,
    };
    enqueue_mail_from(&mut conn, &mail, &context.sender).unwrap();
    // Another consultation's, with only a name: the installation's address.
    enqueue_mail_from(
        &mut conn,
        &OutgoingMail { recipient: "paul@exemple.fr".into(), ..mail.clone() },
        &Sender { name: "Conférence régionale".into(), address: String::new() },
    )
    .unwrap();
    let queued = recent_mail(&mut conn, None, 10).unwrap();
    let claire = queued.iter().find(|m| m.recipient == "claire@exemple.fr").unwrap();
    assert_eq!(claire.sender_name.as_deref(), Some("Région Pays de la Loire"));
    assert_eq!(claire.sender_address.as_deref(), Some("ess@paysdelaloire.fr"));
    drop(conn);

    let dir = tempfile::tempdir().unwrap();
    let mailer = Mailer::Outbox(dir.path().to_path_buf());
    let sent = deliver_due(&db.pool, &mailer, "Essaim <ne-pas-repondre@essaim.invalid>", "w", &[]).unwrap();
    assert_eq!(sent, 2);
    let files: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap()).collect();
    let from_of = |to: &str| -> String {
        let file = files.iter().find(|f| f.contains(&format!("To: {to}"))).unwrap();
        file.lines().find(|l| l.starts_with("From: ")).unwrap().to_owned()
    };
    // Names are encoded (RFC 2047): "Région Pays de la Loire", "Conférence régionale".
    assert_eq!(
        from_of("claire@exemple.fr"),
        "From: =?utf-8?b?UsOpZ2lvbiBQYXlzIGRlIGxhIExvaXJl?= <ess@paysdelaloire.fr>"
    );
    assert_eq!(
        from_of("paul@exemple.fr"),
        "From: =?utf-8?b?Q29uZsOpcmVuY2UgcsOpZ2lvbmFsZQ==?= <ne-pas-repondre@essaim.invalid>",
        "a name alone keeps the installation's address"
    );
}

#[test]
fn the_set_up_file_carries_custom_texts_and_the_sender_and_an_import_refuses_an_unknown_placeholder() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, _) = demo(&mut conn);
    let custom = text("Relance : {questionnaire} ({date_limite})", "Bonjour {organisation},\n\n{lien}");
    save_text(&mut conn, consultation, MailKind::Relance, &custom, None).unwrap();
    set_sender(&mut conn, consultation, &Sender { name: "Région".into(), address: "ess@region.fr".into() }, None)
        .unwrap();
    let slug = find_consultation_by_id(&mut conn, consultation).unwrap().slug;
    let mut file = essaim_core::domain::setup::export(&mut conn, &slug, &[]).unwrap();
    assert_eq!(file.mails.len(), 1, "only the texts changed: {:?}", file.mails.keys());
    assert_eq!(file.mails["relance"].body, custom.body);
    assert_eq!(file.consultation.sender_address, "ess@region.fr");
    let json = serde_json::to_string_pretty(&file).unwrap();

    // Round trip, under another slug.
    let mut again = essaim_core::domain::setup::parse(&json).unwrap();
    again.consultation.slug = "ess-bretagne-2027".into();
    let created = essaim_core::domain::setup::import(&mut conn, &again, &[]).unwrap();
    assert_eq!(text_for(&mut conn, created.id, MailKind::Relance).unwrap(), custom);
    assert_eq!(text_for(&mut conn, created.id, MailKind::Invitation).unwrap(), MailKind::Invitation.default_text());
    assert_eq!(sender_of(&mut conn, created.id).unwrap().address, "ess@region.fr");

    // A bad text is refused naming its place, and nothing is created.
    file.consultation.slug = "ess-normandie-2027".into();
    file.mails.get_mut("relance").unwrap().body = "Bonjour {structure},\n\n{lien}".into();
    let refused = essaim_core::domain::setup::import(&mut conn, &file, &[]);
    let Err(CoreError::Validation(errors)) = refused else { panic!("refused") };
    assert_eq!(errors.0[0].field, "mails.relance.body");
    assert!(errors.0[0].message.contains("{structure}"));
    assert!(essaim_core::domain::consultation::find_consultation(&mut conn, "ess-normandie-2027").is_err());
}
