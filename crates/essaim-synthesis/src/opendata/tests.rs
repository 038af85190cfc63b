use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::contribution::Author;
use essaim_core::domain::publication::{PublishedOrientation, PublishedTheme, Snapshot};
use essaim_core::testing::{contribution, demo, record, TestDb};

use super::tables::accepted_contributions;
use super::*;

#[test]
fn contributions_are_scrubbed_and_name_an_organisation_only_when_it_speaks() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, themes) = demo(&mut conn);
    let theme = themes[0].id;
    let person = record(
        &mut conn,
        contribution(consultation, theme, "Moi, Jeanne Quintard, je propose un fonds ; appelez le 06 12 34 56 78.")
            .author(Author::Person("Jeanne Quintard".into())),
    );
    let organisation = record(
        &mut conn,
        contribution(consultation, theme, "Mutualiser les locaux.")
            .author(Author::NamedOrganisation("Coopérative Idéal".into())),
    );
    let consultation = find_consultation(&mut conn, essaim_core::demo::DEMO_SLUG).unwrap();
    let accepted = accepted_contributions(&mut conn, &consultation).unwrap();
    let table = contributions_table(&consultation, &accepted);
    let json = table.json();
    let row = |id: essaim_core::db::Id| {
        json.as_array().unwrap().iter().find(|r| r["id"] == id.to_string().as_str()).cloned().expect("row")
    };
    let said = row(person.id);
    let text = said["text"].as_str().unwrap();
    assert!(!text.contains("Quintard") && !text.contains("06 12"), "{text}");
    assert!(text.contains("[nom masqué]") && text.contains("[téléphone masqué]"), "{text}");
    assert!(said["organisation"].is_null(), "a person is never named");
    assert_eq!(row(organisation.id)["organisation"], "Coopérative Idéal");
    assert_eq!(said["channel"], "import");
    assert_eq!(said["theme_position"], 1);
    // No column holds an author's name.
    assert!(!String::from_utf8(table.csv()).unwrap().contains("Quintard"));
}

#[test]
fn every_table_has_one_cell_per_field_and_keys_that_point_inside_the_package() {
    let id = essaim_core::db::Id::new();
    let snapshot = Snapshot {
        consultation_title: "C".into(),
        organisers: String::new(),
        themes: vec![PublishedTheme {
            id: essaim_core::db::Id::new(),
            position: 1,
            title: "Thème".into(),
            orientations: vec![PublishedOrientation {
                id,
                title: "O".into(),
                text: "T".into(),
                verdict: None,
                votes: None,
                amendments: vec!["Un amendement".into()],
                support: Default::default(),
                quotes: vec![],
                contributions: vec![essaim_core::db::Id::new()],
            }],
        }],
    };
    let publication = essaim_core::domain::publication::Publication {
        id: essaim_core::db::Id::new(),
        consultation_id: essaim_core::db::Id::new(),
        version: 2,
        published_at: essaim_core::clock::now(),
        published_by: None,
        withdrawn_at: None,
        withdrawn_by: None,
        snapshot_json: String::new(),
        changes_json: String::new(),
    };
    let tables = [
        orientations_table(&publication, &snapshot),
        links_table(&snapshot, &[]),
        votes_table(&snapshot),
        commitments_table(&snapshot, &Default::default()),
    ];
    for t in &tables {
        for row in &t.rows {
            assert_eq!(row.len(), t.fields.len(), "{}", t.name);
        }
        for key in &t.foreign_keys {
            assert!([ORIENTATIONS, CONTRIBUTIONS].contains(&key.resource), "{}", t.name);
        }
    }
    assert_eq!(tables[0].rows.len(), 1);
    assert_eq!(tables[0].json()[0]["version"], 2);
    // A contribution no longer accepted is not linked (it is not in the contributions table).
    assert!(tables[1].rows.is_empty());
    assert!(tables[2].rows.is_empty(), "no vote, no row");
}
