//! The fonts the PDF and the chart pictures are drawn with, built into the binary so a
//! document looks the same on every server and needs no font installed. DejaVu Sans (Bitstream
//! Vera licence, `assets/fonts/LICENSE-DejaVu.txt`): wide Latin coverage, every French
//! character, the same family LibreOffice falls back to. Regular and bold only: quotes are set
//! apart by a rule and an indent rather than by italics, which are harder to read.

use std::sync::{Arc, OnceLock};

/// DejaVu Sans, regular.
pub static REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
/// DejaVu Sans, bold.
pub static BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

/// The family name charts ask for.
pub const FAMILY: &str = "DejaVu Sans";

/// A font database holding only the built-in fonts, shared by every chart drawn.
pub fn database() -> Arc<resvg::usvg::fontdb::Database> {
    static DATABASE: OnceLock<Arc<resvg::usvg::fontdb::Database>> = OnceLock::new();
    DATABASE
        .get_or_init(|| {
            let mut db = resvg::usvg::fontdb::Database::new();
            db.load_font_data(REGULAR.to_vec());
            db.load_font_data(BOLD.to_vec());
            db.set_sans_serif_family(FAMILY);
            Arc::new(db)
        })
        .clone()
}

/// SVG parsing options that resolve every font to the built-in ones.
pub fn svg_options() -> resvg::usvg::Options<'static> {
    resvg::usvg::Options { fontdb: database(), font_family: FAMILY.to_owned(), ..Default::default() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_fonts_load_and_cover_french() {
        let db = database();
        assert_eq!(db.len(), 2);
        for data in [REGULAR, BOLD] {
            let face = ttf_parser::Face::parse(data, 0).unwrap();
            // U+202F and U+00A0 too: French figures and punctuation are spaced with them.
            for c in "àâæçéèêëîïôœùûüÿÀÇÉÈŒ«»’–—€\u{202f}\u{a0}".chars() {
                assert!(face.glyph_index(c).is_some_and(|g| g.0 != 0), "missing {c:?}");
            }
        }
    }
}
