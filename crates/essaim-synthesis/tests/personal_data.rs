//! Personal data never reaches a published export. A consultation whose contributions name
//! persons (after a civility, by first name and surname, or as recorded authors), give phone
//! numbers written every French way and e-mail addresses, in many copies so that they become
//! quotes, key phrases and proposed titles; staff also type some into an orientation. Every
//! export of a fresh synthesis and of the drafts is searched for every surname, number and
//! address. On the backend of `ESSAIM_TEST_DATABASE_URL`.
//!
//! ODT and DOCX are unzipped and their XML read; the PDF's text is compressed and drawn with
//! embedded fonts, so it is read back with poppler's `pdftotext` in the ignored test (CI runs
//! the ignored tests with poppler installed).

use std::io::Read;

use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{create_consultation, NewConsultation};
use essaim_core::domain::{Author, Channel, ContributionKind};
use essaim_core::testing::{contribution, demo_account, record, TestDb};
use essaim_synthesis::drafts;
use essaim_synthesis::export::{render, Format};
use essaim_synthesis::pipeline::Params;
use essaim_synthesis::run::{synthesize, SynthesisOutput};

const SLUG: &str = "donnees-personnelles";

/// Topics, so that the contributions form groups; each PII sentence is said about two of them.
const TOPICS: [&str; 5] = [
    "Ouvrir une recyclerie pour le réemploi des meubles et de l'électroménager.",
    "Développer les circuits courts et l'alimentation locale dans les cantines scolaires.",
    "Organiser des navettes solidaires pour la mobilité en zone rurale.",
    "Créer des tiers-lieux pour l'accès au numérique et le coworking associatif.",
    "Soutenir l'insertion par l'activité économique et les chantiers d'insertion.",
];

/// Sentences with personal data, each followed by what must never be published from it.
const PERSONAL: [(&str, &[&str]); 41] = [
    ("Contactez M. Jean Dupont, il porte le projet.", &["Dupont"]),
    ("Le Dr Martin soutient fortement cette idée.", &["Martin"]),
    ("Me Durand a rédigé les statuts gratuitement.", &["Durand"]),
    ("Le Pr Leroy suit le projet avec ses étudiants.", &["Leroy"]),
    ("Mme\u{a0}Leroy anime déjà un atelier le samedi.", &["Leroy"]),
    ("Monsieur Dupont connaît bien le dossier.", &["Dupont"]),
    ("Madame Fabienne Rousseau préside le collectif.", &["Rousseau"]),
    ("MM. Garnier et Durand ont lancé une pétition.", &["Garnier", "Durand"]),
    ("Mlle Garnier coordonne les bénévoles.", &["Garnier"]),
    ("Sophie Marchand propose d'y associer les habitants.", &["Marchand"]),
    ("Kévin Bertrand pourrait gérer le lieu.", &["Bertrand"]),
    ("Selon Nathalie Girard, il faut mutualiser les moyens.", &["Girard"]),
    ("Anne-Sophie Moreau a déjà fondé une SCOP sur ce modèle.", &["Moreau"]),
    ("Voir avec Jean-Luc Lefèvre de la communauté de communes.", &["Lefèvre", "Lefevre"]),
    ("Appelez le 06.12.34.56.78 pour vous inscrire.", &["06.12.34.56.78", "0612345678", "34.56.78"]),
    ("Inscriptions au 06/12/34/56/78 en semaine.", &["06/12/34/56/78", "34/56/78"]),
    ("Renseignements au +33 (0)2 40 12 34 56 le matin.", &["+33 (0)2", "40 12 34 56"]),
    ("Joignable au 06\u{a0}12\u{a0}34\u{a0}56\u{a0}78 le soir.", &["06 12 34 56 78", "12 34 56 78"]),
    ("Standard : 02 40 98 76 54, demandez l'accueil.", &["02 40 98 76 54", "98 76 54"]),
    ("Mon portable : 07-65-43-21-09.", &["07-65-43-21-09", "43-21-09"]),
    ("Écrivez à jean.dupont@exemple.fr pour participer.", &["jean.dupont@", "exemple.fr"]),
    ("Contact : sophie.marchand@orange.fr", &["sophie.marchand", "orange.fr"]),
    ("Mon adresse mailto:k.bertrand@laposte.net suffit.", &["k.bertrand", "laposte.net"]),
    ("(courriel : benevoles.garnier@asso-solidaire.org)", &["benevoles.garnier", "asso-solidaire.org"]),
    ("Gwendoline Kerhervé a raison sur ce point.", &["Kerhervé", "Kerherve"]),
    ("Comme l'écrit GWENDOLINE KERHERVÉ dans sa contribution.", &["Kerhervé", "Kerherve"]),
    ("J'appuie gwendoline kerhervé sans réserve.", &["Kerhervé", "Kerherve"]),
    ("Yannick Le Goff organise déjà quelque chose.", &["Goff"]),
    ("Il faut en parler avec yannick le goff.", &["Goff"]),
    ("Le Dr Martin et Me Durand sont d'accord.", &["Martin", "Durand"]),
    // Issue 20: what the scrubber still let through.
    ("Selon mme claire martin, le local est trouvé.", &["claire martin"]),
    ("Voir avec mme rozenblum pour la salle.", &["rozenblum"]),
    ("J. Fontaine a proposé un local.", &["Fontaine"]),
    ("Lemaire Jean s'occupe des inscriptions.", &["Lemaire"]),
    ("Mrs. Brown, Ms Taylor et Miss Wilson en parlent.", &["Brown", "Taylor", "Wilson"]),
    ("Appelez le 06 12.34.56 78 le matin.", &["06 12.34.56 78", "12.34.56 78", "34.56 78"]),
    ("Ou le 06-12 34-56-78 le soir.", &["06-12 34-56-78", "12 34-56-78", "34-56-78"]),
    ("Joignable au ０６ １２ ３４ ５６ ７８ en semaine.", &["０６ １２", "３４ ５６ ７８"]),
    ("Écrivez à jean.dupont (at) example (dot) com pour venir.", &["jean.dupont", "example (dot) com", "example"]),
    ("Ou à claire.rozenblum[at]exemple[point]fr directement.", &["claire.rozenblum", "exemple[point]fr"]),
    ("Mon adresse : benevoles arobase asso-solidaire point org.", &["benevoles arobase", "solidaire point org"]),
];

/// Persons recorded as authors (personal data, never published): their names are masked
/// wherever they stand in other texts, whatever the case.
const AUTHORS: [(&str, &str); 2] = [
    ("Gwendoline Kerhervé", "Mobiliser les habitants pour la recyclerie et le réemploi des meubles."),
    ("Yannick Le Goff", "Des navettes solidaires pour la mobilité des personnes âgées en zone rurale."),
];

/// A staff edit full of personal data.
const STAFF_TITLE: &str = "Recyclerie portée par M. Jean Dupont (06.12.34.56.78)";
const STAFF_BODY: &str = "Appeler Mme\u{a0}Leroy au +33 (0)2 40 12 34 56 ou écrire à jean.dupont@exemple.fr ; Sophie Marchand et Gwendoline Kerhervé relisent ; mme rozenblum, J. Fontaine et Lemaire Jean aussi (06-12 34-56-78, benevoles (at) asso (dot) org).";
const STAFF_NEEDLES: [&str; 12] = [
    "Dupont",
    "06.12.34.56.78",
    "Leroy",
    "40 12 34 56",
    "jean.dupont@",
    "exemple.fr",
    "Marchand",
    "Kerhervé",
    "rozenblum",
    "Fontaine",
    "Lemaire",
    "benevoles",
];

const ALL_FORMATS: [Format; 7] =
    [Format::Json, Format::Csv, Format::Markdown, Format::Html, Format::Odt, Format::Docx, Format::Pdf];

/// The consultation: two themes, every topic in both, each PII sentence about two topics in
/// two copies, so that each is repeated four times.
fn consultation(conn: &mut DbConnection) -> (Id, Vec<(Id, String)>) {
    let input = NewConsultation {
        slug: SLUG.into(),
        title: "Consultation de test".into(),
        region: "Pays de la Loire".into(),
        description: String::new(),
        starts_on: None,
        ends_on: None,
        retention_until: None,
        ..Default::default()
    };
    let titles = vec!["Économie circulaire".to_owned(), "Vivre au pays".to_owned()];
    let (consultation, themes) = create_consultation(conn, &input, &titles).unwrap();
    let themes: Vec<(Id, String)> = themes.into_iter().map(|t| (t.id, t.title)).collect();
    let mut n = 0;
    let mut add = |conn: &mut DbConnection, theme: Id, text: String, author: Option<&str>| {
        n += 1;
        let mut input = contribution(consultation.id, theme, &text).external_ref(format!("c-{n:04}"));
        if let Some(name) = author {
            input = input.author(Author::Person(name.into()));
        }
        if n % 3 == 0 {
            input.channel = Channel::Questionnaire;
            input.kind = ContributionKind::Constat;
        }
        record(conn, input);
    };
    for (p, (sentence, _)) in PERSONAL.iter().enumerate() {
        let theme = themes[p % 2].0;
        for t in [p % TOPICS.len(), (p + 2) % TOPICS.len()] {
            for _ in 0..2 {
                add(conn, theme, format!("{} {sentence}", TOPICS[t]), None);
            }
        }
    }
    for (t, topic) in TOPICS.iter().enumerate() {
        for theme in &themes {
            add(conn, theme.0, (*topic).to_owned(), None);
            add(conn, theme.0, format!("{topic} C'est une priorité pour le territoire n°{t}."), None);
        }
    }
    for (name, text) in AUTHORS {
        for theme in &themes {
            add(conn, theme.0, text.to_owned(), Some(name));
        }
    }
    (consultation.id, themes)
}

/// Lowercase, entities decoded, every kind of space a plain space: how a needle is looked for.
fn normalised(text: &str) -> String {
    let decoded = text
        .replace("&nbsp;", " ")
        .replace("&#160;", " ")
        .replace("&#xa0;", " ")
        .replace("&#xA0;", " ")
        .replace("&apos;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    decoded.chars().map(|c| if c.is_whitespace() { ' ' } else { c }).flat_map(char::to_lowercase).collect()
}

/// Markup removed, so that a name split between two runs of text is still found.
fn without_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut inside = false;
    for c in text.chars() {
        match c {
            '<' => inside = true,
            '>' => inside = false,
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out
}

/// What a reader (or a program) gets out of an export, in the forms a needle is looked for in.
fn readable_forms(bytes: &[u8], format: Format) -> Vec<String> {
    let text = match format {
        Format::Odt | Format::Docx => {
            let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
            let mut all = String::new();
            for i in 0..archive.len() {
                let mut file = archive.by_index(i).unwrap();
                if file.name().is_ok_and(|n| n.ends_with(".xml") || n.ends_with(".rdf")) {
                    file.read_to_string(&mut all).unwrap();
                    all.push('\n');
                }
            }
            all
        }
        Format::Pdf => {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("synthese.pdf");
            std::fs::write(&path, bytes).unwrap();
            let out = std::process::Command::new("pdftotext")
                .arg("-enc")
                .arg("UTF-8")
                .arg(&path)
                .arg("-")
                .output()
                .expect("pdftotext (poppler-utils) installed");
            assert!(out.status.success(), "pdftotext read the PDF");
            let text = String::from_utf8(out.stdout).unwrap();
            assert!(text.contains("Projet de stratégie"), "pdftotext read the text of the PDF");
            // Lines broken by the layout: a name cut at the end of a line is still found.
            return vec![normalised(&text), normalised(&text.replace("-\n", "").replace('\n', " "))];
        }
        _ => String::from_utf8(bytes.to_vec()).unwrap(),
    };
    vec![normalised(&text), normalised(&without_tags(&text))]
}

fn needles() -> Vec<String> {
    let mut all: Vec<&str> = PERSONAL.iter().flat_map(|(_, n)| n.iter().copied()).collect();
    all.extend(STAFF_NEEDLES);
    let mut all: Vec<String> = all.into_iter().map(normalised).collect();
    all.sort();
    all.dedup();
    all
}

/// Every (export, format, needle) that leaks, for the formats asked.
fn leaks(output: &SynthesisOutput, what: &str, formats: &[Format]) -> Vec<String> {
    let needles = needles();
    let mut found = Vec::new();
    for format in formats {
        let (name, bytes) = render(&output.document, &output.inputs, *format).unwrap();
        let forms = readable_forms(&bytes, *format);
        for needle in &needles {
            if let Some(form) = forms.iter().find(|f| f.contains(needle.as_str())) {
                let at = form.find(needle.as_str()).unwrap();
                let start = form[..at].char_indices().rev().nth(40).map_or(0, |(i, _)| i);
                let end =
                    form[at..].char_indices().nth(needle.chars().count() + 40).map_or(form.len(), |(i, _)| at + i);
                found.push(format!("{what} / {name} : « {needle} » dans « …{}… »", &form[start..end]));
            }
        }
    }
    found
}

struct Built {
    db: TestDb,
    synthesis: SynthesisOutput,
    drafts: SynthesisOutput,
}

/// The consultation, a fresh synthesis of it, and its drafts after a run of each theme and
/// a staff edit full of personal data.
fn build() -> Built {
    let db = TestDb::new();
    let mut conn = db.conn();
    let (consultation, themes) = consultation(&mut conn);
    // An account to sign the staff edit (the demo's staff account, in the same database).
    essaim_core::demo::seed_demo(&mut conn, &[]).unwrap();
    let staff = demo_account(&mut conn, "staff");
    let synthesis = synthesize(&mut conn, SLUG, None, &Params::default()).unwrap();
    let quotes: usize = synthesis.document.themes.iter().flat_map(|t| &t.orientations).map(|o| o.quotes.len()).sum();
    assert!(quotes >= 10, "enough quotes to carry personal data: {quotes}");
    for (theme, title) in &themes {
        drafts::run_theme(&mut conn, consultation, *theme, title, &Params::default(), Some(staff)).unwrap();
    }
    let view = drafts::theme_drafts(&mut conn, consultation, themes[0].0).unwrap();
    drafts::edit(&mut conn, view.drafts[0].orientation.id, STAFF_TITLE, STAFF_BODY, staff).unwrap();
    let drafts = drafts::drafts_document(&mut conn, SLUG).unwrap();
    let edited = drafts.document.themes[0].orientations.iter().any(|o| o.text.contains("relisent"));
    assert!(edited, "the staff edit is in the drafts' document");
    drop(conn);
    Built { db, synthesis, drafts }
}

/// The texts were really there: a leak test that finds nothing because nothing was said
/// proves nothing.
fn assert_personal_data_was_in_the_input(built: &Built) {
    let inputs: String = built
        .synthesis
        .inputs
        .iter()
        .flat_map(|(_, items)| items.iter().map(|i| i.text.as_str()))
        .collect::<Vec<_>>()
        .join("\n");
    // The inputs are scrubbed for the CSV: the raw texts are in the database.
    let mut conn = built.db.conn();
    let consultation = essaim_core::domain::consultation::find_consultation(&mut conn, SLUG).unwrap();
    let raw: String = essaim_core::domain::contribution::contributions_of(&mut conn, consultation.id)
        .unwrap()
        .into_iter()
        .map(|c| c.body)
        .collect::<Vec<_>>()
        .join("\n");
    let raw = normalised(&raw);
    for (sentence, _) in PERSONAL {
        assert!(raw.contains(&normalised(sentence)), "the corpus says « {sentence} »");
    }
    assert!(
        inputs.contains("[nom masqué]")
            && inputs.contains("[téléphone masqué]")
            && inputs.contains("[courriel masqué]")
    );
}

fn assert_no_leak(found: &[String]) {
    for leak in found {
        println!("FUITE {leak}");
    }
    assert_eq!(found.len(), 0, "personal data in published exports:\n{}", found.join("\n"));
}

#[test]
fn no_surname_phone_or_address_reaches_any_export_but_the_pdf() {
    let built = build();
    assert_personal_data_was_in_the_input(&built);
    let formats: Vec<Format> = ALL_FORMATS.into_iter().filter(|f| *f != Format::Pdf).collect();
    let mut found = leaks(&built.synthesis, "synthèse", &formats);
    found.extend(leaks(&built.drafts, "projets d'orientations", &formats));
    assert_no_leak(&found);
}

#[test]
#[ignore = "needs poppler's pdftotext (apt-get install poppler-utils)"]
fn no_surname_phone_or_address_reaches_the_pdf() {
    let built = build();
    let mut found = leaks(&built.synthesis, "synthèse", &[Format::Pdf]);
    found.extend(leaks(&built.drafts, "projets d'orientations", &[Format::Pdf]));
    assert_no_leak(&found);
}

/// The open data of the published strategy: every table, as CSV and as JSON.
#[test]
fn no_surname_phone_or_address_reaches_the_open_data() {
    let built = build();
    let mut conn = built.db.conn();
    let staff = demo_account(&mut conn, "staff");
    essaim_synthesis::publication::publish(&mut conn, SLUG, Some(staff), None, "http://essaim.test/").unwrap();
    let consultation = essaim_core::domain::consultation::find_consultation(&mut conn, SLUG).unwrap();
    let data = essaim_synthesis::opendata::open_data(&mut conn, &consultation, None).unwrap().expect("published");
    let needles = needles();
    let mut found = Vec::new();
    let mut rows = 0;
    for table in &data.tables {
        rows += table.rows.len();
        let csv = normalised(&String::from_utf8(table.csv()).unwrap());
        let json = normalised(&table.json().to_string());
        for needle in &needles {
            for (form, text) in [("csv", &csv), ("json", &json)] {
                if let Some(at) = text.find(needle.as_str()) {
                    let start = text[..at].char_indices().rev().nth(60).map_or(0, |(i, _)| i);
                    let end = text[at..].char_indices().nth(60).map_or(text.len(), |(i, _)| at + i);
                    found.push(format!(
                        "données ouvertes / {}.{form} : « {needle} » dans « …{}… »",
                        table.name,
                        &text[start..end]
                    ));
                }
            }
        }
    }
    assert!(rows > PERSONAL.len(), "the open data holds the contributions: {rows} rows");
    assert_no_leak(&found);
}
