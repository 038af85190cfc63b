//! The LimeSurvey import against real exports (LimeSurvey 6, in tests/fixtures/limesurvey),
//! a LimeSurvey 3 fixture, hostile texts and broken files.

use std::time::{Duration, Instant};

use essaim_contributions::questionnaire::definition::{
    Choice, Condition, Definition, Question, QuestionKind, MAX_LABEL_CHARS, MAX_QUESTIONS,
};
use essaim_contributions::questionnaire::limesurvey::{import_lss, ImportReport, LssError};

const ANSWERS_LSS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/limesurvey/answers.lss"));
const SURVEY_LSS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/limesurvey/survey.lss"));
const GROUP_LSG: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/limesurvey/group.lsg"));
const QUESTION_LSQ: &str =
    include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/limesurvey/free_text.lsq"));
const LIMESURVEY3_LSS: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/limesurvey3.lss"));

fn choices(pairs: &[(&str, &str)]) -> Vec<Choice> {
    pairs.iter().map(|(value, label)| Choice { value: (*value).into(), label: (*label).into() }).collect()
}

fn question<'a>(report: &'a ImportReport, id: &str) -> &'a Question {
    report.definition.question(id).unwrap_or_else(|| panic!("question {id} missing"))
}

fn ids(report: &ImportReport) -> Vec<&str> {
    report.definition.questions().map(|(_, q)| q.id.as_str()).collect()
}

fn imported(xml: &str) -> ImportReport {
    import_lss(xml).unwrap_or_else(|e| panic!("import failed: {e}"))
}

fn not_lss(xml: &str) -> String {
    match import_lss(xml) {
        Err(e @ LssError::NotLss(_)) => e.to_string(),
        other => panic!("expected NotLss, got {other:?}"),
    }
}

// ----- A small LimeSurvey 3 document builder, for the edge cases -----

fn row(cells: &[(&str, &str)]) -> String {
    let cells: String = cells.iter().map(|(k, v)| format!("<{k}><![CDATA[{v}]]></{k}>")).collect();
    format!("<row>{cells}</row>")
}

fn table(name: &str, rows: &[String]) -> String {
    format!("<{name}><fields><fieldname>x</fieldname></fields><rows>{}</rows></{name}>", rows.concat())
}

/// A 3.x question row in French.
fn q3(qid: &str, kind: &str, code: &str, text: &str, relevance: &str) -> String {
    row(&[
        ("qid", qid),
        ("parent_qid", "0"),
        ("gid", "1"),
        ("type", kind),
        ("title", code),
        ("question", text),
        ("help", ""),
        ("other", "N"),
        ("mandatory", "N"),
        ("question_order", qid),
        ("language", "fr"),
        ("scale_id", "0"),
        ("relevance", relevance),
    ])
}

fn answer3(qid: &str, code: &str, text: &str, order: &str) -> String {
    row(&[("qid", qid), ("code", code), ("answer", text), ("sortorder", order), ("language", "fr"), ("scale_id", "0")])
}

/// A LimeSurvey 3 survey with one group holding `questions`, plus other tables.
fn survey3(questions: &[String], other_tables: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<document><LimeSurveyDocType>Survey</LimeSurveyDocType>\
         <DBVersion>366</DBVersion><languages><language>fr</language></languages>{}{}{}{}{}</document>",
        table("groups", &[row(&[("gid", "1"), ("group_name", "Groupe"), ("group_order", "0"), ("language", "fr")])]),
        table("questions", questions),
        other_tables,
        table("surveys", &[row(&[("sid", "1"), ("language", "fr"), ("anonymized", "N")])]),
        table("surveys_languagesettings", &[row(&[("surveyls_language", "fr"), ("surveyls_title", "Essai")])]),
    )
}

// ----- The LimeSurvey 6 samples -----

#[test]
fn answers_sample_gives_a_multiple_choice_and_a_grid() {
    let report = imported(ANSWERS_LSS);
    assert_eq!(report.taken, 2);
    assert!(report.skipped.is_empty());
    let definition = &report.definition;
    assert_eq!(definition.title, "Survey with Question Answers");
    assert_eq!(definition.introduction, "");
    // `anonymized` is `I` (inherited): not anonymous, and said so.
    assert!(!definition.anonymous);
    assert_eq!(report.warnings.len(), 1);
    assert!(report.warnings[0].contains("anonymat"), "{:?}", report.warnings);
    assert_eq!(definition.sections.len(), 1);
    let section = &definition.sections[0];
    assert_eq!((section.id.as_str(), section.title.as_str()), ("g119", "Group One"));
    assert_eq!(section.description, "The first question group");
    assert_eq!(ids(&report), ["Q01", "Q02"]);

    let q1 = question(&report, "Q01");
    assert_eq!(q1.label, "This is the first question");
    assert!(!q1.required && q1.condition.is_none());
    assert_eq!(
        q1.kind,
        QuestionKind::MultipleChoice {
            options: choices(&[("SQ001", "First option"), ("SQ002", "Second option"), ("SQ003", "Third option")]),
            other: false,
        }
    );
    let q2 = question(&report, "Q02");
    assert_eq!(q2.label, "This is the second question");
    assert_eq!(
        q2.kind,
        QuestionKind::Grid {
            rows: choices(&[
                ("SQ001", "Color"),
                ("SQ002", "Milkiness"),
                ("SQ003", "Creaminess"),
                ("SQ004", "Mouthfeel"),
                ("SQ005", "Aftertaste"),
            ]),
            columns: choices(&[
                ("AO01", "Too much"),
                ("AO02", "More than I like"),
                ("AO03", "Just Right"),
                ("AO04", "Less than I like"),
                ("AO05", "Too little"),
            ]),
        }
    );
    definition.check().unwrap();
}

#[test]
fn survey_sample_skips_the_file_upload() {
    let report = imported(SURVEY_LSS);
    assert_eq!(report.taken, 3);
    assert_eq!(report.skipped.len(), 1);
    let skipped = &report.skipped[0];
    assert_eq!(skipped.code, "G02Q03");
    assert_eq!(skipped.limesurvey_type, "|");
    assert_eq!(skipped.title, "Please upload a text file");
    assert!(skipped.reason.contains("fichiers"), "{}", skipped.reason);
    assert!(report.warnings.is_empty(), "{:?}", report.warnings);

    let definition = &report.definition;
    assert_eq!(definition.title, "Test Survey");
    assert!(!definition.anonymous);
    let sections: Vec<(&str, &str, usize)> =
        definition.sections.iter().map(|s| (s.id.as_str(), s.title.as_str(), s.questions.len())).collect();
    assert_eq!(sections, [("g1", "First Group", 2), ("g2", "Second Group", 1)]);
    assert_eq!(definition.sections[1].description, "The 2nd question group in this survey");

    let long = question(&report, "G01Q01");
    assert_eq!(long.kind, QuestionKind::LongText);
    // `Text for <strong>first question</strong>`: the markup goes, the words stay.
    assert_eq!(long.label, "Text for first question");
    assert_eq!(long.help, "This is a question help text.");
    assert!(!long.required);
    let scale = question(&report, "G01Q02");
    assert_eq!(scale.kind, QuestionKind::Scale { min_label: "1".into(), max_label: "5".into() });
    assert!(scale.required);
    let yes_no = question(&report, "G02Q04");
    assert_eq!(yes_no.kind, QuestionKind::YesNo);
    assert_eq!(yes_no.label, "Do you like this survey?");
    assert!(yes_no.required);

    let summary = report.summary();
    assert!(summary.starts_with("Import LimeSurvey : 3 questions reprises, 1 écartée."), "{summary}");
    assert!(summary.contains("G02Q03 « Please upload a text file » (type « | », envoi de fichier)"), "{summary}");
}

/// An imported definition reads back from its own JSON (a flattened `kind` once made every
/// question's `type` an unknown field).
#[test]
fn the_definition_survives_its_json() {
    for xml in [ANSWERS_LSS, SURVEY_LSS, LIMESURVEY3_LSS] {
        let definition = imported(xml).definition;
        assert_eq!(Definition::from_json(&definition.to_json()).unwrap(), definition);
    }
}

#[test]
fn group_and_question_exports_are_refused_with_a_hint() {
    assert!(not_lss(GROUP_LSG).contains("(.lsg)"));
    assert!(not_lss(QUESTION_LSQ).contains("(.lsq)"));
}

// ----- LimeSurvey 3 -----

#[test]
fn limesurvey3_file_is_read_in_its_base_language() {
    let report = imported(LIMESURVEY3_LSS);
    assert_eq!(report.taken, 11);
    let skipped: Vec<(&str, &str)> =
        report.skipped.iter().map(|s| (s.code.as_str(), s.limesurvey_type.as_str())).collect();
    assert_eq!(skipped, [("INFO", "X"), ("DATE", "D"), ("SOURCE", "S"), ("MERCI", "X")]);
    assert_eq!(report.skipped[0].title, "Répondez au nom de votre structure.");
    assert!(report.skipped[2].reason.contains("masquée"));

    let definition = &report.definition;
    assert_eq!(definition.title, "Questionnaire aux acteurs de l’ESS");
    assert_eq!(definition.introduction, "Merci de votre participation.");
    assert!(definition.anonymous);
    // By group_order (20 before 10); the group of a lone text display and the empty one dropped.
    let sections: Vec<(&str, &str)> = definition.sections.iter().map(|s| (s.id.as_str(), s.title.as_str())).collect();
    assert_eq!(sections, [("g20", "Votre structure"), ("g10", "Vos besoins")]);
    assert_eq!(definition.sections[1].description, "Ce que vous attendez du dispositif.");
    assert_eq!(
        ids(&report),
        [
            "TYPE",
            "ADHERENT",
            "SALARIES",
            "BESOINS",
            "DISPOSITIFS",
            "PRECISIONS",
            "SATISF",
            "ACCORD",
            "PRIORITES",
            "GENRE",
            "TAILLE"
        ]
    );
}

#[test]
fn limesurvey3_kinds() {
    let report = imported(LIMESURVEY3_LSS);
    let kind = |id: &str| question(&report, id).kind.clone();

    let structure = question(&report, "TYPE");
    assert_eq!(structure.label, "Quel type de structure ?");
    assert!(structure.required);
    // Sorted by sortorder although the file lists A3 first; "Autre, précisez" from `other`.
    assert_eq!(
        structure.kind,
        QuestionKind::SingleChoice {
            options: choices(&[("A1", "Association"), ("A2", "Entreprise"), ("A3", "Collectivité")]),
            other: true,
        }
    );
    assert_eq!(question(&report, "ADHERENT").label, "Êtes-vous adhérent d'un réseau ?");
    assert_eq!(kind("ADHERENT"), QuestionKind::YesNo);
    assert_eq!(kind("SALARIES"), QuestionKind::Number { min: Some(0.0), max: Some(5000.0) });
    assert_eq!(
        kind("BESOINS"),
        QuestionKind::MultipleChoice {
            options: choices(&[("SQ1", "Financement"), ("SQ2", "Formation"), ("SQ3", "Locaux")]),
            other: false,
        }
    );
    let grid = question(&report, "DISPOSITIFS");
    assert!(grid.required);
    assert_eq!(
        grid.kind,
        QuestionKind::Grid {
            rows: choices(&[("D1", "Fonds local"), ("D2", "Prêt d'honneur")]),
            columns: choices(&[("C1", "Je connais"), ("C2", "J'ai utilisé"), ("C3", "Pas concerné")]),
        }
    );
    let precisions = question(&report, "PRECISIONS");
    assert_eq!(precisions.kind, QuestionKind::LongText);
    assert_eq!(precisions.help, "Soyez précis.");
    assert_eq!(kind("SATISF"), QuestionKind::Scale { min_label: "1".into(), max_label: "5".into() });
    assert_eq!(
        kind("ACCORD"),
        QuestionKind::Grid {
            rows: choices(&[("P1", "La simplification"), ("P2", "Le guichet unique")]),
            columns: choices(&[("Y", "Oui"), ("U", "Incertain"), ("N", "Non")]),
        }
    );
    assert_eq!(
        kind("PRIORITES"),
        QuestionKind::Ranking { options: choices(&[("R1", "Emploi"), ("R2", "Logement"), ("R3", "Mobilité")]) }
    );
    assert_eq!(
        kind("GENRE"),
        QuestionKind::SingleChoice { options: choices(&[("F", "Femme"), ("M", "Homme")]), other: false }
    );
}

#[test]
fn limesurvey3_conditions() {
    let report = imported(LIMESURVEY3_LSS);
    let condition = |id: &str| question(&report, id).condition.clone();
    let on = |question: &str, any_of: &[&str]| {
        Some(Condition { question: question.into(), any_of: any_of.iter().map(|v| (*v).into()).collect() })
    };
    // LimeSurvey 3 names the earlier answer `sidXgidXqid`; two `or`-ed values.
    assert_eq!(condition("SALARIES"), on("TYPE", &["A1", "A2"]));
    // A yes / no answer `Y` is our `oui`.
    assert_eq!(condition("BESOINS"), on("ADHERENT", &["oui"]));
    // A ticked option of a multiple choice.
    assert_eq!(condition("PRECISIONS"), on("BESOINS", &["SQ2"]));
    assert_eq!(condition("GENRE"), on("SATISF", &["5"]));
    // LimeSurvey's "other" answer is our `autre`.
    assert_eq!(condition("TAILLE"), on("TYPE", &["autre"]));
    // `SALARIES > 10` has no equivalent: the question stays, unconditional, and the report says so.
    assert_eq!(condition("SATISF"), None);
    assert_eq!(report.warnings.len(), 1, "{:?}", report.warnings);
    assert!(report.warnings[0].contains("SATISF") && report.warnings[0].contains("SALARIES.NAOK > 10"));
    let summary = report.summary();
    assert!(summary.contains("11 questions reprises, 4 écartées"), "{summary}");
    assert!(summary.contains("À vérifier :\n- Question « SATISF » : condition d'affichage non reprise"), "{summary}");
}

// ----- LimeSurvey 4+ layout, several languages -----

#[test]
fn l10n_tables_prefer_the_base_language() {
    let l10n =
        |qid: &str, lang: &str, text: &str| row(&[("qid", qid), ("question", text), ("help", ""), ("language", lang)]);
    let question = |qid: &str, parent: &str, kind: &str, code: &str, order: &str| {
        row(&[
            ("qid", qid),
            ("parent_qid", parent),
            ("gid", "7"),
            ("type", kind),
            ("title", code),
            ("mandatory", "N"),
            ("question_order", order),
            ("scale_id", "0"),
            ("relevance", "1"),
        ])
    };
    // No `<surveys>` table: the base language is the first of `<languages>`. Subquestions sit in
    // `<questions>` itself, as some versions write them.
    let xml = format!(
        "<document><LimeSurveyDocType>Survey</LimeSurveyDocType><DBVersion>480</DBVersion>\
         <languages><language>fr</language><language>en</language></languages>{}{}{}{}{}</document>",
        table("groups", &[row(&[("gid", "7"), ("group_order", "1")])]),
        table(
            "group_l10ns",
            &[
                row(&[("gid", "7"), ("group_name", "Group"), ("language", "en")]),
                row(&[("gid", "7"), ("group_name", "Groupe"), ("language", "fr")]),
            ]
        ),
        table(
            "questions",
            &[question("1", "0", "M", "Q1", "1"), question("2", "1", "T", "A", "2"), question("3", "1", "T", "B", "1")]
        ),
        table(
            "question_l10ns",
            &[
                l10n("1", "en", "Which?"),
                l10n("1", "fr", "Lesquels ?"),
                l10n("2", "en", "Apples"),
                l10n("2", "fr", "Pommes"),
                l10n("3", "de", "Birnen"),
            ]
        ),
        table("surveys_languagesettings", &[row(&[("surveyls_language", "en"), ("surveyls_title", "Only English")])]),
    );
    let report = imported(&xml);
    assert_eq!(report.definition.title, "Only English");
    assert_eq!(report.definition.sections[0].title, "Groupe");
    let q = &report.definition.sections[0].questions[0];
    assert_eq!(q.label, "Lesquels ?");
    // B (order 1) before A; B is only in German, which is taken rather than nothing.
    assert_eq!(
        q.kind,
        QuestionKind::MultipleChoice { options: choices(&[("B", "Birnen"), ("A", "Pommes")]), other: false }
    );
}

// ----- Hostile texts -----

#[test]
fn markup_never_crosses_the_import() {
    let xml = survey3(
        &[
            q3("1", "L", "Q1", "<script>alert(1)</script>Votre <b>avis</b><img src=x onerror=alert(1)> ?", "1"),
            q3("2", "S", "Q2", "&lt;script&gt;alert(2)&lt;/script&gt; <svg/onload=alert(3)>texte", "1"),
        ],
        &table(
            "answers",
            &[
                answer3("1", "A1", "<a href=\"javascript:alert(4)\">Oui</a>", "1"),
                answer3("1", "A2", "<iframe src=//x></iframe>Non", "2"),
            ],
        ),
    );
    let report = imported(&xml);
    let q1 = question(&report, "Q1");
    assert_eq!(q1.label, "Votre avis ?");
    assert_eq!(q1.kind, QuestionKind::SingleChoice { options: choices(&[("A1", "Oui"), ("A2", "Non")]), other: false });
    let q2 = question(&report, "Q2");
    assert!(!q2.label.contains('<'), "{}", q2.label);
    assert!(q2.label.ends_with("texte"), "{}", q2.label);
    let json = report.definition.to_json();
    assert!(!json.contains('<') && !json.contains("onerror") && !json.contains("alert(1)"), "{json}");
}

#[test]
fn long_texts_are_cut_to_the_limit() {
    let long = "mot ".repeat(MAX_LABEL_CHARS);
    let report = imported(&survey3(&[q3("1", "S", "Q1", &long, "1")], ""));
    let label = &question(&report, "Q1").label;
    assert_eq!(label.chars().count(), MAX_LABEL_CHARS);
    assert!(label.ends_with('…'));
}

// ----- Codes, options, limits -----

#[test]
fn identifiers_are_made_valid_and_unique() {
    let xml = survey3(
        &[
            q3("1", "L", "Q1", "Un", "1"),
            q3("2", "S", "Q1", "Deux", "1"),
            q3("3", "S", "1Q", "Trois", "1"),
            q3("4", "S", "", "", "1"),
        ],
        &table(
            "answers",
            &[
                answer3("1", "autre", "Autre chose", "1"),
                answer3("1", "a 1", "Un", "2"),
                answer3("1", "a_1", "Un bis", "3"),
                answer3("1", "7", "", "4"),
            ],
        ),
    );
    let report = imported(&xml);
    assert_eq!(ids(&report), ["Q1", "Q1_2", "q1Q", "q"]);
    // No text: the code stands for the label.
    assert_eq!(question(&report, "q").label, "(sans intitulé)");
    assert_eq!(
        question(&report, "Q1").kind,
        QuestionKind::SingleChoice {
            options: choices(&[("autre_2", "Autre chose"), ("a_1", "Un"), ("a_1_2", "Un bis"), ("o7", "7")]),
            other: false,
        }
    );
}

#[test]
fn number_bounds_that_do_not_fit_are_left_out() {
    let attribute = |qid: &str, name: &str, value: &str| {
        row(&[("qid", qid), ("attribute", name), ("value", value), ("language", "")])
    };
    let xml = survey3(
        &[q3("1", "N", "N1", "Un", "1"), q3("2", "N", "N2", "Deux", "1"), q3("3", "N", "N3", "Trois", "1")],
        &table(
            "question_attributes",
            &[
                attribute("1", "min_num_value_n", "10"),
                attribute("1", "max_num_value_n", "2"),
                attribute("2", "min_num_value_n", "{N1}"),
                attribute("2", "max_num_value_n", "2,5"),
                attribute("3", "max_num_value_n", "-3"),
            ],
        ),
    );
    let report = imported(&xml);
    assert_eq!(question(&report, "N1").kind, QuestionKind::Number { min: None, max: None });
    assert_eq!(question(&report, "N2").kind, QuestionKind::Number { min: None, max: Some(2.5) });
    assert_eq!(question(&report, "N3").kind, QuestionKind::Number { min: None, max: Some(-3.0) });
    assert_eq!(report.warnings.len(), 2, "{:?}", report.warnings);
    assert!(report.warnings[0].starts_with("Question « N1 » : le minimum 10 dépasse le maximum 2"));
    assert!(report.warnings[1].contains("{N1}"));
}

#[test]
fn conditions_we_cannot_express_are_reported() {
    let xml = survey3(
        &[
            q3("1", "D", "D1", "Date", "1"),
            q3("2", "Y", "Y1", "Oui ou non", "((D1.NAOK == \"2020-01-01\"))"),
            q3("3", "S", "S1", "Texte", "((Y1.NAOK == \"Y\") and (Y1.NAOK == \"N\"))"),
            q3("4", "S", "S2", "Texte", "((S1.NAOK == \"x\"))"),
            q3("5", "S", "S3", "Texte", "((S9.NAOK == \"Y\"))"),
            q3("6", "S", "S4", "Texte", "((Y1.NAOK == \"Y\" or S1.NAOK == \"x\"))"),
            q3("7", "S", "S5", "Texte", "((Y1.NAOK == \"peut-être\"))"),
            q3("8", "S", "S6", "Texte", "Y1 == 'N'"),
            q3("9", "S", "S9", "Plus loin", "1"),
        ],
        "",
    );
    let report = imported(&xml);
    assert_eq!(report.taken, 8);
    // On a skipped question, two tests joined by `and`, on a text, on a later question, on two
    // questions, on an answer that does not exist: kept, unconditional, reported.
    for id in ["Y1", "S1", "S2", "S3", "S4", "S5"] {
        assert_eq!(question(&report, id).condition, None, "{id}");
    }
    assert_eq!(report.warnings.len(), 6, "{:#?}", report.warnings);
    assert_eq!(
        question(&report, "S6").condition,
        Some(Condition { question: "Y1".into(), any_of: vec!["non".into()] })
    );
}

#[test]
fn lists_too_long_or_too_short_are_skipped() {
    let many: Vec<String> = (0..101).map(|n| answer3("1", &format!("A{n}"), "Option", &n.to_string())).collect();
    let mut answers = many;
    answers.push(answer3("3", "R1", "Seule", "1"));
    let xml = survey3(
        &[
            q3("1", "L", "LONG", "Trop d'options", "1"),
            q3("2", "!", "VIDE", "Aucune option", "1"),
            q3("3", "R", "RANG", "Une seule option", "1"),
            q3("4", "F", "GRILLE", "Sans lignes", "1"),
            q3("5", "S", "OK", "Reprise", "1"),
        ],
        &table("answers", &answers),
    );
    let report = imported(&xml);
    assert_eq!(ids(&report), ["OK"]);
    let codes: Vec<&str> = report.skipped.iter().map(|s| s.code.as_str()).collect();
    assert_eq!(codes, ["LONG", "VIDE", "RANG", "GRILLE"]);
    assert!(report.skipped[0].reason.contains("101"));
}

#[test]
fn at_most_the_questions_a_definition_holds() {
    let questions: Vec<String> =
        (1..=MAX_QUESTIONS + 1).map(|n| q3(&n.to_string(), "S", &format!("Q{n}"), "Question", "1")).collect();
    let report = imported(&survey3(&questions, ""));
    assert_eq!(report.taken, MAX_QUESTIONS);
    assert_eq!(report.skipped.len(), 1);
    assert_eq!(report.skipped[0].code, format!("Q{}", MAX_QUESTIONS + 1));
}

#[test]
fn every_unsupported_type_is_skipped_with_a_reason() {
    let kinds = ["X", "D", "|", "*", "K", "Q", ";", ":", "O", "1", "I", "Z"];
    let mut questions: Vec<String> =
        kinds.iter().enumerate().map(|(n, k)| q3(&(n + 1).to_string(), k, &format!("T{n}"), "Texte", "1")).collect();
    questions.push(q3("99", "S", "OK", "Reprise", "1"));
    let report = imported(&survey3(&questions, ""));
    assert_eq!(report.taken, 1);
    let skipped: Vec<&str> = report.skipped.iter().map(|s| s.limesurvey_type.as_str()).collect();
    assert_eq!(skipped, kinds);
    assert!(report.skipped.iter().all(|s| s.reason.ends_with('.') && s.title == "Texte"));
    assert!(report.skipped.last().unwrap().reason.contains("inconnu"));
}

// ----- Broken and hostile files -----

#[test]
fn nothing_to_take_is_an_error() {
    match import_lss(&survey3(&[q3("1", "X", "X1", "Bonjour", "1")], "")) {
        Err(e @ LssError::NoQuestion(_)) => {
            assert_eq!(
                e.to_string(),
                "Aucune question de ce questionnaire LimeSurvey n'a pu être reprise (1 écartée(s))."
            );
            let LssError::NoQuestion(skipped) = e else { unreachable!() };
            assert_eq!(skipped[0].code, "X1");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(import_lss(&survey3(&[], "")), Err(LssError::NoQuestion(_))));
}

#[test]
fn what_is_not_a_survey_is_refused_in_french() {
    for bad in ["", "   ", "pas du XML", "<html><body>x</body></html>", "<document/>", "{\"format\": 1}"] {
        let message = not_lss(bad);
        assert!(message.starts_with("Ce fichier n'est pas une structure LimeSurvey (.lss) : "), "{message}");
    }
    assert!(not_lss("<html/>").contains("<html>"));
    assert!(not_lss("<document><LimeSurveyDocType>Label set</LimeSurveyDocType></document>").contains("inconnu"));
    assert!(not_lss("<document/>").contains("LimeSurveyDocType"));
}

#[test]
fn truncated_files_never_panic() {
    // Up to the closing tag: what follows is only a newline, without which the file is whole.
    let end = SURVEY_LSS.rfind("</document>").unwrap();
    let mut cut = 0;
    while cut <= end {
        if SURVEY_LSS.is_char_boundary(cut) {
            assert!(matches!(import_lss(&SURVEY_LSS[..cut]), Err(LssError::NotLss(_))), "cut at {cut}");
        }
        cut += 37;
    }
}

#[test]
fn random_bytes_never_panic() {
    // A fixed linear congruential generator: reproducible, no dependency.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as u8
    };
    for round in 0..200 {
        let bytes: Vec<u8> = (0..round * 13).map(|_| next()).collect();
        assert!(import_lss(&String::from_utf8_lossy(&bytes)).is_err());
        // The real file with bytes overwritten here and there.
        let mut damaged = LIMESURVEY3_LSS.as_bytes().to_vec();
        for _ in 0..8 {
            let at = ((usize::from(next()) << 8) | usize::from(next())) * 7 % damaged.len();
            damaged[at] = next();
        }
        let _ = import_lss(&String::from_utf8_lossy(&damaged));
    }
}

#[test]
fn deep_nesting_does_not_exhaust_the_stack() {
    let deep = format!(
        "<document><LimeSurveyDocType>Survey</LimeSurveyDocType>{}{}</document>",
        "<questions>".repeat(200_000),
        "</questions>".repeat(200_000)
    );
    assert!(import_lss(&deep).is_err());
    let relevance = format!("{}Q1 == \"Y\"{}", "(".repeat(100_000), ")".repeat(100_000));
    let report = imported(&survey3(&[q3("1", "Y", "Q1", "Un", "1"), q3("2", "S", "Q2", "Deux", &relevance)], ""));
    assert_eq!(question(&report, "Q2").condition, None);
    assert_eq!(report.warnings.len(), 1);
    assert!(report.warnings[0].chars().count() < 300);
}

#[test]
fn entity_expansion_is_refused_at_once() {
    let laughs = "<?xml version=\"1.0\"?>\n<!DOCTYPE document [\n<!ENTITY a \"lollollollollollollollollollol\">\n\
        <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n<!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n\
        <!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n<!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">\n\
        <!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\">\n<!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">\n]>\n\
        <document><LimeSurveyDocType>Survey</LimeSurveyDocType><x>&g;</x></document>";
    let external = "<?xml version=\"1.0\"?><!DOCTYPE document [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\
        <document><LimeSurveyDocType>Survey</LimeSurveyDocType><x>&x;</x></document>";
    for xml in [laughs, external] {
        let started = Instant::now();
        let message = not_lss(xml);
        assert!(started.elapsed() < Duration::from_secs(1));
        assert!(message.contains("DOCTYPE"), "{message}");
    }
}
