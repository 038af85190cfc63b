//! The draft strategy of the demo as a PDF: deterministic, tagged (PDF/UA-1 checks by krilla
//! pass, or the export fails), in French, with bookmarks; a hostile synthesis cannot break it.
//! The PDF renderer itself, and poppler reading its text back, are tested in
//! `essaim-documents`.

use essaim_core::demo::{seed_demo, DEMO_SLUG};
use essaim_core::testing::TestDb;
use essaim_synthesis::export::{render, Format};
use essaim_synthesis::pipeline::Params;
use essaim_synthesis::run::{synthesize, SynthesisOutput};

fn demo() -> SynthesisOutput {
    let db = TestDb::new();
    seed_demo(&mut db.conn(), &[]).unwrap();
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
    assert!(count(&pdf, b"/Lang(fr-FR)") >= 1, "document language");
    assert_eq!(count(&pdf, b"pdfuaid:part>1"), 1, "declared PDF/UA-1");
    assert!(count(&pdf, b"/Outlines") >= 1, "bookmarks");
    assert!(count(&pdf, b"/Type/Page") > 5, "a page per part");
    let (_, again) = render(&output.document, &output.inputs, Format::Pdf).unwrap();
    assert_eq!(pdf, again, "no date or random value in the PDF");
}

#[test]
fn a_hostile_synthesis_still_gives_a_valid_pdf() {
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
