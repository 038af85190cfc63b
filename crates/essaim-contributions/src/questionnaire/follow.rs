//! "Suivre mes contributions": a revocable link, with no account, listing what a respondent
//! contributed and where each contribution stands — received, accepted or not, and the
//! orientation it feeds once the synthesis placed it.

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::contribution::{find_contribution, Contribution};
use essaim_core::domain::orientation::{find_orientation, standing_of, FedOrientation};
use essaim_core::domain::publication::answers::{answers_of, Answer};
use essaim_core::domain::ModerationStatus;
use essaim_core::schema::{follow_contributions, follows, response_contributions, responses, themes};
use essaim_core::{CoreError, CoreResult};

use super::links::{create_link, revoke_links, LinkTarget};

/// Starts a follow that lists a response's contributions: the response names it
/// (`responses.follow_id`, set by the caller), so it needs no row per contribution. Returns
/// the follow and its link's token.
pub fn start_response_follow(conn: &mut DbConnection) -> CoreResult<(Id, String)> {
    let follow = Id::new();
    diesel::insert_into(follows::table)
        .values((follows::id.eq(follow), follows::created_at.eq(now())))
        .execute(conn)?;
    Ok((follow, create_link(conn, LinkTarget::Follow(follow), None)?))
}

/// Keeps the address a follow's link is mailed to: the person "Mes données" answers for
/// (`personal_data`). Not for an anonymous questionnaire, whose responses keep no address.
pub fn set_follow_address(conn: &mut DbConnection, follow: Id, email: &str) -> CoreResult<()> {
    diesel::update(follows::table.find(follow))
        .set(follows::email.eq(essaim_core::privacy::normalised(email)))
        .execute(conn)?;
    Ok(())
}

/// Starts following these contributions, which no response holds (an online contribution);
/// returns the follow and its link's token. `email` is where its link is mailed: kept so the
/// publication of the strategy can tell the follower what became of them
/// (docs/publication.md), erased with the person's other data.
pub fn start_follow(conn: &mut DbConnection, contributions: &[Id], email: Option<&str>) -> CoreResult<(Id, String)> {
    let (follow, token) = start_response_follow(conn)?;
    if let Some(email) = email {
        diesel::update(follows::table.find(follow)).set(follows::email.eq(email)).execute(conn)?;
    }
    for contribution in contributions {
        diesel::insert_into(follow_contributions::table)
            .values((
                follow_contributions::follow_id.eq(follow),
                follow_contributions::contribution_id.eq(contribution),
            ))
            .execute(conn)?;
    }
    Ok((follow, token))
}

/// Where a followed contribution stands, in the respondent's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Received, waiting for a moderator.
    Received,
    /// Accepted: the synthesis reads it; not placed yet.
    Accepted,
    /// Accepted and placed: it feeds this orientation.
    Feeds(FedOrientation),
    /// Not kept, with the moderator's reason.
    NotKept(Option<String>),
}

/// The public answer a followed contribution got (suite donnée).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowedAnswer {
    /// « Retenue », « Fusionnée », « Non retenue » or « Hors sujet ».
    pub label: &'static str,
    /// The orientation it feeds or was merged into, by its title.
    pub orientation: Option<String>,
    /// The reason or answer (plain text, escaped where shown).
    pub text: String,
}

/// One followed contribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Followed {
    /// The contribution as it was recorded.
    pub contribution: Contribution,
    /// Its theme's title.
    pub theme: Option<String>,
    /// Where it stands.
    pub stage: Stage,
    /// The answer it got, once staff or the publication gave one.
    pub answer: Option<FollowedAnswer>,
}

/// What a follow link lists, in the order the contributions arrived.
pub fn followed(conn: &mut DbConnection, follow: Id) -> CoreResult<Vec<Followed>> {
    let revoked: Option<Option<chrono::NaiveDateTime>> =
        follows::table.find(follow).select(follows::revoked_at).first(conn).optional()?;
    if !matches!(revoked, Some(None)) {
        return Err(CoreError::NotFound("suivi".into()));
    }
    let mut ids: Vec<Id> = follow_contributions::table
        .filter(follow_contributions::follow_id.eq(follow))
        .select(follow_contributions::contribution_id)
        .load(conn)?;
    // A response submitted whole names its follow; its contributions are the response's own.
    let through_response: Vec<Id> = response_contributions::table
        .inner_join(responses::table)
        .filter(responses::follow_id.eq(follow))
        .select(response_contributions::contribution_id)
        .load(conn)?;
    for id in through_response {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    let standings = standing_of(conn, &ids)?;
    let mut answers = answers_of(conn, &ids)?;
    let mut out = Vec::new();
    for standing in standings {
        let Some(contribution) = find_contribution(conn, standing.contribution_id)? else { continue };
        let theme = match contribution.theme_id {
            Some(theme) => themes::table.find(theme).select(themes::title).first(conn).optional()?,
            None => None,
        };
        let stage = match (contribution.moderation_status, standing.orientation) {
            (ModerationStatus::Pending, _) => Stage::Received,
            (ModerationStatus::Rejected, _) => Stage::NotKept(contribution.moderation_note.clone()),
            (ModerationStatus::Accepted, Some(orientation)) => Stage::Feeds(orientation),
            (ModerationStatus::Accepted, None) => Stage::Accepted,
        };
        let answer = match answers.remove(&contribution.id) {
            Some(a) => {
                let orientation =
                    match a.orientation_id.filter(|_| matches!(a.answer, Answer::Retained | Answer::Merged)) {
                        Some(id) => find_orientation(conn, id)?.map(|o| o.title),
                        None => None,
                    };
                Some(FollowedAnswer { label: a.answer.label(), orientation, text: a.text })
            }
            None => None,
        };
        out.push(Followed { contribution, theme, stage, answer });
    }
    out.sort_by_key(|f| f.contribution.created_at);
    Ok(out)
}

/// Stops a follow link: the page no longer opens, and nothing else changes.
pub fn revoke_follow(conn: &mut DbConnection, follow: Id) -> CoreResult<()> {
    diesel::update(follows::table.find(follow)).set(follows::revoked_at.eq(now())).execute(conn)?;
    revoke_links(conn, LinkTarget::Follow(follow))?;
    Ok(())
}
