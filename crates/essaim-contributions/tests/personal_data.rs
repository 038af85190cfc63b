//! "Mes données": a person's link opens exactly their data (CVE-2025-65017: one person's
//! download served to another), the erasure removes their address, names and links
//! everywhere — down to the database file's bytes on SQLite — and is refused, clearly, when
//! asked twice or when deletion comes after publication.

use diesel::prelude::*;
use essaim_contributions::online::{submit_online, OnlineForm};
use essaim_contributions::personal_data::{
    erase, erase_link, export, subject_of_address, subject_of_link, ErasureChoice, ErasureRefused,
};
use essaim_core::db::{DatabaseUrl, DbConnection};
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::consultation::{find_consultation, themes_of, Consultation};
use essaim_core::domain::contribution::find_contribution;
use essaim_core::domain::AuthorKind;
use essaim_core::mail::limits::Requester;
use essaim_core::schema::{audit_log, outbox};
use essaim_core::testing::TestDb;

const BASE: &str = "http://essaim.test/";

fn setup() -> (TestDb, Consultation) {
    let db = TestDb::new();
    essaim_core::demo::seed_demo(&mut db.conn(), &[]).unwrap();
    let consultation = find_consultation(&mut db.conn(), DEMO_SLUG).unwrap();
    (db, consultation)
}

/// Sends an online contribution with an address; returns its follow link's token (read from
/// the mail waiting in the outbox, as its recipient would).
fn contribute(
    conn: &mut DbConnection,
    consultation: &Consultation,
    email: &str,
    organisation: &str,
    body: &str,
) -> String {
    let theme = themes_of(conn, consultation.id).unwrap().remove(1);
    let form = OnlineForm {
        kind: "proposition".into(),
        body: body.into(),
        organisation: organisation.into(),
        territory: "44".into(),
        email: email.into(),
        idempotency_key: format!("cle-{body}"),
    };
    let sent = submit_online(conn, consultation, &theme, &form, BASE, &Requester(format!("client-{email}"))).unwrap();
    assert!(sent.followed);
    let texts: Vec<String> =
        outbox::table.filter(outbox::recipient.eq(email.to_lowercase())).select(outbox::text_body).load(conn).unwrap();
    let text = texts.last().unwrap();
    let at = text.find("/suivi/").unwrap() + "/suivi/".len();
    text[at..at + 32].to_owned()
}

#[test]
fn a_link_exports_exactly_its_person_and_nobody_else() {
    let (db, consultation) = setup();
    let mut conn = db.conn();
    let claire = contribute(&mut conn, &consultation, "claire@exemple.fr", "Coopérative Claire", "Texte de Claire.");
    let _paul = contribute(&mut conn, &consultation, "paul@exemple.fr", "Association Paul", "Texte de Paul.");
    let subject = subject_of_link(&mut conn, &claire).unwrap().unwrap();
    let data = export(&mut conn, &subject).unwrap();
    let json = serde_json::to_string(&data).unwrap();
    assert_eq!(data.email.as_deref(), Some("claire@exemple.fr"));
    assert_eq!(data.contributions.len(), 1);
    assert_eq!(data.contributions[0].body, "Texte de Claire.");
    assert_eq!(data.mails.len(), 1, "the follow link proves the address: its mails are listed");
    assert!(!json.contains("paul"), "{json}");
    assert!(!json.contains("Paul"), "{json}");
    assert!(!json.contains(&claire), "no link in the export: {json}");
    // An unknown link opens nothing.
    assert!(subject_of_link(&mut conn, "00000000000000000000000000000000").unwrap().is_none());
}

#[test]
fn a_resume_link_with_someone_elses_address_does_not_open_their_mails() {
    use essaim_contributions::questionnaire::responses::{set_email, start_public_with_link};
    use essaim_contributions::questionnaire::store::questionnaire_of;
    let (db, consultation) = setup();
    let mut conn = db.conn();
    essaim_contributions::demo::seed_demo_questionnaire(&mut conn).unwrap();
    contribute(&mut conn, &consultation, "victime@exemple.fr", "Structure Victime", "Texte de la victime.");
    let questionnaire = questionnaire_of(&mut conn, consultation.id).unwrap().unwrap().id;
    let (draft, token) = start_public_with_link(&mut conn, questionnaire, &Requester(String::new())).unwrap();
    // Anyone can type any address on a public draft.
    set_email(&mut conn, draft.id, "victime@exemple.fr").unwrap();
    let subject = subject_of_link(&mut conn, &token).unwrap().unwrap();
    let data = export(&mut conn, &subject).unwrap();
    assert!(data.mails.is_empty(), "a resume link does not prove the address");
    assert!(data.contributions.is_empty());
    assert!(!serde_json::to_string(&data).unwrap().contains("victime."), "nothing of the victim's");
    // Erasing through it leaves the victim's mails and contribution alone.
    erase_link(&mut conn, &token, ErasureChoice::Delete).unwrap().unwrap();
    let theirs: i64 =
        outbox::table.filter(outbox::recipient.eq("victime@exemple.fr")).count().get_result(&mut conn).unwrap();
    assert_eq!(theirs, 1);
}

/// Every byte of the database's files, as one string (SQLite: the file and its log).
fn file_bytes(url: &DatabaseUrl) -> Option<Vec<u8>> {
    let DatabaseUrl::Sqlite(path) = url else { return None };
    let mut bytes = std::fs::read(path).unwrap();
    for suffix in ["-wal", "-journal"] {
        if let Ok(more) = std::fs::read(format!("{path}{suffix}")) {
            bytes.extend(more);
        }
    }
    Some(bytes)
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn an_erasure_removes_the_address_everywhere_even_from_the_file_and_is_refused_twice() {
    let (db, consultation) = setup();
    let mut conn = db.conn();
    let token =
        contribute(&mut conn, &consultation, "effacee.unique@exemple.fr", "Zorglub Solidaire", "Gardez ce texte.");
    // Staff wrote the address and the name in the audit log (an earlier action).
    record(
        &mut conn,
        AuditEvent::new(None, "essai", "personne", None)
            .with_details(serde_json::json!({"note": "Appel de EFFACEE.unique@exemple.fr pour Zorglub Solidaire"})),
    )
    .unwrap();
    let subject = subject_of_link(&mut conn, &token).unwrap().unwrap();
    let before = export(&mut conn, &subject).unwrap();
    assert_eq!(before.contributions.len(), 1);
    let done = erase_link(&mut conn, &token, ErasureChoice::Anonymise).unwrap().unwrap();
    assert_eq!((done.anonymised, done.follows, done.mails), (1, 1, 1));
    assert!(done.audit_lines >= 1);
    // The contribution stays, anonymised.
    let ids: Vec<essaim_core::db::Id> = essaim_core::schema::contributions::table
        .filter(essaim_core::schema::contributions::body.eq("Gardez ce texte."))
        .select(essaim_core::schema::contributions::id)
        .load(&mut conn)
        .unwrap();
    let kept = find_contribution(&mut conn, ids[0]).unwrap().unwrap();
    assert_eq!((kept.author_kind, kept.author_name, kept.organisation_id), (AuthorKind::Anonymous, None, None));
    // The link opens nothing; asked again, a clear refusal and nothing written.
    assert!(subject_of_link(&mut conn, &token).unwrap().is_none());
    let audit_before: i64 = audit_log::table.count().get_result(&mut conn).unwrap();
    assert_eq!(erase_link(&mut conn, &token, ErasureChoice::Anonymise).unwrap(), Err(ErasureRefused::Gone));
    assert!(ErasureRefused::Gone.message().contains("déjà été effacées"));
    assert_eq!(audit_log::table.count().get_result::<i64>(&mut conn).unwrap(), audit_before);
    // The audit log names no one: the erasure under the address's pseudonym.
    let details: Vec<String> = audit_log::table.select(audit_log::details).load(&mut conn).unwrap();
    assert!(
        details.iter().all(|d| !d.to_lowercase().contains("effacee.unique") && !d.contains("Zorglub")),
        "{details:?}"
    );
    let targets: Vec<Option<String>> = audit_log::table
        .filter(audit_log::action.eq("personal_data.erase"))
        .select(audit_log::target_id)
        .load(&mut conn)
        .unwrap();
    assert_eq!(
        targets,
        [Some(essaim_core::privacy::address_pseudonym(&mut conn, "effacee.unique@exemple.fr").unwrap())]
    );
    // Erased means erased: not in the file's bytes (SQLite's secure_delete, the log folded).
    drop(conn);
    if let Some(bytes) = file_bytes(&db.url) {
        assert!(!contains(&bytes, "effacee.unique@exemple.fr"), "the address is still in the file");
        assert!(!contains(&bytes, "Zorglub"), "the organisation's name is still in the file");
    }
}

#[test]
fn deletion_is_refused_once_published_and_staff_erase_by_address() {
    let (db, consultation) = setup();
    let mut conn = db.conn();
    let token = contribute(&mut conn, &consultation, "Marie@Exemple.fr", "Les Écossolies", "Texte de Marie.");
    // Closing the consultation does not publish anything: deletion is still the person's choice.
    diesel::update(essaim_core::schema::consultations::table.find(consultation.id))
        .set(essaim_core::schema::consultations::state.eq("closed"))
        .execute(&mut conn)
        .unwrap();
    assert!(!essaim_core::privacy::strategy_published(&mut conn, consultation.id).unwrap());
    use essaim_core::domain::publication::{insert_publication, Publication, Snapshot};
    let published = Publication {
        id: essaim_core::db::Id::new(),
        consultation_id: consultation.id,
        version: 1,
        published_at: essaim_core::clock::now(),
        published_by: None,
        withdrawn_at: None,
        withdrawn_by: None,
        snapshot_json: serde_json::to_string(&Snapshot::default()).unwrap(),
        changes_json: "{}".into(),
    };
    insert_publication(&mut conn, &published).unwrap();
    assert_eq!(erase_link(&mut conn, &token, ErasureChoice::Delete).unwrap(), Err(ErasureRefused::Published));
    assert!(subject_of_link(&mut conn, &token).unwrap().is_some(), "nothing half-written");
    // Staff, for a person who asked by mail: the address in any case.
    let subject = subject_of_address(&mut conn, " MARIE@exemple.fr ").unwrap();
    assert_eq!(subject.follows.len(), 1);
    let staff = essaim_core::testing::demo_account(&mut conn, "staff");
    let done = erase(&mut conn, "marie@exemple.fr", ErasureChoice::Anonymise, staff).unwrap().unwrap();
    assert_eq!(done.anonymised, 1);
    assert_eq!(
        erase(&mut conn, "marie@exemple.fr", ErasureChoice::Anonymise, staff).unwrap(),
        Err(ErasureRefused::Gone)
    );
}
