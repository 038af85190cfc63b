//! Storage behaviour on the backend named by `ESSAIM_TEST_DATABASE_URL` (SQLite by default).

use diesel::prelude::*;
use essaim_core::db::Id;
use essaim_core::demo::{seed_demo, SeedOutcome, DEMO_SLUG, FIVE_THEMES};
use essaim_core::domain::consultation::{find_consultation, list_consultations, phases_of, territories_of, themes_of};
use essaim_core::domain::session::{authenticate, close_session, open_session, resume_session, LoginError};
use essaim_core::domain::vocab::PhaseKind;
use essaim_core::domain::{create_account, create_organisation, list_accounts, NewAccount, NewOrganisation};
use essaim_core::schema::{audit_log, sessions};
use essaim_core::testing::TestDb;
use essaim_core::CoreError;

fn account(email: &str, role: &str, password: &str) -> NewAccount {
    NewAccount { email: email.into(), display_name: String::new(), role: role.into(), password: password.into() }
}

#[test]
fn demo_seed_is_complete_and_idempotent() {
    let db = TestDb::new();
    let mut conn = db.conn();
    assert_eq!(seed_demo(&mut conn, &[]).unwrap(), SeedOutcome::Created);
    assert_eq!(seed_demo(&mut conn, &[]).unwrap(), SeedOutcome::AlreadyPresent);
    assert_eq!(list_consultations(&mut conn).unwrap().len(), 1);

    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let themes: Vec<String> = themes_of(&mut conn, consultation.id).unwrap().into_iter().map(|t| t.title).collect();
    assert_eq!(themes, FIVE_THEMES);
    let codes: Vec<String> = territories_of(&mut conn, consultation.id).unwrap().into_iter().map(|t| t.code).collect();
    assert_eq!(codes, ["44", "49", "53", "72", "85"]);
    let phases = phases_of(&mut conn, consultation.id).unwrap();
    let conference = phases.iter().find(|p| p.kind == PhaseKind::Conference).unwrap();
    assert_eq!(conference.starts_on.unwrap().to_string(), "2016-06-28");
    assert_eq!(conference.location.as_deref(), Some("Angers"));
    assert_eq!(phases.last().unwrap().kind, PhaseKind::Publication);
    let roles: Vec<&str> = list_accounts(&mut conn).unwrap().iter().map(|a| a.role.as_str()).collect();
    assert!(roles.contains(&"admin") && roles.contains(&"staff") && roles.contains(&"facilitator"));
}

#[test]
fn accounts_store_argon2id_and_refuse_bad_input_with_french_messages() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let created =
        create_account(&mut conn, &account("Claire@Region.fr", "staff", "une longue phrase de passe"), None).unwrap();
    assert_eq!(created.email, "claire@region.fr");
    assert!(created.password_hash.as_deref().unwrap().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));

    let Err(CoreError::Validation(errors)) = create_account(&mut conn, &account("pas-un-mail", "root", "court"), None)
    else {
        panic!("expected a validation error");
    };
    assert!(errors.get("email").unwrap().contains("adresse e-mail"));
    assert!(errors.get("role").is_some());
    assert!(errors.get("password").unwrap().contains("12"));

    let Err(CoreError::Validation(errors)) =
        create_account(&mut conn, &account("claire@region.fr", "admin", "une autre phrase de passe"), None)
    else {
        panic!("expected a duplicate refusal");
    };
    assert!(errors.get("email").unwrap().contains("existe déjà"));
    // The creation was audited; the refused ones were not.
    let audited: i64 =
        audit_log::table.filter(audit_log::action.eq("account.create")).count().get_result(&mut conn).unwrap();
    assert_eq!(audited, 1);
}

// The login rules (throttling, timing, the three steps) are tested in `login.rs`.

#[test]
fn sessions_resume_until_closed_or_expired() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let acc =
        create_account(&mut conn, &account("samuel@region.fr", "staff", "une longue phrase de passe"), None).unwrap();
    let token = open_session(&mut conn, &acc).unwrap();
    let stored: String = sessions::table.select(sessions::token_hash).first(&mut conn).unwrap();
    assert_ne!(stored, token, "only the hash is stored");
    let (_, who) = resume_session(&mut conn, &token).unwrap().expect("live session");
    assert_eq!(who.id, acc.id);
    assert!(resume_session(&mut conn, "forged-token").unwrap().is_none());

    close_session(&mut conn, &token).unwrap();
    assert!(resume_session(&mut conn, &token).unwrap().is_none());

    // Idle expiry: pretend the last request was three hours ago.
    let token = open_session(&mut conn, &acc).unwrap();
    let long_ago = essaim_core::clock::now() - chrono::Duration::hours(3);
    diesel::update(sessions::table).set(sessions::last_seen_at.eq(long_ago)).execute(&mut conn).unwrap();
    assert!(resume_session(&mut conn, &token).unwrap().is_none());
}

#[test]
fn organisations_check_siret_and_territory() {
    let db = TestDb::new();
    let mut conn = db.conn();
    seed_demo(&mut conn, &[]).unwrap();
    let bad = NewOrganisation {
        name: "Coop".into(),
        legal_family: "sarl".into(),
        siret: "73282932000075".into(),
        territory_code: "99".into(),
    };
    let Err(CoreError::Validation(errors)) = create_organisation(&mut conn, &bad) else { panic!("expected errors") };
    assert!(errors.get("siret").unwrap().contains("clé de contrôle"));
    assert!(errors.get("legal_family").is_some());
    assert!(errors.get("territory").unwrap().contains("99"));

    let good = NewOrganisation {
        name: "Coop".into(),
        legal_family: "cooperative".into(),
        siret: "732 829 320 00074".into(),
        territory_code: "49".into(),
    };
    let org = create_organisation(&mut conn, &good).unwrap();
    assert_eq!(org.siret.as_deref(), Some("73282932000074"));
    assert!(create_organisation(&mut conn, &good).is_err(), "same SIRET twice");
}

#[test]
fn ids_round_trip_through_the_backend() {
    let db = TestDb::new();
    let mut conn = db.conn();
    seed_demo(&mut conn, &[]).unwrap();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let again: Id = essaim_core::schema::consultations::table
        .filter(essaim_core::schema::consultations::id.eq(consultation.id))
        .select(essaim_core::schema::consultations::id)
        .first(&mut conn)
        .unwrap();
    assert_eq!(again, consultation.id);
}

#[test]
fn a_disabled_account_cannot_log_in_and_loses_its_sessions() {
    use essaim_core::domain::set_account_disabled;
    let db = TestDb::new();
    let mut conn = db.conn();
    let admin =
        create_account(&mut conn, &account("alice@region.fr", "admin", "une longue phrase de passe"), None).unwrap();
    let staff =
        create_account(&mut conn, &account("samuel@region.fr", "staff", "une autre phrase de passe"), None).unwrap();
    let token = open_session(&mut conn, &staff).unwrap();

    assert!(matches!(set_account_disabled(&mut conn, admin.id, true, admin.id), Err(CoreError::Conflict(_))));
    set_account_disabled(&mut conn, staff.id, true, admin.id).unwrap();
    assert!(resume_session(&mut conn, &token).unwrap().is_none(), "sessions end");
    assert!(matches!(
        authenticate(&mut conn, "samuel@region.fr", "une autre phrase de passe", "10.0.0.2"),
        Err(LoginError::InvalidCredentials)
    ));
    set_account_disabled(&mut conn, staff.id, false, admin.id).unwrap();
    assert!(authenticate(&mut conn, "samuel@region.fr", "une autre phrase de passe", "10.0.0.2").is_ok());
    let audited: i64 = audit_log::table
        .filter(audit_log::action.eq_any(["account.disable", "account.enable"]))
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(audited, 2);
}

#[test]
fn sqlite_connections_are_durable_and_keep_a_large_page_cache() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let essaim_core::db::DbConnection::Sqlite(sqlite) = &mut *conn else {
        return; // PostgreSQL: its own settings.
    };
    #[derive(QueryableByName)]
    struct Pragma {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        value: i64,
    }
    let read = |c: &mut diesel::SqliteConnection, name: &str| -> i64 {
        diesel::sql_query(format!("SELECT {name} AS value FROM pragma_{name}")).get_result::<Pragma>(c).unwrap().value
    };
    assert_eq!(read(sqlite, "synchronous"), 2, "FULL");
    assert_eq!(read(sqlite, "cache_size"), -essaim_core::db::SQLITE_CACHE_KIB);
}

#[test]
fn a_read_without_the_memory_map_sets_it_back_afterwards() {
    use diesel::sql_types::BigInt;
    #[derive(QueryableByName)]
    struct MapSize {
        #[diesel(sql_type = BigInt)]
        mmap_size: i64,
    }
    let db = TestDb::new();
    let mut conn = db.conn();
    let sqlite = conn.backend() == essaim_core::db::Backend::Sqlite;
    let map = |conn: &mut essaim_core::db::DbConnection| {
        diesel::sql_query("PRAGMA mmap_size").get_result::<MapSize>(conn).unwrap().mmap_size
    };
    let before = if sqlite { map(&mut conn) } else { 0 };
    let inside = essaim_core::db::without_memory_map(&mut conn, |conn| {
        if sqlite {
            map(conn)
        } else {
            // PostgreSQL has no such map: the work runs as it is.
            diesel::select(diesel::dsl::sql::<BigInt>("CAST(7 AS BIGINT)")).get_result::<i64>(conn).unwrap() - 7
        }
    });
    assert_eq!(inside, 0, "the read runs without the map");
    if sqlite {
        assert!(before > 0, "the pool maps the file");
        assert_eq!(map(&mut conn), before, "the map is set back");
    }
}
