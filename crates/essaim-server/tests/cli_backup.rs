//! `essaim backup` and `essaim restore` as an operator runs them (same style as cli.rs).

use std::process::Command;

use essaim_core::testing::TestDb;

fn essaim(database_url: &str) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_essaim"));
    cmd.env("DATABASE_URL", database_url).env("ESSAIM_LOG", "warn");
    cmd
}

#[test]
fn backup_then_restore_into_a_new_sqlite_file_then_refuse_it_once_full() {
    let source = TestDb::new();
    let out = essaim(&source.url.expose()).args(["seed", "demo"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("essaim.sauvegarde.gz");

    let out = essaim(&source.url.expose()).args(["backup", "--out"]).arg(&archive).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("Archive écrite"), "{stdout}");
    assert!(stdout.contains("consultations"), "{stdout}");

    // A file that does not exist yet: restore creates and migrates it.
    let target = format!("sqlite://{}", dir.path().join("restauree.db").display());
    let out =
        essaim(&source.url.expose()).arg("restore").arg(&archive).args(["--database-url", &target]).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("conformes à l'en-tête"), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.trim_start().starts_with("accounts") && !l.trim_end().ends_with(" 0")),
        "{stdout}"
    );

    let out = essaim(&target).arg("restore").arg(&archive).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("n'est pas vide") && stderr.contains("Rien n'a été écrit"), "{stderr}");

    let out = essaim(&target).args(["restore", "/nulle/part/archive.gz"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("restauration refusée") && stderr.contains("/nulle/part/archive.gz"), "{stderr}");
}

#[test]
fn backup_refuses_a_path_in_a_missing_folder_in_french() {
    let source = TestDb::new();
    let out = essaim(&source.url.expose()).args(["backup", "--out", "/dossier/absent/archive.gz"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("sauvegarde impossible"), "{stderr}");
}
