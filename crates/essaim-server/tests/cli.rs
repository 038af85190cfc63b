//! The `essaim` binary as an operator uses it.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use essaim_core::schema::accounts;
use essaim_core::testing::TestDb;

fn essaim(db: &TestDb) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_essaim"));
    cmd.env("DATABASE_URL", db.url.expose()).env("ESSAIM_LOG", "warn");
    cmd
}

fn run_with_stdin(mut cmd: Command, input: &str) -> std::process::Output {
    let mut child =
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("essaim runs");
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn user_add_stores_argon2id_and_refuses_a_short_password() {
    let db = TestDb::new();
    let mut cmd = essaim(&db);
    cmd.args([
        "user",
        "add",
        "--email",
        "Claire@Region.fr",
        "--role",
        "staff",
        "--name",
        "Claire Martin",
        "--password-stdin",
    ]);
    let out = run_with_stdin(cmd, "une longue phrase de passe\n");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let hash: Option<String> = accounts::table
        .filter(accounts::email.eq("claire@region.fr"))
        .select(accounts::password_hash)
        .first(&mut db.conn())
        .unwrap();
    assert!(hash.unwrap().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));

    let mut cmd = essaim(&db);
    cmd.args(["user", "add", "--email", "bob@region.fr", "--role", "admin", "--password-stdin"]);
    let out = run_with_stdin(cmd, "abcde\n");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("au moins 12 caractères"), "{stderr}");
    let count: i64 =
        accounts::table.filter(accounts::email.eq("bob@region.fr")).count().get_result(&mut db.conn()).unwrap();
    assert_eq!(count, 0);

    let mut cmd = essaim(&db);
    cmd.args(["user", "list"]);
    let out = cmd.output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("claire@region.fr\tstaff\tClaire Martin"));
}

#[test]
fn user_add_without_a_terminal_asks_for_password_stdin() {
    let db = TestDb::new();
    let mut cmd = essaim(&db);
    cmd.args(["user", "add", "--email", "x@region.fr", "--role", "admin"]);
    let out = run_with_stdin(cmd, "");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--password-stdin"));
}

#[test]
fn seed_demo_and_migrate_are_idempotent() {
    let db = TestDb::new();
    for expected in ["créée", "déjà présente"] {
        let out = essaim(&db).args(["seed", "demo"]).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(String::from_utf8_lossy(&out.stdout).contains(expected));
    }
    let out = essaim(&db).arg("migrate").output().unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("0 migration"));
}

/// `essaim migrate` on a database that cannot be opened: fails with one line on stderr.
fn migrate_error(database_url: &str) -> String {
    let out =
        Command::new(env!("CARGO_BIN_EXE_essaim")).env("DATABASE_URL", database_url).arg("migrate").output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn an_unopenable_database_is_one_line_naming_it_without_its_password() {
    let stderr = migrate_error("sqlite:///dossier/qui/n-existe/pas/essaim.db");
    assert!(stderr.contains("/dossier/qui/n-existe/pas/essaim.db"), "{stderr}");
    let stderr = migrate_error("postgres://essaim:tres-secret@127.0.0.1:1/essaim");
    assert!(stderr.contains("127.0.0.1:1/essaim"), "{stderr}");
    assert!(!stderr.contains("tres-secret"), "{stderr}");
}

/// Starts `serve --demo` on a free port and waits for its banner.
fn serve_demo(db: &TestDb, bind: &str) -> (std::process::Child, Vec<String>) {
    let mut child = essaim(db)
        .args(["serve", "--demo", "--bind", bind])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut reader = BufReader::new(child.stdout.take().unwrap());
    let started = Instant::now();
    while lines.len() < 6 && started.elapsed() < Duration::from_secs(30) {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 {
            break;
        }
        lines.push(line.trim_end().to_owned());
    }
    (child, lines)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

#[test]
fn serve_demo_prints_the_address_and_the_demo_accounts_then_serves() {
    let db = TestDb::new();
    let port = free_port();
    let (mut child, lines) = serve_demo(&db, &format!("127.0.0.1:{port}"));
    let banner = lines.join("\n");
    assert!(banner.contains(&format!("http://127.0.0.1:{port}/")), "{banner}");
    for (_, email, _, password) in essaim_core::demo::DEMO_ACCOUNTS {
        assert!(banner.contains(email) && banner.contains(password), "{banner}");
    }
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.write_all(b"GET /healthz HTTP/1.0\r\n\r\n").unwrap();
    let mut reply = String::new();
    std::io::Read::read_to_string(&mut stream, &mut reply).unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(reply.starts_with("HTTP/1.0 200"), "{reply}");
    assert!(reply.contains("\"status\":\"ok\""));
}

#[test]
fn a_busy_port_is_a_clear_message() {
    let db = TestDb::new();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let bind = taken.local_addr().unwrap().to_string();
    let out = essaim(&db).args(["serve", "--bind", &bind]).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("déjà utilisée"), "{stderr}");
    assert!(stderr.contains(&bind));
    assert!(!stderr.contains("panicked"));
}
