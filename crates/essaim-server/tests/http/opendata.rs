//! Open data of the published strategy (docs/open-data.md): none before publication, then the
//! tables as CSV and JSON with their Data Package, read with no account; no personal data, no
//! contribution pending or rejected, and a contribution rejected after publication leaves the
//! files at once. The Open Knowledge Foundation's validator reads the package (`frictionless
//! validate`, run by .ci/run).

use actix_web::http::StatusCode;
use diesel::prelude::*;
use essaim_core::schema::contributions;

use crate::common::browser;
use crate::publication::fixture;

const SLUG: &str = "ess-pays-de-la-loire-2016";

fn publish(conn: &mut essaim_core::db::DbConnection) {
    essaim_synthesis::publication::publish(conn, SLUG, None, None, "http://essaim.test").expect("published");
}

#[actix_web::test]
async fn a_visitor_downloads_the_published_open_data_without_personal_data_or_unaccepted_contributions() {
    let mut b = browser().await;
    let f = fixture(&mut b.db.conn());
    let base = format!("/consultations/{SLUG}/donnees");
    assert_eq!(b.get(&base).await.status, StatusCode::NOT_FOUND, "nothing published, no open data");
    assert_eq!(b.get(&format!("{base}/datapackage.json")).await.status, StatusCode::NOT_FOUND);
    publish(&mut b.db.conn());

    let page = b.get(&base).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Licence Ouverte"), "{}", page.text());
    assert!(page.body.contains(&format!("{base}/contributions.csv")));
    assert!(page.body.contains(&format!("{base}/datapackage.json")));
    // The strategy links to its open data.
    assert!(b.get(&format!("/consultations/{SLUG}/strategie")).await.body.contains(&base));

    let package = b.get(&format!("{base}/datapackage.json")).await;
    assert_eq!(package.status, StatusCode::OK);
    let package = package.json();
    assert_eq!(package["licenses"][0]["name"], "etalab-2.0");
    let names: Vec<&str> =
        package["resources"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    for table in ["orientations", "orientations-contributions", "contributions", "votes-pleniere", "engagements"] {
        assert!(names.contains(&table), "{table} in {names:?}");
        assert!(names.contains(&format!("{table}-json").as_str()));
    }
    // Every resource's file answers, and its row count is the file's.
    for resource in package["resources"].as_array().unwrap() {
        let path = resource["path"].as_str().unwrap();
        let file = b.get(&format!("{base}/{path}")).await;
        assert_eq!(file.status, StatusCode::OK, "{path}");
        if let Some(rows) = resource["rows"].as_u64() {
            let json = b.get(&format!("{base}/{}", path.replace(".csv", ".json"))).await.json();
            assert_eq!(json.as_array().unwrap().len() as u64, rows, "{path}");
        }
    }

    let csv = b.get(&format!("{base}/contributions.csv")).await;
    assert!(csv.content_type().starts_with("text/csv"));
    assert!(csv.body.starts_with('\u{feff}'), "UTF-8 with a byte-order mark");
    assert!(csv.body.contains("Former les élus locaux"), "accepted contributions are in");
    assert!(csv.body.contains("[courriel masqué]"), "{}", csv.body);
    for hidden in ["claire.martin@example.org", "zzpending", "zzrejected"] {
        assert!(!csv.body.contains(hidden), "{hidden} must not be published");
        for file in ["contributions.json", "orientations.csv", "orientations-contributions.csv"] {
            assert!(!b.get(&format!("{base}/{file}")).await.body.contains(hidden), "{hidden} in {file}");
        }
    }
    let links = b.get(&format!("{base}/orientations-contributions.json")).await.json();
    let linked: Vec<&str> = links.as_array().unwrap().iter().map(|l| l["contribution_id"].as_str().unwrap()).collect();
    assert_eq!(linked.len(), 3, "the kept orientation's three accepted contributions: {linked:?}");
    for hidden in [f.pending, f.rejected] {
        assert!(!linked.contains(&hidden.to_string().as_str()));
    }
    let orientations = b.get(&format!("{base}/orientations.json")).await.json();
    assert!(orientations.as_array().unwrap().iter().all(|o| o["id"] != f.discarded.id.to_string().as_str()));
    assert!(orientations.as_array().unwrap().iter().any(|o| o["id"] == f.kept.id.to_string().as_str()));

    // Rejected after publication: out of the files at once, links included.
    diesel::update(contributions::table.find(f.accepted[1]))
        .set(contributions::moderation_status.eq("rejected"))
        .execute(&mut b.db.conn())
        .unwrap();
    assert!(!b.get(&format!("{base}/contributions.csv")).await.body.contains("Former les élus locaux"));
    let links = b.get(&format!("{base}/orientations-contributions.csv")).await;
    assert!(!links.body.contains(&f.accepted[1].to_string()));

    assert_eq!(b.get(&format!("{base}/inconnue.csv")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&format!("{base}/contributions.xml")).await.status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn withdrawing_the_strategy_withdraws_its_open_data() {
    let mut b = browser().await;
    fixture(&mut b.db.conn());
    publish(&mut b.db.conn());
    let base = format!("/consultations/{SLUG}/donnees");
    assert_eq!(b.get(&base).await.status, StatusCode::OK);
    essaim_synthesis::publication::withdraw(&mut b.db.conn(), SLUG, None).expect("withdrawn");
    assert_eq!(b.get(&base).await.status, StatusCode::NOT_FOUND);
    assert_eq!(b.get(&format!("{base}/contributions.csv")).await.status, StatusCode::NOT_FOUND);
}

/// `frictionless validate` on the package and its files, as a reuser would download them. The
/// validator comes from the virtual environment .ci/run makes (`ESSAIM_FRICTIONLESS`).
#[actix_web::test]
#[ignore = "needs frictionless: .ci/run installs it and runs this test on both backends"]
async fn frictionless_validates_the_open_data_package() {
    let validator = std::env::var("ESSAIM_FRICTIONLESS").unwrap_or_else(|_| "frictionless".into());
    let mut b = browser().await;
    fixture(&mut b.db.conn());
    publish(&mut b.db.conn());
    let base = format!("/consultations/{SLUG}/donnees");
    let dir = tempfile::tempdir().unwrap();
    let package = b.get(&format!("{base}/datapackage.json")).await;
    std::fs::write(dir.path().join("datapackage.json"), &package.body).unwrap();
    for resource in package.json()["resources"].as_array().unwrap() {
        let path = resource["path"].as_str().unwrap();
        std::fs::write(dir.path().join(path), b.get(&format!("{base}/{path}")).await.body).unwrap();
    }
    let out = std::process::Command::new(&validator)
        .args(["validate", "datapackage.json"])
        .current_dir(dir.path())
        .output()
        .unwrap_or_else(|e| panic!("{validator}: {e}"));
    let report = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "frictionless refused the package:\n{report}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(report.contains("contributions") && report.contains("VALID"), "{report}");
}
