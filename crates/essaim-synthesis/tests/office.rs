//! Office documents: the ODT and the DOCX are valid packages, and LibreOffice opens them and
//! the PDF (the LibreOffice tests are ignored by default: CI runs them with `-- --ignored`; so
//! can you, after `apt-get install libreoffice-writer-nogui libreoffice-draw-nogui`).

use std::io::Read;

use essaim_core::demo::{seed_demo, DEMO_SLUG};
use essaim_core::testing::TestDb;
use essaim_synthesis::export::{write_exports, Format};
use essaim_synthesis::pipeline::Params;
use essaim_synthesis::run::synthesize;

/// Writes the demo synthesis in `format` into `dir`; `poison` replaces the first orientation's title.
fn demo(dir: &std::path::Path, poison: Option<&str>, format: Format) -> std::path::PathBuf {
    let db = TestDb::new();
    seed_demo(&mut db.conn()).unwrap();
    let mut output = synthesize(&mut db.conn(), DEMO_SLUG, None, &Params::default()).unwrap();
    if let Some(title) = poison {
        output.document.themes[0].orientations[0].title = title.into();
    }
    write_exports(&output.document, &output.inputs, &[format], dir).unwrap();
    dir.join(format.file_name())
}

fn demo_odt(dir: &std::path::Path, poison: bool) -> std::path::PathBuf {
    demo(dir, poison.then_some("<text:p>injection & \"guillemets\""), Format::Odt)
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
    assert_well_formed("content.xml", &content);
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

/// Has LibreOffice convert `file` to PDF in `dir`; returns the number of pages of the PDF.
fn libreoffice_pdf_pages(dir: &std::path::Path, file: &std::path::Path) -> usize {
    let status = std::process::Command::new("libreoffice")
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(file)
        .env("HOME", dir)
        .status()
        .expect("libreoffice runs");
    assert!(status.success());
    let pdf = std::fs::read(dir.join("synthese.pdf")).expect("a PDF was written");
    assert!(pdf.starts_with(b"%PDF"), "LibreOffice wrote a PDF");
    let text = String::from_utf8_lossy(&pdf);
    text.matches("/Type/Page").count() + text.matches("/Type /Page").count()
        - text.matches("/Type/Pages").count()
        - text.matches("/Type /Pages").count()
}

#[test]
#[ignore = "needs LibreOffice (CI runs it): cargo test -p essaim-synthesis --test office -- --ignored"]
fn libreoffice_opens_the_odt_and_prints_it_to_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo_odt(dir.path(), false);
    let pages = libreoffice_pdf_pages(dir.path(), &path);
    assert!(pages >= 5, "{pages} pages");
}

const DOCX_POISON: &str = "<w:p>injection & \"guillemets\"";

/// The entries of a zip archive: name and bytes, in order.
fn zip_texts(path: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut entry = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).unwrap();
            (entry.name().unwrap().to_string(), bytes)
        })
        .collect()
}

/// Parses an XML part with a real parser (roxmltree): well-formed, or the test fails.
fn assert_well_formed(part: &str, text: &str) {
    if let Err(e) = roxmltree::Document::parse(text) {
        panic!("{part} is not well-formed XML: {e}");
    }
}

/// The value of `attribute="…"` in the start of a tag.
fn attribute<'a>(tag: &'a str, attribute: &str) -> &'a str {
    let start = tag.find(&format!(" {attribute}=\"")).unwrap_or_else(|| panic!("no {attribute} in {tag}"))
        + attribute.len()
        + 3;
    &tag[start..start + tag[start..].find('"').unwrap()]
}

#[test]
fn the_docx_is_a_well_formed_package_with_escaped_text_and_chart_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), Some(DOCX_POISON), Format::Docx);
    let entries = zip_texts(&path);
    let part = |name: &str| -> String {
        let (_, bytes) = entries.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name}"));
        String::from_utf8(bytes.clone()).unwrap()
    };
    assert_eq!(entries[0].0, "[Content_Types].xml");
    for (name, bytes) in &entries {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            assert_well_formed(name, std::str::from_utf8(bytes).unwrap());
        }
    }
    let content_types = part("[Content_Types].xml");
    for expected in [
        "<Default Extension=\"png\" ContentType=\"image/png\"/>",
        "<Override PartName=\"/word/document.xml\"",
        "<Override PartName=\"/word/styles.xml\"",
        "<Override PartName=\"/word/numbering.xml\"",
        "<Override PartName=\"/word/settings.xml\"",
    ] {
        assert!(content_types.contains(expected), "{expected}");
    }
    assert!(part("_rels/.rels").contains("Target=\"word/document.xml\""));

    let document = part("word/document.xml");
    assert!(document.contains(
        "<w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Thème 1 — Acteurs de l&apos;ESS et institutions publiques"
    ));
    // Only the first part (Participation) is told not to start a page.
    assert_eq!(document.matches("<w:pageBreakBefore w:val=\"0\"/>").count(), 1);
    assert!(document.contains("<w:pStyle w:val=\"Heading1\"/><w:pageBreakBefore w:val=\"0\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Participation<"));
    // Hostile text is escaped, never raw.
    assert!(document.contains("&lt;w:p&gt;injection &amp; &quot;guillemets&quot;"));
    assert!(!document.contains("<w:p>injection"));
    assert!(!document.contains("injection & "));

    // Three chart pictures, each a PNG behind a relationship, each with a text alternative.
    let rels = part("word/_rels/document.xml.rels");
    assert_eq!(document.matches("<w:drawing>").count(), 3);
    for n in 1..=3 {
        let media = format!("word/media/graphique-{n}.png");
        let (_, png) = entries.iter().find(|(name, _)| *name == media).unwrap_or_else(|| panic!("no {media}"));
        assert_eq!(&png[1..4], b"PNG");
        assert!(rels.contains(&format!("Target=\"media/graphique-{n}.png\"")));
    }
    assert!(!entries.iter().any(|(name, _)| name == "word/media/graphique-4.png"));
    let doc_prs: Vec<&str> = document.split("<wp:docPr ").skip(1).map(|t| &t[..t.find("/>").unwrap()]).collect();
    assert_eq!(doc_prs.len(), 3);
    let mut ids = Vec::new();
    for tag in &doc_prs {
        let tag = format!(" {tag}");
        let descr = attribute(&tag, "descr");
        assert!(descr.starts_with("Contributions par "), "a text alternative: {tag}");
        ids.push(attribute(&tag, "id").to_owned());
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "unique drawing ids");
    // Every relationship the document uses is defined, and every picture target exists.
    let mut used = 0;
    for marker in [" r:embed=\"", " r:id=\""] {
        for (i, _) in document.match_indices(marker) {
            let id = &document[i + marker.len()..];
            let id = &id[..id.find('"').unwrap()];
            assert!(rels.contains(&format!("Id=\"{id}\"")), "relationship {id} is not defined");
            used += 1;
        }
    }
    assert_eq!(used, 3);
    for relationship in rels.split("<Relationship ").skip(1) {
        let tag = format!(" {relationship}");
        let target = attribute(&tag, "Target");
        assert!(entries.iter().any(|(name, _)| *name == format!("word/{target}")), "missing part {target}");
    }

    // Real bullets, tables with a repeated header row and a name, French, A4.
    assert!(part("word/numbering.xml").contains("<w:numFmt w:val=\"bullet\"/>"));
    assert!(document.contains("<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>"));
    let tables = document.matches("<w:tbl>").count();
    assert_eq!(tables, 4, "three participation tables and the parameters");
    assert_eq!(document.matches("<w:tblHeader/>").count(), tables);
    assert_eq!(document.matches("<w:tblCaption w:val=").count(), tables);
    assert!(document.contains("<w:tblCaption w:val=\"Paramètres\"/>"));
    assert!(document.contains("<w:tblW w:w=\"5000\" w:type=\"pct\"/>"));
    assert!(document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
    assert!(document.trim_end().ends_with("</w:sectPr></w:body></w:document>"));
    let styles = part("word/styles.xml");
    assert!(styles.contains("<w:lang w:val=\"fr-FR\""));
    for id in ["Normal", "Title", "Heading1", "Heading2", "Heading3", "Quote", "ListParagraph", "Caption"] {
        assert!(styles.contains(&format!("w:styleId=\"{id}\"")), "style {id}");
    }
    let core = part("docProps/core.xml");
    assert!(core.contains("<dc:language>fr-FR</dc:language>"));
    assert!(core.contains("<dc:title>Projet de stratégie — "));
    assert!(!core.contains("dcterms:created") && !core.contains("dcterms:modified"));

    // The same document gives the same bytes (fixed zip timestamps, no date anywhere).
    let again = tempfile::tempdir().unwrap();
    let second = demo(again.path(), Some(DOCX_POISON), Format::Docx);
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&second).unwrap());
}

#[test]
#[ignore = "needs LibreOffice (CI runs it): cargo test -p essaim-synthesis --test office -- --ignored"]
fn libreoffice_opens_the_docx_and_prints_it_to_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let path = demo(dir.path(), None, Format::Docx);
    let pages = libreoffice_pdf_pages(dir.path(), &path);
    assert!(pages >= 5, "{pages} pages: a page per part");
}

#[test]
#[ignore = "needs LibreOffice Draw (CI runs it): cargo test -p essaim-synthesis --test office -- --ignored"]
fn libreoffice_opens_the_pdf_and_prints_it_again() {
    // LibreOffice opens a PDF with Draw's import (package libreoffice-draw-nogui), page by page.
    let dir = tempfile::tempdir().unwrap();
    let source = tempfile::tempdir().unwrap();
    let path = demo(source.path(), None, Format::Pdf);
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let ours = text.matches("/Type/Page").count() - text.matches("/Type/Pages").count();
    let pages = libreoffice_pdf_pages(dir.path(), &path);
    assert!(pages >= 5, "{pages} pages");
    assert_eq!(pages, ours, "LibreOffice reads every page of ours");
}
