//! `GET /staff/orientations/{id}[?page=N]`: the contributions behind an orientation, a page at
//! a time (an orientation of tens of thousands stays a page a browser and a screen reader
//! handle), read with `LIMIT`/`OFFSET` whatever its size.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use askama::Template;
use essaim_core::db::Id;
use essaim_core::domain::orientation::{member_count, members_page, orientation_in_context, orientations_of_theme};
use essaim_core::domain::publication::answers::{answer_texts_of, answers_of, Answer};
use essaim_core::domain::OrientationStatus;
use serde::Deserialize;

use crate::app::AppState;
use crate::error::AppError;
use crate::extract::Staff;
use crate::views::{render, Layout};

struct MemberLine {
    id: String,
    reference: String,
    text: String,
    channel: &'static str,
    /// The answer it got (suite donnée), in French, if any.
    answer: Option<String>,
}

/// Contributions shown per page of an orientation.
const MEMBERS_PER_PAGE: usize = 100;

/// Which slice of a list one page shows (pages count from 1).
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Pagination {
    page: usize,
    pages: usize,
    start: usize,
    end: usize,
}

/// A page number from the address: anything unreadable means the first page, anything past
/// the end the last one (a link kept from before a merge still lands somewhere sensible).
fn paginate(total: usize, requested: Option<&str>, per_page: usize) -> Pagination {
    let pages = total.div_ceil(per_page).max(1);
    let page = requested.and_then(|p| p.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, pages);
    let start = (page - 1) * per_page;
    Pagination { page, pages, start, end: (start + per_page).min(total) }
}

/// Query of the orientation page.
#[derive(Deserialize)]
pub struct OrientationQuery {
    page: Option<String>,
    /// How many contributions were just given an answer together.
    reponses: Option<usize>,
}

#[derive(Template)]
#[template(path = "synthesis/orientation.html")]
struct OrientationPage {
    layout: Layout,
    slug: String,
    position: i32,
    id: String,
    title: String,
    total: usize,
    pagination: Pagination,
    members: Vec<MemberLine>,
    targets: Vec<(String, String)>,
    error: Option<String>,
    /// The answers a contribution may get (code, label).
    answers: Vec<(&'static str, &'static str)>,
    /// The consultation's reusable answer texts (id, label).
    answer_texts: Vec<(String, String)>,
    /// This page's own address, to come back to after answering.
    back: String,
    done: Option<String>,
}

/// The orientation page, with an error if an action failed.
pub(super) async fn orientation_page(
    req: &HttpRequest,
    state: &AppState,
    id: Id,
    page: Option<&str>,
    error: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    orientation_page_with(req, state, id, page, error, None, status).await
}

/// [`orientation_page`] with a notice.
pub(super) async fn orientation_page_with(
    req: &HttpRequest,
    state: &AppState,
    id: Id,
    page: Option<&str>,
    error: Option<String>,
    done: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let requested = page.map(str::to_owned);
    let (context, total, pagination, members, targets, answers, texts) = state
        .db(move |conn| -> Result<_, AppError> {
            let context = orientation_in_context(conn, id)?;
            if context.orientation.status != OrientationStatus::Draft {
                return Err(AppError::NotFound);
            }
            let total = usize::try_from(member_count(conn, id)?).unwrap_or(0);
            let pagination = paginate(total, requested.as_deref(), MEMBERS_PER_PAGE);
            let members = members_page(conn, id, pagination.start as i64, MEMBERS_PER_PAGE as i64)?;
            let targets: Vec<(String, String)> =
                orientations_of_theme(conn, context.orientation.theme_id, OrientationStatus::Draft)?
                    .into_iter()
                    .filter(|o| o.id != id)
                    .map(|o| (o.id.to_string(), o.title))
                    .collect();
            let ids: Vec<Id> = members.iter().map(|m| m.id).collect();
            let answers = answers_of(conn, &ids)?;
            let texts = answer_texts_of(conn, context.orientation.consultation_id)?;
            Ok((context, total, pagination, members, targets, answers, texts))
        })
        .await?;
    let page = OrientationPage {
        layout: Layout::for_request(req, context.orientation.title.clone(), "home"),
        slug: context.consultation_slug,
        position: context.theme_position,
        id: id.to_string(),
        title: context.orientation.title,
        total,
        members: members
            .into_iter()
            .map(|m| MemberLine {
                id: m.id.to_string(),
                reference: m.reference,
                text: m.text,
                channel: m.channel.label(),
                answer: answers.get(&m.id).map(|a| {
                    if a.text.is_empty() {
                        a.answer.label().to_owned()
                    } else {
                        format!("{} — {}", a.answer.label(), a.text)
                    }
                }),
            })
            .collect(),
        targets,
        back: format!("/staff/orientations/{id}?page={}", pagination.page),
        pagination,
        error,
        answers: Answer::ALL.iter().map(|a| (a.as_str(), a.label())).collect(),
        answer_texts: texts
            .into_iter()
            .map(|t| (t.id.to_string(), format!("{} ({})", t.title, t.answer.label())))
            .collect(),
        done,
    };
    render(&page, status)
}

/// The orientation page.
pub async fn orientation_view(
    req: HttpRequest,
    _staff: Staff,
    state: web::Data<AppState>,
    id: web::Path<Id>,
    query: web::Query<OrientationQuery>,
) -> Result<HttpResponse, AppError> {
    let done = query.reponses.map(|n| format!("{n} contribution(s) ont reçu cette réponse."));
    orientation_page_with(&req, &state, id.into_inner(), query.page.as_deref(), None, done, StatusCode::OK).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_cover_the_list_and_odd_page_numbers_land_somewhere_sensible() {
        assert_eq!(paginate(0, None, 100), Pagination { page: 1, pages: 1, start: 0, end: 0 });
        assert_eq!(paginate(250, Some("2"), 100), Pagination { page: 2, pages: 3, start: 100, end: 200 });
        assert_eq!(paginate(250, Some("3"), 100), Pagination { page: 3, pages: 3, start: 200, end: 250 });
        assert_eq!(paginate(250, Some("99"), 100).page, 3);
        assert_eq!(paginate(250, Some("0"), 100).page, 1);
        assert_eq!(paginate(250, Some("deux"), 100).page, 1);
        assert_eq!(paginate(250, Some("-1"), 100).page, 1);
    }
}
