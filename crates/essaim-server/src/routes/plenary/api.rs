//! The plenary in the JSON API: the open votes, a device token, a vote (cast or changed), the
//! tally — the same rules as the pages. A device names itself by the token the server gave it,
//! in the `X-Device-Token` header or the `essaim_appareil` cookie; an unknown token is refused
//! (`unknown_device`), a vote after the close is refused (`vote_closed`, 409), a flood is
//! refused (`rate_limited`, 429). Votes are stored in the group commit.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};
use essaim_core::db::Id;
use essaim_core::db::Lane;
use essaim_core::domain::plenary::{Plenary, Tally};
use essaim_workshops::plenary::devices::{new_device as make_device, NewDevice};
use essaim_workshops::plenary::projection::open_votes;
use essaim_workshops::plenary::votes::{prepare_vote, store_vote, Ballot, Vote, VoteOutcome};
use essaim_workshops::plenary::{live_tally, plenary_at, LiveTally};
use essaim_workshops::WorkshopError;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{device_cookie, device_token, id_of, limits};
use crate::app::AppState;
use crate::error::{ApiErrorBody, AppError};
use crate::routes::api::schemas;

fn no_store(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The tally of one orientation, as the API, the tally page and its event stream show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TallyView {
    /// The orientation.
    pub orientation_id: String,
    /// `pending` (vote never opened), `open` or `closed`.
    pub state: String,
    /// Votes cast.
    pub total: i64,
    /// Whether the counts below are given: always once closed, while open only when the
    /// plenary shows results live.
    pub shown: bool,
    /// Votes "confirmée" (null when not shown).
    pub confirmed: Option<i64>,
    /// Votes "à amender" (null when not shown).
    pub to_amend: Option<i64>,
    /// Votes "non confirmée" (null when not shown).
    pub not_confirmed: Option<i64>,
    /// The room's verdict once recorded: `confirmed`, `to_amend` or `not_confirmed`.
    pub verdict: Option<String>,
}

impl TallyView {
    /// The view of a live tally.
    pub fn of(orientation: Id, live: &LiveTally) -> Self {
        let shown = live.shown;
        let count = |n: i64| shown.then_some(n);
        let t: Tally = live.tally;
        TallyView {
            orientation_id: orientation.to_string(),
            state: live.item.as_ref().map(|i| i.vote_state.as_str()).unwrap_or("pending").to_owned(),
            total: t.total(),
            shown,
            confirmed: count(t.confirmed),
            to_amend: count(t.to_amend),
            not_confirmed: count(t.not_confirmed),
            verdict: live.item.as_ref().and_then(|i| i.verdict()).map(|v| v.as_str().to_owned()),
        }
    }
}

/// An orientation whose vote is open.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenVote {
    /// The orientation (the id to vote on).
    pub orientation_id: String,
    /// Its title.
    pub title: String,
    /// Its text (may be empty).
    pub body: String,
    /// Its theme's position (1 to 5).
    pub theme_position: i32,
}

/// A plenary and its open votes.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlenaryView {
    /// The short code (`/p/{code}`).
    pub code: String,
    /// The vote page's absolute address (what the QR code encodes).
    pub address: String,
    /// `live` or `after_close`: when the counts show.
    pub results_mode: String,
    /// Orientations open to the vote now.
    pub open_votes: Vec<OpenVote>,
}

/// `GET /api/v1/plenaries/{code}`
#[utoipa::path(get, path = "/api/v1/plenaries/{code}", tag = "plenary",
    params(("code" = String, Path, description = "Le code court de la plénière")),
    responses(
        (status = 200, description = "La plénière et ses votes ouverts", body = PlenaryView),
        (status = 404, description = "Code inconnu", body = ApiErrorBody)))]
pub async fn plenary(state: web::Data<AppState>, code: web::Path<String>) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let base = state.config.base_url.clone();
    let view = state
        .db(move |conn| -> Result<PlenaryView, AppError> {
            let plenary = plenary_at(conn, &code)?;
            let open = open_votes(conn, &plenary)?;
            Ok(PlenaryView {
                address: plenary.address(&base),
                results_mode: plenary.results_mode.as_str().to_owned(),
                open_votes: open
                    .into_iter()
                    .map(|(_, o, t)| OpenVote {
                        orientation_id: o.id.to_string(),
                        title: o.title,
                        body: o.body,
                        theme_position: t.position,
                    })
                    .collect(),
                code: plenary.code,
            })
        })
        .await?;
    Ok(no_store(HttpResponse::Ok().json(view)))
}

/// A device token, given once.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeviceIssued {
    /// The token: send it in `X-Device-Token` with each vote. Stored hashed; lost, it is lost.
    pub device_token: String,
}

/// `POST /api/v1/plenaries/{code}/devices`: a new device token (also set as the cookie).
#[utoipa::path(post, path = "/api/v1/plenaries/{code}/devices", tag = "plenary",
    params(("code" = String, Path, description = "Le code court de la plénière")),
    responses(
        (status = 201, description = "Jeton d'appareil", body = DeviceIssued),
        (status = 404, description = "Code inconnu", body = ApiErrorBody),
        (status = 429, description = "Trop d'appareils depuis cette adresse (`rate_limited`)", body = ApiErrorBody)))]
pub async fn new_device(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let address = state.client_pseudonym(&req).await?;
    let limit = limits().devices_per_address;
    // The device is written in the group commit, as votes are: a write on a pooled
    // connection polls for SQLite's lock while the committing thread takes it batch after
    // batch, and under a plenary's load it could wait out the busy timeout (docs/plenary.md).
    let made = state
        .read_then_commit(
            Lane::Any,
            move |conn| -> Result<Id, AppError> { Ok(plenary_at(conn, &code)?.id) },
            move |conn, plenary| -> Result<NewDevice, AppError> { Ok(make_device(conn, plenary, &address, limit)?) },
        )
        .await?;
    match made {
        NewDevice::Made { token, .. } => Ok(no_store(
            HttpResponse::Created()
                .cookie(device_cookie(token.clone(), state.config.behind_tls()))
                .json(DeviceIssued { device_token: token }),
        )),
        NewDevice::Limited { retry_after_secs } => Err(AppError::RateLimited(retry_after_secs)),
    }
}

/// A vote.
#[derive(Debug, Deserialize, ToSchema)]
pub struct VoteRequest {
    /// `confirmed` (confirmée), `to_amend` (à amender) or `not_confirmed` (non confirmée).
    #[schema(schema_with = schemas::judgement)]
    pub choice: String,
    /// An optional amendment (2,000 characters at most).
    #[serde(default)]
    #[schema(schema_with = schemas::amendment)]
    pub amendment: Option<String>,
    /// The card's voting code, when the plenary requires one and this device has none yet.
    #[serde(default)]
    #[schema(schema_with = schemas::voting_code)]
    pub voting_code: Option<String>,
}

/// A vote stored.
#[derive(Debug, Serialize, ToSchema)]
pub struct VoteView {
    /// The vote (the same id when it is changed).
    pub id: String,
    /// The orientation.
    pub orientation_id: String,
    /// The choice.
    pub choice: String,
    /// The amendment.
    pub amendment: Option<String>,
    /// True when this device had voted and its vote was changed.
    pub changed: bool,
    /// When first cast (UTC).
    #[schema(value_type = String)]
    pub created_at: chrono::NaiveDateTime,
    /// When last changed (UTC).
    #[schema(value_type = String)]
    pub updated_at: chrono::NaiveDateTime,
}

fn view_of(vote: &Vote, orientation: Id, changed: bool) -> VoteView {
    VoteView {
        id: vote.id.to_string(),
        orientation_id: orientation.to_string(),
        choice: vote.choice.clone(),
        amendment: vote.amendment.clone(),
        changed,
        created_at: vote.created_at,
        updated_at: vote.updated_at,
    }
}

/// Prepares (on a pooled connection), then stores the vote in the next group commit.
pub async fn cast(
    state: &AppState,
    code: String,
    orientation: Id,
    token: String,
    ballot: Ballot,
    address: String,
) -> Result<VoteOutcome, WorkshopError> {
    let limits = limits();
    // One device's votes (and its code) touch the same rows: one committing thread.
    let lane = Lane::of(&token);
    state
        .read_then_commit(
            lane,
            move |conn| prepare_vote(conn, &code, orientation, &token, &ballot),
            move |conn, prepared| store_vote(conn, &prepared, &address, limits),
        )
        .await
}

/// `PUT /api/v1/plenaries/{code}/orientations/{orientation}/vote`: casts or changes this
/// device's vote (POST is taken too).
#[utoipa::path(method(put, post), path = "/api/v1/plenaries/{code}/orientations/{orientation}/vote", tag = "plenary",
    params(("code" = String, Path, description = "Le code court de la plénière"),
        ("orientation" = String, Path, format = Uuid, description = "L'orientation"),
        ("X-Device-Token" = String, Header, description = "Le jeton de l'appareil (ou le cookie essaim_appareil)")),
    request_body = VoteRequest,
    responses(
        (status = 201, description = "Premier vote de cet appareil sur cette orientation", body = VoteView),
        (status = 200, description = "Vote de cet appareil changé (le même vote, jamais un second)", body = VoteView),
        (status = 403, description = "Jeton d'appareil inconnu (`unknown_device`), ou code de vote exigé et absent (`voting_code_required`)", body = ApiErrorBody),
        (status = 404, description = "Code ou orientation inconnus", body = ApiErrorBody),
        (status = 409, description = "Vote clos (`vote_closed`) ou pas encore ouvert (`conflict`)", body = ApiErrorBody),
        (status = 422, description = "Vote refusé, champ par champ (`choice`, `amendment`, `voting_code`)", body = ApiErrorBody),
        (status = 429, description = "Trop de votes depuis cet appareil ou cette adresse (`rate_limited`)", body = ApiErrorBody)))]
pub async fn vote(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: web::Json<VoteRequest>,
) -> Result<HttpResponse, AppError> {
    let (code, orientation) = path.into_inner();
    let orientation = id_of(&orientation)?;
    let body = body.into_inner();
    let ballot = Ballot {
        choice: body.choice,
        amendment: body.amendment.unwrap_or_default(),
        voting_code: body.voting_code.unwrap_or_default(),
    };
    let outcome =
        cast(&state, code, orientation, device_token(&req), ballot, state.client_pseudonym(&req).await?).await?;
    match outcome {
        VoteOutcome::New(vote) => Ok(no_store(HttpResponse::Created().json(view_of(&vote, orientation, false)))),
        VoteOutcome::Changed(vote) => Ok(no_store(HttpResponse::Ok().json(view_of(&vote, orientation, true)))),
        VoteOutcome::Limited { retry_after_secs } => Err(AppError::RateLimited(retry_after_secs)),
        VoteOutcome::Closed => Err(AppError::VoteClosed),
    }
}

/// The tally of an orientation of `plenary` (checked to be one of its drafts).
pub fn tally_of(
    conn: &mut essaim_core::db::DbConnection,
    plenary: &Plenary,
    orientation: Id,
) -> Result<TallyView, AppError> {
    essaim_workshops::plenary::orientation_of(conn, plenary, orientation)?;
    Ok(TallyView::of(orientation, &live_tally(conn, plenary, orientation)?))
}

/// `GET /api/v1/plenaries/{code}/orientations/{orientation}/tally`
#[utoipa::path(get, path = "/api/v1/plenaries/{code}/orientations/{orientation}/tally", tag = "plenary",
    params(("code" = String, Path, description = "Le code court de la plénière"),
        ("orientation" = String, Path, format = Uuid, description = "L'orientation")),
    responses(
        (status = 200, description = "Le décompte (les nombres seulement s'ils sont affichables)", body = TallyView),
        (status = 404, description = "Code ou orientation inconnus", body = ApiErrorBody)))]
pub async fn tally(state: web::Data<AppState>, path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (code, orientation) = path.into_inner();
    let orientation = id_of(&orientation)?;
    let view = state
        .db(move |conn| -> Result<TallyView, AppError> {
            let plenary = plenary_at(conn, &code)?;
            tally_of(conn, &plenary, orientation)
        })
        .await?;
    Ok(no_store(HttpResponse::Ok().json(view)))
}
