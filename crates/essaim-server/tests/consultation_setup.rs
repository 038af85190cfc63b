//! A Région sets up its own consultation from a file (issue 17): the demo's set-up exported,
//! edited into « Bretagne 2027 » (four départements, six themes), imported beside the demo,
//! and refused whole when the file is wrong.

use std::process::Command;

use diesel::prelude::*;
use essaim_contributions::questionnaire::answers::{check_all, identity_territories, Answers};
use essaim_contributions::questionnaire::store::{published_version, questionnaire_of};
use essaim_core::domain::consultation::{find_consultation, frame_of};
use essaim_core::schema::{consultations, plenaries, stands, workshops};
use essaim_core::testing::TestDb;
use serde_json::{json, Value};

fn essaim(db: &TestDb, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_essaim"))
        .env("DATABASE_URL", db.url.expose())
        .env("ESSAIM_LOG", "warn")
        .args(args)
        .output()
        .expect("essaim runs")
}

fn stdout(out: &std::process::Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether a text holds a UUID (8-4-4-4-12 hexadecimal digits).
fn holds_a_uuid(text: &str) -> bool {
    let shape = [8, 4, 4, 4, 12];
    text.split(|c: char| !(c.is_ascii_hexdigit() || c == '-')).any(|word| {
        let parts: Vec<&str> = word.split('-').collect();
        parts.len() == 5 && parts.iter().zip(shape).all(|(p, n)| p.len() == n)
    })
}

/// The demo's set-up, turned into Bretagne 2027.
fn bretagne(demo: &str) -> Value {
    let mut file: Value = serde_json::from_str(demo).expect("the export is JSON");
    file["consultation"]["slug"] = json!("ess-bretagne-2027");
    file["consultation"]["title"] = json!("Stratégie régionale de l'ESS — Bretagne 2027");
    file["consultation"]["region"] = json!("Bretagne");
    file["consultation"]["organisers"] = json!("la Région Bretagne et l'État");
    file["consultation"]["state"] = json!("draft");
    file["territories"] = json!([{"code": "22"}, {"code": "29"}, {"code": "35"}, {"code": "56"},
        {"code": "PAYS-BREST", "name": "Pays de Brest"}]);
    let themes = file["themes"].as_array_mut().unwrap();
    themes
        .push(json!({"title": "Transition écologique et ESS", "description": "Quelles coopérations pour le climat ?"}));
    file
}

fn write(dir: &tempfile::TempDir, name: &str, value: &Value) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn a_region_sets_up_its_consultation_from_the_demo_file_and_both_run_side_by_side() {
    let db = TestDb::new();
    stdout(&essaim(&db, &["seed", "demo"]));
    let demo = stdout(&essaim(&db, &["consultation", "export", "ess-pays-de-la-loire-2016"]));
    assert!(!demo.contains("@demo.essaim.fr"), "no account nor any address in a set-up");
    assert!(!holds_a_uuid(&demo), "no stored ids in a set-up");
    let parsed: Value = serde_json::from_str(&demo).unwrap();
    assert_eq!(parsed["sections"]["workshops"].as_array().map(Vec::len), Some(10), "the demo's workshops plan");
    assert_eq!(parsed["sections"]["plenary"], json!({"results_mode": "live"}));

    let dir = tempfile::tempdir().unwrap();
    let path = write(&dir, "bretagne.json", &bretagne(&demo));
    let said = stdout(&essaim(&db, &["consultation", "import", &path]));
    assert!(said.contains("Consultation « Stratégie régionale de l'ESS — Bretagne 2027 » créée"), "{said}");
    assert!(
        said.contains("6 thème(s), 5 territoire(s), 8 phase(s), plenary, questionnaire, stands, workshops"),
        "{said}"
    );

    let listed = stdout(&essaim(&db, &["consultation", "list"]));
    assert!(listed.contains("ess-bretagne-2027\tdraft\tStratégie régionale de l'ESS — Bretagne 2027"), "{listed}");
    assert!(listed.contains("ess-pays-de-la-loire-2016\topen\t"), "{listed}");
    // The old edition closes; an unknown state is refused in French.
    let closed = stdout(&essaim(&db, &["consultation", "state", "ess-pays-de-la-loire-2016", "closed"]));
    assert!(closed.contains("Pays de la Loire 2016 » : close."), "{closed}");
    let refused = essaim(&db, &["consultation", "state", "ess-pays-de-la-loire-2016", "fermee"]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("état « fermee » inconnu"));

    // What the file said is what was stored: exported again, it is the file (new ids, codes).
    stdout(&essaim(&db, &["consultation", "state", "ess-bretagne-2027", "draft"]));
    let again: Value =
        serde_json::from_str(&stdout(&essaim(&db, &["consultation", "export", "ess-bretagne-2027"]))).unwrap();
    let mut expected = bretagne(&demo);
    let territories = expected["territories"].as_array_mut().unwrap();
    territories.sort_by_key(|t| t["code"].as_str().unwrap().to_owned());
    assert_eq!(again, expected);

    let mut conn = db.conn();
    let consultation = find_consultation(&mut conn, "ess-bretagne-2027").unwrap();
    let questionnaire = questionnaire_of(&mut conn, consultation.id).unwrap().expect("a questionnaire");
    assert!(published_version(&mut conn, questionnaire.id).unwrap().is_some(), "published, as the file says");
    let demo_id = find_consultation(&mut conn, "ess-pays-de-la-loire-2016").unwrap().id;
    let codes = |conn: &mut essaim_core::db::DbConnection, id| -> Vec<String> {
        stands::table.filter(stands::consultation_id.eq(id)).select(stands::code).load(conn).unwrap()
    };
    let (theirs, ours) = (codes(&mut conn, demo_id), codes(&mut conn, consultation.id));
    assert_eq!(ours.len(), 13);
    assert!(ours.iter().all(|c| !theirs.contains(c)), "new short codes for the new edition's posters");

    // The questionnaire's identity block offers Bretagne's territories, not Pays de la Loire's.
    let frame = frame_of(&mut conn, consultation.id).unwrap();
    let offered: Vec<String> = identity_territories(&frame).into_iter().map(|(_, label)| label).collect();
    assert_eq!(
        offered,
        [
            "Côtes-d'Armor (22)",
            "Finistère (29)",
            "Ille-et-Vilaine (35)",
            "Morbihan (56)",
            "Pays de Brest",
            "Hors du territoire de la consultation"
        ]
    );
    let definition = published_version(&mut conn, questionnaire.id).unwrap().unwrap().parsed().unwrap();
    let block = definition
        .questions()
        .map(|(_, q)| q)
        .find(|q| matches!(q.kind, essaim_contributions::questionnaire::definition::QuestionKind::Organisation))
        .expect("the demo questionnaire has an identity block");
    let refusals = |departement: &str| {
        let field = format!("{}.departement", block.id);
        let answers = Answers::from_pairs(&[(field.as_str(), departement)]);
        check_all(&definition, &frame, &answers).into_iter().filter(|(_, e)| e.field == field).count()
    };
    assert_eq!(refusals("44"), 1, "Loire-Atlantique is not Bretagne's");
    assert_eq!(refusals("29"), 0);
    assert_eq!(refusals("PAYS-BREST"), 0);
}

#[test]
fn a_wrong_set_up_file_is_refused_whole_in_french_naming_each_field() {
    let db = TestDb::new();
    stdout(&essaim(&db, &["seed", "demo"]));
    let demo = stdout(&essaim(&db, &["consultation", "export", "ess-pays-de-la-loire-2016"]));
    let dir = tempfile::tempdir().unwrap();
    let count = |db: &TestDb| -> (i64, i64, i64) {
        let mut conn = db.conn();
        (
            consultations::table.count().get_result(&mut conn).unwrap(),
            workshops::table.count().get_result(&mut conn).unwrap(),
            plenaries::table.count().get_result(&mut conn).unwrap(),
        )
    };
    let before = count(&db);

    let refused = |file: &str| {
        let out = essaim(&db, &["consultation", "import", file]);
        assert!(!out.status.success());
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let said = refused(&write(&dir, "same.json", &serde_json::from_str(&demo).unwrap()));
    assert!(
        said.contains("consultation.slug : Une consultation a déjà l'identifiant court « ess-pays-de-la-loire-2016 »"),
        "{said}"
    );

    let mut wrong = bretagne(&demo);
    wrong["territories"] = json!([{"code": "22"}, {"code": "99"}]);
    wrong["themes"][1]["title"] = wrong["themes"][0]["title"].clone();
    wrong["phases"][0]["ends_on"] = json!("2015-01-01");
    wrong["sections"]["stands"][0]["theme"] = json!(9);
    let said = refused(&write(&dir, "wrong.json", &wrong));
    assert!(said.contains("rien n'a été créé"), "{said}");
    assert!(said.contains("territories[1] : Territoire inconnu : « 99 »"), "{said}");
    assert!(said.contains("themes[1].title : Le thème"), "{said}");
    assert!(said.contains("phases[0].ends_on : La phase « Ateliers de lancement » finit"), "{said}");

    // A refusal met only while writing a module's section leaves nothing behind either.
    let mut late = bretagne(&demo);
    late["sections"]["stands"][2]["theme"] = json!(9);
    let said = refused(&write(&dir, "late.json", &late));
    assert!(said.contains("sections.stands[2].theme"), "{said}");
    let mut late = bretagne(&demo);
    late["sections"]["workshops"][3]["date"] = json!("28 juin");
    late["sections"]["workshops"][7]["theme"] = json!(9);
    let said = refused(&write(&dir, "plan.json", &late));
    assert!(said.contains("sections.workshops[3].date : La date s'écrit AAAA-MM-JJ"), "{said}");
    assert!(said.contains("sections.workshops[7].theme : Thème n° 9 inconnu"), "{said}");

    std::fs::write(dir.path().join("broken.json"), "{ \"format\": ").unwrap();
    let said = refused(&dir.path().join("broken.json").to_string_lossy());
    assert!(said.contains("fichier : Ce fichier n'est pas du JSON valide (ligne 1"), "{said}");
    assert_eq!(count(&db), before, "nothing half-written");
    assert_eq!(before.0, 1);
}
