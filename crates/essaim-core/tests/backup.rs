//! Backup and restore: round trips on each backend and across them, a snapshot taken while
//! contributions keep arriving, and every refusal (non-empty target, truncated, altered,
//! newer archive) leaving the target untouched.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use diesel::prelude::*;
use essaim_core::backup::{self, BackupError};
use essaim_core::db::{DbConnection, Id};
use essaim_core::schema::{consultation_looks, contributions, throttle_hits};
use essaim_core::testing::{self, TestDb};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

/// The demo, 2,500 contributions (three pages of the backup's reads), a logo (bytes), a
/// contribution marked duplicate of a later one (a row pointing forward in its own table) and
/// throttle rows (a primary key of text and instant).
fn fill(db: &TestDb) {
    let mut conn = db.conn();
    let (consultation, themes) = testing::demo(&mut conn);
    testing::record_many(&mut conn, consultation, themes[0].id, 2500, |i| {
        format!("Proposition « n° {i} »\nsur deux lignes")
    });
    let first = testing::record(&mut conn, testing::contribution(consultation, themes[1].id, "la première"));
    let last = testing::record(&mut conn, testing::contribution(consultation, themes[1].id, "la dernière"));
    diesel::update(contributions::table.find(first.id))
        .set(contributions::duplicate_of.eq(Some(last.id)))
        .execute(&mut *conn)
        .expect("duplicate of a later one");
    diesel::insert_into(consultation_looks::table)
        .values((
            consultation_looks::consultation_id.eq(consultation),
            consultation_looks::accent_colour.eq(None::<String>),
            consultation_looks::logo.eq(Some(vec![0u8, 1, 2, 254, 255, 137, 80, 78, 71])),
            consultation_looks::logo_alt.eq("Logo"),
            consultation_looks::updated_at.eq(essaim_core::clock::now()),
        ))
        .execute(&mut *conn)
        .expect("look");
    for key in ["a", "b"] {
        diesel::insert_into(throttle_hits::table)
            .values((
                throttle_hits::key.eq(key),
                throttle_hits::window_start.eq(essaim_core::clock::now()),
                throttle_hits::count.eq(3),
            ))
            .execute(&mut *conn)
            .expect("throttle");
    }
}

fn archive_of(conn: &mut DbConnection) -> Vec<u8> {
    let mut out = Vec::new();
    backup::backup_to_writer(conn, &mut out).expect("backup");
    out
}

fn lines_of(archive: &[u8]) -> Vec<String> {
    let mut text = String::new();
    GzDecoder::new(archive).read_to_string(&mut text).expect("gzip");
    text.lines().map(str::to_owned).collect()
}

/// The rows of every table, as the archive writes them: the header (time, backend) and the
/// trailer (its checksum covers the header) aside.
fn rows_of(archive: &[u8]) -> Vec<String> {
    let lines = lines_of(archive);
    lines[1..lines.len() - 1].to_vec()
}

fn gzip(lines: &[String]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::fast());
    for line in lines {
        encoder.write_all(line.as_bytes()).expect("write");
        encoder.write_all(b"\n").expect("write");
    }
    encoder.finish().expect("gzip")
}

fn restore(target: &TestDb, archive: &[u8]) -> Result<backup::RestoreReport, BackupError> {
    backup::restore_reader(&mut target.conn(), "cible", archive)
}

fn total_rows(db: &TestDb) -> u64 {
    let mut conn = db.conn();
    let tables = backup::database_tables(&mut conn).expect("tables");
    tables
        .iter()
        .map(|t| {
            #[derive(QueryableByName)]
            struct N {
                #[diesel(sql_type = diesel::sql_types::BigInt)]
                n: i64,
            }
            let n: N =
                diesel::sql_query(format!("SELECT COUNT(*) AS n FROM \"{t}\"")).get_result(&mut *conn).expect("count");
            n.n as u64
        })
        .sum()
}

#[test]
fn the_backup_covers_exactly_the_tables_the_migrations_create() {
    let db = TestDb::new();
    let in_database = backup::database_tables(&mut db.conn()).expect("tables");
    let in_schema: Vec<String> = backup::spec::tables().expect("schema").iter().map(|t| t.name.clone()).collect();
    assert_eq!(in_database, in_schema, "a table of the migrations is missing from schema.rs, or the reverse");
}

#[test]
fn a_round_trip_on_the_same_backend_keeps_every_row() {
    let source = TestDb::new();
    fill(&source);
    let archive = archive_of(&mut source.conn());
    let target = TestDb::new();
    let report = restore(&target, &archive).expect("restore");
    let contributions = report.tables.iter().find(|t| t.table == "contributions").expect("contributions");
    assert_eq!(contributions.rows as i64, count_contributions(&mut source.conn()));
    assert!(contributions.rows > 2500);
    assert_eq!(rows_of(&archive_of(&mut target.conn())), rows_of(&archive), "every table's rows, unchanged");
    assert!(lines_of(&archive)[0].contains("\"format\":\"essaim-backup\""));
}

#[test]
fn sqlite_to_the_test_backend_and_back_keeps_every_row() {
    // With ESSAIM_TEST_DATABASE_URL naming PostgreSQL: SQLite → PostgreSQL → SQLite, which
    // is both ways; without it, SQLite three times.
    let sqlite = TestDb::sqlite();
    fill(&sqlite);
    let first = archive_of(&mut sqlite.conn());
    let other = TestDb::new();
    restore(&other, &first).expect("into the other backend");
    let second = archive_of(&mut other.conn());
    let back = TestDb::sqlite();
    restore(&back, &second).expect("back into SQLite");
    assert_eq!(rows_of(&second), rows_of(&first));
    assert_eq!(rows_of(&archive_of(&mut back.conn())), rows_of(&first));
    // The restored SQLite base works as the original: the same contribution reads the same.
    let body: String = contributions::table
        .filter(contributions::body.like("la première"))
        .select(contributions::body)
        .first(&mut *back.conn())
        .expect("read back");
    assert_eq!(body, "la première");
}

/// A backup taken while another thread keeps recording contributions, from `source` into
/// `target`: the archive restores (every link holds, every count matches its header).
fn backup_under_load(source: TestDb, target: TestDb) {
    fill(&source);
    let before = count_contributions(&mut source.conn()) as u64;
    let source = Arc::new(source);
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (source, stop) = (source.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut conn = source.conn();
            let (consultation, themes) = testing::demo(&mut conn);
            let mut written = 0u64;
            while !stop.load(Ordering::Relaxed) {
                testing::record(
                    &mut conn,
                    testing::contribution(consultation, themes[2].id, &format!("pendant {written}")),
                );
                written += 1;
            }
            // One more once the backup is over: a write the snapshot cannot hold.
            testing::record(&mut conn, testing::contribution(consultation, themes[2].id, "après"));
            written + 1
        })
    };
    // The backup starts once writes are under way, whatever the machine's speed.
    while (count_contributions(&mut source.conn()) as u64) < before + 20 {
        std::thread::yield_now();
    }
    let archive = archive_of(&mut source.conn());
    stop.store(true, Ordering::Relaxed);
    let written = writer.join().expect("writer");
    let report = restore(&target, &archive).expect("restore under load");
    let saved = report.tables.iter().find(|t| t.table == "contributions").expect("contributions").rows;
    assert_eq!(count_contributions(&mut target.conn()) as u64, saved);
    assert!(
        saved >= before + 20 && saved < before + written,
        "a snapshot between the first and the last write: {saved}"
    );
    // Each contribution written during the backup is wholly in or wholly out (its follow-up
    // rows with it): the restored base answers like the source for the saved ones.
    assert_eq!(rows_of(&archive_of(&mut target.conn())), rows_of(&archive));
}

fn count_contributions(conn: &mut DbConnection) -> i64 {
    contributions::table.count().get_result(conn).expect("count")
}

#[test]
fn a_backup_under_write_load_from_sqlite_restores_into_the_test_backend() {
    backup_under_load(TestDb::sqlite(), TestDb::new());
}

#[test]
fn a_backup_under_write_load_from_the_test_backend_restores_into_sqlite() {
    backup_under_load(TestDb::new(), TestDb::sqlite());
}

#[test]
fn a_non_empty_target_is_refused_and_left_as_it_was() {
    let source = TestDb::new();
    fill(&source);
    let archive = archive_of(&mut source.conn());
    let target = TestDb::new();
    testing::demo(&mut target.conn());
    let before = total_rows(&target);
    let error = restore(&target, &archive).expect_err("refused");
    assert!(matches!(error, BackupError::NotEmpty { .. }), "{error}");
    assert!(error.to_string().contains("n'est pas vide"), "{error}");
    assert_eq!(total_rows(&target), before);
}

#[test]
fn a_truncated_archive_is_refused_and_nothing_is_written() {
    let source = TestDb::new();
    fill(&source);
    let archive = archive_of(&mut source.conn());
    let target = TestDb::new();
    // Cut in the compressed bytes, then cut at a line: both are truncations.
    let error = restore(&target, &archive[..archive.len() * 2 / 3]).expect_err("refused");
    assert!(matches!(error, BackupError::Corrupt(_)), "{error}");
    let lines = lines_of(&archive);
    let error = restore(&target, &gzip(&lines[..lines.len() - 40])).expect_err("refused");
    assert!(error.to_string().contains("tronquée"), "{error}");
    let error = restore(&target, &gzip(&lines[..lines.len() - 1])).expect_err("refused");
    assert!(error.to_string().contains("tronquée"), "{error}");
    assert_eq!(total_rows(&target), 0, "nothing half-written");
}

#[test]
fn one_altered_byte_is_refused_and_nothing_is_written() {
    let source = TestDb::new();
    fill(&source);
    let archive = archive_of(&mut source.conn());
    let target = TestDb::new();
    // In the text, compressed again: a valid gzip whose content the checksum refuses.
    let mut lines = lines_of(&archive);
    let line = lines.iter().position(|l| l.contains("la dernière")).expect("row");
    lines[line] = lines[line].replacen("la dernière", "la derniére", 1);
    let error = restore(&target, &gzip(&lines)).expect_err("refused");
    assert!(error.to_string().contains("SHA-256"), "{error}");
    // In the compressed bytes: gzip's own check refuses it.
    let mut altered = archive.clone();
    let middle = altered.len() / 2;
    altered[middle] ^= 0x01;
    let error = restore(&target, &altered).expect_err("refused");
    assert!(matches!(error, BackupError::Corrupt(_)), "{error}");
    assert_eq!(total_rows(&target), 0, "nothing half-written");
}

#[test]
fn an_archive_of_a_newer_format_or_schema_is_refused_naming_both_versions() {
    let source = TestDb::new();
    fill(&source);
    let archive = archive_of(&mut source.conn());
    let target = TestDb::new();
    let lines = lines_of(&archive);

    let mut newer_format = lines.clone();
    newer_format[0] = newer_format[0].replacen("\"format_version\":1", "\"format_version\":7", 1);
    let error = restore(&target, &gzip(&newer_format)).expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("format 7") && message.contains("format 1"), "{message}");

    let binary = essaim_core::db::latest_schema_version();
    let mut newer_schema = lines.clone();
    newer_schema[0] = newer_schema[0].replacen(&binary, "99991231000001", 1);
    let error = restore(&target, &gzip(&newer_schema)).expect_err("refused");
    let message = error.to_string();
    assert!(message.contains("99991231000001") && message.contains(&binary), "{message}");
    assert!(message.contains("plus récent"), "{message}");
    assert_eq!(total_rows(&target), 0);
}

#[test]
fn an_unknown_table_stops_the_backup_by_name() {
    let db = TestDb::new();
    diesel::sql_query("CREATE TABLE personne_ne_la_connait (id TEXT PRIMARY KEY)")
        .execute(&mut *db.conn())
        .expect("create");
    let mut out = Vec::new();
    let error = backup::backup_to_writer(&mut db.conn(), &mut out).expect_err("refused");
    assert!(error.to_string().contains("personne_ne_la_connait"), "{error}");
}

#[test]
fn a_backup_file_appears_complete_and_private() {
    let db = TestDb::new();
    fill(&db);
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("essaim.backup.gz");
    let report = backup::backup_to_file(&mut db.conn(), &path).expect("backup");
    assert!(report.bytes > 0);
    assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1, "no partial file left");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
    }
    let target = TestDb::new();
    backup::restore_file(&mut target.conn(), "cible", &path).expect("restore");
    let _ = Id::new();
}

/// The schema the "older Essaim" of the next test writes archives in.
const OLDER: &str = "20261207000012";

/// The migrations this binary has after [`OLDER`], read from the repository's migrations.
fn migrations_after_older() -> usize {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations/sqlite");
    std::fs::read_dir(dir)
        .expect("migrations")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.replace('-', "").split('_').next().is_some_and(|v| v > OLDER))
        .count()
}

/// The archive as an older Essaim, at schema [`OLDER`], would have written it: header, rows and
/// trailer, with only the tables and columns a database migrated up to [`OLDER`] has (read from
/// such a database, so the test follows every later migration by itself). A table that older
/// schema lacks must be empty here: its rows would have nowhere to go.
fn as_older_schema(archive: &[u8]) -> Vec<u8> {
    use serde_json::Value;
    use sha2::{Digest, Sha256};
    let old = TestDb::unmigrated();
    let mut conn = old.conn();
    essaim_core::db::run_migrations_up_to(&mut conn, OLDER, "ancienne").expect("older schema");
    let mut shape = std::collections::HashMap::new();
    for table in backup::database_tables(&mut conn).expect("tables") {
        let columns = backup::database_columns(&mut conn, &table).expect("columns");
        shape.insert(table, columns);
    }
    let lines = lines_of(archive);
    let mut out = Vec::new();
    let mut header: Value = serde_json::from_str(&lines[0]).expect("header");
    header["schema_version"] = Value::from(OLDER);
    let tables = header["tables"].as_array_mut().expect("tables");
    for table in tables.iter() {
        let name = table["name"].as_str().expect("name");
        if !shape.contains_key(name) {
            assert_eq!(table["rows"].as_u64(), Some(0), "{name} is newer than {OLDER} and holds rows");
        }
    }
    tables.retain(|t| shape.contains_key(t["name"].as_str().expect("name")));
    for table in tables.iter_mut() {
        let known = &shape[table["name"].as_str().expect("name")];
        table["columns"].as_array_mut().expect("columns").retain(|c| known.iter().any(|k| c["name"] == k.as_str()));
    }
    out.push(header.to_string());
    let mut current: Option<String> = None;
    for line in &lines[1..lines.len() - 1] {
        let mut value: Value = serde_json::from_str(line).expect("line");
        let object = value.as_object_mut().expect("object");
        if object.len() == 2 && object.contains_key("table") && object.contains_key("rows") {
            current = object["table"].as_str().map(str::to_owned);
            if !current.as_ref().is_some_and(|t| shape.contains_key(t)) {
                continue;
            }
        } else {
            let Some(known) = current.as_ref().and_then(|t| shape.get(t)) else { continue };
            object.retain(|column, _| known.iter().any(|k| k == column));
        }
        out.push(value.to_string());
    }
    let mut hash = Sha256::new();
    for line in &out {
        hash.update(line.as_bytes());
        hash.update(b"\n");
    }
    let lines_before = out.len();
    out.push(serde_json::json!({"sha256": hex::encode(hash.finalize()), "lines": lines_before}).to_string());
    gzip(&out)
}

#[test]
fn an_archive_of_an_older_schema_is_restored_then_migrated_forward() {
    let source = TestDb::new();
    fill(&source);
    let older = as_older_schema(&archive_of(&mut source.conn()));

    let target = TestDb::unmigrated();
    let report = restore(&target, &older).expect("older archive restored");
    assert_eq!(report.schema_version, OLDER);
    assert_eq!(report.later_migrations, migrations_after_older(), "this binary's newer migrations ran over the rows");
    let restored = rows_of(&archive_of(&mut target.conn()));
    assert_eq!(restored, rows_of(&archive_of(&mut source.conn())), "every row, with the new column's default");

    // A target already migrated past the archive is refused, untouched.
    let ahead = TestDb::new();
    let error = restore(&ahead, &older).expect_err("refused");
    let message = error.to_string();
    assert!(message.contains(OLDER) && message.contains("déjà au schéma"), "{message}");
    assert_eq!(total_rows(&ahead), 0);
}
