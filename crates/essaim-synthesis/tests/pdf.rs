//! The PDF for publication: deterministic, tagged (PDF/UA-1 checks by krilla pass, or the export
//! fails), in French, with bookmarks; hostile text cannot break it. The last test reads the
//! text back with poppler's `pdftotext` (CI installs poppler-utils; run it with `-- --ignored`).

use essaim_core::demo::{seed_demo, DEMO_SLUG};
use essaim_core::testing::TestDb;
use essaim_synthesis::export::{render, Format};
use essaim_synthesis::pipeline::Params;
use essaim_synthesis::run::{synthesize, SynthesisOutput};

fn demo() -> SynthesisOutput {
    let db = TestDb::new();
    seed_demo(&mut db.conn()).unwrap();
    synthesize(&mut db.conn(), DEMO_SLUG, None, &Params::default()).unwrap()
}

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

#[test]
fn the_demo_pdf_is_tagged_french_bookmarked_and_the_same_twice() {
    let output = demo();
    let (name, pdf) = render(&output.document, &output.inputs, Format::Pdf).unwrap();
    assert_eq!(name, "synthese.pdf");
    assert!(pdf.starts_with(b"%PDF-1.7"));
    assert_eq!(count(&pdf, b"/StructTreeRoot"), 2, "a structure tree (tagged PDF)");
    assert_eq!(count(&pdf, b"/Marked true"), 1);
    assert!(count(&pdf, b"/Lang(fr-FR)") >= 1, "document language");
    assert_eq!(count(&pdf, b"pdfuaid:part>1"), 1, "declared PDF/UA-1");
    assert!(count(&pdf, b"/Outlines") >= 1, "bookmarks");
    assert!(count(&pdf, b"/Type/Page") > 5, "several pages");
    let (_, again) = render(&output.document, &output.inputs, Format::Pdf).unwrap();
    assert_eq!(pdf, again, "no date or random value in the PDF");
}

#[test]
fn hostile_and_unusual_text_still_gives_a_valid_pdf() {
    let mut output = demo();
    let theme = &mut output.document.themes[0];
    theme.orientations[0].title = "(injection) \\ ) endobj %%EOF <script>".into();
    theme.orientations[0].text = format!("😀 中文 \u{7}\u{0} {}", "mot".repeat(400));
    theme.orientations[0].quotes[0].text = format!("avant \u{ffff} après {}", "x".repeat(5_000));
    output.document.run.input_sha256 = "f".repeat(30_000);
    // Contributions from every département: the chart keeps the largest, the table all.
    let template = output.inputs[0].1[0].clone();
    for n in 1..=95 {
        let mut item = template.clone();
        item.reference = format!("dep-{n}");
        item.territory = Some(format!("{n:02}"));
        output.inputs[0].1.push(item);
    }
    let (_, pdf) = render(&output.document, &output.inputs, Format::Pdf).unwrap();
    assert!(pdf.starts_with(b"%PDF-1.7"));
    assert_eq!(count(&pdf, b"%%EOF"), 1, "the title is not written raw into the file");
}

#[test]
#[ignore = "needs poppler-utils (CI runs it): cargo test -p essaim-synthesis --test pdf -- --ignored"]
fn poppler_reads_the_text_back_in_reading_order() {
    let output = demo();
    let (_, pdf) = render(&output.document, &output.inputs, Format::Pdf).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("synthese.pdf");
    std::fs::write(&path, &pdf).unwrap();
    let text = std::process::Command::new("pdftotext").arg(&path).arg("-").output().unwrap();
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    let first_theme = &output.document.themes[0].theme;
    let position = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("« {needle} » not in the PDF text"));
    assert!(position("Participation") < position("Annexe 1"));
    assert!(position("Annexe 1") < position("Annexe 2 — Traçabilité"));
    // The theme's name is in the text, with its accents (possibly across a line break).
    let first_word = first_theme.split_whitespace().next().unwrap();
    assert!(position(first_word) < position("Annexe 1"));
    assert!(text.contains("Loire-Atlantique (44)"));
    assert!(text.contains("page 1 /"));
    let quote = &output.document.themes[0].orientations[0].quotes[0].reference;
    assert!(text.contains(quote.as_str()), "quotes keep their reference");
}
