//! `/admin/journal`: the audit log, readable by administrators (staff get 403): who did what,
//! when, on what, filtered by account, kind of action and dates, 50 lines a page, and the same
//! selection as CSV through the one CSV writer.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use chrono::NaiveDate;
use essaim_core::db::Id;
use essaim_core::domain::journal::{action_kinds, actors, journal, JournalFilter, JournalLine, CSV_LIMIT, PAGE_SIZE};
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::Admin;
use crate::views::{download, french_instant, render, Layout};

/// The filters, as the form sends them.
#[derive(Debug, Default, Deserialize)]
pub struct JournalQuery {
    #[serde(default)]
    personne: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    du: String,
    #[serde(default)]
    au: String,
    #[serde(default)]
    page: Option<i64>,
}

fn date(raw: &str, field: &str) -> Result<Option<NaiveDate>, String> {
    match raw.trim() {
        "" => Ok(None),
        raw => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("La date « {field} » doit s'écrire AAAA-MM-JJ, par exemple 2026-06-28.")),
    }
}

fn filter_of(query: &JournalQuery) -> Result<JournalFilter, String> {
    let actor = match query.personne.trim() {
        "" => None,
        raw => Some(raw.parse::<Id>().map_err(|_| "Cette personne n'est pas dans la liste.".to_owned())?),
    };
    let from = date(&query.du, "du")?;
    let to = date(&query.au, "au")?;
    if let (Some(from), Some(to)) = (from, to) {
        if from > to {
            return Err("La date de début est après la date de fin.".to_owned());
        }
    }
    let kind = Some(query.kind.trim().to_owned()).filter(|k| !k.is_empty());
    Ok(JournalFilter { actor, kind, from, to })
}

struct Line {
    when: String,
    who: String,
    action: String,
    target: String,
    details: String,
}

fn line(l: JournalLine) -> Line {
    Line {
        when: french_instant(l.occurred_at),
        who: l
            .actor
            .map(|(name, email)| format!("{name} ({email})"))
            .unwrap_or_else(|| "ligne de commande ou personne sans compte".into()),
        action: l.action,
        target: match l.target_id {
            Some(id) => format!("{} {id}", l.target_kind),
            None => l.target_kind,
        },
        details: l.details,
    }
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "admin/journal.html")]
struct JournalPage {
    layout: Layout,
    lines: Vec<Line>,
    total: i64,
    page: i64,
    pages: i64,
    people: Vec<Choice>,
    kinds: Vec<Choice>,
    du: String,
    au: String,
    error: Option<String>,
    /// The filters as a query string, for the pages' and the CSV's links.
    query: String,
}

fn query_string(q: &JournalQuery) -> String {
    let pairs = [("personne", &q.personne), ("type", &q.kind), ("du", &q.du), ("au", &q.au)];
    pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| format!("{k}={}", urlencoding(v.trim())))
        .collect::<Vec<_>>()
        .join("&")
}

/// Percent-encodes a query value (ids, dates and kinds: letters, digits, `-`, `_`, `.`).
fn urlencoding(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// `GET /admin/journal`
pub async fn page(
    req: HttpRequest,
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<JournalQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let filter = filter_of(&query);
    let page = query.page.unwrap_or(1).max(1);
    let wanted = filter.clone().unwrap_or_default();
    let (found, kinds, people) = state
        .db(move |conn| -> Result<_, AppError> {
            let found = match filter {
                Ok(filter) => Some(journal(conn, &filter, page, PAGE_SIZE)?),
                Err(_) => None,
            };
            Ok((found, action_kinds(conn)?, actors(conn)?))
        })
        .await?;
    let error = filter_of(&query).err();
    let status = if error.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let (lines, total) = found.unwrap_or_default();
    render(
        &JournalPage {
            layout: Layout::for_request(&req, "Journal des actions", "admin"),
            lines: lines.into_iter().map(line).collect(),
            total,
            page,
            pages: ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1),
            people: people
                .into_iter()
                .map(|(id, name, email)| Choice {
                    selected: wanted.actor == Some(id),
                    value: id.to_string(),
                    label: format!("{name} ({email})"),
                })
                .collect(),
            kinds: kinds
                .into_iter()
                .map(|k| Choice { selected: wanted.kind.as_deref() == Some(k.as_str()), label: k.clone(), value: k })
                .collect(),
            du: query.du.trim().to_owned(),
            au: query.au.trim().to_owned(),
            error,
            query: query_string(&query),
        },
        status,
    )
}

/// `GET /admin/journal.csv`: the same selection, every page (up to `CSV_LIMIT` lines).
pub async fn csv(
    _admin: Admin,
    state: web::Data<AppState>,
    query: web::Query<JournalQuery>,
) -> Result<HttpResponse, AppError> {
    let filter = filter_of(&query).map_err(AppError::BadRequest)?;
    let bytes = state
        .db(move |conn| -> Result<Vec<u8>, AppError> {
            let (lines, _) = journal(conn, &filter, 1, CSV_LIMIT)?;
            let rows = lines.into_iter().map(|l| {
                let (name, email) = l.actor.unwrap_or_default();
                vec![
                    l.occurred_at.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
                    name,
                    email,
                    l.action,
                    l.target_kind,
                    l.target_id.unwrap_or_default(),
                    l.details,
                ]
            });
            essaim_documents::spreadsheet::csv_bytes(
                &["date_utc", "personne", "courriel_personne", "action", "type_cible", "cible", "details"],
                rows,
            )
            .map_err(|e| AppError::Internal(e.to_string()))
        })
        .await?;
    Ok(download("text/csv; charset=utf-8", "journal.csv", bytes))
}
