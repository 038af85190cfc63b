//! Reading contributions page by page: the moderators' queue (waiting ones first, theme by
//! theme) and the accepted contributions of a theme, for its public page. Both are keyset
//! pages (`id > last seen`, never `OFFSET`), so the hundredth page costs what the first does.

use diesel::prelude::*;

use super::Contribution;
use crate::db::{DbConnection, Id};
use crate::domain::consultation::themes_of;
use crate::domain::vocab::ModerationStatus;
use crate::error::{CoreError, CoreResult};
use crate::schema::contributions;

/// Contributions per page of the queue and of a public page, unless asked otherwise.
pub const PAGE_SIZE: usize = 50;
/// Most contributions a page may hold.
pub const MAX_PAGE_SIZE: usize = 200;

/// The order of the statuses in the queue: what waits for a moderator first.
const STATUS_ORDER: [ModerationStatus; 3] =
    [ModerationStatus::Pending, ModerationStatus::Accepted, ModerationStatus::Rejected];

/// Where a page of the queue ends: the last contribution shown, with its status and the
/// position of its theme (none: not classified, after the themes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueCursor {
    /// The status of the last contribution shown.
    pub status: ModerationStatus,
    /// The position of its theme.
    pub theme_position: Option<i32>,
    /// Its id.
    pub id: Id,
}

impl QueueCursor {
    /// The cursor as an address parameter: `pending.2.<id>` (`-` for no theme).
    pub fn to_param(&self) -> String {
        let theme = self.theme_position.map(|p| p.to_string()).unwrap_or_else(|| "-".into());
        format!("{}.{theme}.{}", self.status.as_str(), self.id)
    }

    /// Reads [`QueueCursor::to_param`]'s form; anything else is none.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.splitn(3, '.');
        let status = ModerationStatus::parse(parts.next()?)?;
        let theme_position = match parts.next()? {
            "-" => None,
            p => Some(p.parse().ok()?),
        };
        let id = parts.next()?.parse().ok()?;
        Some(QueueCursor { status, theme_position, id })
    }
}

/// Which contributions the queue shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    /// Only this status (none: every status, waiting ones first).
    pub status: Option<ModerationStatus>,
    /// Only this theme of the consultation (none: every theme, then the unclassified).
    pub theme: Option<Id>,
    /// After this point (none: from the start).
    pub after: Option<QueueCursor>,
    /// Contributions per page (0: [`PAGE_SIZE`]; at most [`MAX_PAGE_SIZE`]).
    pub limit: usize,
}

/// One page of contributions, and where the next one starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<C> {
    /// The contributions of the page.
    pub items: Vec<Contribution>,
    /// Where the next page starts, if there is one.
    pub next: Option<C>,
}

fn page_size(limit: usize) -> usize {
    if limit == 0 {
        PAGE_SIZE
    } else {
        limit.min(MAX_PAGE_SIZE)
    }
}

/// The moderation queue of a consultation: by status (waiting first, then accepted, then
/// rejected), within a status by theme position (the unclassified last), within a theme in
/// the order they arrived. Each (status, theme) slice is read with the index on
/// `(theme_id, moderation_status)`.
pub fn moderation_queue(
    conn: &mut DbConnection,
    consultation: Id,
    filter: &QueueFilter,
) -> CoreResult<Page<QueueCursor>> {
    let limit = page_size(filter.limit);
    let themes = themes_of(conn, consultation)?;
    let mut theme_slices: Vec<(Option<Id>, Option<i32>)> = match filter.theme {
        Some(theme) => themes.iter().filter(|t| t.id == theme).map(|t| (Some(t.id), Some(t.position))).collect(),
        None => themes.iter().map(|t| (Some(t.id), Some(t.position))).collect(),
    };
    if filter.theme.is_none() {
        theme_slices.push((None, None));
    }
    let statuses: Vec<ModerationStatus> = match filter.status {
        Some(status) => vec![status],
        None => STATUS_ORDER.to_vec(),
    };
    let rank = |status: ModerationStatus, position: Option<i32>| {
        let s = STATUS_ORDER.iter().position(|x| *x == status).unwrap_or(0);
        (s, position.unwrap_or(i32::MAX))
    };
    let mut items: Vec<(Contribution, Option<i32>)> = Vec::new();
    'slices: for status in statuses {
        for (theme, position) in &theme_slices {
            let mut after_id = None;
            if let Some(cursor) = filter.after {
                let here = rank(status, *position);
                let there = rank(cursor.status, cursor.theme_position);
                if here < there {
                    continue;
                }
                if here == there {
                    after_id = Some(cursor.id);
                }
            }
            let wanted = limit + 1 - items.len();
            let mut query = contributions::table
                .filter(contributions::consultation_id.eq(consultation))
                .filter(contributions::moderation_status.eq(status))
                .order(contributions::id.asc())
                .limit(wanted as i64)
                .select(Contribution::as_select())
                .into_boxed();
            query = match theme {
                Some(theme) => query.filter(contributions::theme_id.eq(*theme)),
                None => query.filter(contributions::theme_id.is_null()),
            };
            if let Some(after) = after_id {
                query = query.filter(contributions::id.gt(after));
            }
            let rows: Vec<Contribution> = query.load(conn)?;
            items.extend(rows.into_iter().map(|c| (c, *position)));
            if items.len() > limit {
                break 'slices;
            }
        }
    }
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|(c, position)| QueueCursor {
            status: c.moderation_status,
            theme_position: *position,
            id: c.id,
        })
    } else {
        None
    };
    Ok(Page { items: items.into_iter().map(|(c, _)| c).collect(), next })
}

/// The accepted contributions of one theme, in the order they arrived, after `after`: what
/// its public page shows. Nothing waiting or rejected is ever in it.
pub fn accepted_of_theme(
    conn: &mut DbConnection,
    consultation: Id,
    theme: Id,
    after: Option<Id>,
    limit: usize,
) -> CoreResult<Page<Id>> {
    let limit = page_size(limit);
    let mut query = contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::theme_id.eq(theme))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .order(contributions::id.asc())
        .limit(limit as i64 + 1)
        .select(Contribution::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(contributions::id.gt(after));
    }
    let mut items: Vec<Contribution> = query.load(conn)?;
    let next = if items.len() > limit {
        items.truncate(limit);
        items.last().map(|c| c.id)
    } else {
        None
    };
    Ok(Page { items, next })
}

/// A contribution of this consultation; any other (unknown, or of another consultation) is
/// not found, so that a page of one consultation never acts on another's.
pub fn find_contribution_in(conn: &mut DbConnection, consultation: Id, id: Id) -> CoreResult<Contribution> {
    contributions::table
        .find(id)
        .filter(contributions::consultation_id.eq(consultation))
        .select(Contribution::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("contribution".into()))
}

diesel::define_sql_function! {
    /// SQL's `lower`, the same on both backends (SQLite folds ASCII only).
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Most contributions a search for a duplicate's original lists.
pub const ORIGINAL_CANDIDATES: usize = 20;

/// The contributions of `consultation` whose text contains `words` (without case), oldest
/// first, except `duplicate` itself: where a moderator picks the original a duplicate repeats,
/// rather than copying its reference by hand. Empty words find nothing.
pub fn original_candidates(
    conn: &mut DbConnection,
    consultation: Id,
    duplicate: Id,
    words: &str,
) -> CoreResult<Vec<Contribution>> {
    let words = words.trim().to_lowercase();
    if words.is_empty() {
        return Ok(Vec::new());
    }
    // `%`, `_` and the escape itself are literal in what a moderator types.
    let pattern = format!("%{}%", words.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    Ok(contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::id.ne(duplicate))
        .filter(lower(contributions::body).like(pattern).escape('\\'))
        .order(contributions::id.asc())
        .limit(ORIGINAL_CANDIDATES as i64)
        .select(Contribution::as_select())
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_what_it_wrote() {
        let id = Id::new();
        for theme_position in [Some(3), None] {
            let cursor = QueueCursor { status: ModerationStatus::Pending, theme_position, id };
            assert_eq!(QueueCursor::parse(&cursor.to_param()), Some(cursor));
        }
        assert_eq!(QueueCursor::parse("pending.x.abc"), None);
        assert_eq!(QueueCursor::parse("n'importe quoi"), None);
    }
}
