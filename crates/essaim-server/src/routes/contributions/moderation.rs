//! The moderation queue, for staff: every contribution of a consultation, those waiting
//! first, theme by theme, with the forms to accept, reject with a reason, or mark as a
//! duplicate of another. Each decision is posted, then the queue comes back with a French
//! confirmation; a refused one comes back with its message next to its field.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::{find_consultation, territories_of, themes_of};
use essaim_core::domain::contribution::{
    find_contribution_in, moderate, moderation_counts, moderation_queue, Decision, ModerationCounts, QueueCursor,
    QueueFilter, MAX_MODERATION_NOTE_CHARS, PAGE_SIZE,
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
    /// `acceptee`, `rejetee` or `doublon`.
    fait: Option<String>,
    /// The contribution decided.
    #[serde(rename = "ref")]
    reference: Option<String>,
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
    text: String,
    note: Option<String>,
    duplicate_of: Option<String>,
    reason_error: Option<String>,
    original_error: Option<String>,
    reason: String,
    original: String,
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
}

/// A decision refused: on which contribution, which field, why, and what was typed.
struct Refusal {
    contribution: Id,
    field: String,
    message: String,
    reason: String,
    original: String,
}

struct Loaded {
    slug: String,
    consultation: String,
    themes: Vec<Choice>,
    counts: ModerationCounts,
    items: Vec<Item>,
    next: Option<String>,
}

fn load(conn: &mut DbConnection, slug: &str, view: &View) -> Result<Loaded, AppError> {
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
    let items = page
        .items
        .into_iter()
        .map(|c| Item {
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
            territory: c.territory_id.and_then(|id| territories.iter().find(|t| t.id == id)).map(|t| t.name.clone()),
            stand: stands.get(&c.id).map(|s| s.label()),
            text: c.body,
            note: c.moderation_note,
            duplicate_of: c.duplicate_of.map(|d| d.to_string()),
            reason_error: None,
            original_error: None,
            reason: String::new(),
            original: String::new(),
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
) -> Result<HttpResponse, AppError> {
    let mut items = loaded.items;
    let mut errors = Vec::new();
    if let Some(r) = &refusal {
        let id = r.contribution.to_string();
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
    let QueueQuery { statut, theme, apres, fait, reference } = query.into_inner();
    let view = View { statut, theme, apres };
    let shown = view.clone();
    let loaded = state.db(move |conn| load(conn, &slug, &shown)).await?;
    let reference = reference.unwrap_or_default();
    let flash = match fait.as_deref() {
        Some("acceptee") => {
            Some(format!("La contribution {reference} a été acceptée : elle est lue par la synthèse et publiée."))
        }
        Some("rejetee") => Some(format!("La contribution {reference} a été rejetée.")),
        Some("doublon") => Some(format!("La contribution {reference} a été marquée comme doublon et rejetée.")),
        _ => None,
    };
    page(&req, loaded, view, flash, None)
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
        .db(move |conn| -> Result<Result<String, (Loaded, Refusal)>, AppError> {
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
                    let loaded = load(conn, &slug, &shown)?;
                    Ok(Err((
                        loaded,
                        Refusal { contribution: id, field: first.field, message: first.message, reason, original },
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
        Err((loaded, refusal)) => page(&req, loaded, view, None, Some(refusal)),
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
