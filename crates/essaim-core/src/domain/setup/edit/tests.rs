use chrono::NaiveDate;
use diesel::prelude::*;

use super::*;
use crate::domain::consultation::{frame_of, legal_families_of, phases_of, territories_of};
use crate::domain::vocab::PhaseKind;
use crate::testing::{contribution, demo, record, TestDb};

fn refusal<T: std::fmt::Debug>(result: CoreResult<T>) -> (String, String) {
    match result {
        Err(CoreError::Validation(errors)) => (errors.0[0].field.clone(), errors.0[0].message.clone()),
        other => panic!("a refusal expected, got {other:?}"),
    }
}

fn version(conn: &mut DbConnection, consultation: Id) -> i32 {
    consultations::table.find(consultation).select(consultations::setup_version).first(conn).unwrap()
}

#[test]
fn the_consultation_fields_change_and_bad_ones_are_refused_naming_the_field() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (id, _) = demo(&mut conn);
    let before = find_consultation_by_id(&mut conn, id).unwrap();
    let fields = ConsultationFields {
        title: "  Stratégie régionale de l'ESS — Bretagne 2027 ".into(),
        region: "Bretagne".into(),
        organisers: "la Région Bretagne et l'État".into(),
        description: "Présentation".into(),
        starts_on: NaiveDate::from_ymd_opt(2027, 3, 1),
        ends_on: NaiveDate::from_ymd_opt(2027, 11, 30),
        retention_until: NaiveDate::from_ymd_opt(2029, 11, 30),
        time_zone: String::new(),
    };
    let after = edit_consultation(&mut conn, id, &fields, None).unwrap();
    assert_eq!(after.title, "Stratégie régionale de l'ESS — Bretagne 2027");
    assert_eq!((after.region.as_str(), after.time_zone.as_str()), ("Bretagne", "Europe/Paris"));
    assert_eq!((after.slug, after.state), (before.slug, before.state), "short id and state stay");

    let backwards = ConsultationFields { ends_on: NaiveDate::from_ymd_opt(2027, 1, 1), ..fields.clone() };
    assert_eq!(refusal(edit_consultation(&mut conn, id, &backwards, None)).0, "consultation.ends_on");
    let no_title = ConsultationFields { title: " ".into(), ..fields.clone() };
    assert_eq!(refusal(edit_consultation(&mut conn, id, &no_title, None)).0, "consultation.title");
    let zone = ConsultationFields { time_zone: "Europe/Quimper".into(), ..fields };
    assert_eq!(refusal(edit_consultation(&mut conn, id, &zone, None)).0, "consultation.time_zone");
    assert_eq!(find_consultation_by_id(&mut conn, id).unwrap().title, after.title, "nothing half-written");
}

#[test]
fn phases_are_replaced_in_order_and_a_phase_ending_before_it_starts_is_refused() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (id, _) = demo(&mut conn);
    let kept = phases_of(&mut conn, id).unwrap();
    let phases = vec![
        PhaseSetup {
            kind: PhaseKind::Questionnaire,
            title: String::new(),
            starts_on: NaiveDate::from_ymd_opt(2027, 3, 1),
            ends_on: NaiveDate::from_ymd_opt(2027, 4, 30),
            location: None,
        },
        PhaseSetup {
            kind: PhaseKind::Conference,
            title: "Conférence régionale".into(),
            starts_on: NaiveDate::from_ymd_opt(2027, 6, 10),
            ends_on: None,
            location: Some(" Rennes ".into()),
        },
    ];
    let written = edit_phases(&mut conn, id, &phases, None).unwrap();
    let read = phases_of(&mut conn, id).unwrap();
    assert_eq!(read, written);
    assert_eq!(read.len(), 2);
    assert_eq!(read[0].title, PhaseKind::Questionnaire.label(), "the kind's name when no title is given");
    assert_eq!(read[1].location.as_deref(), Some("Rennes"));

    let mut backwards = phases.clone();
    backwards[1].ends_on = NaiveDate::from_ymd_opt(2027, 6, 1);
    assert_eq!(refusal(edit_phases(&mut conn, id, &backwards, None)).0, "phases[1].ends_on");
    assert_eq!(phases_of(&mut conn, id).unwrap(), read, "nothing half-written");
    assert_ne!(read, kept);
}

#[test]
fn a_renamed_theme_keeps_its_contributions_and_the_frame_follows_at_once() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (id, themes) = demo(&mut conn);
    let said = record(&mut conn, contribution(id, themes[0].id, "Une idée"));
    let frame = frame_of(&mut conn, id).unwrap();
    let version_before = version(&mut conn, id);
    let renamed = ThemeSetup { title: "Coopérer sur les territoires".into(), description: "Comment ?".into() };
    let theme = edit_theme(&mut conn, id, themes[0].id, &renamed, None).unwrap();
    assert_eq!((theme.id, theme.title.as_str()), (themes[0].id, "Coopérer sur les territoires"));
    let still: Option<Id> =
        contributions::table.find(said.id).select(contributions::theme_id).first(&mut conn).unwrap();
    assert_eq!(still, Some(themes[0].id), "the contribution stays with its theme");
    assert_eq!(version(&mut conn, id), version_before + 1);
    let read_again = frame_of(&mut conn, id).unwrap();
    assert_eq!(read_again.themes[0].title, "Coopérer sur les territoires");
    assert_eq!(frame.themes[0].title, themes[0].title, "the kept frame was the old one");

    let twice = ThemeSetup { title: themes[1].title.to_uppercase(), description: String::new() };
    let (field, message) = refusal(edit_theme(&mut conn, id, themes[0].id, &twice, None));
    assert_eq!(field, "themes[0].title");
    assert!(message.contains("deux fois"), "{message}");
}

#[test]
fn themes_are_added_moved_and_only_an_empty_one_is_deleted() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (id, themes) = demo(&mut conn);
    record(&mut conn, contribution(id, themes[0].id, "Une idée"));
    let added = add_theme(
        &mut conn,
        id,
        &ThemeSetup { title: "Transition écologique".into(), description: String::new() },
        None,
    )
    .unwrap();
    assert_eq!(added.position as usize, themes.len() + 1);

    move_theme(&mut conn, id, added.id, true, None).unwrap();
    let order: Vec<Id> = themes_of(&mut conn, id).unwrap().iter().map(|t| t.id).collect();
    assert_eq!(order[themes.len() - 1], added.id, "one place up");
    assert_eq!(order[themes.len()], themes[themes.len() - 1].id);
    move_theme(&mut conn, id, themes[0].id, true, None).unwrap();
    assert_eq!(themes_of(&mut conn, id).unwrap()[0].id, themes[0].id, "the first stays first");

    let (field, message) = refusal(delete_theme(&mut conn, id, themes[0].id, None));
    assert_eq!(field, "themes[0]");
    assert!(message.contains(" contributions.") && message.contains("Renommez-le"), "{message}");
    delete_theme(&mut conn, id, added.id, None).unwrap();
    let left = themes_of(&mut conn, id).unwrap();
    assert_eq!(left.len(), themes.len());
    assert_eq!(left.iter().map(|t| t.position).collect::<Vec<_>>(), (1..=themes.len() as i32).collect::<Vec<_>>());

    // Twelve at most.
    for n in left.len()..12 {
        add_theme(&mut conn, id, &ThemeSetup { title: format!("Thème {n}"), description: String::new() }, None)
            .unwrap();
    }
    let (field, _) =
        refusal(add_theme(&mut conn, id, &ThemeSetup { title: "Un de trop".into(), description: String::new() }, None));
    assert_eq!(field, "themes");
}

#[test]
fn territories_and_legal_families_are_replaced_and_checked() {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (id, _) = demo(&mut conn);
    let official = |code: &str| TerritorySetup { code: code.into(), name: None };
    let chosen = vec![
        official("22"),
        official("29"),
        official("35"),
        official("56"),
        TerritorySetup { code: "PAYS-BREST".into(), name: Some("Pays de Brest".into()) },
    ];
    edit_territories(&mut conn, id, &chosen, None).unwrap();
    let codes: Vec<String> = territories_of(&mut conn, id).unwrap().into_iter().map(|t| t.code).collect();
    assert_eq!(codes, ["22", "29", "35", "56", "PAYS-BREST"]);
    assert_eq!(frame_of(&mut conn, id).unwrap().territories.len(), 5);

    let (field, message) = refusal(edit_territories(&mut conn, id, &[official("22"), official("99")], None));
    assert_eq!(field, "territories[1]");
    assert!(message.contains("« 99 »"), "{message}");
    assert_eq!(refusal(edit_territories(&mut conn, id, &[], None)).0, "territories");
    assert_eq!(territories_of(&mut conn, id).unwrap().len(), 5, "nothing half-written");

    edit_legal_families(&mut conn, id, &[LegalFamily::Cooperative, LegalFamily::Association], None).unwrap();
    assert_eq!(legal_families_of(&mut conn, id).unwrap(), [LegalFamily::Cooperative, LegalFamily::Association]);
    assert_eq!(refusal(edit_legal_families(&mut conn, id, &[], None)).0, "legal_families");
}
