//! Test support: every test gets its own fresh, migrated database, dropped afterwards.
//!
//! SQLite by default (a temporary file). With `ESSAIM_TEST_DATABASE_URL=postgres://…`, a new
//! PostgreSQL database is created beside the one named, for this test alone.

use diesel::connection::SimpleConnection;
use diesel::Connection;

use crate::db::{connect, run_migrations, DatabaseUrl, DbPool};

/// A throwaway database; dropped (file removed or database dropped) with the value.
pub struct TestDb {
    /// Pool over it.
    pub pool: DbPool,
    /// Its URL.
    pub url: DatabaseUrl,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

impl TestDb {
    /// A fresh, migrated database on the backend the environment names.
    pub fn new() -> Self {
        match std::env::var("ESSAIM_TEST_DATABASE_URL").ok().filter(|v| !v.is_empty()) {
            Some(admin_url) if admin_url.starts_with("postgres") => Self::postgres(admin_url),
            _ => Self::sqlite(),
        }
    }

    /// A fresh, migrated SQLite database, whatever the environment says.
    pub fn sqlite() -> Self {
        Self::sqlite_with(true)
    }

    /// A fresh database without any table (no migration run), on the backend the environment
    /// names: what an operator creates before a restore.
    pub fn unmigrated() -> Self {
        match std::env::var("ESSAIM_TEST_DATABASE_URL").ok().filter(|v| !v.is_empty()) {
            Some(admin_url) if admin_url.starts_with("postgres") => Self::postgres_with(admin_url, false),
            _ => Self::sqlite_with(false),
        }
    }

    fn sqlite_with(migrate: bool) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = DatabaseUrl::Sqlite(dir.path().join("test.db").to_string_lossy().into_owned());
        let pool = connect(&url, 4).expect("open SQLite test database");
        if migrate {
            run_migrations(&mut pool.get().expect("connection"), &url.redacted()).expect("migrate");
        }
        TestDb { pool, url, cleanup: Cleanup::Sqlite(dir) }
    }

    fn postgres(admin_url: String) -> Self {
        Self::postgres_with(admin_url, true)
    }

    fn postgres_with(admin_url: String, migrate: bool) -> Self {
        let name = format!("essaim_test_{}", uuid::Uuid::new_v4().simple());
        // Before libpq's first TLS connection, as the pool does (see the function).
        crate::db::init_openssl_without_exit_handler();
        let mut admin = diesel::PgConnection::establish(&admin_url).expect("connect to ESSAIM_TEST_DATABASE_URL");
        admin.batch_execute(&format!("CREATE DATABASE {name}")).expect("create test database");
        let mut parsed = ::url::Url::parse(&admin_url).expect("ESSAIM_TEST_DATABASE_URL is a URL");
        parsed.set_path(&name);
        let url = DatabaseUrl::Postgresql(parsed.to_string());
        // Four for the test, one more for each committing thread a server under test keeps.
        let size = 4 + crate::db::writers_for(crate::db::Backend::Postgresql) as u32;
        let pool = connect(&url, size).expect("open PostgreSQL test database");
        if migrate {
            run_migrations(&mut pool.get().expect("connection"), &url.redacted()).expect("migrate");
        }
        TestDb { pool, url, cleanup: Cleanup::Postgres { admin_url, name } }
    }

    /// A connection from the pool.
    pub fn conn(&self) -> crate::db::PooledConn {
        self.pool.get().expect("test connection")
    }
}

impl Default for TestDb {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            if let Ok(mut admin) = diesel::PgConnection::establish(admin_url) {
                let _ = admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// The demo consultation's id and themes, seeded if needed: the usual starting point.
pub fn demo(conn: &mut crate::db::DbConnection) -> (crate::db::Id, Vec<crate::domain::Theme>) {
    crate::demo::seed_demo(conn, &[]).expect("seed demo");
    let consultation =
        crate::domain::consultation::find_consultation(conn, crate::demo::DEMO_SLUG).expect("demo consultation");
    let themes = crate::domain::consultation::themes_of(conn, consultation.id).expect("themes");
    (consultation.id, themes)
}

/// A contribution for a test: a proposition under `theme`, imported (so accepted on
/// arrival). Change what the test is about with the builder methods of `NewContribution`.
pub fn contribution(
    consultation: crate::db::Id,
    theme: crate::db::Id,
    text: &str,
) -> crate::domain::contribution::NewContribution {
    use crate::domain::contribution::{NewContribution, Submitter};
    use crate::domain::vocab::{Channel, ContributionKind};
    NewContribution::new(consultation, Channel::Import, ContributionKind::Proposition, text, Submitter::Import)
        .theme(theme)
}

/// Records a contribution and returns it, failing the test on refusal.
pub fn record(
    conn: &mut crate::db::DbConnection,
    input: crate::domain::contribution::NewContribution,
) -> crate::domain::Contribution {
    crate::domain::contribution::record_contribution(conn, input).expect("record contribution").contribution().clone()
}

/// Records `count` accepted contributions under one theme in bulk (texts vary with `text(i)`),
/// for tests of scale.
pub fn record_many(
    conn: &mut crate::db::DbConnection,
    consultation: crate::db::Id,
    theme: crate::db::Id,
    count: usize,
    text: impl Fn(usize) -> String,
) {
    let rows: Vec<_> = (0..count)
        .map(|i| {
            contribution(consultation, theme, &text(i))
                .external_ref(format!("t-{i:07}"))
                .validate(&[theme])
                .expect("valid contribution")
        })
        .collect();
    crate::db::write_transaction(conn, |conn| {
        let accepting = crate::domain::consultation::ensure_accepting(conn, consultation)?;
        crate::domain::contribution::record_bulk(conn, accepting, &rows)
    })
    .expect("bulk");
}

/// The id of the demo account of a role (`admin`, `staff`, `facilitator`).
pub fn demo_account(conn: &mut crate::db::DbConnection, role: &str) -> crate::db::Id {
    let (_, email, _, _) =
        crate::demo::DEMO_ACCOUNTS.iter().find(|(r, ..)| *r == role).expect("a demo account of that role");
    crate::domain::find_account_by_email(conn, email).expect("query").expect("demo account").id
}

/// A real SMTP server on a free loopback port, in the test's process: it refuses every recipient with 550 when `refuse`,
/// otherwise accepts and keeps each message's data.
pub fn smtp_sink(refuse: bool) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{BufRead, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = received.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
            let _ = stream.write_all(b"220 essai ESMTP\r\n");
            let mut line = String::new();
            let mut data: Option<String> = None;
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    break;
                }
                if let Some(body) = data.as_mut() {
                    if line == ".\r\n" {
                        kept.lock().unwrap().push(data.take().unwrap());
                        let _ = stream.write_all(b"250 2.0.0 accepte\r\n");
                    } else {
                        body.push_str(&line);
                    }
                    continue;
                }
                let command = line.to_ascii_uppercase();
                let answer: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                    b"250 essai\r\n"
                } else if command.starts_with("RCPT") && refuse {
                    b"550 5.1.1 destinataire inconnu\r\n"
                } else if command.starts_with("DATA") {
                    data = Some(String::new());
                    b"354 suite\r\n"
                } else if command.starts_with("QUIT") {
                    let _ = stream.write_all(b"221 au revoir\r\n");
                    break;
                } else {
                    b"250 OK\r\n"
                };
                let _ = stream.write_all(answer);
            }
        }
    });
    (port, received)
}
