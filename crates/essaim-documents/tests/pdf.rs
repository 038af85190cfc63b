//! The PDF for publication: deterministic, tagged (PDF/UA-1 checks by krilla pass, or the
//! rendering fails), in the document's language, with bookmarks; hostile text cannot break it.
//! The last test reads the text back with poppler's `pdftotext` (CI installs poppler-utils; run
//! it with `-- --ignored`).

mod common;

use essaim_documents::{render, Block, Format};

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

#[test]
fn the_pdf_is_tagged_french_bookmarked_and_the_same_twice() {
    let document = common::sample(None);
    let pdf = render(&document, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
    assert_eq!(count(&pdf, b"/StructTreeRoot"), 2, "a structure tree (tagged PDF)");
    assert_eq!(count(&pdf, b"/Marked true"), 1);
    assert!(count(&pdf, b"/Lang(fr-FR)") >= 1, "document language");
    assert_eq!(count(&pdf, b"pdfuaid:part>1"), 1, "declared PDF/UA-1");
    assert!(count(&pdf, b"/Outlines") >= 1, "bookmarks");
    assert!(count(&pdf, b"/Type/Page") > 8, "a page per part");
    assert_eq!(pdf, render(&document, Format::Pdf).unwrap(), "no date or random value in the PDF");
}

#[test]
fn hostile_and_unusual_text_still_gives_a_valid_pdf() {
    let mut document = common::sample(Some("(injection) \\ ) endobj %%EOF <script>"));
    document.blocks.push(Block::Paragraph(format!("😀 中文 \u{7}\u{0} {}", "mot".repeat(400))));
    document.blocks.push(Block::Quote(format!("avant \u{ffff} après \u{2028} {}", "x".repeat(5_000))));
    document.blocks.push(Block::Table {
        name: "Empreinte".into(),
        header: vec!["Paramètre".into(), "Valeur".into()],
        rows: vec![vec!["Empreinte".into(), "f".repeat(30_000)]],
    });
    document.blocks.push(Block::Chart {
        title: "Par département".into(),
        bars: (1..=101).map(|n| (format!("{n:02}"), 200 - n)).collect(),
    });
    document.blocks.push(Block::Heading { level: 0, text: "Niveau zéro".into() });
    document.blocks.push(Block::Table { name: "Vide".into(), header: Vec::new(), rows: Vec::new() });
    let pdf = render(&document, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
    assert_eq!(count(&pdf, b"%%EOF"), 1, "the title is not written raw into the file");
}

#[test]
#[ignore = "needs poppler-utils (CI runs it): cargo test -p essaim-documents --test pdf -- --ignored"]
fn poppler_reads_the_text_back_in_reading_order() {
    let mut document = common::sample(None);
    // A figure in a narrow column of a wide table: read back whole.
    document.blocks.push(Block::Table {
        name: "Bilan".into(),
        header: ["Thème", "Canal", "Territoire", "Type", "Bilan"].map(String::from).to_vec(),
        rows: vec![["Emploi", "Questionnaire", "Loire-Atlantique (44)", "Proposition", "10\u{202f}517 contributions"]
            .map(String::from)
            .to_vec()],
    });
    let pdf = render(&document, Format::Pdf).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    let position = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("« {needle} » not in the PDF text"));
    assert!(position("Participation") < position("Thème 1 — Acteurs"));
    assert!(position("Thème 5 — Acteurs") < position("Annexe 1"));
    assert!(position("Annexe 1") < position("Annexe 2 — Traçabilité"));
    assert!(text.contains("Département (01)"));
    assert!(text.contains("page 1 /"));
    assert!(text.contains("réf. demo-11"), "quotes keep their reference");
    // pdftotext gives U+202F back as a plain space; what matters is that no line ends in "10".
    assert!(text.contains("10 517 contributions lues."));
    assert!(text.contains("\n10 517 contributions\n"), "the figure of the narrow column is not split");
    assert!(!text.contains("\n517"));
}
