//! Office documents: the ODT and the DOCX are valid packages, and LibreOffice opens them and
//! the PDF (the LibreOffice tests are ignored by default: CI runs them with `-- --ignored`; so
//! can you, after `apt-get install libreoffice-writer-nogui libreoffice-draw-nogui`).

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};

use essaim_documents::{render, Block, Format};

const ODT_POISON: &str = "<text:p>injection & \"guillemets\"";
const DOCX_POISON: &str = "<w:p>injection & \"guillemets\"";

/// Writes the sample in `format` into `dir` as `document.<ext>`.
fn write(dir: &Path, poison: Option<&str>, format: Format) -> PathBuf {
    let path = dir.join(format!("document.{}", format.extension()));
    std::fs::write(&path, render(&common::sample(poison), format).unwrap()).unwrap();
    path
}

/// The entries of a zip archive: name and bytes, in order.
fn zip_entries(path: &Path) -> Vec<(String, Vec<u8>)> {
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

fn part(entries: &[(String, Vec<u8>)], name: &str) -> String {
    let (_, bytes) = entries.iter().find(|(n, _)| n == name).unwrap_or_else(|| panic!("no {name}"));
    String::from_utf8(bytes.clone()).unwrap()
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
fn the_odt_is_a_well_formed_package_with_escaped_text_and_chart_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), Some(ODT_POISON), Format::Odt);
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&path).unwrap()).unwrap();
    {
        let first = archive.by_index(0).unwrap();
        assert_eq!(first.name().unwrap(), "mimetype", "the mimetype comes first");
        assert_eq!(first.compression(), zip::CompressionMethod::Stored);
    }
    let entries = zip_entries(&path);
    for (name, bytes) in &entries {
        if name.ends_with(".xml") || name.ends_with(".svg") {
            assert_well_formed(name, std::str::from_utf8(bytes).unwrap());
        }
    }
    let content = part(&entries, "content.xml");
    assert!(content.contains("text:outline-level=\"1\">Thème 1 — Acteurs de l&apos;ESS et territoires"));
    assert!(content.contains("&lt;text:p&gt;injection &amp; &quot;guillemets&quot;"));
    assert!(!content.contains("<text:p>injection"));
    assert_eq!(content.matches("draw:mime-type=\"image/svg+xml\"").count(), 3);
    assert_eq!(content.matches("<svg:desc>").count(), 3, "each chart has a text alternative");
    assert_eq!(content.matches("<table:table ").count(), 4);
    assert_eq!(content.matches("<text:p text:style-name=\"Caption\">Tableau ").count(), 4);
    assert_eq!(content.matches("<table:table-header-rows>").count(), 4);
    let manifest = part(&entries, "META-INF/manifest.xml");
    for n in 1..=3 {
        assert!(manifest.contains(&format!("Pictures/graphique-{n}.svg")));
        assert!(entries.iter().any(|(name, _)| *name == format!("Pictures/graphique-{n}.svg")));
    }
    // The chart of 30 départements draws 20 bars; its table keeps all 30 rows.
    let svg = part(&entries, "Pictures/graphique-2.svg");
    assert_eq!(svg.matches("<rect").count(), 20);
    assert!(svg.contains("autres (11 catégories)"));
    let meta = part(&entries, "meta.xml");
    assert!(meta.contains("<dc:title>Projet de stratégie — Stratégie régionale de l&apos;ESS</dc:title>"));
    assert!(meta.contains("<dc:language>fr-FR</dc:language>"));
    assert!(part(&entries, "styles.xml").contains("fo:language=\"fr\" fo:country=\"FR\""));
    // The same document gives the same bytes (fixed zip timestamps).
    let again = tempfile::tempdir().unwrap();
    let second = write(again.path(), Some(ODT_POISON), Format::Odt);
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&second).unwrap());
}

#[test]
fn the_docx_is_a_well_formed_package_with_escaped_text_and_chart_pictures() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), Some(DOCX_POISON), Format::Docx);
    let entries = zip_entries(&path);
    assert_eq!(entries[0].0, "[Content_Types].xml");
    for (name, bytes) in &entries {
        if name.ends_with(".xml") || name.ends_with(".rels") {
            assert_well_formed(name, std::str::from_utf8(bytes).unwrap());
        }
    }
    let content_types = part(&entries, "[Content_Types].xml");
    for expected in [
        "<Default Extension=\"png\" ContentType=\"image/png\"/>",
        "<Override PartName=\"/word/document.xml\"",
        "<Override PartName=\"/word/styles.xml\"",
        "<Override PartName=\"/word/numbering.xml\"",
        "<Override PartName=\"/word/settings.xml\"",
    ] {
        assert!(content_types.contains(expected), "{expected}");
    }
    assert!(part(&entries, "_rels/.rels").contains("Target=\"word/document.xml\""));

    let document = part(&entries, "word/document.xml");
    assert!(document.contains(
        "<w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Thème 1 — Acteurs de l&apos;ESS et territoires"
    ));
    // Only the first part (Participation) is told not to start a page.
    assert_eq!(document.matches("<w:pageBreakBefore w:val=\"0\"/>").count(), 1);
    assert!(document.contains("<w:pStyle w:val=\"Heading1\"/><w:pageBreakBefore w:val=\"0\"/></w:pPr><w:r><w:t xml:space=\"preserve\">Participation<"));
    // Hostile text is escaped, never raw.
    assert!(document.contains("&lt;w:p&gt;injection &amp; &quot;guillemets&quot;"));
    assert!(!document.contains("<w:p>injection"));
    assert!(!document.contains("injection & "));

    // Three chart pictures, each a PNG behind a relationship, each with a text alternative.
    let rels = part(&entries, "word/_rels/document.xml.rels");
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
        assert!(descr.starts_with("Contributions par ") && descr.contains("(diagramme en barres) : "), "{tag}");
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
    assert!(part(&entries, "word/numbering.xml").contains("<w:numFmt w:val=\"bullet\"/>"));
    assert!(document.contains("<w:numPr><w:ilvl w:val=\"0\"/><w:numId w:val=\"1\"/></w:numPr>"));
    let tables = document.matches("<w:tbl>").count();
    assert_eq!(tables, 4, "three participation tables and the parameters");
    assert_eq!(document.matches("<w:tblHeader/>").count(), tables);
    assert_eq!(document.matches("<w:tblCaption w:val=").count(), tables);
    assert!(document.contains("<w:tblCaption w:val=\"Paramètres\"/>"));
    assert!(document.contains("<w:tblW w:w=\"5000\" w:type=\"pct\"/>"));
    assert!(document.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\"/>"));
    assert!(document.trim_end().ends_with("</w:sectPr></w:body></w:document>"));
    let styles = part(&entries, "word/styles.xml");
    assert!(styles.contains("<w:lang w:val=\"fr-FR\""));
    for id in ["Normal", "Title", "Heading1", "Heading2", "Heading3", "Quote", "ListParagraph", "Caption"] {
        assert!(styles.contains(&format!("w:styleId=\"{id}\"")), "style {id}");
    }
    assert!(part(&entries, "word/settings.xml").contains("<w:themeFontLang w:val=\"fr-FR\"/>"));
    let core = part(&entries, "docProps/core.xml");
    assert!(core.contains("<dc:language>fr-FR</dc:language>"));
    assert!(core.contains("<dc:title>Projet de stratégie — "));
    assert!(!core.contains("dcterms:created") && !core.contains("dcterms:modified"));

    // The same document gives the same bytes (fixed zip timestamps, no date anywhere).
    let again = tempfile::tempdir().unwrap();
    let second = write(again.path(), Some(DOCX_POISON), Format::Docx);
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&second).unwrap());
}

#[test]
fn the_language_of_the_document_reaches_every_office_format() {
    let mut document = common::sample(None);
    document.language = "br-FR".into();
    let dir = tempfile::tempdir().unwrap();
    let odt = dir.path().join("d.odt");
    std::fs::write(&odt, render(&document, Format::Odt).unwrap()).unwrap();
    assert!(part(&zip_entries(&odt), "styles.xml").contains("fo:language=\"br\" fo:country=\"FR\""));
    let docx = dir.path().join("d.docx");
    std::fs::write(&docx, render(&document, Format::Docx).unwrap()).unwrap();
    assert!(part(&zip_entries(&docx), "word/styles.xml").contains("<w:lang w:val=\"br-FR\""));
}

#[test]
fn tables_of_many_columns_render_in_both_office_formats() {
    let mut document = common::sample(None);
    document.blocks.push(Block::Table {
        name: "Ateliers".into(),
        header: ["Atelier", "Ville", "Date", "Présents", "Contributions"].map(String::from).to_vec(),
        rows: vec![
            ["Emploi", "Nantes", "12 mars", "48", "1\u{202f}204"].map(String::from).to_vec(),
            vec!["Ligne courte".into()],
        ],
    });
    let dir = tempfile::tempdir().unwrap();
    let odt = dir.path().join("d.odt");
    std::fs::write(&odt, render(&document, Format::Odt).unwrap()).unwrap();
    let content = part(&zip_entries(&odt), "content.xml");
    assert_well_formed("content.xml", &content);
    let table = &content[content.find("table:name=\"Ateliers\"").unwrap()..];
    assert_eq!(table.matches("<table:table-column ").count(), 5);
    assert_eq!(table.matches("<table:table-cell ").count(), 15);
    let docx = dir.path().join("d.docx");
    std::fs::write(&docx, render(&document, Format::Docx).unwrap()).unwrap();
    let body = part(&zip_entries(&docx), "word/document.xml");
    assert_well_formed("document.xml", &body);
    let table = &body[body.find("<w:tblCaption w:val=\"Ateliers\"/>").unwrap()..];
    assert_eq!(table.matches("<w:gridCol ").count(), 5);
    assert_eq!(table.matches("<w:tc>").count(), 15);
}

/// Has LibreOffice convert `file` to PDF in `dir`; returns the number of pages of the PDF.
fn libreoffice_pdf_pages(dir: &Path, file: &Path) -> usize {
    let status = std::process::Command::new("libreoffice")
        .args(["--headless", "--norestore", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .arg(file)
        .env("HOME", dir)
        .status()
        .expect("libreoffice runs");
    assert!(status.success());
    let name = file.with_extension("pdf");
    let pdf = std::fs::read(dir.join(name.file_name().unwrap())).expect("a PDF was written");
    assert!(pdf.starts_with(b"%PDF"), "LibreOffice wrote a PDF");
    let text = String::from_utf8_lossy(&pdf);
    text.matches("/Type/Page").count() + text.matches("/Type /Page").count()
        - text.matches("/Type/Pages").count()
        - text.matches("/Type /Pages").count()
}

#[test]
#[ignore = "needs LibreOffice (CI runs it): cargo test -p essaim-documents --test office -- --ignored"]
fn libreoffice_opens_the_odt_and_prints_it_to_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), None, Format::Odt);
    let pages = libreoffice_pdf_pages(dir.path(), &path);
    assert!(pages >= 8, "{pages} pages: a page per part");
}

#[test]
#[ignore = "needs LibreOffice (CI runs it): cargo test -p essaim-documents --test office -- --ignored"]
fn libreoffice_opens_the_docx_and_prints_it_to_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), None, Format::Docx);
    let pages = libreoffice_pdf_pages(dir.path(), &path);
    assert!(pages >= 8, "{pages} pages: a page per part");
}

#[test]
#[ignore = "needs LibreOffice Draw (CI runs it): cargo test -p essaim-documents --test office -- --ignored"]
fn libreoffice_opens_the_pdf_and_prints_it_again() {
    // LibreOffice opens a PDF with Draw's import (package libreoffice-draw-nogui), page by page.
    let dir = tempfile::tempdir().unwrap();
    let source = tempfile::tempdir().unwrap();
    let path = write(source.path(), None, Format::Pdf);
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    let ours = text.matches("/Type/Page").count() - text.matches("/Type/Pages").count();
    let pages = libreoffice_pdf_pages(dir.path(), &path);
    assert!(pages >= 8, "{pages} pages");
    assert_eq!(pages, ours, "LibreOffice reads every page of ours");
}
