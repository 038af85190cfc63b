//! What a stand's poster shows: its QR code, drawn as SVG (the `qrcode` crate), encoding the
//! stand's absolute address. The poster itself is an HTML page printed on A4 (docs/stands.md):
//! the documents crate has no picture block yet, and a browser prints an inline SVG sharp.

use essaim_core::{CoreError, CoreResult};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// The QR code of `address` as an SVG element to put inline in a page: one unit per module
/// (the page sizes it), a quiet zone of four modules, error correction M (a poster may be
/// creased or lit at an angle). Hidden from screen readers: the page gives the address as text.
pub fn qr_svg(address: &str) -> CoreResult<String> {
    let code = QrCode::with_error_correction_level(address.as_bytes(), EcLevel::M)
        .map_err(|e| CoreError::Internal(format!("code QR de {address} : {e}")))?;
    let drawn = code.render::<svg::Color>().module_dimensions(1, 1).quiet_zone(true).build();
    let element = drawn.find("<svg").map(|at| &drawn[at..]).unwrap_or(&drawn);
    Ok(element.replacen("<svg ", "<svg aria-hidden=\"true\" focusable=\"false\" class=\"qr\" ", 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_inline_svg_element_hidden_from_screen_readers() {
        let svg = qr_svg("https://essaim.example.fr/s/K7QP3").unwrap();
        assert!(svg.starts_with("<svg aria-hidden=\"true\""), "{}", &svg[..60]);
        assert!(!svg.contains("<?xml"), "no XML declaration inside HTML");
        assert!(svg.contains("viewBox=\"0 0 "));
        assert!(svg.ends_with("</svg>"));
    }
}
