//! The links e-mailed to respondents: a random token in the address, its SHA-256 in the
//! database (a copy of the database does not open anyone's draft).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{DbConnection, Id};
use essaim_core::schema::access_links;
use essaim_core::security::{hash_token, random_token};
use essaim_core::CoreResult;

/// How long a resume link works: long enough for a consultation's answering period.
pub const RESUME_LINK_DAYS: i64 = 120;

/// What a link opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkTarget {
    /// An invitation: its draft, or the questionnaire to start.
    Invitation(Id),
    /// A draft to resume.
    Resume(Id),
    /// What a respondent follows.
    Follow(Id),
}

impl LinkTarget {
    fn purpose(self) -> &'static str {
        match self {
            LinkTarget::Invitation(_) => "invitation",
            LinkTarget::Resume(_) => "resume",
            LinkTarget::Follow(_) => "follow",
        }
    }
}

/// Why a link does not open anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// No such link (mistyped, or revoked).
    Unknown,
    /// It worked once, and is past its date.
    Expired,
}

/// Creates a link and returns its token (shown once: only its hash is kept).
pub fn create_link(conn: &mut DbConnection, target: LinkTarget, valid_for: Option<Duration>) -> CoreResult<String> {
    let token = random_token();
    let at = now();
    let (invitation, response, follow) = match target {
        LinkTarget::Invitation(id) => (Some(id), None, None),
        LinkTarget::Resume(id) => (None, Some(id), None),
        LinkTarget::Follow(id) => (None, None, Some(id)),
    };
    diesel::insert_into(access_links::table)
        .values((
            access_links::token_hash.eq(hash_token(&token)),
            access_links::purpose.eq(target.purpose()),
            access_links::invitation_id.eq(invitation),
            access_links::response_id.eq(response),
            access_links::follow_id.eq(follow),
            access_links::created_at.eq(at),
            access_links::expires_at.eq(valid_for.map(|d| at + d)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// What a token opens.
pub fn open_link(conn: &mut DbConnection, token: &str) -> CoreResult<Result<LinkTarget, LinkProblem>> {
    type Row = (String, Option<Id>, Option<Id>, Option<Id>, Option<NaiveDateTime>);
    let row: Option<Row> = access_links::table
        .find(hash_token(token.trim()))
        .select((
            access_links::purpose,
            access_links::invitation_id,
            access_links::response_id,
            access_links::follow_id,
            access_links::expires_at,
        ))
        .first(conn)
        .optional()?;
    let Some((purpose, invitation, response, follow, expires)) = row else { return Ok(Err(LinkProblem::Unknown)) };
    if expires.is_some_and(|at| at < now()) {
        return Ok(Err(LinkProblem::Expired));
    }
    Ok(match (purpose.as_str(), invitation, response, follow) {
        ("invitation", Some(id), _, _) => Ok(LinkTarget::Invitation(id)),
        ("resume", _, Some(id), _) => Ok(LinkTarget::Resume(id)),
        ("follow", _, _, Some(id)) => Ok(LinkTarget::Follow(id)),
        _ => Err(LinkProblem::Unknown),
    })
}

/// Revokes every link to a target (a follow link the respondent no longer wants, a draft
/// forgotten by an anonymous submission).
pub fn revoke_links(conn: &mut DbConnection, target: LinkTarget) -> CoreResult<usize> {
    let query = diesel::delete(access_links::table);
    Ok(match target {
        LinkTarget::Invitation(id) => query.filter(access_links::invitation_id.eq(id)).execute(conn)?,
        LinkTarget::Resume(id) => query.filter(access_links::response_id.eq(id)).execute(conn)?,
        LinkTarget::Follow(id) => query.filter(access_links::follow_id.eq(id)).execute(conn)?,
    })
}
