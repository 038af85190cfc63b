//! The voting codes on paper: cards to cut out (an A4 PDF, each card its number, its code and
//! a QR code that opens the vote page with the code filled in), and a CSV for organisers who
//! print the codes on their badges with their own tool. Both are staff downloads, audited.

use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::plenary::Plenary;
use essaim_core::CoreError;
use essaim_documents::spreadsheet::csv_bytes;
use essaim_documents::{Block, Document};

use super::codes::{codes_of, VotingCode};
use super::{short_address, PlenaryResult};
use crate::stands::poster::qr_picture;

/// The address a card's QR code opens: the vote page with the code to redeem filled in.
pub fn card_address(plenary_address: &str, code: &VotingCode) -> String {
    format!("{plenary_address}?carte={}", code.code)
}

/// The cards as a document: per card its number, its code in two groups, the address to type
/// and a QR code 30 mm wide.
pub fn cards_document(consultation: &str, plenary_address: &str, codes: &[VotingCode]) -> PlenaryResult<Document> {
    let mut document = Document::new(format!("Cartes de vote — {consultation}"));
    if codes.is_empty() {
        document
            .blocks
            .push(Block::Paragraph("Aucun code de vote : générez-les depuis la console de la plénière.".into()));
    }
    let typed = short_address(plenary_address);
    for code in codes {
        document.blocks.extend([
            Block::Heading { level: 2, text: format!("Carte de vote n° {} — code {}", code.number, code.printed()) },
            Block::Paragraph(format!(
                "{consultation}. Pour voter en plénière, ouvrez {typed} sur votre téléphone (ou lisez le code QR) et saisissez ce code : il vaut pour un seul téléphone. Gardez cette carte."
            )),
            Block::Image(qr_picture(&card_address(plenary_address, code), 30)?),
        ]);
    }
    Ok(document)
}

/// What a download gives: the bytes and the file name.
pub struct CardsFile {
    /// The file.
    pub bytes: Vec<u8>,
    /// Its name.
    pub file_name: String,
}

/// The cards (`pdf`) or the list of codes (`csv`: number, code, address, redeemed), audited as
/// `plenary.codes.download` — the codes are the vote's keys.
pub fn download_cards(
    conn: &mut DbConnection,
    plenary: &Plenary,
    consultation: &str,
    plenary_address: &str,
    pdf: bool,
    actor: Id,
) -> PlenaryResult<CardsFile> {
    let codes = codes_of(conn, plenary.id)?;
    let bytes = if pdf {
        let document = cards_document(consultation, plenary_address, &codes)?;
        essaim_documents::render(&document, essaim_documents::Format::Pdf)
            .map_err(|e| CoreError::Internal(e.to_string()))?
    } else {
        csv_bytes(
            &["numero", "code", "adresse", "utilise"],
            codes.iter().map(|c| {
                [
                    c.number.to_string(),
                    c.printed(),
                    card_address(plenary_address, c),
                    if c.device_id.is_some() { "oui" } else { "non" }.to_owned(),
                ]
            }),
        )
        .map_err(|e| CoreError::Internal(format!("CSV : {e}")))?
    };
    let format = if pdf { "pdf" } else { "csv" };
    record(
        conn,
        AuditEvent::new(Some(actor), "plenary.codes.download", "plenary", Some(plenary.id.to_string()))
            .with_details(serde_json::json!({ "format": format, "codes": codes.len() })),
    )?;
    Ok(CardsFile { bytes, file_name: format!("cartes-de-vote-{}.{format}", plenary.code.to_lowercase()) })
}
