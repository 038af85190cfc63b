//! Open data of a published strategy (docs/open-data.md): a page per consultation that lists
//! the tables with their data dictionary, the tables as CSV and JSON, and the Data Package
//! that describes them, at stable addresses under `/consultations/{slug}/donnees/`. The
//! tables are the synthesis module's and the questionnaire's; nothing here reads the database.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_contributions::questionnaire::opendata::QUESTIONNAIRE_RESULTS;
use essaim_core::domain::consultation::{find_visible_consultation, Consultation};
use essaim_core::domain::Role;
use essaim_documents::datapackage::{descriptor, file_of, DataTable, FieldType, LICENCE_PATH, LICENCE_TITLE};
use essaim_synthesis::opendata::{open_data, package_meta, OpenData};

use crate::app::AppState;
use crate::auth::current_user;
use crate::error::AppError;
use crate::views::{french_in, render, Layout};

/// The open-data routes.
pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(super::get("/consultations/{slug}/donnees", page))
        .service(super::get("/consultations/{slug}/donnees/datapackage.json", package))
        .service(super::get("/consultations/{slug}/donnees/{file}", file));
}

/// The consultation and the tables of its current publication — every one, or only the one
/// named `only` (a file's download builds just its table); 404 when nothing is published
/// (never, or withdrawn).
async fn tables_of(
    req: &HttpRequest,
    state: &AppState,
    slug: String,
    only: Option<String>,
) -> Result<(Consultation, OpenData), AppError> {
    let staff = current_user(req).is_some_and(|a| matches!(a.role, Role::Admin | Role::Staff));
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_visible_consultation(conn, &slug, staff)?;
            let mut data = open_data(conn, &consultation, only.as_deref())?.ok_or(AppError::NotFound)?;
            if only.as_deref().is_none_or(|o| o == QUESTIONNAIRE_RESULTS) {
                if let Some(results) = essaim_contributions::questionnaire::opendata::results_table(conn, &slug)? {
                    data.tables.push(results);
                }
            }
            Ok((consultation, data))
        })
        .await
}

struct FieldLine {
    name: &'static str,
    kind: &'static str,
    description: &'static str,
}

struct TableLine {
    name: &'static str,
    title: &'static str,
    description: String,
    rows: usize,
    fields: Vec<FieldLine>,
}

fn kind_label(kind: FieldType) -> &'static str {
    match kind {
        FieldType::String => "texte",
        FieldType::Integer => "entier",
        FieldType::Number => "nombre décimal",
        FieldType::Date => "date (AAAA-MM-JJ)",
        FieldType::Datetime => "date et heure (UTC)",
    }
}

fn table_line(table: &DataTable) -> TableLine {
    TableLine {
        name: table.name,
        title: table.title,
        description: table.description.clone(),
        rows: table.rows.len(),
        fields: table
            .fields
            .iter()
            .map(|f| FieldLine { name: f.name, kind: kind_label(f.kind), description: f.description })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "opendata/page.html")]
struct Page {
    layout: Layout,
    slug: String,
    title: String,
    version: i32,
    published: String,
    licence_path: &'static str,
    licence_title: &'static str,
    tables: Vec<TableLine>,
}

/// `GET /consultations/{slug}/donnees`: the tables, their rows and their data dictionary.
pub async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (consultation, data) = tables_of(&req, &state, path.into_inner(), None).await?;
    let view = Page {
        layout: Layout::for_request(&req, format!("Données ouvertes — {}", consultation.title), ""),
        version: data.publication.version,
        published: french_in(&consultation, data.publication.published_at),
        licence_path: LICENCE_PATH,
        licence_title: LICENCE_TITLE,
        tables: data.tables.iter().map(table_line).collect(),
        slug: consultation.slug,
        title: consultation.title,
    };
    render(&view, StatusCode::OK)
}

/// `GET /consultations/{slug}/donnees/datapackage.json`: the Data Package.
pub async fn package(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (consultation, data) = tables_of(&req, &state, path.into_inner(), None).await?;
    let homepage = format!("{}/consultations/{}/donnees", state.config.base_url, consultation.slug);
    let meta = package_meta(&consultation, &data.publication, homepage);
    let body = serde_json::to_vec_pretty(&descriptor(&meta, &data.tables))
        .map_err(|e| AppError::Internal(format!("datapackage.json : {e}")))?;
    Ok(HttpResponse::Ok().content_type("application/json").body(body))
}

/// `GET /consultations/{slug}/donnees/{table}.csv` or `.json`.
pub async fn file(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, name) = path.into_inner();
    let table = name.rsplit_once('.').map(|(table, _)| table.to_owned()).ok_or(AppError::NotFound)?;
    let (_, data) = tables_of(&req, &state, slug, Some(table)).await?;
    let (body, media_type) = file_of(&data.tables, &name).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .content_type(media_type)
        .insert_header((header::CONTENT_DISPOSITION, format!("inline; filename=\"{name}\"")))
        .body(body))
}
