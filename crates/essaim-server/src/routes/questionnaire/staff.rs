//! `GET /staff/consultations/{slug}/questionnaire/export/reponses.csv` and `….xlsx`: the
//! submitted responses as a spreadsheet, for staff only (a facilitator gets 403), never cached,
//! recorded in the audit log. The export is written to an anonymous temporary file on a worker
//! thread, then streamed from it by chunks: 100,000 responses never sit in memory. A `HEAD`
//! gets the same status and headers without the export being made or recorded (a link
//! checker or a download manager probing the address must not run a 100,000-row export).

use std::io::Read;

use actix_web::http::{header, Method};
use actix_web::web::{self, Bytes};
use actix_web::{HttpRequest, HttpResponse, HttpResponseBuilder};
use essaim_contributions::questionnaire::export::{download, download_name, ExportError, ExportFormat};
use futures_util::stream;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::Staff;

/// Bytes read from the temporary file per chunk of the answer.
const CHUNK: usize = 256 * 1024;

/// The CSV.
pub async fn export_csv(
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    export_or_head(staff, state, slug.into_inner(), ExportFormat::Csv, &req).await
}

/// The XLSX workbook.
pub async fn export_xlsx(
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    export_or_head(staff, state, slug.into_inner(), ExportFormat::Xlsx, &req).await
}

async fn export_or_head(
    staff: Staff,
    state: web::Data<AppState>,
    slug: String,
    format: ExportFormat,
    req: &HttpRequest,
) -> Result<HttpResponse, AppError> {
    if req.method() != Method::HEAD {
        return export(staff, state, slug, format).await;
    }
    let file_name = state
        .db(move |conn| -> Result<_, ExportError> { download_name(conn, &slug, format) })
        .await
        .map_err(app_error)?;
    Ok(attachment(format, &file_name).finish())
}

/// The headers of a download, `GET` and `HEAD` alike.
fn attachment(format: ExportFormat, file_name: &str) -> HttpResponseBuilder {
    let mut builder = HttpResponse::Ok();
    builder
        .content_type(format.content_type())
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    builder
}

fn app_error(e: ExportError) -> AppError {
    match e {
        ExportError::UnknownConsultation(_) | ExportError::NoQuestionnaire(_) => AppError::NotFound,
        ExportError::TooManyColumns(_) | ExportError::TooManyRows => AppError::Conflict(capitalised(&e.to_string())),
        ExportError::Store(core) => core.into(),
        other => AppError::Internal(other.to_string()),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>() + ".").unwrap_or_default()
}

async fn export(
    Staff(account): Staff,
    state: web::Data<AppState>,
    slug: String,
    format: ExportFormat,
) -> Result<HttpResponse, AppError> {
    let actor = account.id;
    let download = state
        .db(move |conn| -> Result<_, ExportError> { download(conn, &slug, format, actor) })
        .await
        .map_err(app_error)?;
    let body = stream::unfold(Some(download.file), |file| async move {
        let mut file = file?;
        let read = web::block(move || {
            let mut chunk = vec![0; CHUNK];
            let n = file.read(&mut chunk)?;
            chunk.truncate(n);
            Ok::<_, std::io::Error>((file, chunk))
        })
        .await;
        match read {
            Ok(Ok((_, chunk))) if chunk.is_empty() => None,
            Ok(Ok((file, chunk))) => Some((Ok(Bytes::from(chunk)), Some(file))),
            Ok(Err(e)) => Some((Err(actix_web::error::ErrorInternalServerError(e)), None)),
            Err(e) => Some((Err(actix_web::error::ErrorInternalServerError(e)), None)),
        }
    });
    Ok(attachment(format, &download.file_name).no_chunking(download.size).streaming(body))
}
