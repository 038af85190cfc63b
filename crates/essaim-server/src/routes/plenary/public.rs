//! The participant's side of the plenary: the vote page (`/p/{code}`, made for a phone, no
//! account, never refreshed by itself so nothing typed is disturbed), and the tally page for
//! projection with its event stream.

use essaim_core::db::Lane;
use std::time::Duration;

use actix_web::http::{header, StatusCode};
use actix_web::web::Bytes;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::plenary::Plenary;
use essaim_core::{CoreError, FieldError, ValidationErrors};
use essaim_workshops::plenary::codes::{may_vote, redeem, Redeemed};
use essaim_workshops::plenary::devices::{device_of, new_device, NewDevice};
use essaim_workshops::plenary::projection::open_votes;
use essaim_workshops::plenary::room::room_check;
use essaim_workshops::plenary::votes::{vote_of, Ballot, VoteOutcome, MAX_AMENDMENT_CHARS};
use essaim_workshops::plenary::{consultation_of, orientation_of, plenary_at, Judgement};
use essaim_workshops::WorkshopError;
use serde::Deserialize;

use super::api::{cast, tally_of, TallyView};
use super::hub::Published;
use super::{device_cookie, device_token, id_of, limits};
use crate::app::AppState;
use crate::error::{minutes, AppError};
use crate::extract::CsrfForm;
use crate::views::{render, Layout};

/// One choice of the vote form.
pub struct Choice {
    /// Its code.
    pub value: &'static str,
    /// Its label.
    pub label: &'static str,
    /// Checked.
    pub checked: bool,
}

fn choices(selected: &str) -> Vec<Choice> {
    Judgement::ALL
        .iter()
        .map(|j| Choice { value: j.as_str(), label: j.label(), checked: selected == j.as_str() })
        .collect()
}

/// One orientation open to the vote, with this device's vote and what was typed.
pub struct OpenItem {
    id: String,
    theme_position: i32,
    theme: String,
    title: String,
    body: String,
    choices: Vec<Choice>,
    amendment: String,
    current: Option<&'static str>,
    saved: bool,
    errors: Vec<FieldError>,
    refusal: Option<String>,
}

impl OpenItem {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors.iter().find(|e| e.field == field).map(|e| e.message.as_str())
    }
}

#[derive(Template)]
#[template(path = "plenary/vote.html")]
struct VotePage {
    layout: Layout,
    code: String,
    consultation: String,
    items: Vec<OpenItem>,
    max_chars: usize,
    /// The voting-code form, instead of the votes, while this phone holds no code the plenary
    /// requires.
    card: Option<CardForm>,
}

/// The voting-code form: what was typed (or the code of the card's QR code) and why it was
/// refused.
#[derive(Debug, Default)]
pub struct CardForm {
    typed: String,
    refusal: Option<String>,
}

/// What was sent for one orientation, to show it back.
struct Typed {
    orientation: Id,
    ballot: Ballot,
    errors: ValidationErrors,
    refusal: Option<String>,
}

/// The device of this request, made now (with its cookie to set) when it has none the
/// server knows, with the plenary at `code` (unknown: the French 404). A new
/// device is written in the group commit, as votes are: a write on a pooled connection polls
/// for SQLite's lock while the committing thread takes it batch after batch, and when a whole
/// room opens the page at once it could wait out the busy timeout (docs/plenary.md).
async fn device_for(
    state: &AppState,
    code: String,
    token: String,
    address: String,
) -> Result<(Plenary, Option<Id>, Option<String>), AppError> {
    let (plenary, known) = state
        .db(move |conn| -> Result<(Plenary, Option<Id>), AppError> {
            let plenary = plenary_at(conn, &code)?;
            let device = device_of(conn, plenary.id, &token)?;
            Ok((plenary, device))
        })
        .await?;
    if let Some(id) = known {
        return Ok((plenary, Some(id), None));
    }
    let plenary_id = plenary.id;
    let made = state
        .commit(Lane::Any, move |conn| -> Result<NewDevice, AppError> {
            Ok(new_device(conn, plenary_id, &address, limits().devices_per_address)?)
        })
        .await?;
    match made {
        NewDevice::Made { id, token } => Ok((plenary, Some(id), Some(token))),
        // Over the limit: the page is shown, the vote will say why.
        NewDevice::Limited { .. } => Ok((plenary, None, None)),
    }
}

fn page_of(
    conn: &mut DbConnection,
    mut layout: Layout,
    plenary: &Plenary,
    device: Option<Id>,
    saved: Option<Id>,
    typed: Option<&Typed>,
    card: CardForm,
) -> Result<VotePage, AppError> {
    let consultation = consultation_of(conn, plenary)?;
    let needs_code = match device {
        Some(d) => !may_vote(conn, plenary, d)?,
        None => plenary.codes_required,
    };
    let mut items = Vec::new();
    let open = if needs_code { Vec::new() } else { open_votes(conn, plenary)? };
    for (item, orientation, theme) in open {
        let vote = match device {
            Some(d) => vote_of(conn, item.id, d)?,
            None => None,
        };
        let current = vote.as_ref().and_then(|v| v.judgement());
        let mine = typed.filter(|t| t.orientation == orientation.id);
        let (selected, amendment) = match (mine, &vote) {
            (Some(t), _) => (t.ballot.choice.clone(), t.ballot.amendment.clone()),
            (None, Some(v)) => (v.choice.clone(), v.amendment.clone().unwrap_or_default()),
            (None, None) => (String::new(), String::new()),
        };
        items.push(OpenItem {
            id: orientation.id.to_string(),
            theme_position: theme.position,
            theme: theme.title,
            title: orientation.title,
            body: orientation.body,
            choices: choices(&selected),
            amendment,
            current: current.map(|j| j.label()),
            saved: saved == Some(orientation.id) && mine.is_none(),
            errors: mine
                .map(|t| {
                    t.errors
                        .0
                        .iter()
                        .map(|e| FieldError {
                            field: match e.field.as_str() {
                                "amendment" => format!("amendement-{}", orientation.id),
                                _ => format!("choix-{}-{}", orientation.id, Judgement::Confirmed.as_str()),
                            },
                            ..e.clone()
                        })
                        .collect()
                })
                .unwrap_or_default(),
            refusal: mine.and_then(|t| t.refusal.clone()),
        });
    }
    let refused =
        typed.is_some_and(|t| !t.errors.is_empty() || t.refusal.is_some()) || (needs_code && card.refusal.is_some());
    layout.title = if refused { "Erreur — Vote de la plénière" } else { "Vote de la plénière" }.to_owned();
    Ok(VotePage {
        layout,
        code: plenary.code.clone(),
        consultation: consultation.title,
        items,
        max_chars: MAX_AMENDMENT_CHARS,
        card: needs_code.then_some(card),
    })
}

/// Query of the vote page.
#[derive(Debug, Default, Deserialize)]
pub struct VoteQuery {
    /// The orientation just voted on.
    #[serde(default)]
    vote: String,
    /// A voting code to fill in (from a card's QR code).
    #[serde(default)]
    carte: String,
}

fn with_cookie(mut response: HttpResponse, token: Option<String>, tls: bool) -> HttpResponse {
    if let Some(token) = token {
        let _ = response.add_cookie(&device_cookie(token, tls));
    }
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    response
}

/// `GET /p/{code}`: the orientations open to the vote, each with its form (this device's vote
/// chosen). The page never refreshes itself: "Actualiser" shows the next vote.
pub async fn vote_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<VoteQuery>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let token = device_token(&req);
    let address = state.client_pseudonym(&req).await?;
    let saved = query.vote.parse::<Id>().ok();
    let card = CardForm { typed: query.carte.chars().take(20).collect(), refusal: None };
    let layout = Layout::for_request(&req, "", "home");
    let (plenary, device, issued) = device_for(&state, code, token, address).await?;
    let page = state
        .db(move |conn| -> Result<_, AppError> { page_of(conn, layout, &plenary, device, saved, None, card) })
        .await?;
    Ok(with_cookie(render(&page, StatusCode::OK)?, issued, state.config.behind_tls()))
}

/// The vote form's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VoteFields {
    choice: String,
    amendment: String,
}

/// `POST /p/{code}/votes/{orientation}`: casts or changes this device's vote, then back to the
/// page (303). Refused, the page comes back with the message next to the field and what was
/// typed: 422 (the form), 409 (the vote closed meanwhile), 429 (too many), 403 (a device the
/// server does not know: it gets one now, the vote is to send again).
pub async fn vote_send(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    fields: CsrfForm<VoteFields>,
) -> Result<HttpResponse, AppError> {
    let (code, orientation) = path.into_inner();
    let orientation = id_of(&orientation)?;
    let fields = fields.into_inner();
    let ballot = Ballot { choice: fields.choice, amendment: fields.amendment, voting_code: String::new() };
    let token = device_token(&req);
    let address = state.client_pseudonym(&req).await?;
    let outcome = cast(&state, code.clone(), orientation, token.clone(), ballot.clone(), address.clone()).await;
    let (status, typed) = match outcome {
        Ok(VoteOutcome::New(_)) | Ok(VoteOutcome::Changed(_)) => {
            return Ok(HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/p/{code}?vote={orientation}#o-{orientation}")))
                .finish());
        }
        Ok(VoteOutcome::Limited { retry_after_secs }) => {
            let m = minutes(retry_after_secs);
            let message = format!(
                "Trop de votes ont été envoyés depuis cet appareil ou cette connexion en peu de temps : rien n'a été enregistré. Renvoyez votre vote dans {m} minute{}.",
                if m > 1 { "s" } else { "" }
            );
            (StatusCode::TOO_MANY_REQUESTS, Typed { orientation, ballot, errors: ValidationErrors::default(), refusal: Some(message) })
        }
        Ok(VoteOutcome::Closed) | Err(WorkshopError::VoteClosed) => (
            StatusCode::CONFLICT,
            Typed { orientation, ballot, errors: ValidationErrors::default(), refusal: Some(AppError::VoteClosed.message()) },
        ),
        Err(WorkshopError::Core(CoreError::Validation(errors))) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Typed { orientation, ballot, errors, refusal: None })
        }
        // The code form shows instead of the votes: what was chosen is lost with it, but
        // nothing was stored, and the page says why.
        Err(WorkshopError::CodeRequired) => (
            StatusCode::FORBIDDEN,
            Typed { orientation, ballot, errors: ValidationErrors::default(), refusal: Some(AppError::VotingCodeRequired.message()) },
        ),
        Err(WorkshopError::UnknownDevice) => (
            StatusCode::FORBIDDEN,
            Typed {
                orientation,
                ballot,
                errors: ValidationErrors::default(),
                refusal: Some("Votre appareil n'était pas reconnu : votre vote n'a pas été enregistré. Il l'est maintenant : envoyez votre vote de nouveau.".into()),
            },
        ),
        Err(other) => return Err(other.into()),
    };
    let closed = status == StatusCode::CONFLICT;
    let layout = Layout::for_request(&req, "", "home");
    let (plenary, device, issued) = device_for(&state, code, token, address).await?;
    let (page, found) = state
        .db(move |conn| -> Result<_, AppError> {
            let page = page_of(conn, layout, &plenary, device, None, Some(&typed), CardForm::default())?;
            let found = page.items.iter().any(|i| i.id == orientation.to_string());
            Ok((page, (found, typed)))
        })
        .await?;
    let (found, typed) = found;
    if !found && closed {
        // The vote closed: the orientation is off the page; say so above the other votes.
        let page = ClosedPage {
            layout: Layout::for_request(&req, "Vote clos — Vote de la plénière", "home"),
            code: page.code,
            message: typed.refusal.unwrap_or_default(),
            choice: Judgement::parse(&typed.ballot.choice).map(|j| j.label()).unwrap_or(""),
            amendment: typed.ballot.amendment,
        };
        return Ok(with_cookie(render(&page, status)?, issued, state.config.behind_tls()));
    }
    Ok(with_cookie(render(&page, status)?, issued, state.config.behind_tls()))
}

/// The voting-code form's field.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CardFields {
    carte: String,
}

/// `POST /p/{code}/carte`: redeems a voting code for this phone, then back to the votes (303).
/// Refused, the form comes back with what was typed and why: 422 (unknown, or used by another
/// phone: one message), 429 (too many tries).
pub async fn card_send(
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    fields: CsrfForm<CardFields>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let typed = fields.into_inner().carte;
    let token = device_token(&req);
    let address = state.client_pseudonym(&req).await?;
    let (plenary, device, issued) = device_for(&state, code.clone(), token, address.clone()).await?;
    let Some(device) = device else {
        // No device could be made (too many from this address): wait at most its window.
        return Err(AppError::RateLimited(limits().devices_per_address.window_secs));
    };
    let (plenary_id, attempt) = (plenary.id, typed.clone());
    let outcome = state
        .commit(Lane::of(&device.to_string()), move |conn| -> Result<Result<Redeemed, WorkshopError>, AppError> {
            match redeem(conn, plenary_id, device, &attempt, &address) {
                Err(WorkshopError::Core(CoreError::Validation(errors))) => {
                    Ok(Err(WorkshopError::Core(CoreError::Validation(errors))))
                }
                other => Ok(Ok(other?)),
            }
        })
        .await?;
    let (status, refusal) = match outcome {
        Ok(Redeemed::Held(_)) => {
            let to = format!("/p/{code}");
            return Ok(with_cookie(
                HttpResponse::SeeOther().insert_header((header::LOCATION, to)).finish(),
                issued,
                state.config.behind_tls(),
            ));
        }
        Ok(Redeemed::Limited { retry_after_secs }) => {
            (StatusCode::TOO_MANY_REQUESTS, AppError::RateLimited(retry_after_secs).message())
        }
        Err(_) => (StatusCode::UNPROCESSABLE_ENTITY, essaim_workshops::plenary::codes::REFUSED.to_owned()),
    };
    let layout = Layout::for_request(&req, "", "home");
    let card = CardForm { typed: typed.chars().take(20).collect(), refusal: Some(refusal) };
    let page = state
        .db(move |conn| -> Result<_, AppError> { page_of(conn, layout, &plenary, Some(device), None, None, card) })
        .await?;
    Ok(with_cookie(render(&page, status)?, issued, state.config.behind_tls()))
}

#[derive(Template)]
#[template(path = "plenary/closed.html")]
struct ClosedPage {
    layout: Layout,
    code: String,
    message: String,
    choice: &'static str,
    amendment: String,
}

#[derive(Template)]
#[template(path = "plenary/tally.html")]
struct TallyPage {
    layout: Layout,
    code: String,
    address: String,
    short_address: String,
    qr: String,
    theme_position: i32,
    theme: String,
    title: String,
    tally: TallyView,
    rows: Vec<TallyRow>,
    stream: String,
    refresh: String,
    /// How far the room agrees, once the vote is closed (docs/plenary.md).
    agreement: Option<String>,
    /// The voting devices against the room's head count.
    room: String,
}

/// One line of the tally.
pub struct TallyRow {
    key: &'static str,
    label: &'static str,
    count: String,
    share: String,
}

fn rows_of(tally: &TallyView) -> Vec<TallyRow> {
    let counts = [
        (Judgement::Confirmed, tally.confirmed),
        (Judgement::ToAmend, tally.to_amend),
        (Judgement::NotConfirmed, tally.not_confirmed),
    ];
    counts
        .into_iter()
        .map(|(j, n)| TallyRow {
            key: j.as_str(),
            label: j.label(),
            count: n.map(|n| n.to_string()).unwrap_or_else(|| "—".into()),
            share: match n {
                Some(n) if tally.total > 0 => format!("{} %", (n * 100 + tally.total / 2) / tally.total),
                _ => String::new(),
            },
        })
        .collect()
}

/// « Accord large (consensus 0,82) » once the vote is closed and counted.
fn agreement_of(tally: &TallyView) -> Option<String> {
    let (Some(confirmed), Some(to_amend), Some(not_confirmed)) = (tally.confirmed, tally.to_amend, tally.not_confirmed)
    else {
        return None;
    };
    let counts = essaim_core::domain::plenary::Tally { confirmed, to_amend, not_confirmed };
    (tally.state == "closed" && counts.total() > 0)
        .then(|| essaim_core::domain::agreement::room_agreement(&counts).describe())
}

/// `GET /p/{code}/decompte/{orientation}`: the tally for projection, with the QR code of the
/// vote page. Updated live by `plenary.js` from the event stream; without JavaScript, the
/// "Actualiser" link reloads it.
pub async fn tally_page(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (code, orientation) = path.into_inner();
    let orientation = id_of(&orientation)?;
    let base = state.config.base_url.clone();
    let (plenary, o, theme, tally, room) = state
        .db(move |conn| -> Result<_, AppError> {
            let plenary = plenary_at(conn, &code)?;
            let o = orientation_of(conn, &plenary, orientation)?;
            let theme = essaim_core::domain::consultation::themes_of(conn, plenary.consultation_id)?
                .into_iter()
                .find(|t| t.id == o.theme_id)
                .ok_or(AppError::NotFound)?;
            let tally = tally_of(conn, &plenary, orientation)?;
            let item = essaim_core::domain::plenary::item_of(conn, plenary.id, orientation)?.map(|i| i.id);
            let room = room_check(conn, &plenary, item)?.describe();
            Ok((plenary, o, theme, tally, room))
        })
        .await?;
    let address = plenary.address(&base);
    let qr = essaim_workshops::stands::poster::qr_svg(&address)?;
    let page = TallyPage {
        layout: Layout::for_request(&req, format!("Décompte — {}", o.title), "home"),
        short_address: essaim_workshops::plenary::short_address(&address),
        address,
        qr,
        theme_position: theme.position,
        theme: theme.title,
        title: o.title,
        rows: rows_of(&tally),
        agreement: agreement_of(&tally),
        room,
        stream: format!("/p/{}/decompte/{}/flux", plenary.code, orientation),
        refresh: format!("/p/{}/decompte/{}", plenary.code, orientation),
        code: plenary.code,
        tally,
    };
    let mut response = render(&page, StatusCode::OK)?;
    response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-store"));
    Ok(response)
}

/// A comment line after this long without news keeps proxies from closing a quiet stream.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// `GET /p/{code}/decompte/{orientation}/flux`: server-sent events, one `tally` event (JSON,
/// as the API's tally) at once and then each time the counts change. All the listeners of a
/// tally share one poll of the database ([`super::hub`]), which several server processes on
/// one database read alike; a client holds at most `STREAMS_PER_CLIENT` streams (429 beyond).
pub async fn tally_stream(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (code, orientation) = path.into_inner();
    let orientation = id_of(&orientation)?;
    let check = code.clone();
    state
        .db(move |conn| -> Result<(), AppError> {
            let plenary = plenary_at(conn, &check)?;
            orientation_of(conn, &plenary, orientation)?;
            Ok(())
        })
        .await?;
    let slot = state.tally_hub.open_stream(&state.client_pseudonym(&req).await?)?;
    let hub = state.tally_hub.clone();
    let listener = hub.listen(state.into_inner(), &code, orientation);
    // `read` says whether the channel's value is to be sent (else: wait for a change).
    let start = (listener, slot, None::<bool>);
    let stream = futures_util::stream::unfold(start, move |(mut listener, slot, read)| async move {
        let Some(mut read) = read else {
            let hello = Bytes::from_static(b"retry: 1000\n\n");
            return Some((Ok::<Bytes, actix_web::Error>(hello), (listener, slot, Some(true))));
        };
        loop {
            if read {
                let published = listener.borrow_and_update().clone();
                match published {
                    Published::Tally(json) => {
                        let event = Bytes::from(format!("event: tally\ndata: {json}\n\n"));
                        return Some((Ok(event), (listener, slot, Some(false))));
                    }
                    // The plenary is gone, or the database is down: end the stream (the
                    // browser reconnects after `retry`).
                    Published::Ended => return None,
                    Published::Waiting => {}
                }
            }
            match actix_web::rt::time::timeout(KEEP_ALIVE, listener.changed()).await {
                Ok(Ok(())) => read = true,
                Ok(Err(_)) => return None,
                Err(_) => return Some((Ok(Bytes::from_static(b": ...\n\n")), (listener, slot, Some(false)))),
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("X-Accel-Buffering", "no"))
        .streaming(stream))
}
