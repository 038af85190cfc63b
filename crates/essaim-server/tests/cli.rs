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
    // The server kept the address it serves at, for commands run beside it.
    let kept = essaim(&db).args(["public-address"]).output().unwrap();
    assert_eq!(String::from_utf8_lossy(&kept.stdout).trim(), format!("http://127.0.0.1:{port}"));
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

#[test]
fn seed_demo_refuses_a_database_that_has_real_accounts() {
    let db = TestDb::new();
    let mut cmd = essaim(&db);
    cmd.args(["user", "add", "--email", "claire@region.fr", "--role", "admin", "--password-stdin"]);
    assert!(run_with_stdin(cmd, "une longue phrase de passe\n").status.success());
    let out = essaim(&db).args(["seed", "demo"]).output().unwrap();
    assert!(!out.status.success(), "published passwords never join real accounts");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("contient déjà des comptes"), "{stderr}");
    let demo: i64 = accounts::table
        .filter(accounts::email.eq_any(essaim_core::demo::DEMO_ACCOUNTS.iter().map(|a| a.1)))
        .count()
        .get_result(&mut db.conn())
        .unwrap();
    assert_eq!(demo, 0);
}

#[test]
fn the_log_has_no_colour_codes_when_written_to_a_pipe() {
    let db = TestDb::new();
    let out = essaim(&db).env("ESSAIM_LOG", "info").args(["seed", "demo"]).output().unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let out = essaim(&db).env("ESSAIM_LOG", "debug").arg("migrate").output().unwrap();
    let both = format!("{stderr}{}", String::from_utf8_lossy(&out.stderr));
    assert!(!both.contains('\u{1b}'), "no ANSI escape in a piped log: {both:?}");
}

/// Waits until `check` holds, at most `limit`.
fn wait_for(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    let started = Instant::now();
    while started.elapsed() < limit {
        if check() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

#[test]
fn a_run_killed_mid_way_leaves_nothing_half_written_and_is_reported_interrupted_at_the_next_start() {
    use essaim_core::domain::{JobKind, JobState};
    use essaim_core::schema::{orientation_members, orientations, synthesis_runs};
    let db = TestDb::new();
    let (consultation, themes) = essaim_core::testing::demo(&mut db.conn());
    let theme = &themes[2];
    // Enough texts that the (debug) run takes a while; varied so they are not duplicates.
    let words = ["emploi", "insertion", "formation", "salariés", "associations", "territoire", "coopérative"];
    essaim_core::testing::record_many(&mut db.conn(), consultation, theme.id, 12_000, |i| {
        format!("{} {} {} numéro {i}", words[i % 7], words[(i / 7) % 7], words[(i / 49) % 7])
    });
    essaim_synthesis::drafts::queue_run(
        &mut db.conn(),
        consultation,
        theme.id,
        &theme.title,
        &essaim_synthesis::pipeline::Params::default(),
        None,
    )
    .unwrap();
    let state = |db: &TestDb| {
        essaim_core::jobs::latest(&mut db.conn(), JobKind::SynthesisRun, &theme.id.to_string()).unwrap().unwrap().state
    };
    let mut server = essaim(&db)
        .args(["serve", "--bind", &format!("127.0.0.1:{}", free_port())])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    assert!(wait_for(Duration::from_secs(30), || state(&db) == JobState::Running), "the worker claims the run");
    std::thread::sleep(Duration::from_millis(300));
    server.kill().unwrap(); // SIGKILL: no chance to clean up
    server.wait().unwrap();
    assert_eq!(state(&db), JobState::Running, "killed while running");
    let stored = |db: &TestDb| -> (i64, i64, i64) {
        let mut conn = db.conn();
        (
            synthesis_runs::table.filter(synthesis_runs::theme_id.eq(theme.id)).count().get_result(&mut conn).unwrap(),
            orientations::table.filter(orientations::theme_id.eq(theme.id)).count().get_result(&mut conn).unwrap(),
            orientation_members::table.count().get_result(&mut conn).unwrap(),
        )
    };
    assert_eq!(stored(&db), (0, 0, 0), "nothing half-written");

    let mut again = essaim(&db)
        .env("ESSAIM_JOB_STALE_AFTER", "1")
        .args(["serve", "--bind", &format!("127.0.0.1:{}", free_port())])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let interrupted = wait_for(Duration::from_secs(30), || state(&db) == JobState::Interrupted);
    again.kill().unwrap();
    again.wait().unwrap();
    assert!(interrupted, "the next start reports it interrupted");
    assert_eq!(stored(&db), (0, 0, 0));
}

#[test]
fn the_questionnaire_is_exported_imported_from_limesurvey_and_invitations_are_enqueued() {
    use essaim_core::schema::{outbox, questionnaire_versions};
    let db = TestDb::new();
    let run = |args: &[&str]| essaim(&db).args(args).output().unwrap();
    let seeded = run(&["seed", "demo"]);
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    let slug = "ess-pays-de-la-loire-2016";
    let export = run(&["questionnaire", "export", "--consultation", slug]);
    assert!(export.status.success(), "{}", String::from_utf8_lossy(&export.stderr));
    let json = String::from_utf8(export.stdout).unwrap();
    assert!(json.contains("\"format\": \"essaim-questionnaire/1\""));
    let dir = tempfile::tempdir().unwrap();
    // Its own export imports back, as a new unpublished version.
    let own = dir.path().join("q.json");
    std::fs::write(&own, &json).unwrap();
    let back = run(&["questionnaire", "import", "--consultation", slug, own.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&back.stdout).contains("version 2 (non publiée)"), "{back:?}");
    // A LimeSurvey file: what maps is taken, the rest reported.
    let lss = concat!(env!("CARGO_MANIFEST_DIR"), "/../essaim-contributions/tests/fixtures/limesurvey/survey.lss");
    let imported = run(&["questionnaire", "import", "--consultation", slug, lss]);
    let report = String::from_utf8_lossy(&imported.stdout).into_owned();
    assert!(imported.status.success(), "{}", String::from_utf8_lossy(&imported.stderr));
    assert!(report.contains("3 questions reprises, 1 écartée"), "{report}");
    // Not a definition: a clear message, nothing changed.
    let junk = dir.path().join("junk.json");
    std::fs::write(&junk, "{\"title\": 1}").unwrap();
    let refused = run(&["questionnaire", "import", "--consultation", slug, junk.to_str().unwrap()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("n'est pas une définition de questionnaire Essaim"));
    let versions: i64 = questionnaire_versions::table.count().get_result(&mut db.conn()).unwrap();
    assert_eq!(versions, 2, "version 1 published, version 2 the last import (replaced, never half-written)");
    // Invitations. No public address known: no mail whose links would lead nowhere.
    let good = dir.path().join("good.csv");
    std::fs::write(&good, "organisation,email,territory\nA,a@exemple.fr,44\nB,b@exemple.fr,Sarthe\n").unwrap();
    let out = run(&["invitations", "send", "--consultation", slug, good.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("aucune adresse publique connue"), "{out:?}");
    let kept = run(&["public-address", "https://consultation.region.example/"]);
    assert!(String::from_utf8_lossy(&kept.stdout).contains("https://consultation.region.example"), "{kept:?}");
    // A bad line names its number and sends nothing; a good file enqueues.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "organisation,email\nA,a@exemple.fr\nB,\n").unwrap();
    let out = run(&["invitations", "send", "--consultation", slug, bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ligne 3"), "{out:?}");
    let out = run(&["invitations", "send", "--consultation", slug, good.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 invitation(s) mise(s) en file d'envoi"), "{out:?}");
    let texts: Vec<String> =
        outbox::table.filter(outbox::topic.eq("invitation")).select(outbox::text_body).load(&mut db.conn()).unwrap();
    assert_eq!(texts.len(), 2);
    assert!(
        texts.iter().all(|t| t.contains("https://consultation.region.example/questionnaire/invitation/")),
        "links lead to the installation: {texts:?}"
    );
    let remind = run(&["invitations", "remind", "--consultation", slug, "--interval-hours", "0"]);
    assert!(!remind.status.success(), "an interval of at least an hour");
}

/// A one-shot command ends with its own exit code, not a signal: on PostgreSQL the pool may
/// still be opening a TLS connection in the background when the command returns, and
/// OpenSSL's exit handler used to free its tables under that thread (SIGSEGV about once in
/// 70 runs on a loaded machine). A race, so many runs; each one that crashes fails the test.
#[test]
fn one_shot_commands_exit_cleanly_while_the_pool_is_still_connecting() {
    use std::os::unix::process::ExitStatusExt;
    let db = TestDb::new();
    for run in 0..80 {
        let out = essaim(&db).args(["user", "list"]).output().unwrap();
        assert_eq!(out.status.signal(), None, "run {run} died of a signal");
        assert!(out.status.success(), "run {run}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn user_add_limits_an_account_to_its_consultations_or_creates_nothing() {
    let db = TestDb::new();
    assert!(essaim(&db).args(["seed", "demo"]).output().unwrap().status.success());
    let mut cmd = essaim(&db);
    cmd.args([
        "user",
        "add",
        "--email",
        "a@region.fr",
        "--role",
        "staff",
        "--password-stdin",
        "--consultation",
        "inconnue",
    ]);
    let out = run_with_stdin(cmd, "une longue phrase de passe\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("consultation « inconnue » introuvable : aucun compte créé"));
    let none: i64 =
        accounts::table.filter(accounts::email.eq("a@region.fr")).count().get_result(&mut db.conn()).unwrap();
    assert_eq!(none, 0);
    let mut cmd = essaim(&db);
    cmd.args([
        "user",
        "add",
        "--email",
        "a@region.fr",
        "--role",
        "staff",
        "--password-stdin",
        "--consultation",
        "ess-pays-de-la-loire-2016",
    ]);
    let out = run_with_stdin(cmd, "une longue phrase de passe\n");
    assert!(String::from_utf8_lossy(&out.stdout).contains("— ess-pays-de-la-loire-2016"), "{out:?}");
    let account = essaim_core::domain::find_account_by_email(&mut db.conn(), "a@region.fr").unwrap().unwrap();
    let limits = essaim_core::domain::scope::limits_of(&mut db.conn(), &account).unwrap().expect("limited");
    assert_eq!(limits.len(), 1);
}

#[test]
fn publication_publish_and_withdraw_from_the_command_line_in_french() {
    use essaim_core::domain::publication::{current_publication, latest_publication};
    use essaim_core::schema::orientations;
    let db = TestDb::new();
    let (consultation, themes) = essaim_core::testing::demo(&mut db.conn());
    let run = |args: &[&str]| {
        let out = essaim(&db).env("ESSAIM_BASE_URL", "https://essaim.exemple.fr").args(args).output().unwrap();
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let slug = essaim_core::demo::DEMO_SLUG;
    let (ok, _, err) = run(&["publication", "publish", "--consultation", slug]);
    assert!(!ok);
    assert!(err.contains("Aucune orientation à publier"), "{err}");
    let (ok, _, err) = run(&["publication", "publish", "--consultation", "inconnue"]);
    assert!(!ok && err.contains("consultation « inconnue » introuvable"), "{err}");

    let at = essaim_core::clock::now();
    diesel::insert_into(orientations::table)
        .values(essaim_core::domain::Orientation {
            id: essaim_core::db::Id::new(),
            consultation_id: consultation,
            theme_id: themes[0].id,
            run_id: None,
            title: "Une orientation".into(),
            body: String::new(),
            key_phrases: "[]".into(),
            body_proposed: false,
            stances: String::new(),
            quotes: "[]".into(),
            origin: essaim_core::domain::OrientationOrigin::Manual,
            status: essaim_core::domain::OrientationStatus::Draft,
            created_at: at,
            updated_at: at,
        })
        .execute(&mut db.conn())
        .unwrap();
    let (ok, out, err) = run(&["publication", "publish", "--consultation", slug]);
    assert!(ok, "{err}");
    assert!(out.contains("Stratégie publiée : version 1 (1 orientation(s)). Première publication."), "{out}");
    assert_eq!(current_publication(&mut db.conn(), consultation).unwrap().map(|p| p.version), Some(1));
    let (ok, out, err) = run(&["publication", "withdraw", "--consultation", slug]);
    assert!(ok, "{err}");
    assert!(out.contains("Stratégie retirée"), "{out}");
    assert!(current_publication(&mut db.conn(), consultation).unwrap().is_none());
    assert!(latest_publication(&mut db.conn(), consultation).unwrap().unwrap().is_withdrawn());
    let (ok, _, err) = run(&["publication", "withdraw", "--consultation", slug]);
    assert!(!ok && err.contains("Aucune stratégie publiée à retirer"), "{err}");
    let help = essaim(&db).args(["publication", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("Publie les orientations"));
}

#[test]
fn purge_dry_run_counts_what_would_go_and_writes_nothing() {
    let db = TestDb::new();
    essaim_core::demo::seed_demo(&mut db.conn(), &[]).unwrap();
    let slug = essaim_core::demo::DEMO_SLUG;
    let retention = essaim(&db).args(["consultation", "retention", slug, "-3"]).output().unwrap();
    assert!(!retention.status.success(), "a negative duration is refused");
    let retention = essaim(&db).args(["consultation", "retention", slug, "30"]).output().unwrap();
    assert!(retention.status.success(), "{}", String::from_utf8_lossy(&retention.stderr));
    assert!(String::from_utf8_lossy(&retention.stdout).contains("30 jours"));
    let dry = essaim(&db).args(["purge", "--consultation", slug, "--dry-run"]).output().unwrap();
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    let out = String::from_utf8_lossy(&dry.stdout);
    assert!(
        out.contains("Seraient purgés") && out.contains("adresses e-mail : 0") && out.contains("--dry-run"),
        "{out}"
    );
    let unknown = essaim(&db).args(["purge", "--consultation", "inconnue", "--dry-run"]).output().unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("inconnue"));
}
