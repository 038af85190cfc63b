//! The export of submitted responses (CSV and XLSX), on the backend named by
//! `ESSAIM_TEST_DATABASE_URL`: stable columns across versions, one column per option,
//! « Autre » kept with its text, hidden answers blank, formulas defused, XLSX = CSV.

use std::path::Path;

use calamine::{open_workbook, Reader, Xlsx};
use diesel::prelude::*;
use essaim_contributions::demo::{demo_definition, seed_questionnaire};
use essaim_contributions::questionnaire::answers::Answers;
use essaim_contributions::questionnaire::definition::{Choice, Question, QuestionKind};
use essaim_contributions::questionnaire::export::{seed_submitted, ExportError, ExportFormat, ResponsesExport};
use essaim_contributions::questionnaire::responses::{save_section, start_public, submit, Saved, SubmitContext};
use essaim_contributions::questionnaire::store::{publish, questionnaire_of, save_definition};
use essaim_core::db::{DbConnection, Id};
use essaim_core::demo::DEMO_SLUG;
use essaim_core::schema::responses;
use essaim_core::testing::{demo, TestDb};

type Page = Vec<(&'static str, &'static str)>;

/// A database with the demo consultation and its questionnaire (version 1, published).
fn setup() -> (TestDb, Id, Id) {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, _) = demo(&mut conn);
    seed_questionnaire(&mut conn, consultation).unwrap();
    let questionnaire = questionnaire_of(&mut conn, consultation).unwrap().unwrap().id;
    drop(conn);
    (db, consultation, questionnaire)
}

/// The complete answers of each page of the demo questionnaire.
fn demo_pages() -> Vec<Page> {
    vec![
        vec![
            ("identite.nom", "Les Écossolies"),
            ("identite.famille", "association"),
            ("identite.departement", "44"),
            ("identite.effectif", "10-49"),
            ("role", "autre"),
            ("role.autre", "Coordinatrice"),
        ],
        vec![
            ("t1_relation", "4"),
            ("t1_interlocuteurs", "region"),
            ("t1_interlocuteurs", "etat"),
            ("t1_interlocuteurs", "autre"),
            ("t1_interlocuteurs.autre", "La Banque des territoires"),
            ("t1_proposition", "Des conventions pluriannuelles d'objectifs."),
        ],
        vec![("t2_projet", "oui"), ("t2_besoin", "financement"), ("t2_experience", "Une épicerie solidaire à Nantes.")],
        vec![
            ("t3_effectif", "3"),
            ("t3_difficultes.recrutement", "2"),
            ("t3_difficultes.financement", "1"),
            ("t3_difficultes.formation", "4"),
            ("t3_difficultes.fidelisation", "3"),
        ],
        vec![("t4_cooperation", "non"), ("t4_reseaux", "cress"), ("t4_constat", "Le manque de temps des bénévoles.")],
        vec![("t5_visibilite", "2"), ("t5_mois", "parfois"), ("t5_proposition", "Des interventions dans les lycées.")],
        vec![
            ("dispositifs.dla", "utilise"),
            ("dispositifs.dasess", "connu"),
            ("dispositifs.fonds_conseil", "inconnu"),
            ("dispositifs.innovation_sociale", "connu"),
            ("dispositifs.finance_solidaire", "inconnu"),
            ("dispositifs.contrat_impact", "inconnu"),
            ("dispositifs.iae", "non_concerne"),
            ("mot_de_la_fin", "Merci"),
        ],
    ]
}

fn answers(fields: &[(&str, &str)]) -> Answers {
    Answers::from_pairs(fields)
}

/// Starts, fills page by page and submits a public response; returns its id.
fn respond(conn: &mut DbConnection, questionnaire: Id, pages: &[Page]) -> Id {
    let response = start_public(conn, questionnaire).unwrap();
    let mut revision = response.revision;
    for (section, fields) in pages.iter().enumerate() {
        match save_section(conn, response.id, section, &answers(fields), revision).unwrap() {
            Saved::Saved(saved) => revision = saved.revision,
            other => panic!("page {section} not saved: {other:?}"),
        }
    }
    let submitted = submit(
        conn,
        response.id,
        &SubmitContext {
            base_url: "http://localhost",
            requester: &essaim_core::mail::limits::Requester("test".into()),
        },
    )
    .unwrap();
    assert!(submitted.is_ok(), "refused: {submitted:?}");
    response.id
}

/// The demo pages with one page's fields changed.
fn with(page: usize, changes: &[(&'static str, &'static str)]) -> Vec<Page> {
    let mut pages = demo_pages();
    for (field, value) in changes {
        pages[page].retain(|(f, _)| f != field);
        pages[page].push((field, value));
    }
    pages
}

/// Parsed CSV: header then rows.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM for spreadsheets");
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

fn export_csv(conn: &mut DbConnection) -> (Vec<u8>, Vec<Vec<String>>) {
    let export = ResponsesExport::for_consultation(conn, DEMO_SLUG).unwrap();
    let mut bytes = Vec::new();
    export.write_csv(conn, &mut bytes).unwrap();
    let rows = csv_rows(&bytes);
    (bytes, rows)
}

/// The bracketed identifier of each answer column (`role`, `role.autre`, `t1_interlocuteurs=etat`).
fn column_ids(header: &[String]) -> Vec<String> {
    header[5..]
        .iter()
        .map(|h| {
            let start = h.rfind('[').unwrap_or_else(|| panic!("no id in « {h} »"));
            h[start + 1..h.rfind(']').unwrap()].to_owned()
        })
        .collect()
}

/// The cell of `row` under the column whose header holds `[id]`.
fn cell<'a>(rows: &'a [Vec<String>], row: usize, id: &str) -> &'a str {
    let marker = format!("[{id}]");
    let at = rows[0].iter().position(|h| h.ends_with(&marker)).unwrap_or_else(|| panic!("no column {id}"));
    &rows[row][at]
}

/// The row of a response.
fn row_of(rows: &[Vec<String>], response: Id) -> usize {
    rows.iter().position(|r| r[0] == response.to_string()).expect("the response's row")
}

fn choice(value: &str, label: &str) -> Choice {
    Choice { value: value.into(), label: label.into() }
}

/// Version 2 of the demo: « t5_mois » removed, « t5_salon » added after « t5_visibilite »,
/// and « t4_reseaux » loses « aucun » and gains « reseau_local ».
fn publish_version_2(conn: &mut DbConnection, consultation: Id) {
    let mut definition = demo_definition();
    for section in &mut definition.sections {
        section.questions.retain(|q| q.id != "t5_mois");
        if let Some(at) = section.questions.iter().position(|q| q.id == "t5_visibilite") {
            section.questions.insert(
                at + 1,
                Question {
                    id: "t5_salon".into(),
                    label: "Avez-vous tenu un stand au salon régional de l'ESS ?".into(),
                    help: String::new(),
                    required: false,
                    kind: QuestionKind::YesNo,
                    condition: None,
                    contribution: None,
                },
            );
        }
        for question in &mut section.questions {
            if let (true, QuestionKind::MultipleChoice { options, .. }) =
                (question.id == "t4_reseaux", &mut question.kind)
            {
                options.retain(|o| o.value != "aucun");
                options.push(choice("reseau_local", "Un réseau local d'entreprises"));
            }
        }
    }
    save_definition(conn, consultation, &definition, None).unwrap();
    publish(conn, consultation, None).unwrap();
}

fn expected_ids_after_version_2() -> Vec<&'static str> {
    vec![
        "identite.nom",
        "identite.famille",
        "identite.siret",
        "identite.departement",
        "identite.secteur",
        "identite.effectif",
        "role",
        "role.autre",
        "t1_relation",
        "t1_interlocuteurs=region",
        "t1_interlocuteurs=departement",
        "t1_interlocuteurs=intercommunalite",
        "t1_interlocuteurs=etat",
        "t1_interlocuteurs=cdc",
        "t1_interlocuteurs=autre",
        "t1_interlocuteurs.autre",
        "t1_proposition",
        "t2_projet",
        "t2_besoin",
        "t2_besoin.autre",
        "t2_experience",
        "t3_effectif",
        "t3_difficultes.recrutement",
        "t3_difficultes.financement",
        "t3_difficultes.formation",
        "t3_difficultes.fidelisation",
        "t3_proposition",
        "t4_cooperation",
        "t4_reseaux=cress",
        "t4_reseaux=ptce",
        "t4_reseaux=federation",
        "t4_reseaux=reseau_local",
        // An option only version 1 had: after the newest version's options, in its question.
        "t4_reseaux=aucun",
        "t4_constat",
        "t5_visibilite",
        "t5_salon",
        "t5_proposition",
        "dispositifs.dla",
        "dispositifs.dasess",
        "dispositifs.fonds_conseil",
        "dispositifs.innovation_sociale",
        "dispositifs.finance_solidaire",
        "dispositifs.contrat_impact",
        "dispositifs.iae",
        "dispositifs_avis",
        "mot_de_la_fin",
        // A question only version 1 asked: appended.
        "t5_mois",
    ]
}

#[test]
fn columns_follow_the_definition_and_stay_put_across_versions() {
    let (db, consultation, questionnaire) = setup();
    let mut conn = db.conn();
    let first = respond(&mut conn, questionnaire, &with(4, &[("t4_reseaux", "aucun")]));
    let (_, before) = export_csv(&mut conn);
    assert_eq!(before.len(), 2);
    assert_eq!(
        before[0][..5],
        [
            "Identifiant de la réponse",
            "Envoyée le (UTC)",
            "Version du questionnaire",
            "Département (code)",
            "Famille juridique"
        ]
    );
    assert_eq!(before[0][5], "Votre structure — Nom de la structure [identite.nom]");
    assert_eq!(before[0][11], "Vous répondez en tant que… [role]");
    assert_eq!(before[0][12], "Vous répondez en tant que… — Autre (précisez) [role.autre]");

    publish_version_2(&mut conn, consultation);
    let mut v2 = with(5, &[]);
    v2[5] = vec![("t5_visibilite", "5"), ("t5_salon", "oui"), ("t5_proposition", "Un salon chaque année.")];
    v2[4] = vec![("t4_cooperation", "oui"), ("t4_reseaux", "reseau_local"), ("t4_reseaux", "ptce")];
    let second = respond(&mut conn, questionnaire, &v2);

    let (_, rows) = export_csv(&mut conn);
    assert_eq!(rows.len(), 3, "a header and two responses");
    assert_eq!(column_ids(&rows[0]), expected_ids_after_version_2());
    // The columns version 1 had are where they were: the export of before is a prefix, in
    // order, of the export of after (t5_mois moved to the end, new ones inserted).
    let old_ids = column_ids(&before[0]);
    let new_ids = column_ids(&rows[0]);
    let positions: Vec<usize> =
        old_ids.iter().filter(|id| *id != "t5_mois").map(|id| new_ids.iter().position(|n| n == id).unwrap()).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "same relative order: {positions:?}");

    let (r1, r2) = (row_of(&rows, first), row_of(&rows, second));
    assert!(r1 < r2, "in the order of submission");
    assert_eq!(rows[r1][2], "1");
    assert_eq!(rows[r2][2], "2");
    // Version 1's response: its t5_mois answered, the question it was not asked blank.
    assert_eq!(cell(&rows, r1, "t5_mois"), "Parfois");
    assert_eq!(cell(&rows, r1, "t5_salon"), "");
    assert_eq!(cell(&rows, r1, "t4_reseaux=aucun"), "Oui");
    assert_eq!(cell(&rows, r1, "t4_reseaux=reseau_local"), "");
    // Version 2's: the reverse.
    assert_eq!(cell(&rows, r2, "t5_mois"), "");
    assert_eq!(cell(&rows, r2, "t5_salon"), "Oui");
    assert_eq!(cell(&rows, r2, "t4_reseaux=reseau_local"), "Oui");
    assert_eq!(cell(&rows, r2, "t4_reseaux=ptce"), "Oui");
    assert_eq!(cell(&rows, r2, "t4_reseaux=aucun"), "");
    assert_eq!(cell(&rows, r2, "t5_visibilite"), "5");

    // The leading columns.
    assert_eq!(rows[r1][0], first.to_string());
    let at = &rows[r1][1];
    assert!(chrono::NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%SZ").is_ok(), "ISO 8601: {at}");
    assert_eq!(rows[r1][3], "44");
    assert_eq!(rows[r1][4], "Association");
}

#[test]
fn every_kind_has_its_columns_and_autre_keeps_both_the_choice_and_its_text() {
    let (db, _, questionnaire) = setup();
    let mut conn = db.conn();
    let id = respond(&mut conn, questionnaire, &demo_pages());
    let (_, rows) = export_csv(&mut conn);
    let r = row_of(&rows, id);
    // Single choice with « Autre »: the choice and the text, side by side (Decidim #6087).
    assert_eq!(cell(&rows, r, "role"), "Autre");
    assert_eq!(cell(&rows, r, "role.autre"), "Coordinatrice");
    // Multiple choice: one column per option, « Oui » when ticked; « Autre » and its text.
    assert_eq!(cell(&rows, r, "t1_interlocuteurs=region"), "Oui");
    assert_eq!(cell(&rows, r, "t1_interlocuteurs=departement"), "");
    assert_eq!(cell(&rows, r, "t1_interlocuteurs=intercommunalite"), "");
    assert_eq!(cell(&rows, r, "t1_interlocuteurs=etat"), "Oui");
    assert_eq!(cell(&rows, r, "t1_interlocuteurs=cdc"), "");
    assert_eq!(cell(&rows, r, "t1_interlocuteurs=autre"), "Oui");
    assert_eq!(cell(&rows, r, "t1_interlocuteurs.autre"), "La Banque des territoires");
    let header = &rows[0];
    assert!(header.contains(
        &"Avec quelles institutions travaillez-vous régulièrement ? — Conseil régional [t1_interlocuteurs=region]"
            .to_owned()
    ));
    // Single choice without « Autre » chosen: the option's label; its « Autre » text blank.
    assert_eq!(cell(&rows, r, "t2_besoin"), "Un financement (prêt, garantie, fonds propres)");
    assert_eq!(cell(&rows, r, "t2_besoin.autre"), "");
    // Yes/no, scale, number.
    assert_eq!(cell(&rows, r, "t2_projet"), "Oui");
    assert_eq!(cell(&rows, r, "t4_cooperation"), "Non");
    assert_eq!(cell(&rows, r, "t1_relation"), "4");
    assert_eq!(cell(&rows, r, "t3_effectif"), "3");
    // Ranking: each option's rank.
    assert_eq!(cell(&rows, r, "t3_difficultes.recrutement"), "2");
    assert_eq!(cell(&rows, r, "t3_difficultes.financement"), "1");
    assert_eq!(cell(&rows, r, "t3_difficultes.fidelisation"), "3");
    // Grid: each row's chosen column, by its label.
    assert_eq!(cell(&rows, r, "dispositifs.dla"), "J'y ai eu recours");
    assert_eq!(cell(&rows, r, "dispositifs.iae"), "Pas concerné");
    // Organisation: one column per part, labels for the coded ones.
    assert_eq!(cell(&rows, r, "identite.nom"), "Les Écossolies");
    assert_eq!(cell(&rows, r, "identite.famille"), "Association");
    assert_eq!(cell(&rows, r, "identite.siret"), "");
    assert_eq!(
        cell(&rows, r, "identite.departement"),
        "Loire-Atlantique (44)",
        "the consultation's own territory, labelled as everywhere"
    );
    assert_eq!(cell(&rows, r, "identite.effectif"), "10 à 49 salariés");
    // Texts, and an unanswered one blank.
    assert_eq!(cell(&rows, r, "t1_proposition"), "Des conventions pluriannuelles d'objectifs.");
    assert_eq!(cell(&rows, r, "dispositifs_avis"), "");
}

#[test]
fn an_answer_its_condition_hides_exports_blank() {
    let (db, _, questionnaire) = setup();
    let mut conn = db.conn();
    let shown = respond(&mut conn, questionnaire, &demo_pages());
    let hidden = respond(&mut conn, questionnaire, &with(2, &[("t2_projet", "non")]));
    // A stored answer its condition hides (as an older version of the code could have kept,
    // or a hand-made import): the export clears it again.
    let json: String = responses::table.find(hidden).select(responses::answers).first(&mut conn).unwrap();
    let mut stored: serde_json::Value = serde_json::from_str(&json).unwrap();
    stored["answers"]["t2_besoin"] = serde_json::json!(["autre"]);
    stored["answers"]["t2_besoin.autre"] = serde_json::json!(["Un secret qui ne devait pas rester"]);
    diesel::update(responses::table.find(hidden))
        .set(responses::answers.eq(stored.to_string()))
        .execute(&mut conn)
        .unwrap();
    let (bytes, rows) = export_csv(&mut conn);
    let r = row_of(&rows, hidden);
    assert_eq!(cell(&rows, r, "t2_projet"), "Non");
    assert_eq!(cell(&rows, r, "t2_besoin"), "");
    assert_eq!(cell(&rows, r, "t2_besoin.autre"), "");
    assert!(!String::from_utf8_lossy(&bytes).contains("Un secret"));
    assert_eq!(cell(&rows, row_of(&rows, shown), "t2_besoin"), "Un financement (prêt, garantie, fonds propres)");
}

/// Answers that a spreadsheet would run as formulas.
fn hostile_pages() -> Vec<Page> {
    let mut pages =
        with(0, &[("identite.nom", "=HYPERLINK(\"http://evil.example/\";\"Cliquez\")"), ("role.autre", " =1+1")]);
    pages[1].retain(|(f, _)| *f != "t1_proposition" && *f != "t1_interlocuteurs.autre");
    pages[1].push(("t1_proposition", "＝1+1"));
    pages[1].push(("t1_interlocuteurs.autre", "@SUM(A1)"));
    pages[2].retain(|(f, _)| *f != "t2_experience");
    pages[2].push(("t2_experience", "-2+3 et un texte"));
    pages
}

#[test]
fn formulas_are_defused_in_every_cell() {
    let (db, _, questionnaire) = setup();
    let mut conn = db.conn();
    let id = respond(&mut conn, questionnaire, &hostile_pages());
    let (bytes, rows) = export_csv(&mut conn);
    let r = row_of(&rows, id);
    assert_eq!(cell(&rows, r, "identite.nom"), "'=HYPERLINK(\"http://evil.example/\";\"Cliquez\")");
    // The answer was stored trimmed (" =1+1" → "=1+1"): defused either way.
    assert!(cell(&rows, r, "role.autre").starts_with("'"), "{}", cell(&rows, r, "role.autre"));
    assert_eq!(cell(&rows, r, "t1_proposition"), "'＝1+1");
    assert_eq!(cell(&rows, r, "t1_interlocuteurs.autre"), "'@SUM(A1)");
    assert_eq!(cell(&rows, r, "t2_experience"), "'-2+3 et un texte");
    let text = String::from_utf8(bytes).unwrap();
    // Every field quoted: a ";" inside a text can never start a cell.
    assert!(text.contains("\"'=HYPERLINK(\"\"http://evil.example/\"\";\"\"Cliquez\"\")\""), "{text}");
    for row in &rows {
        for value in row {
            let first = value.trim_start().chars().next();
            assert!(!matches!(first, Some('=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠')), "{value:?}");
        }
    }
}

#[test]
fn a_leading_space_before_a_sign_is_defused_too() {
    // " =1+1" as the export sees it (the pages trim answers; an import might not).
    let (db, _, questionnaire) = setup();
    let mut conn = db.conn();
    let id = respond(&mut conn, questionnaire, &demo_pages());
    let json: String = responses::table.find(id).select(responses::answers).first(&mut conn).unwrap();
    let mut stored: serde_json::Value = serde_json::from_str(&json).unwrap();
    stored["answers"]["t1_proposition"] = serde_json::json!([" =1+1"]);
    stored["answers"]["mot_de_la_fin"] = serde_json::json!(["\t=1+1"]);
    diesel::update(responses::table.find(id))
        .set(responses::answers.eq(stored.to_string()))
        .execute(&mut conn)
        .unwrap();
    let (_, rows) = export_csv(&mut conn);
    let r = row_of(&rows, id);
    assert_eq!(cell(&rows, r, "t1_proposition"), "'=1+1", "the answer is read trimmed, then defused");
    assert_eq!(cell(&rows, r, "mot_de_la_fin"), "'=1+1");
}

/// Every cell of the first worksheet, as text.
fn xlsx_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut workbook: Xlsx<_> = open_workbook(path).unwrap();
    let names = workbook.sheet_names().to_vec();
    let range = workbook.worksheet_range(&names[0]).unwrap();
    assert_eq!(range.start(), Some((0, 0)));
    (names, range.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect())
}

#[test]
fn the_xlsx_holds_the_same_cells_as_the_csv() {
    let (db, consultation, questionnaire) = setup();
    let mut conn = db.conn();
    respond(&mut conn, questionnaire, &demo_pages());
    respond(&mut conn, questionnaire, &hostile_pages());
    publish_version_2(&mut conn, consultation);
    let mut v2 = demo_pages();
    v2[5] = vec![("t5_visibilite", "1"), ("t5_salon", "non")];
    respond(&mut conn, questionnaire, &v2);
    seed_submitted(&mut conn, DEMO_SLUG, 40).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let export = ResponsesExport::for_consultation(&mut conn, DEMO_SLUG).unwrap();
    let xlsx = dir.path().join("reponses.xlsx");
    let csv = dir.path().join("reponses.csv");
    assert_eq!(export.save(&mut conn, ExportFormat::Xlsx, &xlsx).unwrap(), 43);
    assert_eq!(export.save(&mut conn, ExportFormat::Csv, &csv).unwrap(), 43);
    let from_csv = csv_rows(&std::fs::read(&csv).unwrap());
    let (sheets, from_xlsx) = xlsx_rows(&xlsx);
    assert_eq!(sheets, ["Réponses"]);
    assert_eq!(from_xlsx.len(), 44);
    assert_eq!(from_xlsx, from_csv);
    assert!(from_xlsx.iter().flatten().any(|c| c == "'=HYPERLINK(\"http://evil.example/\";\"Cliquez\")"));

    #[cfg(unix)]
    for path in [&xlsx, &csv] {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(path).unwrap().permissions().mode() & 0o7777, 0o640, "{}", path.display());
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "no temporary file left behind: {left:?}");
}

#[test]
fn pages_of_responses_lose_and_repeat_none_even_submitted_at_the_same_instant() {
    let (db, _, questionnaire) = setup();
    let mut conn = db.conn();
    assert_eq!(seed_submitted(&mut conn, DEMO_SLUG, 2_345).unwrap(), 2_345);
    // A draft is not exported.
    start_public(&mut conn, questionnaire).unwrap();
    // A third of them submitted at one instant: the page boundary falls inside the tie.
    let ids: Vec<Id> = responses::table
        .filter(responses::submitted_at.is_not_null())
        .order(responses::id.asc())
        .select(responses::id)
        .load(&mut conn)
        .unwrap();
    let instant = chrono::NaiveDate::from_ymd_opt(2020, 1, 6).unwrap().and_hms_opt(9, 0, 0).unwrap();
    diesel::update(responses::table.filter(responses::id.eq_any(&ids[500..1_300])))
        .set(responses::submitted_at.eq(instant))
        .execute(&mut conn)
        .unwrap();
    let (_, rows) = export_csv(&mut conn);
    assert_eq!(rows.len(), 2_346);
    let mut exported: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(&rows[1][1], "2020-01-06T09:00:00Z", "the tied ones were submitted first");
    exported.sort_unstable();
    exported.dedup();
    assert_eq!(exported.len(), 2_345, "each response once");
    let mut expected: Vec<String> = ids.iter().map(Id::to_string).collect();
    expected.sort_unstable();
    assert_eq!(exported, expected.iter().map(String::as_str).collect::<Vec<_>>());
}

#[test]
fn unknown_consultations_and_missing_questionnaires_say_so_in_french() {
    let db = TestDb::new();
    let mut conn = db.conn();
    demo(&mut conn);
    let unknown = ResponsesExport::for_consultation(&mut conn, "nulle-part").err().unwrap();
    assert!(matches!(unknown, ExportError::UnknownConsultation(_)));
    assert_eq!(unknown.to_string(), "la consultation « nulle-part » n'existe pas");
    let none = ResponsesExport::for_consultation(&mut conn, DEMO_SLUG).err().unwrap();
    assert!(matches!(none, ExportError::NoQuestionnaire(_)));
    assert!(none.to_string().contains("n'a pas de questionnaire"), "{none}");
    assert_eq!(ExportFormat::parse("XLSX"), Ok(ExportFormat::Xlsx));
    assert!(ExportFormat::parse("ods").unwrap_err().contains("« ods » inconnu"));
}

#[test]
fn an_export_without_responses_is_its_header() {
    let (db, _, _) = setup();
    let mut conn = db.conn();
    let (_, rows) = export_csv(&mut conn);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].len(), 5 + 45, "the leading columns and the demo's 45 answer columns");
}
