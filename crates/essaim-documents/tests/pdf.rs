//! The PDF for publication: deterministic, tagged (PDF/UA-1 checks by krilla pass, or the
//! rendering fails), in the document's language, with bookmarks; hostile text cannot break it.
//! The last test reads the text back with poppler's `pdftotext` (CI installs poppler-utils; run
//! it with `-- --ignored`).

mod common;

use essaim_documents::{render, Block, Document, Format, Picture};

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

/// The sample with a cover and a table of contents instead of its plain title.
fn covered() -> Document {
    let mut document = common::sample(None);
    document.blocks[0] = Block::Cover {
        title: document.title.clone(),
        subtitle: "Synthèse des contributions".into(),
        details: vec![
            "Consultation organisée par la Région et l'État".into(),
            "Version 2 publiée le 7 décembre 2026".into(),
        ],
    };
    document.blocks.insert(1, Block::Contents);
    document
}

/// A QR code of `text` as a picture block, quiet zone included.
fn qr(text: &str, width_mm: u32) -> Picture {
    let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
    let (inner, quiet) = (code.width(), 4);
    let side = inner + 2 * quiet;
    let colors = code.to_colors();
    let mut dark = vec![false; side * side];
    for y in 0..inner {
        for x in 0..inner {
            dark[(y + quiet) * side + x + quiet] = colors[y * inner + x] == qrcode::Color::Dark;
        }
    }
    Picture { alt: format!("Code QR de l'adresse {text}"), width_mm, side, dark }
}

#[test]
fn a_cover_contents_and_a_picture_keep_the_pdf_tagged_and_deterministic() {
    let mut document = covered();
    document.blocks.push(Block::Image(qr("https://essaim.example.fr/s/K7QP3", 90)));
    let pdf = render(&document, Format::Pdf).unwrap();
    assert_eq!(count(&pdf, b"pdfuaid:part>1"), 1, "still PDF/UA-1 (krilla validated it)");
    assert!(count(&pdf, b"/TOC") >= 1 && count(&pdf, b"/TOCI") >= 1, "the contents are tagged as such");
    assert!(count(&pdf, b"/Figure") >= 1);
    assert_eq!(pdf, render(&document, Format::Pdf).unwrap());
    // The other formats carry them too.
    let html = String::from_utf8(render(&document, Format::Html).unwrap()).unwrap();
    assert!(html.contains("<header class=\"cover\"><h1>Projet de stratégie"));
    assert!(html.contains("<nav class=\"contents\" aria-labelledby=\"sommaire\">"));
    assert!(html.contains("<li class=\"level-1\"><a href=\"#s1\">Participation</a></li>"));
    assert!(html.contains("<h2 id=\"s1\">Participation</h2>"), "after a cover the first part breaks the page too");
    assert!(
        html.contains("role=\"img\" aria-label=\"Code QR de l&#39;adresse https://essaim.example.fr/s/K7QP3\"")
            || html.contains("role=\"img\" aria-label=\"Code QR de l&apos;adresse https://essaim.example.fr/s/K7QP3\"")
    );
    let markdown = String::from_utf8(render(&document, Format::Markdown).unwrap()).unwrap();
    assert!(markdown.contains("## Sommaire\n\n- Participation\n- Thème 1"), "{}", &markdown[..400]);
}

fn pdftotext(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("document.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = std::process::Command::new("pdftotext").arg("-layout").arg(&path).arg("-").output().unwrap();
    assert!(text.status.success());
    String::from_utf8(text.stdout).unwrap()
}

#[test]
#[ignore = "needs poppler-utils (CI runs it): cargo test -p essaim-documents --test pdf -- --ignored"]
fn the_contents_give_the_page_each_part_starts_on() {
    let text = pdftotext(&render(&covered(), Format::Pdf).unwrap());
    let pages: Vec<&str> = text.split('\u{c}').collect();
    assert!(pages[0].contains("Projet de stratégie") && pages[0].contains("Version 2 publiée le 7 décembre 2026"));
    assert!(!pages[0].contains("page 1 /"), "the cover has no footer");
    assert!(pages[1].starts_with("Sommaire") || pages[1].trim_start().starts_with("Sommaire"), "{}", pages[1]);
    for part in ["Participation", "Thème 3 — Acteurs de l'ESS et territoires", "Annexe 2 — Traçabilité"] {
        let line =
            pages[1].lines().find(|l| l.trim_start().starts_with(part)).unwrap_or_else(|| panic!("{part} listed"));
        let listed: usize = line.split_whitespace().last().unwrap().parse().unwrap_or_else(|_| panic!("{line}"));
        let actual = pages.iter().skip(2).position(|p| p.trim_start().starts_with(part)).unwrap() + 3;
        assert_eq!(listed, actual, "{part}");
    }
}

#[test]
#[ignore = "needs poppler-utils and zbar-tools (CI runs it): cargo test -p essaim-documents --test pdf -- --ignored"]
fn a_qr_code_printed_in_the_pdf_scans_back() {
    let address = "https://essaim.example.fr/s/K7QP3";
    let mut document = Document::new("Affiche");
    document.blocks.push(Block::Heading { level: 1, text: "La recyclerie".into() });
    document.blocks.push(Block::Image(qr(address, 90)));
    let pdf = render(&document, Format::Pdf).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("affiche.pdf"), &pdf).unwrap();
    // 100 dpi: about what a phone sees of a poster at arm's length.
    let drawn = std::process::Command::new("pdftoppm")
        .args(["-r", "100", "-png", "-singlefile", "affiche.pdf", "affiche"])
        .current_dir(dir.path())
        .status()
        .unwrap();
    assert!(drawn.success());
    let read = std::process::Command::new("zbarimg")
        .args(["--raw", "-q", "affiche.png"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(read.status.success(), "zbarimg found no code");
    assert_eq!(String::from_utf8(read.stdout).unwrap().trim(), address);
}
