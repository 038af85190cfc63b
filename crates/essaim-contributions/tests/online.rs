//! Online contributions: checked field by field, recorded once per key, waiting for a
//! moderator, followed and confirmed by e-mail when an address is given.

use diesel::prelude::*;
use essaim_contributions::online::{submit_online, submitted_with_key, OnlineForm};
use essaim_contributions::questionnaire::follow::{followed, Stage};
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::consultation::{find_consultation, themes_of};
use essaim_core::domain::contribution::{find_by_idempotency_key, KIND_MESSAGE};
use essaim_core::domain::{AuthorKind, Channel, ModerationStatus};
use essaim_core::mail::limits::Requester;
use essaim_core::schema::{follow_contributions, outbox};
use essaim_core::testing::TestDb;
use essaim_core::CoreError;

fn client() -> Requester {
    Requester("client-de-test".into())
}

fn form(body: &str, key: &str) -> OnlineForm {
    OnlineForm {
        kind: "proposition".into(),
        body: body.into(),
        organisation: "Les Écossolies".into(),
        territory: "44".into(),
        email: String::new(),
        idempotency_key: key.into(),
    }
}

#[test]
fn a_contribution_waits_is_recorded_once_per_key_and_is_followed_by_mail() {
    let db = TestDb::new();
    let mut conn = db.conn();
    essaim_core::demo::seed_demo(&mut conn, &[]).unwrap();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let theme = themes_of(&mut conn, consultation.id).unwrap().remove(2);
    let mut input = form("  Des <b>groupements</b> d'employeurs\r\nmutualisés. ", "cle-en-ligne-1");
    input.email = " Marie@Exemple.fr ".into();

    let first = submit_online(&mut conn, &consultation, &theme, &input, "http://essaim.test/", &client()).unwrap();
    assert!(!first.again && first.followed);
    let c = &first.contribution;
    assert_eq!((c.channel, c.moderation_status), (Channel::Online, ModerationStatus::Pending));
    assert_eq!(c.body, "Des <b>groupements</b> d'employeurs\nmutualisés.", "stored as typed, only cleaned");
    assert_eq!((c.author_kind, c.author_name.as_deref()), (AuthorKind::Organisation, Some("Les Écossolies")));
    assert!(c.territory_id.is_some());
    assert_eq!(c.theme_id, Some(theme.id));

    let again = submit_online(&mut conn, &consultation, &theme, &input, "http://essaim.test/", &client()).unwrap();
    assert!(again.again && again.followed);
    assert_eq!(again.contribution.id, c.id);
    let mails: Vec<(String, String, Option<String>)> = outbox::table
        .filter(outbox::topic.eq("contribution-en-ligne"))
        .select((outbox::recipient, outbox::text_body, outbox::html_body))
        .load(&mut conn)
        .unwrap();
    assert_eq!(mails.len(), 1, "one mail for one contribution, however many sends");
    let (recipient, text, html) = &mails[0];
    assert_eq!(recipient, "marie@exemple.fr");
    assert!(text.contains("http://essaim.test/suivi/"), "{text}");
    assert!(text.contains(&theme.title));
    let html = html.as_deref().unwrap();
    assert!(html.contains("&lt;b&gt;groupements&lt;/b&gt;") && !html.contains("<b>groupements"), "{html}");
    let follows: Vec<essaim_core::db::Id> = follow_contributions::table
        .filter(follow_contributions::contribution_id.eq(c.id))
        .select(follow_contributions::follow_id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(follows.len(), 1);
    let listed = followed(&mut conn, follows[0]).unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].stage, Stage::Received);

    let shown = submitted_with_key(&mut conn, &theme, "cle-en-ligne-1").unwrap().unwrap();
    assert_eq!(shown.contribution.id, c.id);
    let other_theme = themes_of(&mut conn, consultation.id).unwrap().remove(0);
    assert!(submitted_with_key(&mut conn, &other_theme, "cle-en-ligne-1").unwrap().is_none());

    // The same key for another text (the form sent again after an edit) is a conflict.
    let edited = form("Un autre texte", "cle-en-ligne-1");
    assert!(matches!(
        submit_online(&mut conn, &consultation, &theme, &edited, "http://essaim.test", &client()),
        Err(CoreError::Conflict(_))
    ));
    // Without an address, nothing is followed nor mailed.
    let quiet = submit_online(&mut conn, &consultation, &theme, &form("Sans adresse", "cle-2"), "", &client()).unwrap();
    assert!(!quiet.followed);
    let count: i64 = outbox::table.count().get_result(&mut conn).unwrap();
    assert_eq!(count, 1);
}

#[test]
fn every_field_is_checked_at_once_and_nothing_is_recorded() {
    let db = TestDb::new();
    let mut conn = db.conn();
    essaim_core::demo::seed_demo(&mut conn, &[]).unwrap();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let theme = themes_of(&mut conn, consultation.id).unwrap().remove(0);
    let before = essaim_core::domain::contribution::contributions_of(&mut conn, consultation.id).unwrap().len();
    let bad = OnlineForm {
        kind: "poème".into(),
        body: "   ".into(),
        organisation: "x".repeat(201),
        territory: "75".into(),
        email: "pas-une-adresse".into(),
        idempotency_key: "k".into(),
    };
    let Err(CoreError::Validation(errors)) = submit_online(&mut conn, &consultation, &theme, &bad, "", &client())
    else {
        panic!("refused")
    };
    assert_eq!(errors.get("kind"), Some(KIND_MESSAGE));
    assert_eq!(errors.get("body"), Some("Écrivez votre contribution."));
    assert!(errors.get("organisation").unwrap().contains("200"));
    let territory = errors.get("territory").unwrap();
    assert!(
        territory.starts_with("Choisissez un territoire de la consultation : ") && territory.contains("(44)"),
        "{territory}"
    );
    assert!(errors.get("email").unwrap().contains("n'est pas valide"));
    let long = form(&"é".repeat(20_001), "k2");
    let Err(CoreError::Validation(errors)) = submit_online(&mut conn, &consultation, &theme, &long, "", &client())
    else {
        panic!("refused")
    };
    assert!(errors.get("body").unwrap().contains("20000 au plus"));
    assert_eq!(essaim_core::domain::contribution::contributions_of(&mut conn, consultation.id).unwrap().len(), before);
}

#[test]
fn thirty_contributions_naming_one_address_mail_it_three_times_and_are_all_recorded() {
    let db = TestDb::new();
    let mut conn = db.conn();
    essaim_core::demo::seed_demo(&mut conn, &[]).unwrap();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let theme = themes_of(&mut conn, consultation.id).unwrap().remove(0);
    let online = |conn: &mut essaim_core::db::DbConnection| -> i64 {
        essaim_core::schema::contributions::table
            .filter(essaim_core::schema::contributions::channel.eq(Channel::Online))
            .count()
            .get_result(conn)
            .unwrap()
    };
    let before = online(&mut conn);
    let mut withheld = 0;
    for n in 0..30 {
        let input = OnlineForm {
            email: "victime@exemple.fr".into(),
            ..form(&format!("Proposition n° {n}"), &format!("k-{n}"))
        };
        let submitted =
            submit_online(&mut conn, &consultation, &theme, &input, "http://essaim.test", &client()).unwrap();
        assert_eq!(submitted.followed, !submitted.mail_withheld, "followed exactly when mailed");
        withheld += usize::from(submitted.mail_withheld);
    }
    let mails: i64 =
        outbox::table.filter(outbox::recipient.eq("victime@exemple.fr")).count().get_result(&mut conn).unwrap();
    assert_eq!((mails, withheld), (3, 27), "three mails an hour to one address");
    assert_eq!(online(&mut conn) - before, 30, "nothing typed is lost");
}

#[test]
fn one_client_filling_the_queue_is_refused_past_its_limit_and_others_are_not() {
    let db = TestDb::new();
    let mut conn = db.conn();
    essaim_core::demo::seed_demo(&mut conn, &[]).unwrap();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let theme = themes_of(&mut conn, consultation.id).unwrap().remove(2);
    let flood = Requester("client-flood".into());
    let limit = essaim_core::domain::throttle::Anonymous::Contribution.limit().max;
    for n in 0..limit {
        let sent = form(&format!("Contribution numéro {n} du même client"), &format!("cle-flot-{n}"));
        submit_online(&mut conn, &consultation, &theme, &sent, "", &flood).unwrap();
    }
    let over = form("Une de trop", "cle-flot-de-trop");
    let refused = submit_online(&mut conn, &consultation, &theme, &over, "", &flood);
    assert!(matches!(refused, Err(CoreError::Limited { retry_after_secs }) if retry_after_secs > 0), "{refused:?}");
    assert!(find_by_idempotency_key(&mut conn, "cle-flot-de-trop").unwrap().is_none(), "nothing stored");
    let other = submit_online(&mut conn, &consultation, &theme, &over, "", &Requester("client-autre".into()));
    assert!(other.is_ok(), "another client is not held back: {other:?}");
}
