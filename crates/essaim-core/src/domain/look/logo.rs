//! The organisers' logo: a PNG or an SVG, at most [`MAX_LOGO_BYTES`]. What is kept and served
//! is always a PNG that this program encoded:
//!
//! - a PNG is checked by its signature and the size its header declares (at most
//!   [`MAX_LOGO_SIDE`] pixels a side, so decoding cannot take a gigabyte), decoded and encoded
//!   again (which drops its metadata and anything hidden after its pixels);
//! - an SVG with a script (`<script>`, an `on…=` attribute, a `javascript:` link) is refused,
//!   so its author learns the file was not taken as it was; any other is drawn as a PNG by
//!   `resvg`, which runs no script and, here, reads no file nor address (`<image>` links resolve
//!   to nothing). Only the PNG is kept: no SVG is ever served back.

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg::{ImageHrefResolver, Options, Tree};

/// Largest logo file accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;
/// Largest side of a PNG logo, in pixels.
pub const MAX_LOGO_SIDE: u32 = 2048;
/// The longer side of the PNG an SVG logo is drawn as, in pixels (sharp up to a 3× screen at
/// the header's size).
pub const SVG_DRAWN_SIDE: u32 = 600;
/// Longest text alternative of a logo, in characters.
pub const MAX_ALT_CHARS: usize = 250;

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// A logo ready to keep: a PNG encoded here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedLogo {
    /// The PNG's bytes.
    pub png: Vec<u8>,
    /// Its width in pixels.
    pub width: u32,
    /// Its height in pixels.
    pub height: u32,
}

/// The media type of every logo served.
pub const LOGO_MEDIA_TYPE: &str = "image/png";

/// Checks a logo file and turns it into the PNG to keep. Refusals are French sentences that
/// name the field (« Logo : … »).
pub fn prepare_logo(bytes: &[u8]) -> Result<PreparedLogo, String> {
    if bytes.is_empty() {
        return Err("Logo : le fichier est vide.".into());
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(too_large());
    }
    if bytes.starts_with(PNG_SIGNATURE) {
        return prepare_png(bytes);
    }
    if looks_like_svg(bytes) {
        return prepare_svg(bytes);
    }
    Err("Logo : ce fichier n'est ni une image PNG ni une image SVG ; envoyez le logo en PNG ou en SVG.".into())
}

/// The refusal of a file over the limit (also given while it is read, before it all came).
pub fn too_large() -> String {
    format!("Logo : le fichier dépasse {} Kio ; réduisez-le ou envoyez-le en SVG.", MAX_LOGO_BYTES / 1024)
}

fn prepare_png(bytes: &[u8]) -> Result<PreparedLogo, String> {
    // IHDR is the first chunk: length (4), type (4), width (4), height (4).
    let header = bytes.get(8..24).filter(|h| &h[4..8] == b"IHDR");
    let Some(header) = header else {
        return Err("Logo : ce PNG est abîmé (son en-tête manque).".into());
    };
    let width = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
    let height = u32::from_be_bytes([header[12], header[13], header[14], header[15]]);
    if width == 0 || height == 0 || width > MAX_LOGO_SIDE || height > MAX_LOGO_SIDE {
        return Err(format!(
            "Logo : l'image fait {width} × {height} pixels ; un logo fait au plus {MAX_LOGO_SIDE} pixels de côté."
        ));
    }
    let pixmap = Pixmap::decode_png(bytes).map_err(|_| "Logo : ce PNG est abîmé et ne se lit pas.".to_owned())?;
    encode(&pixmap)
}

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    head.starts_with('<') && head.to_ascii_lowercase().contains("<svg")
}

fn prepare_svg(bytes: &[u8]) -> Result<PreparedLogo, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "Logo : ce SVG n'est pas écrit en UTF-8.".to_owned())?;
    let document = roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions { allow_dtd: false, ..Default::default() },
    )
    .map_err(|e| format!("Logo : ce SVG est mal formé ({e})."))?;
    if let Some(found) = script_in(&document) {
        return Err(format!(
            "Logo : ce SVG contient un script ({found}) ; un logo n'en a pas besoin. Enregistrez-le sans script, ou envoyez-le en PNG."
        ));
    }
    let options = Options {
        image_href_resolver: ImageHrefResolver {
            resolve_data: Box::new(|_, _, _| None),
            resolve_string: Box::new(|_, _| None),
        },
        ..Options::default()
    };
    let tree = Tree::from_str(text, &options).map_err(|e| format!("Logo : ce SVG ne se dessine pas ({e})."))?;
    let size = tree.size();
    let longer = size.width().max(size.height());
    if !(longer.is_finite() && longer > 0.0) {
        return Err("Logo : ce SVG n'a pas de taille.".into());
    }
    let scale = SVG_DRAWN_SIDE as f32 / longer;
    let width = ((size.width() * scale).round() as u32).max(1);
    let height = ((size.height() * scale).round() as u32).max(1);
    let mut pixmap = Pixmap::new(width, height).ok_or_else(|| "Logo : ce SVG n'a pas de taille.".to_owned())?;
    resvg::render(&tree, Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    encode(&pixmap)
}

/// What in an SVG could run: a `<script>` element, an event attribute, a `javascript:` link.
fn script_in(document: &roxmltree::Document<'_>) -> Option<String> {
    for node in document.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        if name.eq_ignore_ascii_case("script") {
            return Some("<script>".into());
        }
        for attribute in node.attributes() {
            let attr = attribute.name();
            if attr.len() > 2 && attr.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on")) {
                return Some(format!("{attr}=…"));
            }
            let value: String = attribute.value().chars().filter(|c| !c.is_whitespace() && !c.is_control()).collect();
            if value.to_ascii_lowercase().starts_with("javascript:") {
                return Some("javascript:".into());
            }
        }
    }
    None
}

fn encode(pixmap: &Pixmap) -> Result<PreparedLogo, String> {
    let png = pixmap.encode_png().map_err(|e| format!("Logo : l'image ne s'enregistre pas ({e})."))?;
    if png.len() > MAX_LOGO_BYTES * 4 {
        return Err(too_large());
    }
    Ok(PreparedLogo { png, width: pixmap.width(), height: pixmap.height() })
}

/// Checks a logo's text alternative (RGAA 1.1: an image that carries information has one).
pub fn check_alt(raw: &str) -> Result<String, String> {
    let alt = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if alt.is_empty() {
        return Err(
            "Texte alternatif du logo : obligatoire, il dit ce que le logo montre (par exemple « Région Bretagne »)."
                .into(),
        );
    }
    if alt.chars().count() > MAX_ALT_CHARS {
        return Err(format!("Texte alternatif du logo : {MAX_ALT_CHARS} caractères au plus."));
    }
    Ok(alt)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A small valid PNG (`width` × `height`, teal).
    pub(crate) fn png(width: u32, height: u32) -> Vec<u8> {
        let mut pixmap = Pixmap::new(width, height).unwrap();
        pixmap.fill(resvg::tiny_skia::Color::from_rgba8(11, 94, 87, 255));
        pixmap.encode_png().unwrap()
    }

    const SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100" fill="#0b5e57"/></svg>"##;

    #[test]
    fn a_png_is_checked_and_encoded_again() {
        let mut file = png(40, 20);
        file.extend_from_slice(b"<script>alert(1)</script>");
        let logo = prepare_logo(&file).unwrap();
        assert!(logo.png.starts_with(PNG_SIGNATURE));
        assert_eq!((logo.width, logo.height), (40, 20));
        assert!(!String::from_utf8_lossy(&logo.png).contains("script"), "what follows the pixels is dropped");
    }

    #[test]
    fn an_svg_is_drawn_as_png() {
        let logo = prepare_logo(SVG.as_bytes()).unwrap();
        assert!(logo.png.starts_with(PNG_SIGNATURE));
        assert_eq!((logo.width, logo.height), (SVG_DRAWN_SIDE, SVG_DRAWN_SIDE / 2));
    }

    #[test]
    fn an_svg_with_a_script_is_refused() {
        for svg in [
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"/>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink" width="10" height="10"><a x:href=" java&#x09;script:alert(1)"><rect width="5" height="5"/></a></svg>"#,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script></svg>"#,
        ] {
            let refused = prepare_logo(svg.as_bytes()).unwrap_err();
            assert!(refused.starts_with("Logo : ce SVG contient un script"), "{svg}: {refused}");
        }
    }

    #[test]
    fn other_files_are_refused_in_french() {
        assert!(prepare_logo(b"GIF89a....").unwrap_err().contains("ni une image PNG ni une image SVG"));
        assert!(prepare_logo(b"%PDF-1.7").unwrap_err().contains("ni une image PNG"));
        assert!(prepare_logo(&vec![b' '; MAX_LOGO_BYTES + 1]).unwrap_err().contains("512 Kio"));
        assert!(prepare_logo(b"").unwrap_err().contains("vide"));
        let mut huge = png(1, 1);
        huge[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(prepare_logo(&huge).unwrap_err().contains("100000 × 1 pixels"));
        let mut broken = png(4, 4);
        broken.truncate(40);
        assert!(prepare_logo(&broken).unwrap_err().contains("abîmé"));
        let dtd = r#"<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#;
        assert!(prepare_logo(dtd.as_bytes()).unwrap_err().contains("mal formé"));
    }

    #[test]
    fn the_alternative_text_is_required() {
        assert!(check_alt("  ").unwrap_err().starts_with("Texte alternatif du logo"));
        assert_eq!(check_alt(" Région\n Bretagne ").unwrap(), "Région Bretagne");
        assert!(check_alt(&"a".repeat(MAX_ALT_CHARS + 1)).is_err());
    }
}
