//! The facilitator's side of the plenary (staff, administrators and facilitators): the console
//! of a consultation's plenary (its QR code, its setting, every draft orientation with where
//! its vote stands), one orientation's console (open and close the vote, the live counts, the
//! room's verdict, the amendments to retain) and part 1's projection, one orientation per
//! screen.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::find_consultation;
use essaim_core::domain::plenary::{plenary_of, retained_amendments, Plenary, ResultsMode};
use essaim_core::domain::{Account, Consultation};
use essaim_core::security::random_token;
use essaim_workshops::export::ExportFormat;
use essaim_workshops::plenary::cards::download_cards;
use essaim_workshops::plenary::codes::{code_counts, generate_codes, set_voting, CodeCounts};
use essaim_workshops::plenary::projection::{agenda, theme_slides, Slide, ThemeSlides};
use essaim_workshops::plenary::results::download_results;
use essaim_workshops::plenary::room::room_check;
use essaim_workshops::plenary::run::{
    close_vote, open_vote, record_verdict, retain_amendments, retained_vote_ids, Retained,
};
use essaim_workshops::plenary::votes::amendments_proposed;
use essaim_workshops::plenary::{
    ensure_plenary, may_run, may_set_up, orientation_of, set_results_mode, short_address, Judgement, VoteState,
};
use serde::Deserialize;

use super::id_of;
use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, NoFields, SignedIn, Staff};
use crate::views::{render, Layout};

fn runner(who: &SignedIn) -> Result<Account, AppError> {
    if may_run(&who.0) {
        Ok(who.0.clone())
    } else {
        Err(AppError::Forbidden)
    }
}

fn consultation_and_plenary(conn: &mut DbConnection, slug: &str) -> Result<(Consultation, Option<Plenary>), AppError> {
    let consultation = find_consultation(conn, slug)?;
    let plenary = plenary_of(conn, consultation.id)?;
    Ok((consultation, plenary))
}

fn plenary_for(conn: &mut DbConnection, slug: &str) -> Result<(Consultation, Plenary), AppError> {
    let (consultation, plenary) = consultation_and_plenary(conn, slug)?;
    Ok((consultation, plenary.ok_or(AppError::NotFound)?))
}

/// One orientation in the console's list.
struct AgendaLine {
    id: String,
    number: String,
    title: String,
    contributions: i64,
    state: &'static str,
    open: bool,
    verdict: Option<&'static str>,
    total: i64,
    /// How far the room agrees (docs/plenary.md), once there are votes.
    agreement: String,
}

struct AgendaTheme {
    position: i32,
    title: String,
    lines: Vec<AgendaLine>,
}

/// « Accord large (consensus 0,82) », or empty before any vote.
fn agreement_of(tally: &essaim_core::domain::plenary::Tally) -> String {
    if tally.total() == 0 {
        return String::new();
    }
    essaim_core::domain::agreement::room_agreement(tally).describe()
}

fn agenda_of(themes: Vec<ThemeSlides>) -> Vec<AgendaTheme> {
    themes
        .into_iter()
        .map(|t| AgendaTheme {
            position: t.theme.position,
            title: t.theme.title.clone(),
            lines: t
                .slides
                .iter()
                .enumerate()
                .map(|(n, s)| AgendaLine {
                    id: s.orientation.id.to_string(),
                    number: format!("{}.{}", t.theme.position, n + 1),
                    title: s.orientation.title.clone(),
                    contributions: s.contributions,
                    state: s.item.as_ref().map(|i| i.vote_state.label()).unwrap_or("Vote pas encore ouvert"),
                    open: s.item.as_ref().is_some_and(|i| i.vote_state == VoteState::Open),
                    verdict: s.item.as_ref().and_then(|i| i.verdict()).map(|v| v.label()),
                    total: s.tally.total(),
                    agreement: agreement_of(&s.tally),
                })
                .collect(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "plenary/console.html")]
struct ConsolePage {
    layout: Layout,
    slug: String,
    consultation: String,
    plenary: Option<PlenaryHead>,
    can_set_up: bool,
    themes: Vec<AgendaTheme>,
}

struct PlenaryHead {
    code: String,
    address: String,
    short_address: String,
    qr: String,
    live: bool,
    /// The room's head count, as entered (empty: not entered).
    attendance: String,
    codes_required: bool,
    codes: CodeCounts,
    /// How many codes to generate next: the head count not yet covered, at least 1.
    to_generate: i64,
}

/// `GET /pleniere/{slug}`: the plenary's console.
pub async fn console(
    req: HttpRequest,
    who: SignedIn,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let account = runner(&who)?;
    let slug = slug.into_inner();
    let base = state.config.base_url.clone();
    let (consultation, plenary, themes, codes) = state
        .db(move |conn| -> Result<_, AppError> {
            let (consultation, plenary) = consultation_and_plenary(conn, &slug)?;
            let (themes, codes) = match &plenary {
                Some(p) => (agenda(conn, p)?, code_counts(conn, p.id)?),
                None => (Vec::new(), CodeCounts::default()),
            };
            Ok((consultation, plenary, themes, codes))
        })
        .await?;
    let head = match plenary {
        Some(p) => {
            let address = p.address(&base);
            Some(PlenaryHead {
                attendance: p.attendance.map(|n| n.to_string()).unwrap_or_default(),
                codes_required: p.codes_required,
                to_generate: (i64::from(p.attendance.unwrap_or(0)) - codes.issued).max(1),
                codes,
                qr: essaim_workshops::stands::poster::qr_svg(&address)?,
                short_address: short_address(&address),
                address,
                live: p.results_mode == ResultsMode::Live,
                code: p.code,
            })
        }
        None => None,
    };
    let page = ConsolePage {
        layout: Layout::for_request(&req, format!("Plénière — {}", consultation.title), "home"),
        slug: consultation.slug,
        consultation: consultation.title,
        plenary: head,
        can_set_up: may_set_up(&account),
        themes: agenda_of(themes),
    };
    render(&page, StatusCode::OK)
}

fn back(slug: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/pleniere/{slug}"))).finish()
}

fn back_to_item(slug: &str, id: Id, note: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/pleniere/{slug}/orientations/{id}?fait={note}")))
        .finish()
}

/// `POST /pleniere/{slug}`: makes the consultation's plenary (staff), audited.
pub async fn create(
    who: SignedIn,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let account = who.0;
    let target = slug.clone();
    state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &target)?;
            Ok(ensure_plenary(conn, &consultation, Some(&account))?)
        })
        .await?;
    Ok(back(&slug))
}

/// The setting form.
#[derive(Debug, Deserialize)]
pub struct SettingsFields {
    #[serde(default)]
    results_mode: String,
}

/// `POST /pleniere/{slug}/reglages`: when results show (staff), audited.
pub async fn settings(
    who: SignedIn,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<SettingsFields>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let mode = ResultsMode::parse(form.results_mode.trim())
        .ok_or_else(|| AppError::invalid("results_mode", "Choisissez quand les résultats s'affichent."))?;
    let account = who.0;
    let target = slug.clone();
    state
        .db(move |conn| -> Result<_, AppError> {
            let (_, plenary) = plenary_for(conn, &target)?;
            Ok(set_results_mode(conn, &plenary, mode, &account)?)
        })
        .await?;
    Ok(back(&slug))
}

/// The room's form: its head count and whether votes need a code.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VotingFields {
    presents: String,
    codes_requis: String,
}

/// `POST /pleniere/{slug}/votants`: the room's head count and whether each phone needs a
/// voting code (staff), audited.
pub async fn voting(
    who: SignedIn,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<VotingFields>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let form = form.into_inner();
    let presents = form.presents.trim();
    let attendance = if presents.is_empty() {
        None
    } else {
        Some(presents.parse::<i32>().map_err(|_| {
            AppError::invalid(
                "presents",
                "Indiquez le nombre de présents en chiffres (par exemple 180), ou laissez vide.",
            )
        })?)
    };
    let required = !form.codes_requis.is_empty();
    let account = who.0;
    let target = slug.clone();
    state
        .db(move |conn| -> Result<_, AppError> {
            let (_, plenary) = plenary_for(conn, &target)?;
            Ok(set_voting(conn, &plenary, attendance, required, &account)?)
        })
        .await?;
    Ok(back(&slug))
}

/// The generation form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodesFields {
    nombre: String,
}

/// `POST /pleniere/{slug}/codes`: generates voting codes (staff), numbered after the others.
pub async fn codes(
    who: SignedIn,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<CodesFields>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let count = form.nombre.trim().parse::<i32>().map_err(|_| {
        AppError::invalid(
            "nombre",
            "Indiquez en chiffres combien de codes générer (par exemple le nombre de présents).",
        )
    })?;
    let account = who.0;
    let target = slug.clone();
    state
        .db(move |conn| -> Result<_, AppError> {
            let (_, plenary) = plenary_for(conn, &target)?;
            Ok(generate_codes(conn, &plenary, count, &account)?.len())
        })
        .await?;
    Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, format!("/pleniere/{slug}#codes-titre"))).finish())
}

/// `GET /pleniere/{slug}/codes/{pdf|csv}`: the cards to print, or the codes for badges
/// (staff), audited.
pub async fn cards(
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, format) = path.into_inner();
    let pdf = match format.as_str() {
        "pdf" => true,
        "csv" => false,
        _ => return Err(AppError::NotFound),
    };
    if !may_set_up(&who.0) {
        return Err(AppError::Forbidden);
    }
    let actor = who.0.id;
    let base = state.config.base_url.clone();
    let file = state
        .db(move |conn| -> Result<_, AppError> {
            let (consultation, plenary) = plenary_for(conn, &slug)?;
            Ok(download_cards(conn, &plenary, &consultation.title, &plenary.address(&base), pdf, actor)?)
        })
        .await?;
    let kind = if pdf { "application/pdf" } else { "text/csv; charset=utf-8" };
    Ok(crate::views::download(kind, &file.file_name, file.bytes))
}

struct ProposedAmendment {
    vote_id: String,
    text: String,
    retained: bool,
}

#[derive(Template)]
#[template(path = "plenary/item.html")]
struct ItemPage {
    layout: Layout,
    slug: String,
    code: String,
    consultation: String,
    id: String,
    theme_position: i32,
    theme: String,
    title: String,
    body: String,
    state: &'static str,
    open: bool,
    ever_opened: bool,
    agreement: String,
    total: i64,
    counts: Vec<(&'static str, &'static str, i64)>,
    live: bool,
    verdicts: Vec<(&'static str, &'static str, bool)>,
    verdict: Option<&'static str>,
    proposed: Vec<ProposedAmendment>,
    retained: Vec<String>,
    key: String,
    done: &'static str,
    /// The voting devices against the room's head count.
    room: String,
    /// Why the tally may not be the room's (more devices than people, a burst of fast votes).
    warnings: Vec<String>,
}

/// Query of an orientation's console.
#[derive(Debug, Default, Deserialize)]
pub struct ItemQuery {
    #[serde(default)]
    fait: String,
}

/// `GET /pleniere/{slug}/orientations/{id}`: one orientation's console.
pub async fn item_page(
    req: HttpRequest,
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    query: web::Query<ItemQuery>,
) -> Result<HttpResponse, AppError> {
    runner(&who)?;
    let (slug, id) = path.into_inner();
    let id = id_of(&id)?;
    let mut layout = Layout::for_request(&req, "", "home");
    let done = match query.fait.as_str() {
        "ouvert" => "Le vote est ouvert : les participants peuvent voter depuis leur téléphone.",
        "clos" => "Le vote est clos : plus aucun vote n'est accepté.",
        "verdict" => "Le verdict de la salle est enregistré.",
        "amendements" => "Les amendements retenus sont enregistrés comme contributions du débat en plénière.",
        _ => "",
    };
    let page = state
        .db(move |conn| -> Result<ItemPage, AppError> {
            let (consultation, plenary) = plenary_for(conn, &slug)?;
            let o = orientation_of(conn, &plenary, id)?;
            let theme = essaim_core::domain::consultation::themes_of(conn, consultation.id)?
                .into_iter()
                .find(|t| t.id == o.theme_id)
                .ok_or(AppError::NotFound)?;
            let live = essaim_workshops::plenary::live_tally(conn, &plenary, id)?;
            let (proposed, retained) = match &live.item {
                Some(item) => {
                    let kept = retained_vote_ids(conn, item.id)?;
                    let proposed = amendments_proposed(conn, item.id)?
                        .into_iter()
                        .map(|v| ProposedAmendment {
                            retained: kept.contains(&v.id),
                            vote_id: v.id.to_string(),
                            text: v.amendment.unwrap_or_default(),
                        })
                        .collect();
                    let retained = retained_amendments(conn, item.id)?.into_iter().map(|a| a.text).collect();
                    (proposed, retained)
                }
                None => (Vec::new(), Vec::new()),
            };
            let verdict = live.item.as_ref().and_then(|i| i.verdict());
            let check = room_check(conn, &plenary, live.item.as_ref().map(|i| i.id))?;
            Ok(ItemPage {
                room: check.describe(),
                warnings: check.warnings(),
                layout: {
                    layout.title = format!("Vote — {}", o.title);
                    layout
                },
                slug: consultation.slug,
                code: plenary.code.clone(),
                consultation: consultation.title,
                id: o.id.to_string(),
                theme_position: theme.position,
                theme: theme.title,
                title: o.title,
                body: o.body,
                state: live.item.as_ref().map(|i| i.vote_state.label()).unwrap_or("Vote pas encore ouvert"),
                open: live.item.as_ref().is_some_and(|i| i.vote_state == VoteState::Open),
                ever_opened: live.item.is_some(),
                total: live.tally.total(),
                agreement: agreement_of(&live.tally),
                counts: Judgement::ALL.iter().map(|j| (j.as_str(), j.label(), live.tally.of(*j))).collect(),
                live: plenary.results_mode == ResultsMode::Live,
                verdicts: Judgement::ALL.iter().map(|j| (j.as_str(), j.label(), verdict == Some(*j))).collect(),
                verdict: verdict.map(|v| v.label()),
                proposed,
                retained,
                key: random_token(),
                done,
            })
        })
        .await?;
    render(&page, StatusCode::OK)
}

async fn act<F>(
    who: SignedIn,
    state: web::Data<AppState>,
    path: (String, String),
    note: &'static str,
    work: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut DbConnection, &Plenary, Id, &Account) -> Result<(), AppError> + Send + 'static,
{
    let account = runner(&who)?;
    let (slug, id) = path;
    let id = id_of(&id)?;
    let target = slug.clone();
    state
        .db(move |conn| -> Result<(), AppError> {
            let (_, plenary) = plenary_for(conn, &target)?;
            work(conn, &plenary, id, &account)
        })
        .await?;
    Ok(back_to_item(&slug, id, note))
}

/// `POST /pleniere/{slug}/orientations/{id}/ouvrir`: opens the vote.
pub async fn open(
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    act(who, state, path.into_inner(), "ouvert", |conn, p, id, a| Ok(open_vote(conn, p, id, a).map(|_| ())?)).await
}

/// `POST /pleniere/{slug}/orientations/{id}/clore`: closes the vote.
pub async fn close(
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    _form: CsrfForm<NoFields>,
) -> Result<HttpResponse, AppError> {
    act(who, state, path.into_inner(), "clos", |conn, p, id, a| Ok(close_vote(conn, p, id, a).map(|_| ())?)).await
}

/// The verdict form.
#[derive(Debug, Deserialize)]
pub struct VerdictFields {
    #[serde(default)]
    verdict: String,
}

/// `POST /pleniere/{slug}/orientations/{id}/verdict`: records the room's verdict.
pub async fn verdict(
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<VerdictFields>,
) -> Result<HttpResponse, AppError> {
    let verdict = Judgement::parse(form.verdict.trim()).ok_or_else(|| {
        AppError::invalid("verdict", "Choisissez le verdict de la salle : confirmée, à amender ou non confirmée.")
    })?;
    act(who, state, path.into_inner(), "verdict", move |conn, p, id, a| {
        Ok(record_verdict(conn, p, id, verdict, a).map(|_| ())?)
    })
    .await
}

/// The amendments form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AmendmentFields {
    retenir: Vec<String>,
    texte: String,
    cle: String,
}

/// `POST /pleniere/{slug}/orientations/{id}/amendements`: retains amendments (each becomes a
/// contribution of the plenary debate, linked to the orientation).
pub async fn amendments(
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<AmendmentFields>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let votes: Vec<Id> = form.retenir.iter().filter_map(|v| v.parse().ok()).collect();
    let retained = Retained { votes, typed: form.texte, key: form.cle };
    act(who, state, path.into_inner(), "amendements", move |conn, p, id, a| {
        Ok(retain_amendments(conn, p, id, &retained, a).map(|_| ())?)
    })
    .await
}

#[derive(Template)]
#[template(path = "plenary/projection.html")]
struct ProjectionPage {
    layout: Layout,
    slug: String,
    code: String,
    theme_position: i32,
    theme: String,
    number: usize,
    count: usize,
    slide: Option<SlideView>,
    prev: Option<String>,
    next: Option<String>,
    next_theme: Option<String>,
    /// The vote page's address and its QR code, on every slide so the room can vote.
    address: String,
    short_address: String,
    qr: String,
}

struct SlideView {
    id: String,
    title: String,
    body: String,
    contributions: i64,
    by_channel: Vec<(&'static str, i64)>,
    /// The quotes' texts: their references stay on staff pages, not on the room's screen.
    quotes: Vec<String>,
}

fn slide_view(slide: &Slide) -> SlideView {
    SlideView {
        id: slide.orientation.id.to_string(),
        title: slide.orientation.title.clone(),
        body: slide.orientation.body.clone(),
        contributions: slide.contributions,
        by_channel: slide.by_channel.iter().map(|(c, n)| (c.label(), *n)).collect(),
        quotes: slide.quotes.iter().take(3).map(|q| q.text.clone()).collect(),
    }
}

/// `GET /pleniere/{slug}/projection/{theme}`: the theme's first orientation.
pub async fn projection_first(
    req: HttpRequest,
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, theme) = path.into_inner();
    show(req, who, state, slug, theme, "1".into()).await
}

/// `GET /pleniere/{slug}/projection/{theme}/{n}`: the theme's n-th orientation, large, with its
/// key figures; previous and next are links (and ← → with JavaScript).
pub async fn projection(
    req: HttpRequest,
    who: SignedIn,
    state: web::Data<AppState>,
    path: web::Path<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, theme, n) = path.into_inner();
    show(req, who, state, slug, theme, n).await
}

async fn show(
    req: HttpRequest,
    who: SignedIn,
    state: web::Data<AppState>,
    slug: String,
    theme: String,
    n: String,
) -> Result<HttpResponse, AppError> {
    runner(&who)?;
    let position: i32 = theme.parse().map_err(|_| AppError::NotFound)?;
    let number: usize = n.parse().map_err(|_| AppError::NotFound)?;
    let (consultation, plenary, slides, themes) = state
        .db(move |conn| -> Result<_, AppError> {
            let (consultation, plenary) = plenary_for(conn, &slug)?;
            let slides = theme_slides(conn, &plenary, position)?.ok_or(AppError::NotFound)?;
            let themes = essaim_core::domain::consultation::themes_of(conn, consultation.id)?.len();
            Ok((consultation, plenary, slides, themes))
        })
        .await?;
    let count = slides.slides.len();
    if number == 0 || (count > 0 && number > count) || (count == 0 && number != 1) {
        return Err(AppError::NotFound);
    }
    let base = format!("/pleniere/{}/projection/{}", consultation.slug, position);
    let address = plenary.address(&state.config.base_url);
    let qr = essaim_workshops::stands::poster::qr_svg(&address)?;
    let next_theme =
        (position < themes as i32).then(|| format!("/pleniere/{}/projection/{}", consultation.slug, position + 1));
    let page = ProjectionPage {
        layout: Layout::for_request(
            &req,
            match slides.slides.get(number - 1) {
                Some(s) => format!("Orientation {}.{} — {}", position, number, s.orientation.title),
                None => format!("Thème {position} — plénière"),
            },
            "home",
        ),
        slug: consultation.slug.clone(),
        code: plenary.code,
        theme_position: position,
        theme: slides.theme.title.clone(),
        number,
        count,
        slide: slides.slides.get(number - 1).map(slide_view),
        prev: (number > 1).then(|| format!("{base}/{}", number - 1)),
        next: (number < count).then(|| format!("{base}/{}", number + 1)),
        next_theme,
        short_address: essaim_workshops::plenary::short_address(&address),
        address,
        qr,
    };
    render(&page, StatusCode::OK)
}

/// `GET /staff/consultations/{slug}/pleniere/export/{csv|json}`: the plenary's results, one
/// row per orientation put to the vote, recorded in the audit log. Staff and administrators.
pub async fn export(
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let (slug, format) = path.into_inner();
    let format = ExportFormat::parse(&format).ok_or(AppError::NotFound)?;
    let actor = staff.0.id;
    let export = state
        .db(move |conn| -> Result<_, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            Ok(download_results(conn, &consultation, format, actor)?)
        })
        .await?;
    Ok(crate::views::download(format.content_type(), &export.file_name, export.bytes))
}
