//! The capture API: `GET` and `POST /api/v1/workshops/{id}/entries`, the same rules as the
//! pages (a facilitator of that workshop, or staff). The `/api` scope reads no cookie by
//! default; these routes resume the session themselves ([`ApiAccount`]) and, for a `POST`,
//! check the session's form token in the `X-CSRF-Token` header.

use actix_web::dev::Payload;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;
use essaim_core::db::Lane;
use essaim_core::domain::session::resume_session;
use essaim_core::domain::{Account, Role};
use essaim_workshops::capture::{capture, entries_of, Captured, Entry, EntryInput};
use essaim_workshops::workshops::workshop_for;
use futures_util::future::LocalBoxFuture;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::id_of;
use crate::app::AppState;
use crate::auth::{verify_csrf, CurrentUser, SESSION_COOKIE};
use crate::error::{ApiErrorBody, AppError};
use crate::routes::api::schemas;

/// Header carrying the form token of the session (the capture page gives it).
pub const CSRF_HEADER: &str = "x-csrf-token";

/// The logged-in account of an API call: a facilitator, staff or an administrator; for any
/// method but `GET`/`HEAD`, with the session's form token in `X-CSRF-Token`.
#[derive(Debug, Clone)]
pub struct ApiAccount(pub Account);

impl FromRequest for ApiAccount {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req
                .app_data::<web::Data<AppState>>()
                .cloned()
                .ok_or_else(|| AppError::Internal("état absent".into()))?;
            let token = req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
            let login = || AppError::LoginRequired { next: req.path().to_owned() };
            if token.len() != 32 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(login());
            }
            let found = state.db(move |conn| resume_session(conn, &token).map_err(AppError::from)).await?;
            let Some((_, account)) = found else { return Err(login()) };
            if !matches!(account.role, Role::Admin | Role::Staff | Role::Facilitator) {
                return Err(AppError::Forbidden);
            }
            // The session middleware does not read `/api`: the account's limits are checked here.
            crate::scope::refuse_out_of_scope(&state, &account, req.path()).await?;
            req.extensions_mut().insert(CurrentUser(account.clone()));
            if !matches!(*req.method(), actix_web::http::Method::GET | actix_web::http::Method::HEAD) {
                let sent = req.headers().get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or("");
                verify_csrf(&req, sent)?;
            }
            Ok(ApiAccount(account))
        })
    }
}

/// One entry, as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryView {
    /// The device's id of the entry (a UUID).
    pub device_id: String,
    /// The contribution it recorded (null once deleted).
    pub contribution_id: Option<String>,
    /// `constat`, `proposition`, `experience` or `question` (null once deleted).
    pub kind: Option<String>,
    /// The text (empty once deleted).
    pub body: String,
    /// The organisation that spoke.
    pub organisation: Option<String>,
    /// The département's code.
    pub territory: Option<String>,
    /// When it was said (UTC).
    #[schema(value_type = String, example = "2016-06-28T14:05:00")]
    pub created_at: NaiveDateTime,
    /// Deleted by a facilitator since.
    pub deleted: bool,
}

impl From<&Entry> for EntryView {
    fn from(e: &Entry) -> Self {
        EntryView {
            device_id: e.id.to_string(),
            contribution_id: e.contribution_id.map(|c| c.to_string()),
            kind: e.kind.map(|k| k.as_str().to_owned()),
            body: e.body.clone(),
            organisation: e.organisation.clone(),
            territory: e.territory.clone(),
            created_at: e.created_at,
            deleted: e.deleted,
        }
    }
}

/// The entries of a workshop.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryList {
    /// The workshop.
    pub workshop_id: String,
    /// `planned`, `open` or `closed`: entries are taken only when `open`.
    pub state: String,
    /// Its entries, oldest first (deleted ones left out).
    pub entries: Vec<EntryView>,
}

/// An entry sent by a device.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewEntry {
    /// A UUID made by the device (`crypto.randomUUID()`): sending it again returns the first
    /// answer, never a second entry.
    #[schema(schema_with = schemas::device_uuid)]
    pub device_id: String,
    /// `constat`, `proposition`, `experience` or `question`.
    #[schema(schema_with = schemas::contribution_kind)]
    pub kind: String,
    /// The text (20,000 characters at most).
    #[schema(schema_with = schemas::contribution_body)]
    pub body: String,
    /// The organisation that spoke (optional, 200 characters at most).
    #[serde(default)]
    #[schema(schema_with = schemas::nullable_organisation)]
    pub organisation: Option<String>,
    /// The département's code, e.g. `44` (optional).
    #[serde(default)]
    #[schema(schema_with = schemas::nullable_territory)]
    pub territory: Option<String>,
    /// When it was typed on the device, UTC, if it waited offline (kept when within the last
    /// 72 hours, otherwise the arrival time is used).
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "2016-06-28T14:05:00")]
    pub captured_at: Option<NaiveDateTime>,
}

fn no_store(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// `GET /api/v1/workshops/{id}/entries`
#[utoipa::path(get, path = "/api/v1/workshops/{id}/entries", tag = "workshops",
    params(("id" = String, Path, format = Uuid, description = "L'atelier")),
    responses(
        (status = 200, description = "Les entrées de l'atelier", body = EntryList),
        (status = 401, description = "Connexion requise", body = ApiErrorBody),
        (status = 403, description = "Vous n'animez pas cet atelier", body = ApiErrorBody),
        (status = 404, description = "Atelier inconnu", body = ApiErrorBody)))]
pub async fn list_entries(
    who: ApiAccount,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path.into_inner())?;
    let who = who.0;
    let (workshop, entries) = state
        .db(move |conn| -> Result<_, AppError> {
            let workshop = workshop_for(conn, id, &who)?;
            Ok((workshop, entries_of(conn, id, &who)?))
        })
        .await?;
    Ok(no_store(HttpResponse::Ok().json(EntryList {
        workshop_id: workshop.id.to_string(),
        state: workshop.state.as_str().to_owned(),
        entries: entries.iter().map(EntryView::from).collect(),
    })))
}

/// `POST /api/v1/workshops/{id}/entries`: records one entry, once per device id, in the
/// next group commit (acknowledged once durable).
#[utoipa::path(post, path = "/api/v1/workshops/{id}/entries", tag = "workshops",
    params(("id" = String, Path, format = Uuid, description = "L'atelier"),
        ("X-CSRF-Token" = String, Header, description = "Le jeton de formulaire de la session (donné par la page de saisie)")),
    request_body = NewEntry,
    responses(
        (status = 201, description = "Entrée enregistrée ; le même identifiant renvoyé donne la même réponse (en-tête Idempotent-Replayed: true)", body = EntryView),
        (status = 401, description = "Connexion requise", body = ApiErrorBody),
        (status = 403, description = "Vous n'animez pas cet atelier, ou jeton absent (csrf_failed)", body = ApiErrorBody),
        (status = 404, description = "Atelier inconnu", body = ApiErrorBody),
        (status = 409, description = "Atelier non ouvert, ou identifiant déjà utilisé dans un autre atelier", body = ApiErrorBody),
        (status = 422, description = "Entrée refusée, champ par champ", body = ApiErrorBody)))]
pub async fn post_entry(
    who: ApiAccount,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<NewEntry>,
) -> Result<HttpResponse, AppError> {
    let id = id_of(&path.into_inner())?;
    let body = body.into_inner();
    let input = EntryInput {
        device_id: body.device_id,
        kind: body.kind,
        body: body.body,
        organisation: body.organisation.unwrap_or_default(),
        territory: body.territory.unwrap_or_default(),
        captured_at: body.captured_at,
    };
    let who = who.0;
    // A retry of one entry (its device id) goes where the first try went.
    let lane = Lane::of(&input.device_id);
    let captured =
        state.commit(lane, move |conn| -> Result<Captured, AppError> { Ok(capture(conn, id, &who, input)?) }).await?;
    let mut response = HttpResponse::Created().json(EntryView::from(captured.entry()));
    if matches!(captured, Captured::Again(_)) {
        response.headers_mut().insert(HeaderName::from_static("idempotent-replayed"), HeaderValue::from_static("true"));
    }
    Ok(no_store(response))
}
