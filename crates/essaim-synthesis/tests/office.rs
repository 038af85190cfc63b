//! Office documents: the ODT is a valid package, and LibreOffice opens it (the second test needs
//! LibreOffice: CI runs it with `-- --ignored`; so can you, after `apt-get install
//! libreoffice-writer-nogui`).

use std::io::Read;

use essaim_core::demo::{seed_demo, DEMO_SLUG};
use essaim_core::testing::TestDb;
use essaim_synthesis::export::{write_exports, Format};
use essaim_synthesis::pipeline::Params;
use essaim_synthesis::run::synthesize;

fn demo_odt(dir: &std::path::Path, poison: bool) -> std::path::PathBuf {
    let db = TestDb::new();
    seed_demo(&mut db.conn()).unwrap();
    let mut output = synthesize(&mut db.conn(), DEMO_SLUG, None, &Params::default()).unwrap();
    if poison {
        output.document.themes[0].orientations[0].title = "<text:p>injection & \"guillemets\"".into();
    }
    write_exports(&output.document, &output.inputs, &[Format::Odt], dir).unwrap();
    dir.join("synthese.odt")
}

#[test]
fn the_odt_is_a_well_formed_package_with_escaped_text_and_chart_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_odt(dir.path(), true);
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    {
        let first = archive.by_index(0).unwrap();
        assert_eq!(first.name().unwrap(), "mimetype", "the mimetype comes first");
        assert_eq!(first.compression(), zip::CompressionMethod::Stored);
    }
    let mut content = String::new();
    archive.by_name("content.xml").unwrap().read_to_string(&mut content).unwrap();
    assert!(content.contains("text:outline-level=\"1\">Thème 1 — Acteurs de l&apos;ESS et institutions publiques"));
    assert!(content.contains("&lt;text:p&gt;injection &amp; &quot;guillemets&quot;"));
    assert!(!content.contains("<text:p>injection"));
    assert_eq!(content.matches("draw:mime-type=\"image/svg+xml\"").count(), 3);
    let mut manifest = String::new();
    archive.by_name("META-INF/manifest.xml").unwrap().read_to_string(&mut manifest).unwrap();
    for n in 1..=3 {
        assert!(manifest.contains(&format!("Pictures/graphique-{n}.svg")));
        assert!(archive.by_name(&format!("Pictures/graphique-{n}.svg")).is_ok());
    }
    // The same document gives the same bytes (fixed zip timestamps).
    let again = tempfile::tempdir().unwrap();
    let second = demo_odt(again.path(), true);
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&second).unwrap());
}

#[test]
#[ignore = "needs LibreOffice (CI runs it): cargo test -p essaim-synthesis --test office -- --ignored"]
fn libreoffice_opens_the_odt_and_prints_it_to_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_odt(dir.path(), false);
    let status = std::process::Command::new("libreoffice")
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(dir.path())
        .arg(&path)
        .env("HOME", dir.path())
        .status()
        .expect("libreoffice runs");
    assert!(status.success());
    let pdf = std::fs::read(dir.path().join("synthese.pdf")).expect("a PDF was written");
    let text = String::from_utf8_lossy(&pdf);
    let pages = text.matches("/Type/Page").count() + text.matches("/Type /Page").count()
        - text.matches("/Type/Pages").count()
        - text.matches("/Type /Pages").count();
    assert!(pages >= 5, "{pages} pages");
}
