//! The moderation queue, for staff: every contribution of a consultation, those waiting
//! first, theme by theme, 50 to a page, each a compact card with the forms to accept, reject
//! with a reason, or mark as a duplicate of another (found by searching its text, a GET form,
//! so it works without JavaScript). Several can be ticked and accepted, or rejected with one
//! reason, at once. Each decision is posted, then the queue comes back with a French
//! confirmation; a refused one comes back with its message next to its field.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{find_consultation, territories_of, themes_of};
use essaim_core::domain::contribution::{
    find_contribution_in, moderate, moderate_many, moderation_counts, moderation_queue, original_candidates, Decision,
    ModerationCounts, QueueCursor, QueueFilter, MAX_BULK, MAX_MODERATION_NOTE_CHARS, PAGE_SIZE,
};
use essaim_core::domain::stand::stands_of_ideas;
use essaim_core::domain::ModerationStatus;
use essaim_core::{CoreError, FieldError};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::{CsrfForm, Staff};
use crate::views::{french_in, render, Layout};

/// What the queue shows: the filters and the page, as in its address.
#[derive(Debug, Clone, Default)]
struct View {
    /// `pending` (the default), `published`, `rejected` or `toutes`.
    statut: String,
    /// A theme's position, or nothing for every theme.
    theme: String,
    /// Where the page starts ([`QueueCursor::to_param`]).
    apres: String,
}

/// The queue's address query, with the confirmation of the last decision.
#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    #[serde(default)]
    statut: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    apres: String,
    /// `acceptee`, `rejetee` or `doublon`; `acceptees` or `rejetees` for a selection.
    fait: Option<String>,
    /// The contribution decided.
    #[serde(rename = "ref")]
    reference: Option<String>,
    /// How many a selection's decision covered.
    nombre: Option<usize>,
    /// The contribution whose original is searched for (its card opens on the results).
    #[serde(default)]
    doublon: String,
    /// The words searched for in the original's text.
    #[serde(default)]
    recherche: String,
    /// `tout`: every contribution of the page is ticked.
    #[serde(default)]
    cocher: String,
}

/// The fields of the selection's form: the ticked contributions and one decision for all.
#[derive(Debug, Deserialize)]
pub struct SelectionFields {
    #[serde(default)]
    selection: Vec<String>,
    /// `accepter` or `rejeter`: the button pressed.
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    statut: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    apres: String,
}

/// The fields of a decision's form (the view, to come back to it).
#[derive(Debug, Deserialize)]
pub struct DecisionFields {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    original: String,
    #[serde(default)]
    statut: String,
    #[serde(default)]
    theme: String,
    #[serde(default)]
    apres: String,
}

impl DecisionFields {
    fn view(&self) -> View {
        View { statut: self.statut.clone(), theme: self.theme.clone(), apres: self.apres.clone() }
    }
}

impl View {
    fn status(&self) -> Option<ModerationStatus> {
        match self.statut.trim() {
            "" => Some(ModerationStatus::Pending),
            "toutes" => None,
            code => Some(ModerationStatus::parse(code).unwrap_or(ModerationStatus::Pending)),
        }
    }

    fn status_param(&self) -> &'static str {
        self.status().map(ModerationStatus::as_str).unwrap_or("toutes")
    }

    fn url(&self, slug: &str, extra: &[(&str, &str)]) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("statut", self.status_param());
        if !self.theme.trim().is_empty() {
            query.append_pair("theme", self.theme.trim());
        }
        if !self.apres.trim().is_empty() {
            query.append_pair("apres", self.apres.trim());
        }
        query.extend_pairs(extra);
        format!("/staff/consultations/{slug}/moderation?{}", query.finish())
    }
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

/// A contribution the duplicate may repeat, found by its text.
struct Candidate {
    id: String,
    excerpt: String,
    status: &'static str,
}

/// Characters of a text shown before « Lire la suite »: keeps a card a few lines tall.
const TEXT_SHOWN: usize = 400;
/// Characters of a candidate original shown in the search's results.
const EXCERPT: usize = 160;

/// The start of `text`, cut at a space before `max` characters, and the rest if any.
fn split_text(text: &str, max: usize) -> (String, Option<String>) {
    match text.char_indices().nth(max) {
        None => (text.to_owned(), None),
        Some((at, _)) => {
            let cut = text[..at].rfind(char::is_whitespace).filter(|i| *i > at / 2).unwrap_or(at);
            (text[..cut].trim_end().to_owned(), Some(text[cut..].trim_start().to_owned()))
        }
    }
}

struct Item {
    id: String,
    theme: String,
    kind: &'static str,
    status: &'static str,
    pending: bool,
    received: String,
    organisation: Option<String>,
    territory: Option<String>,
    /// The treasure-hunt stand the idea was left at.
    stand: Option<String>,
    /// The start of the text, and the rest behind « Lire la suite ».
    text: String,
    text_rest: Option<String>,
    note: Option<String>,
    duplicate_of: Option<String>,
    reason_error: Option<String>,
    original_error: Option<String>,
    reason: String,
    original: String,
    /// Ticked in the selection.
    selected: bool,
    /// The words of a search for its original, when one was made from its card.
    search: Option<String>,
    candidates: Vec<Candidate>,
}

impl Item {
    /// Its rejection and duplicate forms are shown open: an error to fix or a search's results.
    fn open(&self) -> bool {
        self.reason_error.is_some() || self.original_error.is_some() || self.search.is_some()
    }
}

#[derive(Template)]
#[template(path = "contributions/queue.html")]
struct QueuePage {
    layout: Layout,
    slug: String,
    consultation: String,
    statuses: Vec<Choice>,
    themes: Vec<Choice>,
    view: View,
    status_param: &'static str,
    counts: ModerationCounts,
    items: Vec<Item>,
    next: Option<String>,
    first_page: bool,
    flash: Option<String>,
    errors: Vec<FieldError>,
    max_reason: usize,
    max_bulk: usize,
    /// The queue's address with every contribution of the page ticked.
    tick_all: String,
    /// The selection's reason, kept after a refusal, and its error.
    selection_reason: String,
    selection_error: Option<String>,
}

/// A decision refused: on which contribution (none: the selection), which field, why, and
/// what was typed.
struct Refusal {
    contribution: Option<Id>,
    field: String,
    message: String,
    reason: String,
    original: String,
    selected: Vec<String>,
}

/// A decision's outcome: done (what the confirmation needs), or refused (the queue to show
/// again, with why).
type Outcome<T> = Result<T, (Loaded, Refusal)>;

/// A search for the original of a duplicate, from its card.
struct Search {
    duplicate: Id,
    words: String,
}

struct Loaded {
    slug: String,
    consultation: String,
    themes: Vec<Choice>,
    counts: ModerationCounts,
    items: Vec<Item>,
    next: Option<String>,
}

fn load(conn: &mut DbConnection, slug: &str, view: &View, search: Option<&Search>) -> Result<Loaded, AppError> {
    let consultation = find_consultation(conn, slug)?;
    let themes = themes_of(conn, consultation.id)?;
    let territories = territories_of(conn, consultation.id)?;
    let theme = themes.iter().find(|t| t.position.to_string() == view.theme.trim());
    let filter = QueueFilter {
        status: view.status(),
        theme: theme.map(|t| t.id),
        after: QueueCursor::parse(view.apres.trim()),
        limit: PAGE_SIZE,
    };
    let page = moderation_queue(conn, consultation.id, &filter)?;
    let counts = moderation_counts(conn, consultation.id, theme.map(|t| t.id))?;
    let ids: Vec<_> = page.items.iter().map(|c| c.id).collect();
    let stands = stands_of_ideas(conn, &ids)?;
    // Only a contribution of this page's can be searched for: the search is its card's form.
    let search = search.filter(|s| ids.contains(&s.duplicate));
    let candidates = match search {
        Some(s) => original_candidates(conn, consultation.id, s.duplicate, &s.words)?
            .into_iter()
            .map(|c| Candidate {
                id: c.id.to_string(),
                excerpt: match split_text(&c.body, EXCERPT) {
                    (start, None) => start,
                    (start, Some(_)) => format!("{start}…"),
                },
                status: c.moderation_status.label(),
            })
            .collect(),
        None => Vec::new(),
    };
    let mut candidates = Some(candidates);
    let items = page
        .items
        .into_iter()
        .map(|c| {
            let searched = search.filter(|s| s.duplicate == c.id);
            let (text, text_rest) = split_text(&c.body, TEXT_SHOWN);
            Item {
                id: c.id.to_string(),
                theme: c
                    .theme_id
                    .and_then(|id| themes.iter().find(|t| t.id == id))
                    .map(|t| format!("{}. {}", t.position, t.title))
                    .unwrap_or_else(|| "Thème à préciser".into()),
                kind: c.kind.label(),
                status: c.moderation_status.label(),
                pending: c.moderation_status == ModerationStatus::Pending,
                received: french_in(&consultation, c.created_at),
                organisation: c.author_name,
                territory: c
                    .territory_id
                    .and_then(|id| territories.iter().find(|t| t.id == id))
                    .map(|t| t.name.clone()),
                stand: stands.get(&c.id).map(|s| s.label()),
                text,
                text_rest,
                note: c.moderation_note,
                duplicate_of: c.duplicate_of.map(|d| d.to_string()),
                reason_error: None,
                original_error: None,
                reason: String::new(),
                original: String::new(),
                selected: false,
                search: searched.map(|s| s.words.clone()),
                candidates: if searched.is_some() { candidates.take().unwrap_or_default() } else { Vec::new() },
            }
        })
        .collect();
    let next = page.next.map(|cursor| View { apres: cursor.to_param(), ..view.clone() }.url(&consultation.slug, &[]));
    Ok(Loaded {
        themes: themes
            .iter()
            .map(|t| Choice {
                value: t.position.to_string(),
                label: format!("{}. {}", t.position, t.title),
                selected: theme.is_some_and(|s| s.id == t.id),
            })
            .collect(),
        slug: consultation.slug,
        consultation: consultation.title,
        counts,
        items,
        next,
    })
}

fn page(
    req: &HttpRequest,
    loaded: Loaded,
    view: View,
    flash: Option<String>,
    refusal: Option<Refusal>,
    all_ticked: bool,
) -> Result<HttpResponse, AppError> {
    let mut items = loaded.items;
    let mut errors = Vec::new();
    let mut selection_error = None;
    let mut selection_reason = String::new();
    if all_ticked {
        items.iter_mut().for_each(|i| i.selected = true);
    }
    if let Some(r) = refusal.as_ref().filter(|r| r.contribution.is_none()) {
        for item in items.iter_mut() {
            item.selected = r.selected.contains(&item.id);
        }
        selection_reason.clone_from(&r.reason);
        selection_error = Some(r.message.clone());
        let anchor = if r.field == "reason" { "selection-reason" } else { "selection-decision" };
        errors.push(FieldError { field: anchor.into(), message: r.message.clone() });
    } else if let Some(r) = &refusal {
        let id = r.contribution.map(|c| c.to_string()).unwrap_or_default();
        if let Some(item) = items.iter_mut().find(|i| i.id == id) {
            item.reason.clone_from(&r.reason);
            item.original.clone_from(&r.original);
            let anchor = if r.field == "duplicate_of" {
                item.original_error = Some(r.message.clone());
                format!("original-{id}")
            } else {
                item.reason_error = Some(r.message.clone());
                format!("reason-{id}")
            };
            errors.push(FieldError { field: anchor, message: r.message.clone() });
        } else {
            errors.push(FieldError { field: "file".into(), message: r.message.clone() });
        }
    }
    let current = view.status_param();
    let statuses = [
        ("pending", "En attente de modération"),
        ("published", "Acceptées"),
        ("rejected", "Rejetées"),
        ("toutes", "Toutes"),
    ]
    .iter()
    .map(|(value, label)| Choice { value: (*value).into(), label: (*label).into(), selected: *value == current })
    .collect();
    let title =
        if errors.is_empty() { "Modération des contributions" } else { "Erreur — Modération des contributions" };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let tick_all = view.url(&loaded.slug, &[("cocher", "tout")]);
    render(
        &QueuePage {
            layout: Layout::for_request(req, title, "home"),
            slug: loaded.slug,
            consultation: loaded.consultation,
            statuses,
            themes: loaded.themes,
            status_param: current,
            first_page: view.apres.trim().is_empty(),
            view,
            counts: loaded.counts,
            items,
            next: loaded.next,
            flash,
            errors,
            max_reason: MAX_MODERATION_NOTE_CHARS,
            max_bulk: MAX_BULK,
            tick_all,
            selection_reason,
            selection_error,
        },
        status,
    )
}

/// `GET /staff/consultations/{slug}/moderation`: the queue, filtered by status and theme.
pub async fn queue(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    query: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let QueueQuery { statut, theme, apres, fait, reference, nombre, doublon, recherche, cocher } = query.into_inner();
    let view = View { statut, theme, apres };
    let shown = view.clone();
    let search = doublon.trim().parse::<Id>().ok().map(|duplicate| Search { duplicate, words: recherche });
    let loaded = state.db(move |conn| load(conn, &slug, &shown, search.as_ref())).await?;
    let reference = reference.unwrap_or_default();
    let count = nombre.unwrap_or(0);
    let plural = if count > 1 { "s" } else { "" };
    let flash = match fait.as_deref() {
        Some("acceptee") => {
            Some(format!("La contribution {reference} a été acceptée : elle est lue par la synthèse et publiée."))
        }
        Some("rejetee") => Some(format!("La contribution {reference} a été rejetée.")),
        Some("doublon") => Some(format!("La contribution {reference} a été marquée comme doublon et rejetée.")),
        Some("acceptees") => Some(format!(
            "{count} contribution{plural} acceptée{plural} : elle{plural} {} lue{plural} par la synthèse et publiée{plural}.",
            if count > 1 { "sont" } else { "est" }
        )),
        Some("rejetees") => Some(format!("{count} contribution{plural} rejetée{plural}.")),
        _ => None,
    };
    page(&req, loaded, view, flash, None, cocher == "tout")
}

#[derive(Clone, Copy)]
enum Action {
    Accept,
    Reject,
    Duplicate,
}

async fn decide(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    fields: DecisionFields,
    action: Action,
) -> Result<HttpResponse, AppError> {
    let (slug, id) = path.into_inner();
    let id: Id = id.trim().parse().map_err(|_| AppError::NotFound)?;
    let actor = staff.0.id;
    let view = fields.view();
    let (reason, original) = (fields.reason.clone(), fields.original.clone());
    let shown = view.clone();
    let outcome = state
        .db(move |conn| -> Result<Outcome<String>, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            // A contribution of another consultation is not found from this one's page.
            let contribution = find_contribution_in(conn, consultation.id, id)?;
            let decision = match action {
                Action::Accept => Ok(Decision::Accept),
                Action::Reject => Ok(Decision::Reject(reason.clone())),
                Action::Duplicate => match original.trim() {
                    "" => Err(CoreError::invalid(
                        "duplicate_of",
                        "Indiquez la référence de la contribution que celle-ci répète, telle que la file l'affiche.",
                    )),
                    raw => raw.parse::<Id>().map(Decision::Duplicate).map_err(|_| {
                        CoreError::invalid(
                            "duplicate_of",
                            format!("« {raw} » n'est pas une référence de contribution : copiez-la telle que la file l'affiche."),
                        )
                    }),
                },
            };
            match decision.and_then(|d| moderate(conn, contribution.id, d, actor)) {
                Ok(_) => Ok(Ok(consultation.slug)),
                Err(CoreError::Validation(errors)) => {
                    let first = errors.0.into_iter().next().unwrap_or(FieldError {
                        field: "reason".into(),
                        message: "La décision a été refusée.".into(),
                    });
                    let loaded = load(conn, &slug, &shown, None)?;
                    Ok(Err((
                        loaded,
                        Refusal {
                            contribution: Some(id),
                            field: first.field,
                            message: first.message,
                            reason,
                            original,
                            selected: Vec::new(),
                        },
                    )))
                }
                Err(other) => Err(other.into()),
            }
        })
        .await?;
    match outcome {
        Ok(slug) => {
            let done = match action {
                Action::Accept => "acceptee",
                Action::Reject => "rejetee",
                Action::Duplicate => "doublon",
            };
            let id = id.to_string();
            let location = view.url(&slug, &[("fait", done), ("ref", &id)]);
            Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish())
        }
        Err((loaded, refusal)) => page(&req, loaded, view, None, Some(refusal), false),
    }
}

/// `POST /staff/consultations/{slug}/moderation/{id}/accepter`.
pub async fn accept(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<DecisionFields>,
) -> Result<HttpResponse, AppError> {
    decide(req, staff, state, path, form.into_inner(), Action::Accept).await
}

/// `POST /staff/consultations/{slug}/moderation/{id}/rejeter`: a reason is required.
pub async fn reject(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<DecisionFields>,
) -> Result<HttpResponse, AppError> {
    decide(req, staff, state, path, form.into_inner(), Action::Reject).await
}

/// `POST /staff/consultations/{slug}/moderation/{id}/doublon`: `original` is the reference of
/// the contribution it repeats.
pub async fn duplicate(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: CsrfForm<DecisionFields>,
) -> Result<HttpResponse, AppError> {
    decide(req, staff, state, path, form.into_inner(), Action::Duplicate).await
}

/// `POST /staff/consultations/{slug}/moderation/selection`: the ticked contributions accepted,
/// or rejected with one reason (`decision`: `accepter` or `rejeter`). Each must be a
/// contribution of this consultation, checked one by one on the server, or nothing changes
/// (not found).
pub async fn selection(
    req: HttpRequest,
    staff: Staff,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    form: CsrfForm<SelectionFields>,
) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let fields = form.into_inner();
    let view = View { statut: fields.statut, theme: fields.theme, apres: fields.apres };
    // An id that is not one is a forged form: nothing of it is decided.
    let ids = fields.selection.iter().map(|raw| raw.trim().parse::<Id>()).collect::<Result<Vec<_>, _>>();
    let ids = ids.map_err(|_| AppError::NotFound)?;
    let accepting = match fields.decision.as_str() {
        "accepter" => true,
        "rejeter" => false,
        _ => return Err(AppError::BadRequest("décision inconnue".into())),
    };
    let actor = staff.0.id;
    let (reason, selected) = (fields.reason, fields.selection);
    let shown = view.clone();
    let outcome = state
        .db(move |conn| -> Result<Outcome<(String, usize)>, AppError> {
            let consultation = find_consultation(conn, &slug)?;
            let decision = if accepting { Decision::Accept } else { Decision::Reject(reason.clone()) };
            match moderate_many(conn, consultation.id, &ids, decision, actor) {
                Ok(count) => Ok(Ok((consultation.slug, count))),
                Err(CoreError::Validation(errors)) => {
                    let first = errors.0.into_iter().next().unwrap_or(FieldError {
                        field: "selection".into(),
                        message: "La décision a été refusée.".into(),
                    });
                    let loaded = load(conn, &slug, &shown, None)?;
                    Ok(Err((
                        loaded,
                        Refusal {
                            contribution: None,
                            field: first.field,
                            message: first.message,
                            reason,
                            original: String::new(),
                            selected,
                        },
                    )))
                }
                Err(other) => Err(other.into()),
            }
        })
        .await?;
    match outcome {
        Ok((slug, count)) => {
            let done = if accepting { "acceptees" } else { "rejetees" };
            let location = view.url(&slug, &[("fait", done), ("nombre", &count.to_string())]);
            Ok(HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish())
        }
        Err((loaded, refusal)) => page(&req, loaded, view, None, Some(refusal), false),
    }
}
