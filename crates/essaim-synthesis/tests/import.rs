//! Import on the backend named by `ESSAIM_TEST_DATABASE_URL`: all or nothing, idempotent.

use diesel::prelude::*;
use essaim_core::demo::{seed_demo, DEMO_SLUG};
use essaim_core::schema::{contributions, themes};
use essaim_core::testing::TestDb;
use essaim_synthesis::import::{import_contributions, ImportError, ImportOptions};

fn options(slug: &str, new: Option<&str>) -> ImportOptions {
    ImportOptions { new_consultation: new.map(str::to_owned), ..ImportOptions::new(slug) }
}

fn write(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Contributions imported by the test (the demo brings its own, referenced `demo-…`).
fn count(db: &TestDb) -> i64 {
    contributions::table
        .filter(contributions::external_ref.not_like("demo-%"))
        .count()
        .get_result(&mut db.conn())
        .unwrap()
}

#[test]
fn a_csv_is_imported_once_even_if_imported_twice() {
    let db = TestDb::new();
    seed_demo(&mut db.conn(), &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,theme,text,kind,territory,source\n\
        q-1,Soutien et développement de l'emploi,Des groupements d'employeurs associatifs,proposition,44,web\n\
        q-2,Communication et promotion de l’ESS,Faire connaître l'ESS aux jeunes,constat,Sarthe,web\n";
    let path = write(&dir, "reponses.csv", csv.as_bytes());
    let mut steps = Vec::new();
    let report =
        import_contributions(&mut db.conn(), &path, &options(DEMO_SLUG, None), &mut |p| steps.push(p)).unwrap();
    assert_eq!(report.imported, 2);
    assert_eq!(report.ignored_columns, ["source"]);
    assert_eq!(report.encoding, "UTF-8");
    assert!(!steps.is_empty());
    assert_eq!(count(&db), 2);

    let again = import_contributions(&mut db.conn(), &path, &options(DEMO_SLUG, None), &mut |_| {}).unwrap();
    assert_eq!((again.imported, again.already_present), (0, 2));
    assert_eq!(count(&db), 2);
    let refs: Vec<Option<String>> = contributions::table
        .filter(contributions::external_ref.not_like("demo-%"))
        .order(contributions::external_ref)
        .select(contributions::external_ref)
        .load(&mut db.conn())
        .unwrap();
    assert_eq!(refs, [Some("q-1".to_owned()), Some("q-2".to_owned())]);
}

#[test]
fn one_bad_line_writes_nothing_and_names_the_line() {
    let db = TestDb::new();
    seed_demo(&mut db.conn(), &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let csv = "id,theme,text\n\
        a,Soutien et développement de l'emploi,Bon\n\
        b,Thème qui n'existe pas,Texte\n\
        c,Soutien et développement de l'emploi,\n";
    let path = write(&dir, "x.csv", csv.as_bytes());
    let Err(ImportError::Lines { errors, .. }) =
        import_contributions(&mut db.conn(), &path, &options(DEMO_SLUG, None), &mut |_| {})
    else {
        panic!("refused")
    };
    assert_eq!(errors[0].line, 3);
    assert!(errors[0].reason.contains("thème inconnu « Thème qui n'existe pas »"));
    assert_eq!(errors[1].line, 4);
    assert!(errors[1].reason.contains("texte vide"));
    assert!(errors.last().unwrap().reason.contains("Communication et promotion de l'ESS"), "known themes listed");
    assert_eq!(count(&db), 0, "nothing half-written");
}

#[test]
fn a_new_consultation_takes_the_themes_of_the_file_and_windows_1252_is_converted() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let csv =
        b"id;theme;text\n1;Fiscalit\xe9;Baisser la TVA\n2;D\xe9mocratie;Le r\xe9f\xe9rendum\n3;Fiscalit\xe9;Non\n";
    let path = write(&dir, "gd.csv", csv);
    let report =
        import_contributions(&mut db.conn(), &path, &options("grand-debat", Some("Grand débat")), &mut |_| {}).unwrap();
    assert!(report.encoding.starts_with("Windows-1252"));
    assert_eq!(report.themes_created, ["Fiscalité", "Démocratie"]);
    assert_eq!(report.imported, 3);
    let titles: Vec<String> = themes::table.order(themes::position).select(themes::title).load(&mut db.conn()).unwrap();
    assert_eq!(titles, ["Fiscalité", "Démocratie"]);
    let Err(ImportError::Consultation(message)) =
        import_contributions(&mut db.conn(), &path, &options("grand-debat", Some("Grand débat")), &mut |_| {})
    else {
        panic!("second creation refused")
    };
    assert!(message.contains("existe déjà"));
}

#[test]
fn json_lines_gzip_and_clear_refusals() {
    let db = TestDb::new();
    seed_demo(&mut db.conn(), &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let jsonl = "{\"id\": \"j1\", \"theme\": \"Un mode d'entreprendre à essaimer et développer\", \"text\": \"Essaimer les SCIC\", \"channel\": \"treasure_hunt\"}\n";
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, jsonl.as_bytes()).unwrap();
    let path = write(&dir, "stands.jsonl.gz", &gz.finish().unwrap());
    assert_eq!(
        import_contributions(&mut db.conn(), &path, &options(DEMO_SLUG, None), &mut |_| {}).unwrap().imported,
        1
    );

    let missing = write(&dir, "m.csv", b"id,theme\n1,x\n");
    let Err(ImportError::Format(message)) =
        import_contributions(&mut db.conn(), &missing, &options(DEMO_SLUG, None), &mut |_| {})
    else {
        panic!("missing column refused")
    };
    assert!(message.contains("text"));
    let Err(ImportError::Consultation(message)) =
        import_contributions(&mut db.conn(), &path, &options("inconnue", None), &mut |_| {})
    else {
        panic!("unknown consultation refused")
    };
    assert!(message.contains("--new-consultation"));
    let empty = write(&dir, "e.csv", b"id,theme,text\n");
    assert!(matches!(
        import_contributions(&mut db.conn(), &empty, &options(DEMO_SLUG, None), &mut |_| {}),
        Err(ImportError::Format(_))
    ));
    assert_eq!(count(&db), 1);
}

/// `lines` answers of the Grand Débat's shape, ids `r-1`…, over two themes.
fn answers(lines: usize) -> String {
    let mut csv = String::from("id,theme,text\n");
    for i in 1..=lines {
        csv.push_str(&format!("r-{i},{},Réponse numéro {i}\n", ["Fiscalité", "Démocratie"][i % 2]));
    }
    csv
}

#[test]
fn a_bad_line_after_batches_were_written_keeps_nothing_and_is_named() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    // Line 4,502 (the 4,501st answer) has no text: two batches of 2,000 are written before it.
    let mut csv = answers(6_000);
    let at = csv.find("r-4501,").unwrap();
    let end = at + csv[at..].find('\n').unwrap();
    csv.replace_range(at..end, "r-4501,Fiscalité,");
    // And an id met again far below the first: the ids of written batches are remembered.
    csv.push_str("r-7,Fiscalité,Encore\n");
    let path = write(&dir, "grand.csv", csv.as_bytes());
    let Err(ImportError::Lines { errors, refused }) =
        import_contributions(&mut db.conn(), &path, &options("grand-debat", Some("Grand débat")), &mut |_| {})
    else {
        panic!("refused")
    };
    assert_eq!(refused, 2);
    assert_eq!((errors[0].line, errors[0].reason.as_str()), (4_502, "texte vide"));
    assert_eq!(errors[1].line, 6_002);
    assert!(errors[1].reason.contains("« r-7 » déjà présent plus haut"), "{}", errors[1].reason);
    let stored: i64 = contributions::table.count().get_result(&mut db.conn()).unwrap();
    let themes: i64 = themes::table.count().get_result(&mut db.conn()).unwrap();
    assert_eq!((stored, themes), (0, 0), "no contribution, consultation or theme kept");
}

#[test]
fn a_large_file_imported_again_is_found_already_present_batch_by_batch() {
    let db = TestDb::new();
    let dir = tempfile::tempdir().unwrap();
    let csv = answers(5_000);
    let path = write(&dir, "grand.csv", csv.as_bytes());
    let mut steps = Vec::new();
    let first = import_contributions(&mut db.conn(), &path, &options("grand-debat", Some("Grand débat")), &mut |p| {
        steps.push(p)
    })
    .unwrap();
    assert_eq!((first.imported, first.themes_created.len()), (5_000, 2));
    assert_eq!(steps.last().map(|p| (p.lines, p.read, p.size)), Some((5_000, steps[0].size, steps[0].size)));
    assert!(steps.len() >= 3, "progress after each batch: {steps:?}");
    let again = import_contributions(&mut db.conn(), &path, &options("grand-debat", None), &mut |_| {}).unwrap();
    assert_eq!((again.imported, again.already_present), (0, 5_000));
    use sha2::Digest;
    assert_eq!(first.file_sha256, hex::encode(sha2::Sha256::digest(csv.as_bytes())), "the file's digest");
}
