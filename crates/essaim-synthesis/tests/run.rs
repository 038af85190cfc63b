//! A run over the database: reproducible, and the same on SQLite and PostgreSQL.

use essaim_core::demo::{seed_demo, DEMO_SLUG};
use essaim_core::testing::TestDb;
use essaim_synthesis::export::{write_exports, Format};
use essaim_synthesis::pipeline::Params;
use essaim_synthesis::run::{synthesize, RunError};

fn json_of(db: &TestDb) -> String {
    let output = synthesize(&mut db.conn(), DEMO_SLUG, None, &Params::default()).unwrap();
    serde_json::to_string_pretty(&output.document).unwrap()
}

#[test]
fn the_same_contributions_give_byte_identical_json_on_any_backend() {
    // The backend under test (PostgreSQL when ESSAIM_TEST_DATABASE_URL says so) against SQLite:
    // different databases, different internal ids, the same document.
    let tested = TestDb::new();
    let reference = TestDb::sqlite();
    seed_demo(&mut tested.conn(), &[]).unwrap();
    seed_demo(&mut reference.conn(), &[]).unwrap();
    let first = json_of(&tested);
    assert_eq!(first, json_of(&tested), "two runs on the same database");
    assert_eq!(first, json_of(&reference), "{} and SQLite agree", tested.url.backend().as_str());
}

#[test]
fn a_run_records_its_parameters_input_hash_and_version_and_traces_every_contribution() {
    let db = TestDb::new();
    seed_demo(&mut db.conn(), &[]).unwrap();
    let output = synthesize(&mut db.conn(), DEMO_SLUG, None, &Params::default()).unwrap();
    let document = &output.document;
    assert_eq!(document.run.software_version, essaim_core::VERSION);
    assert_eq!(document.run.input_sha256.len(), 64);
    assert_eq!(document.run.parameters, Params::default());
    assert_eq!(document.themes.len(), 5);
    let traced: usize = document
        .themes
        .iter()
        .map(|t| t.orientations.iter().map(|o| o.contributions.len()).sum::<usize>() + t.not_grouped.len())
        .sum();
    assert_eq!(traced, 57, "every demo contribution is in one orientation or not grouped");
    let ras = document.themes[4].not_grouped.iter().find(|n| n.reason == "no_content").expect("the RAS answer");
    assert!(ras.reference.starts_with("demo-"));

    let dir = tempfile::tempdir().unwrap();
    let written = write_exports(document, &output.inputs, &[Format::Json, Format::Csv], dir.path()).unwrap();
    assert_eq!(written.len(), 2);
    let json = std::fs::read_to_string(dir.path().join("synthesis.json")).unwrap();
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    let orientation = &value["themes"][0]["orientations"][0];
    for field in ["title", "key_phrases", "quotes", "contributions", "support"] {
        assert!(orientation.get(field).is_some(), "{field}");
    }
    assert!(orientation["quotes"][0].get("ref").is_some());
    let csv = std::fs::read_to_string(dir.path().join("contributions.csv")).unwrap();
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.lines().count(), 58, "a header and one line per contribution");
}

#[test]
fn unknown_consultation_or_theme_and_impossible_groups_are_clear() {
    let db = TestDb::new();
    seed_demo(&mut db.conn(), &[]).unwrap();
    let err = synthesize(&mut db.conn(), "inconnue", None, &Params::default()).err().unwrap();
    assert!(matches!(err, RunError::NotFound(_)));
    let err = synthesize(&mut db.conn(), DEMO_SLUG, Some("Tourisme"), &Params::default()).err().unwrap();
    assert!(err.to_string().contains("Communication et promotion de l'ESS"), "{err}");
    let err =
        synthesize(&mut db.conn(), DEMO_SLUG, None, &Params { groups: Some(40), ..Params::default() }).err().unwrap();
    assert!(err.to_string().contains("40 groupes demandés"), "{err}");
}

#[test]
fn markdown_and_html_exports_carry_orientations_charts_and_both_annexes() {
    let db = TestDb::new();
    seed_demo(&mut db.conn(), &[]).unwrap();
    let mut output = synthesize(&mut db.conn(), DEMO_SLUG, None, &Params::default()).unwrap();
    // A contribution with markup in it must come out as text in every format.
    output.document.themes[0].orientations[0].quotes[0].text = "<script>alert(1)</script> *gras* [lien](x)".into();
    let dir = tempfile::tempdir().unwrap();
    write_exports(&output.document, &output.inputs, &[Format::Markdown, Format::Html], dir.path()).unwrap();

    let md = std::fs::read_to_string(dir.path().join("synthese.md")).unwrap();
    assert!(md.starts_with("# Projet de stratégie — Stratégie régionale de l'ESS — Pays de la Loire 2016"));
    for heading in [
        "## Sommaire",
        "## Comment ce projet a été construit",
        "## Participation",
        "## Thème 5 — Communication et promotion de l'ESS",
        "## Annexe — Méthode technique",
    ] {
        assert!(md.contains(heading), "{heading}");
    }
    assert!(md.contains("\\<script\\>") && md.contains("\\*gras\\*") && md.contains("\\[lien\\]"));
    // References stay in the CSV and the open data, not in the document people read.
    assert!(!md.contains("demo-0"), "no reference in the document");

    let html = std::fs::read_to_string(dir.path().join("synthese.html")).unwrap();
    assert!(html.starts_with("<!doctype html>\n<html lang=\"fr\">"));
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert_eq!(html.matches("<svg").count(), 3, "charts by channel, département and legal family");
    assert!(html.contains("<title>Contributions par canal</title>"));
    assert!(html.contains("@media print"));
    assert!(html.contains(&output.document.run.input_sha256));
}

#[test]
fn the_contributions_read_take_no_more_room_than_they_need() {
    use essaim_core::domain::consultation::{find_consultation, themes_of};
    use essaim_synthesis::run::{load_items, load_items_with_ids};
    let db = TestDb::new();
    seed_demo(&mut db.conn(), &[]).unwrap();
    let mut conn = db.conn();
    let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
    let mut read = 0;
    for theme in themes_of(&mut conn, consultation.id).unwrap() {
        // Collected in place from the rows, whose vector grew by doubling, the items would
        // keep that larger allocation for the whole run (90 MB at 429,112 answers).
        let items = load_items(&mut conn, consultation.id, theme.id).unwrap();
        assert_eq!(items.capacity(), items.len(), "{}", theme.title);
        let with_ids = load_items_with_ids(&mut conn, consultation.id, theme.id).unwrap();
        assert_eq!(with_ids.capacity(), with_ids.len(), "{}", theme.title);
        read += items.len();
    }
    assert!(read > 20, "the demo's contributions were read: {read}");
}

#[test]
fn contributions_are_read_in_the_order_of_their_ids_whatever_the_storage_order() {
    use diesel::prelude::*;
    use essaim_core::db::Id;
    use essaim_core::schema::contributions;
    use essaim_core::testing::{demo, record_many};
    use essaim_synthesis::run::{load_items, load_items_with_ids};
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, themes) = demo(&mut conn);
    let theme = themes[0].id;
    let before: Vec<Id> =
        load_items_with_ids(&mut conn, consultation, theme).unwrap().iter().map(|(id, _)| *id).collect();
    record_many(&mut conn, consultation, theme, 3, |i| format!("Contribution numéro {i}"));
    // The three new rows, stored in the order t-0, t-1, t-2, get ids in the reverse order.
    let mut fresh: Vec<Id> = (0..3).map(|_| Id::new()).collect();
    fresh.sort();
    for (i, id) in fresh.iter().rev().enumerate() {
        diesel::update(contributions::table.filter(contributions::external_ref.eq(format!("t-{i:07}"))))
            .set(contributions::id.eq(*id))
            .execute(&mut conn)
            .unwrap();
    }
    let read = load_items_with_ids(&mut conn, consultation, theme).unwrap();
    let ids: Vec<Id> = read.iter().map(|(id, _)| *id).collect();
    assert!(ids.is_sorted(), "in the order of the ids");
    assert_eq!(ids.len(), before.len() + 3);
    let references: Vec<&str> =
        read.iter().filter(|(id, _)| fresh.contains(id)).map(|(_, item)| item.reference.as_str()).collect();
    assert_eq!(references, ["t-0000002", "t-0000001", "t-0000000"]);
    let items = load_items(&mut conn, consultation, theme).unwrap();
    assert_eq!(items, read.into_iter().map(|(_, item)| item).collect::<Vec<_>>(), "the same items, the same order");
}
