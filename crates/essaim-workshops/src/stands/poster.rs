//! What a stand's poster shows: its QR code (the `qrcode` crate), encoding the stand's
//! absolute address — inline SVG on the HTML poster page, and a picture block of the documents
//! crate in the A4 PDF posters (one page per stand, docs/stands.md).

use essaim_core::{CoreError, CoreResult};
use essaim_documents::{Block, Document, Picture};
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

/// The QR code of `address` as a picture block `width_mm` wide, with its quiet zone of four
/// light modules on each side.
pub fn qr_picture(address: &str, width_mm: u32) -> CoreResult<Picture> {
    let code = QrCode::with_error_correction_level(address.as_bytes(), EcLevel::M)
        .map_err(|e| CoreError::Internal(format!("code QR de {address} : {e}")))?;
    const QUIET: usize = 4;
    let inner = code.width();
    let side = inner + 2 * QUIET;
    let colors = code.to_colors();
    let mut dark = vec![false; side * side];
    for y in 0..inner {
        for x in 0..inner {
            dark[(y + QUIET) * side + x + QUIET] = colors[y * inner + x] == qrcode::Color::Dark;
        }
    }
    Ok(Picture { alt: format!("Code QR de l'adresse {address}"), width_mm, side, dark })
}

/// What one stand's printed poster says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PosterSheet {
    /// The stand's number in the hunt.
    pub position: i32,
    /// Its name.
    pub title: String,
    /// Who holds it.
    pub organisation: String,
    /// Where it stands (may be empty).
    pub location: String,
    /// « Thème 2 : … ».
    pub theme: String,
    /// Its absolute address (what the QR code encodes).
    pub address: String,
    /// The address without its scheme, to type.
    pub short_address: String,
    /// Its code, to type on the passport page.
    pub code: String,
}

/// The stands' posters as one document, one A4 page per stand (each a level-1 part): the
/// stand, a QR code 9 cm wide, the address and the code to type.
pub fn posters_document(consultation: &str, sheets: &[PosterSheet]) -> CoreResult<Document> {
    let mut document = Document::new(format!("Affiches des stands — {consultation}"));
    if sheets.is_empty() {
        document.blocks.push(Block::Paragraph("Aucun stand actif à imprimer.".into()));
    }
    for sheet in sheets {
        let place = if sheet.location.is_empty() { String::new() } else { format!(" · {}", sheet.location) };
        document.blocks.extend([
            Block::Heading { level: 1, text: sheet.title.clone() },
            Block::Paragraph(format!("Chasse aux trésors de l'ESS — stand {}{place}", sheet.position)),
            Block::Paragraph(sheet.organisation.clone()),
            Block::Paragraph(sheet.theme.clone()),
            Block::Image(qr_picture(&sheet.address, 90)?),
            Block::Paragraph("Laissez votre idée depuis votre téléphone, sans compte :".into()),
            Block::Paragraph(sheet.short_address.clone()),
            Block::Paragraph(format!("Code du stand : {}", sheet.code)),
            Block::Paragraph(consultation.to_owned()),
        ]);
    }
    Ok(document)
}

/// The posters as an A4 PDF.
pub fn posters_pdf(consultation: &str, sheets: &[PosterSheet]) -> CoreResult<Vec<u8>> {
    essaim_documents::render(&posters_document(consultation, sheets)?, essaim_documents::Format::Pdf)
        .map_err(|e| CoreError::Internal(e.to_string()))
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

    #[test]
    fn the_qr_picture_has_its_quiet_zone_and_the_posters_one_part_per_stand() {
        let picture = qr_picture("https://essaim.example.fr/s/K7QP3", 90).unwrap();
        assert_eq!(picture.dark.len(), picture.side * picture.side);
        // Four light modules all round, then the finder pattern's dark corner.
        assert!((0..picture.side).all(|i| !picture.is_dark(i, 0) && !picture.is_dark(0, i) && !picture.is_dark(3, i)));
        assert!(picture.is_dark(4, 4));
        let sheet = PosterSheet {
            position: 3,
            title: "La recyclerie".into(),
            organisation: "Association Rejoué".into(),
            location: "Hall B".into(),
            theme: "Thème 2 : Emploi".into(),
            address: "https://essaim.example.fr/s/K7QP3".into(),
            short_address: "essaim.example.fr/s/K7QP3".into(),
            code: "K7QP3".into(),
        };
        let document = posters_document("ESS 2026", &[sheet.clone(), sheet]).unwrap();
        let parts = document.blocks.iter().filter(|b| matches!(b, Block::Heading { level: 1, .. })).count();
        let pictures = document.blocks.iter().filter(|b| matches!(b, Block::Image(_))).count();
        assert_eq!((parts, pictures), (2, 2));
        assert!(document.blocks.contains(&Block::Paragraph("Chasse aux trésors de l'ESS — stand 3 · Hall B".into())));
    }
}
