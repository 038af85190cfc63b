//! The team's figures (« Suivi pour l'équipe »), on the backend named by
//! `ESSAIM_TEST_DATABASE_URL`: every figure recomputed from the CSV export must be the page's
//! (LimeSurvey #17720 and #19647 had wrong statistics), with and without a filter, and across
//! several pages of streamed responses.

use essaim_contributions::demo::seed_questionnaire;
use essaim_contributions::questionnaire::answers::{parse_number, Answers};
use essaim_contributions::questionnaire::definition::OTHER;
use essaim_contributions::questionnaire::export::{seed_submitted, ResponsesExport};
use essaim_contributions::questionnaire::invitations::{invitations_of, invite, parse_invitees};
use essaim_contributions::questionnaire::responses::{
    open_invitation, save_section, start_public, submit, InvitationState, Saved, SubmitContext,
};
use essaim_contributions::questionnaire::results::{
    median, percent, results_for, Figures, Results, ResultsFilter, NO_DEPARTEMENT,
};
use essaim_contributions::questionnaire::store::questionnaire_of;
use essaim_core::db::{DbConnection, Id};
use essaim_core::demo::DEMO_SLUG;
use essaim_core::domain::LegalFamily;
use essaim_core::testing::{demo, TestDb};

type Page = Vec<(&'static str, &'static str)>;

fn setup() -> (TestDb, Id, Id) {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, _) = demo(&mut conn);
    seed_questionnaire(&mut conn, consultation).unwrap();
    let questionnaire = questionnaire_of(&mut conn, consultation).unwrap().unwrap().id;
    drop(conn);
    (db, consultation, questionnaire)
}

/// Answers of the demo questionnaire, page by page, varied with the arguments.
#[allow(clippy::too_many_arguments)]
fn pages(
    departement: &'static str,
    famille: &'static str,
    role: &'static str,
    relation: &'static str,
    projet: &'static str,
    besoin: &'static str,
    effectif: &'static str,
    ranks: [&'static str; 4],
    dla: &'static str,
) -> Vec<Page> {
    let mut identity = vec![
        ("identite.nom", "Une structure <b>&amp;</b>"),
        ("identite.famille", famille),
        ("identite.departement", departement),
        ("role", role),
    ];
    if role == OTHER {
        identity.push(("role.autre", "Coordinatrice"));
    }
    let mut theme3 = vec![("t3_effectif", effectif)];
    for (field, rank) in [
        "t3_difficultes.recrutement",
        "t3_difficultes.financement",
        "t3_difficultes.formation",
        "t3_difficultes.fidelisation",
    ]
    .into_iter()
    .zip(ranks)
    {
        theme3.push((field, rank));
    }
    vec![
        identity,
        vec![
            ("t1_relation", relation),
            ("t1_interlocuteurs", "region"),
            ("t1_interlocuteurs", if relation == "4" { "etat" } else { "" }),
            ("t1_interlocuteurs", if role == OTHER { "autre" } else { "" }),
            ("t1_interlocuteurs.autre", if role == OTHER { "La Banque des territoires" } else { "" }),
            ("t1_proposition", if relation == "2" { "" } else { "Des conventions pluriannuelles." }),
        ],
        // An answer to « t2_besoin » with « t2_projet » = non is hidden: cleared, never counted.
        vec![("t2_projet", projet), ("t2_besoin", besoin), ("t2_besoin.autre", "Un tiers-lieu")],
        theme3,
        vec![("t4_cooperation", "non"), ("t4_reseaux", "cress"), ("t4_reseaux", "ptce")],
        vec![("t5_visibilite", relation), ("t5_mois", "parfois")],
        vec![
            ("dispositifs.dla", dla),
            ("dispositifs.dasess", "connu"),
            ("dispositifs.fonds_conseil", "inconnu"),
            ("dispositifs.innovation_sociale", "connu"),
            ("dispositifs.finance_solidaire", "inconnu"),
            ("dispositifs.contrat_impact", "inconnu"),
            ("dispositifs.iae", "non_concerne"),
        ],
    ]
}

fn answers(fields: &[(&str, &str)]) -> Answers {
    Answers::from_pairs(fields)
}

/// Fills a draft page by page and submits it.
fn fill_and_submit(conn: &mut DbConnection, response: Id, mut revision: i32, pages: &[Page]) {
    for (section, fields) in pages.iter().enumerate() {
        match save_section(conn, response, section, &answers(fields), revision).unwrap() {
            Saved::Saved(saved) => revision = saved.revision,
            other => panic!("page {section} not saved: {other:?}"),
        }
    }
    let submitted = submit(
        conn,
        response,
        &SubmitContext {
            base_url: "http://localhost",
            requester: &essaim_core::mail::limits::Requester("test".into()),
        },
    )
    .unwrap();
    assert!(submitted.is_ok(), "refused: {submitted:?}");
}

fn respond(conn: &mut DbConnection, questionnaire: Id, pages: &[Page]) {
    let response = start_public(conn, questionnaire).unwrap();
    fill_and_submit(conn, response.id, response.revision, pages);
}

/// Parsed CSV export: header then rows.
fn export_rows(conn: &mut DbConnection) -> Vec<Vec<String>> {
    let export = ResponsesExport::for_consultation(conn, DEMO_SLUG).unwrap();
    let mut bytes = Vec::new();
    export.write_csv(conn, &mut bytes).unwrap();
    let text = String::from_utf8(bytes).unwrap();
    let text = text.strip_prefix('\u{feff}').unwrap().to_owned();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

/// The CSV, as an analyst reads it: the rows kept by a filter, cells by bracketed identifier.
struct Sheet {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Sheet {
    fn new(mut all: Vec<Vec<String>>, filter: &ResultsFilter) -> Sheet {
        let header = all.remove(0);
        assert_eq!(header[3], "Département (code)");
        assert_eq!(header[4], "Famille juridique");
        let rows = all
            .into_iter()
            .filter(|r| match filter.departement.as_deref() {
                None => true,
                // « Hors région » is no territory of the consultation: a blank code.
                Some(NO_DEPARTEMENT) => r[3].is_empty(),
                Some(code) => r[3] == code,
            })
            .filter(|r| filter.famille.is_none_or(|f| r[4] == f.label()))
            .collect();
        Sheet { header, rows }
    }

    fn column(&self, id: &str) -> Option<usize> {
        let marker = format!("[{id}]");
        self.header.iter().position(|h| h.ends_with(&marker))
    }

    fn cells(&self, id: &str) -> Vec<&str> {
        let at = self.column(id).unwrap_or_else(|| panic!("no column [{id}]"));
        self.rows.iter().map(|r| r[at].as_str()).collect()
    }

    fn count(&self, id: &str, value: &str) -> usize {
        self.cells(id).iter().filter(|c| **c == value).count()
    }

    fn non_blank(&self, id: &str) -> usize {
        self.cells(id).iter().filter(|c| !c.is_empty()).count()
    }

    fn any_filled(&self, ids: &[String], value: Option<&str>) -> usize {
        let columns: Vec<usize> = ids.iter().map(|id| self.column(id).expect("column")).collect();
        self.rows.iter().filter(|r| columns.iter().any(|c| value.map_or(!r[*c].is_empty(), |v| r[*c] == v))).count()
    }
}

fn close(a: Option<f64>, b: Option<f64>, what: &str) {
    match (a, b) {
        (Some(a), Some(b)) => assert!((a - b).abs() < 1e-9, "{what}: {a} ≠ {b}"),
        (a, b) => assert_eq!(a, b, "{what}"),
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Asserts that every figure of the page equals the one recomputed from the CSV.
fn assert_equals_the_csv(results: &Results, sheet: &Sheet) {
    let p = &results.participation;
    assert_eq!(p.submitted, sheet.rows.len(), "submitted responses");
    for (code, _, n) in &p.by_departement {
        let expected =
            sheet.rows.iter().filter(|r| if code == NO_DEPARTEMENT { r[3].is_empty() } else { r[3] == *code }).count();
        assert_eq!(*n, expected, "département {code}");
    }
    let by_family: usize = p.by_family.iter().map(|f| f.2).sum();
    assert_eq!(by_family, sheet.rows.len());
    for (code, label, n) in &p.by_family {
        let expected =
            sheet.rows.iter().filter(|r| if code.is_empty() { r[4].is_empty() } else { r[4] == *label }).count();
        assert_eq!(*n, expected, "famille {label}");
    }
    for q in &results.questions {
        let id = q.id.as_str();
        // Shown: the only condition of the demo is « t2_besoin » when « t2_projet » is « Oui ».
        let shown = if id == "t2_besoin" { sheet.count("t2_projet", "Oui") } else { sheet.rows.len() };
        assert_eq!(q.shown, shown, "{id}: shown");
        match &q.figures {
            Figures::Text => assert_eq!(q.answered, sheet.non_blank(id), "{id}: answered"),
            Figures::Choices { multiple: false, options } => {
                assert_eq!(q.answered, sheet.non_blank(id), "{id}: answered");
                for o in options {
                    let expected = sheet.count(id, &o.label);
                    assert_eq!(o.count, expected, "{id}: {}", o.value);
                    assert_eq!(percent(o.count, q.answered), percent(expected, sheet.non_blank(id)));
                }
                assert_eq!(options.iter().map(|o| o.count).sum::<usize>(), q.answered, "{id}: one option each");
            }
            Figures::Choices { multiple: true, options } => {
                let ids: Vec<String> = options.iter().map(|o| format!("{id}={}", o.value)).collect();
                assert_eq!(q.answered, sheet.any_filled(&ids, Some("Oui")), "{id}: answered");
                for (o, column) in options.iter().zip(&ids) {
                    assert_eq!(o.count, sheet.count(column, "Oui"), "{column}");
                }
            }
            Figures::Scale { counts, .. } => {
                assert_eq!(q.answered, sheet.non_blank(id));
                for (k, n) in counts.iter().enumerate() {
                    assert_eq!(*n, sheet.count(id, &(k + 1).to_string()), "{id}: {}", k + 1);
                }
                let values: Vec<f64> = sheet.cells(id).iter().filter_map(|c| c.parse::<f64>().ok()).collect();
                close(q.figures.mean(), mean(&values), id);
            }
            Figures::Number { values } => {
                assert_eq!(q.answered, sheet.non_blank(id));
                let mut from_csv: Vec<f64> = sheet.cells(id).iter().filter_map(|c| parse_number(c)).collect();
                from_csv.sort_by(f64::total_cmp);
                assert_eq!(values.len(), from_csv.len(), "{id}: count");
                close(q.figures.mean(), mean(&from_csv), id);
                close(q.figures.median(), median(&from_csv), id);
            }
            Figures::Ranking { options } => {
                let ids: Vec<String> = options.iter().map(|o| format!("{id}.{}", o.value)).collect();
                assert_eq!(q.answered, sheet.any_filled(&ids, None), "{id}: answered");
                for (o, column) in options.iter().zip(&ids) {
                    let ranks: Vec<f64> = sheet.cells(column).iter().filter_map(|c| c.parse().ok()).collect();
                    assert_eq!(o.ranked, ranks.len(), "{column}");
                    close(o.mean_rank(), mean(&ranks), column);
                }
            }
            Figures::Grid { columns, rows } => {
                let ids: Vec<String> = rows.iter().map(|r| format!("{id}.{}", r.value)).collect();
                assert_eq!(q.answered, sheet.any_filled(&ids, None), "{id}: answered");
                for (row, column) in rows.iter().zip(&ids) {
                    for ((_, label), n) in columns.iter().zip(&row.counts) {
                        assert_eq!(*n, sheet.count(column, label), "{column}: {label}");
                    }
                }
            }
        }
    }
}

fn filter(departement: Option<&str>, famille: Option<&str>) -> ResultsFilter {
    ResultsFilter::parse(departement, famille)
}

#[test]
fn every_figure_equals_the_one_recomputed_from_the_csv_export_with_and_without_filters() {
    let (db, consultation, questionnaire) = setup();
    let mut conn = db.conn();
    // Three invitations: two in Loire-Atlantique, one without département.
    let list =
        "organisation;email;territory\nLes Écossolies;a@exemple.fr;44\nCRESS;b@exemple.fr;44\nIRESA;c@exemple.fr;\n";
    let invitees = parse_invitees(&mut conn, consultation, list).unwrap().unwrap();
    invite(&mut conn, questionnaire, "Questionnaire", &invitees, "http://localhost", None).unwrap();
    let first = invitations_of(&mut conn, questionnaire).unwrap()[0].id;
    let InvitationState::Response(invited) = open_invitation(&mut conn, first).unwrap() else { panic!("a draft") };
    let r = ["1", "2", "3", "4"];
    fill_and_submit(
        &mut conn,
        invited.id,
        invited.revision,
        &pages("44", "association", OTHER, "4", "oui", "financement", "3", r, "utilise"),
    );
    let other_ranks = ["2", "1", "4", "3"];
    respond(
        &mut conn,
        questionnaire,
        &pages("44", "cooperative", "dirigeant", "5", "non", "locaux", "2,5", other_ranks, "connu"),
    );
    respond(
        &mut conn,
        questionnaire,
        &pages("49", "association", "elu", "2", "oui", OTHER, "10", ["1", "3", "2", "4"], "utilise"),
    );
    respond(&mut conn, questionnaire, &pages("autre", "mutuelle", OTHER, "4", "oui", "locaux", "", [""; 4], "inconnu"));
    respond(&mut conn, questionnaire, &pages("44", "association", "salarie", "1", "non", "", "0", r, "utilise"));
    // A draft: counted as started, never in the figures.
    let draft = start_public(&mut conn, questionnaire).unwrap();
    let first_page = pages("53", "fondation", "elu", "3", "", "", "", r, "").remove(0);
    save_section(&mut conn, draft.id, 0, &answers(&first_page), 0).unwrap();

    let rows = export_rows(&mut conn);
    let all = results_for(&mut conn, DEMO_SLUG, &ResultsFilter::default()).unwrap().unwrap();
    assert_equals_the_csv(&all, &Sheet::new(rows.clone(), &ResultsFilter::default()));

    // Figures known by hand, so that the comparison is not of two equal mistakes.
    let p = &all.participation;
    assert_eq!((p.submitted, p.submitted_all, p.drafts), (5, 5, 1));
    assert_eq!(p.completion_rate(), Some(5.0 * 100.0 / 6.0));
    let i = p.invitations;
    assert_eq!((i.invited, i.sent, i.opened, i.submitted), (3, 3, 1, 1));
    let besoin = all.questions.iter().find(|q| q.id == "t2_besoin").unwrap();
    assert_eq!((besoin.shown, besoin.answered), (3, 3), "the hidden answer of a « non » is not counted");
    let Figures::Choices { options, .. } = &besoin.figures else { panic!("choices") };
    let counts: Vec<(&str, usize)> = options.iter().map(|o| (o.value.as_str(), o.count)).collect();
    assert_eq!(counts, [("financement", 1), ("accompagnement", 0), ("locaux", 1), ("partenaires", 0), ("autre", 1)]);
    let role = all.questions.iter().find(|q| q.id == "role").unwrap();
    let Figures::Choices { options, .. } = &role.figures else { panic!("choices") };
    assert_eq!(options.last().map(|o| (o.label.as_str(), o.count)), Some(("Autre", 2)), "« Autre » counted");
    let effectif = all.questions.iter().find(|q| q.id == "t3_effectif").unwrap();
    assert_eq!(effectif.answered, 4);
    assert_eq!(effectif.figures.mean(), Some((3.0 + 2.5 + 10.0 + 0.0) / 4.0));
    assert_eq!(effectif.figures.median(), Some(2.75));
    let relation = all.questions.iter().find(|q| q.id == "t1_relation").unwrap();
    assert_eq!(relation.figures.mean(), Some((4 + 5 + 2 + 4 + 1) as f64 / 5.0));
    let texts = all.questions.iter().find(|q| q.id == "t1_proposition").unwrap();
    assert_eq!((texts.shown, texts.answered), (5, 4));
    let ranking = all.questions.iter().find(|q| q.id == "t3_difficultes").unwrap();
    let Figures::Ranking { options } = &ranking.figures else { panic!("ranking") };
    assert_eq!(ranking.answered, 4);
    assert_eq!(options[0].mean_rank(), Some((1 + 2 + 1 + 1) as f64 / 4.0));
    assert!(all.questions.iter().all(|q| q.id != "identite"), "the identity block is in the coverage");

    // Coverage: Loire-Atlantique invited 2 (1 answered), answered by 2 associations, 1 coop.
    let loire = &all.coverage.rows[0];
    assert_eq!((loire.code.as_str(), loire.invited, loire.invited_answered, loire.total()), ("44", 2, 1, 3));
    let column = |f: LegalFamily| all.coverage.families.iter().position(|c| c.0 == f.as_str()).unwrap();
    assert_eq!(loire.answered[column(LegalFamily::Association)], 2);
    assert_eq!(loire.answered[column(LegalFamily::Cooperative)], 1);
    assert_eq!(loire.answered[column(LegalFamily::Fondation)], 0);
    let outside = all.coverage.rows.last().unwrap();
    assert_eq!((outside.code.as_str(), outside.invited, outside.total()), (NO_DEPARTEMENT, 1, 1));
    let mayenne = all.coverage.rows.iter().find(|r| r.code == "53").unwrap();
    assert_eq!(mayenne.total(), 0, "the draft of Mayenne is no answer");

    for f in [
        filter(Some("44"), None),
        filter(None, Some("association")),
        filter(Some("44"), Some("association")),
        filter(Some(NO_DEPARTEMENT), None),
        filter(Some("85"), None),
    ] {
        let filtered = results_for(&mut conn, DEMO_SLUG, &f).unwrap().unwrap();
        assert_equals_the_csv(&filtered, &Sheet::new(rows.clone(), &f));
        assert_eq!(filtered.participation.drafts, 1, "drafts are counted for the whole questionnaire");
    }
    let loire_associations =
        results_for(&mut conn, DEMO_SLUG, &filter(Some("44"), Some("association"))).unwrap().unwrap();
    assert_eq!(loire_associations.participation.submitted, 2);
    assert_eq!(loire_associations.coverage.rows.len(), 1);
    let loire_only = results_for(&mut conn, DEMO_SLUG, &filter(Some("44"), None)).unwrap().unwrap();
    assert_eq!(loire_only.participation.invitations.invited, 2, "the département filter applies to invitations");
    let associations = results_for(&mut conn, DEMO_SLUG, &filter(None, Some("association"))).unwrap().unwrap();
    assert_eq!(associations.participation.submitted, 3);
    // An unknown code filters everything out rather than nothing.
    let nowhere = results_for(&mut conn, DEMO_SLUG, &filter(Some("99"), None)).unwrap().unwrap();
    assert_eq!(nowhere.participation.submitted, 0);
    assert!(nowhere.questions.iter().all(|q| q.shown == 0));
}

#[test]
fn thousands_of_responses_streamed_by_pages_give_the_figures_of_the_csv() {
    let (db, _, _) = setup();
    let mut conn = db.conn();
    // More than two pages of responses, every kind of answer, every département and family.
    seed_submitted(&mut conn, DEMO_SLUG, 2_345).unwrap();
    let rows = export_rows(&mut conn);
    assert_eq!(rows.len(), 2_346);
    for f in [ResultsFilter::default(), filter(Some("49"), None), filter(Some(NO_DEPARTEMENT), Some("mutuelle"))] {
        let results = results_for(&mut conn, DEMO_SLUG, &f).unwrap().unwrap();
        assert_equals_the_csv(&results, &Sheet::new(rows.clone(), &f));
    }
    let results = results_for(&mut conn, DEMO_SLUG, &ResultsFilter::default()).unwrap().unwrap();
    assert_eq!(results.participation.submitted, 2_345);
    assert_eq!(results.participation.completion_rate(), Some(100.0));
}
