//! The draft strategy of the demo as ODT and DOCX: its parts, charts and tables are there, a
//! hostile orientation title is escaped, and the same synthesis gives the same bytes. How the
//! packages are built (and LibreOffice opening them) is tested with the renderers, in
//! `essaim-documents`.

use std::io::Read;

use essaim_core::demo::{seed_demo, DEMO_SLUG};
use essaim_core::testing::TestDb;
use essaim_synthesis::export::{write_exports, Format};
use essaim_synthesis::pipeline::Params;
use essaim_synthesis::run::synthesize;

/// Writes the demo synthesis in `format` into `dir`; `poison` replaces the first orientation's title.
fn demo(dir: &std::path::Path, poison: Option<&str>, format: Format) -> std::path::PathBuf {
    let db = TestDb::new();
    seed_demo(&mut db.conn(), &[]).unwrap();
    let mut output = synthesize(&mut db.conn(), DEMO_SLUG, None, &Params::default()).unwrap();
    if let Some(title) = poison {
        output.document.themes[0].orientations[0].title = title.into();
    }
    write_exports(&output.document, &output.inputs, &[format], dir).unwrap();
    dir.join(format.file_name())
}

/// One part of a zip archive, as text.
fn part(path: &std::path::Path, name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    archive.by_name(name).unwrap_or_else(|_| panic!("no {name}")).read_to_string(&mut text).unwrap();
    text
}

#[test]
fn the_odt_holds_the_strategy_with_escaped_text_and_chart_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), Some("<text:p>injection & \"guillemets\""), Format::Odt);
    let content = part(&path, "content.xml");
    roxmltree::Document::parse(&content).expect("well-formed content.xml");
    for heading in [
        "text:outline-level=\"1\">Comment ce projet a été construit<",
        "text:outline-level=\"1\">Participation<",
        "text:outline-level=\"1\">Thème 1 — Acteurs de l&apos;ESS et institutions publiques",
        "text:outline-level=\"1\">Annexe — Méthode technique<",
    ] {
        assert!(content.contains(heading), "{heading}");
    }
    // A cover, then the contents listing every part.
    assert!(content.contains("<text:p text:style-name=\"Contents_20_Heading\">Sommaire</text:p>"));
    assert!(content.contains("<text:p text:style-name=\"Contents_20_1\">Participation</text:p>"));
    assert!(content.find("text:style-name=\"Title\"") < content.find("Contents_20_Heading"));
    assert!(!content.contains("<text:h text:style-name=\"FirstHeading\""), "after a cover, every part starts a page");
    assert!(content.contains("&lt;text:p&gt;injection &amp; &quot;guillemets&quot;"));
    assert!(!content.contains("<text:p>injection"));
    assert_eq!(content.matches("draw:mime-type=\"image/svg+xml\"").count(), 3, "channel, département, family");
    assert_eq!(content.matches("<table:table ").count(), 4, "three participation tables and the parameters");
    assert!(content.contains("table:name=\"Paramètres\""));
    assert!(part(&path, "meta.xml").contains("<dc:title>Projet de stratégie — "));
    // The same synthesis gives the same bytes.
    let again = tempfile::tempdir().unwrap();
    let second = demo(again.path(), Some("<text:p>injection & \"guillemets\""), Format::Odt);
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&second).unwrap());
}

#[test]
fn the_docx_holds_the_strategy_with_escaped_text_and_chart_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), Some("<w:p>injection & \"guillemets\""), Format::Docx);
    let document = part(&path, "word/document.xml");
    roxmltree::Document::parse(&document).expect("well-formed document.xml");
    assert!(document.contains(
        "<w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Thème 1 — Acteurs de l&apos;ESS et institutions publiques"
    ));
    // After the cover and the contents, every part starts a page.
    assert_eq!(document.matches("<w:pageBreakBefore w:val=\"0\"/>").count(), 0);
    assert!(document.contains("<w:pStyle w:val=\"TOCHeading\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Sommaire<"));
    assert!(document.contains("<w:pStyle w:val=\"TOC1\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Participation<"));
    assert!(document.contains("&lt;w:p&gt;injection &amp; &quot;guillemets&quot;"));
    assert!(!document.contains("<w:p>injection"));
    assert_eq!(document.matches("<w:drawing>").count(), 3);
    assert!(document.contains("descr=\"Contributions par canal (diagramme en barres) : "));
    assert_eq!(document.matches("<w:tbl>").count(), 4, "three participation tables and the parameters");
    assert!(document.contains("<w:tblCaption w:val=\"Paramètres\"/>"));
    assert!(part(&path, "docProps/core.xml").contains("<dc:title>Projet de stratégie — Stratégie régionale"));
    let again = tempfile::tempdir().unwrap();
    let second = demo(again.path(), Some("<w:p>injection & \"guillemets\""), Format::Docx);
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&second).unwrap());
}
