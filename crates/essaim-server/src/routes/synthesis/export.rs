//! `GET /staff/consultations/{slug}/synthese/export/{format}`: the drafts as staff left them,
//! as a file, in one click — scrubbed of personal data like every published export.

use actix_web::{web, HttpResponse};
use essaim_synthesis::drafts::{self, DraftError};
use essaim_synthesis::export::{render as render_export, Format};

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::Staff;

/// The export.
pub async fn export_drafts(
    _staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, format) = path.into_inner();
    let format = match format.as_str() {
        "json" => Format::Json,
        "csv" => Format::Csv,
        "md" => Format::Markdown,
        "html" => Format::Html,
        "odt" => Format::Odt,
        "docx" => Format::Docx,
        "pdf" => Format::Pdf,
        _ => return Err(AppError::NotFound),
    };
    let output = state.db(move |conn| -> Result<_, DraftError> { drafts::drafts_document(conn, &slug) }).await?;
    // Laying out a large document takes a while: off the async workers, like database work.
    let (name, bytes) = web::block(move || render_export(&output.document, &output.inputs, format))
        .await?
        .map_err(AppError::Internal)?;
    Ok(crate::views::download(format.content_type(), name, bytes))
}
