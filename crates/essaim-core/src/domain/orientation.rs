//! Orientations: the items of the draft strategy, each under one theme, with the contributions
//! it was drawn from. The synthesis proposes and edits them; the plenary and the published
//! strategy read them from here, without depending on the synthesis.
//!
//! Every query here works on a theme of any size: none binds one parameter per contribution
//! (SQLite refuses more than 32,766 in a statement); they join and group instead.

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use crate::db::{DbConnection, Id};
use crate::domain::vocab::{Channel, ModerationStatus, OrientationOrigin, OrientationStatus, PlacedBy, SetAsideReason};
use crate::error::{CoreError, CoreResult};
use crate::schema::{consultations, contributions, orientation_members, orientations, themes};

/// A draft orientation, as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = orientations)]
pub struct Orientation {
    /// Identifier.
    pub id: Id,
    /// Consultation.
    pub consultation_id: Id,
    /// Theme.
    pub theme_id: Id,
    /// The synthesis run that proposed it (none when added or split off by hand).
    pub run_id: Option<Id>,
    /// Title, as staff last wrote it.
    pub title: String,
    /// Text of the orientation, written by staff.
    pub body: String,
    /// Key phrases proposed by the run (JSON list of strings).
    pub key_phrases: String,
    /// Quotes proposed by the run (JSON list of [`Quote`]).
    pub quotes: String,
    /// How it came to be.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub origin: OrientationOrigin,
    /// In the draft, or discarded.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub status: OrientationStatus,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Whether `body` is still the text the run proposed (drawn from the contributions), not
    /// yet rewritten by staff.
    pub body_proposed: bool,
    /// Opposite stances the run found in the group (JSON, empty when none).
    pub stances: String,
}

/// A quote of a contribution chosen to stand for an orientation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// The contribution's reference.
    #[serde(rename = "ref")]
    pub reference: String,
    /// The quoted text, scrubbed of personal data.
    pub text: String,
}

impl Orientation {
    /// The key phrases (an unreadable list reads as none).
    pub fn key_phrase_list(&self) -> Vec<String> {
        serde_json::from_str(&self.key_phrases).unwrap_or_default()
    }

    /// The quotes (an unreadable list reads as none).
    pub fn quote_list(&self) -> Vec<Quote> {
        serde_json::from_str(&self.quotes).unwrap_or_default()
    }
}

/// Where one contribution stands: in an orientation, or set aside by a run with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The contribution.
    pub contribution_id: Id,
    /// Its orientation, if placed.
    pub orientation_id: Option<Id>,
    /// Why a run set it aside, if it did.
    pub set_aside_reason: Option<SetAsideReason>,
    /// Who placed it.
    pub placed_by: PlacedBy,
}

/// One orientation by id, whatever its status.
pub fn find_orientation(conn: &mut DbConnection, id: Id) -> CoreResult<Option<Orientation>> {
    Ok(orientations::table.find(id).select(Orientation::as_select()).first(conn).optional()?)
}

/// The orientations of a theme in one status, oldest first.
pub fn orientations_of_theme(
    conn: &mut DbConnection,
    theme: Id,
    status: OrientationStatus,
) -> CoreResult<Vec<Orientation>> {
    Ok(orientations::table
        .filter(orientations::theme_id.eq(theme))
        .filter(orientations::status.eq(status))
        .order((orientations::created_at.asc(), orientations::id.asc()))
        .select(Orientation::as_select())
        .load(conn)?)
}

/// An orientation with where it sits: its consultation's slug and its theme.
#[derive(Debug, Clone, PartialEq)]
pub struct OrientationInContext {
    /// The orientation.
    pub orientation: Orientation,
    /// Its consultation's slug.
    pub consultation_slug: String,
    /// Its theme's position (from 1).
    pub theme_position: i32,
    /// Its theme's title.
    pub theme_title: String,
}

/// An orientation and its place, or `NotFound`.
pub fn orientation_in_context(conn: &mut DbConnection, id: Id) -> CoreResult<OrientationInContext> {
    orientations::table
        .inner_join(themes::table.on(themes::id.eq(orientations::theme_id)))
        .inner_join(consultations::table.on(consultations::id.eq(orientations::consultation_id)))
        .filter(orientations::id.eq(id))
        .select((Orientation::as_select(), consultations::slug, themes::position, themes::title))
        .first::<(Orientation, String, i32, String)>(conn)
        .optional()?
        .map(|(orientation, consultation_slug, theme_position, theme_title)| OrientationInContext {
            orientation,
            consultation_slug,
            theme_position,
            theme_title,
        })
        .ok_or_else(|| CoreError::NotFound("orientation".into()))
}

/// How the accepted contributions of a theme stand in the draft, counted by the database.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ThemeStanding {
    /// Accepted contributions of the theme.
    pub contributions: i64,
    /// In a draft orientation.
    pub placed: i64,
    /// Set aside by a run (no content, no shared term, too few).
    pub set_aside: i64,
    /// Behind a discarded orientation (still traced to it).
    pub discarded: i64,
    /// Not yet seen by any run.
    pub unplaced: i64,
    /// Draft orientations.
    pub orientations: i64,
}

/// How many accepted contributions each orientation of a theme has, by channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrientationChannelCount {
    /// The orientation.
    pub orientation_id: Id,
    /// The channel.
    pub channel: Channel,
    /// Accepted contributions.
    pub count: i64,
}

/// A theme's standing and its draft orientations' sizes by channel, from one pass over its
/// placements: the theme page needs both, and at 150,000 contributions each pass costs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ThemeCounts {
    /// How the theme's accepted contributions stand.
    pub standing: ThemeStanding,
    /// Accepted contributions per draft orientation and channel.
    pub by_orientation: Vec<OrientationChannelCount>,
}

/// Counts a theme in three queries whatever its size: its accepted contributions, its draft
/// orientations, and one grouped join of its placements (any orientation not a draft is a
/// discarded one).
pub fn theme_counts(conn: &mut DbConnection, theme: Id) -> CoreResult<ThemeCounts> {
    let total: i64 = contributions::table
        .filter(contributions::theme_id.eq(theme))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .count()
        .get_result(conn)?;
    let drafts: std::collections::HashSet<Id> = orientations::table
        .filter(orientations::theme_id.eq(theme))
        .filter(orientations::status.eq(OrientationStatus::Draft))
        .select(orientations::id)
        .load::<Id>(conn)?
        .into_iter()
        .collect();
    let rows: Vec<(Option<Id>, String, i64)> = orientation_members::table
        .inner_join(contributions::table)
        .filter(contributions::theme_id.eq(theme))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .group_by((orientation_members::orientation_id, contributions::channel))
        .select((orientation_members::orientation_id, contributions::channel, count_star()))
        .load(conn)?;
    let mut counts = ThemeCounts {
        standing: ThemeStanding { contributions: total, orientations: drafts.len() as i64, ..Default::default() },
        by_orientation: Vec::new(),
    };
    for (orientation, channel, count) in rows {
        let standing = &mut counts.standing;
        match orientation {
            None => standing.set_aside += count,
            Some(orientation_id) if drafts.contains(&orientation_id) => {
                standing.placed += count;
                if let Some(channel) = Channel::parse(&channel) {
                    counts.by_orientation.push(OrientationChannelCount { orientation_id, channel, count });
                }
            }
            // Only discarded orientations keep members outside the drafts.
            Some(_) => standing.discarded += count,
        }
    }
    let standing = &mut counts.standing;
    standing.unplaced = total - standing.placed - standing.set_aside - standing.discarded;
    Ok(counts)
}

/// The standing of a theme ([`theme_counts`]).
pub fn theme_standing(conn: &mut DbConnection, theme: Id) -> CoreResult<ThemeStanding> {
    Ok(theme_counts(conn, theme)?.standing)
}

/// Accepted contributions per draft orientation and channel ([`theme_counts`]).
pub fn channel_counts_of_theme(conn: &mut DbConnection, theme: Id) -> CoreResult<Vec<OrientationChannelCount>> {
    Ok(theme_counts(conn, theme)?.by_orientation)
}

/// One contribution behind an orientation, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberLine {
    /// The contribution.
    pub id: Id,
    /// Its reference (external, or its id).
    pub reference: String,
    /// Its text.
    pub text: String,
    /// Its channel.
    pub channel: Channel,
    /// Who placed it there.
    pub placed_by: PlacedBy,
}

/// The accepted contributions behind an orientation, `limit` from `offset`, in the order
/// they arrived. With [`member_count`], pages of any size.
pub fn members_page(conn: &mut DbConnection, orientation: Id, offset: i64, limit: i64) -> CoreResult<Vec<MemberLine>> {
    let rows: Vec<(Id, Option<String>, String, String, String)> = orientation_members::table
        .inner_join(contributions::table)
        .filter(orientation_members::orientation_id.eq(orientation))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .order(contributions::id.asc())
        .offset(offset.max(0))
        .limit(limit.max(0))
        .select((
            contributions::id,
            contributions::external_ref,
            contributions::body,
            contributions::channel,
            orientation_members::placed_by,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, reference, text, channel, placed_by)| MemberLine {
            id,
            reference: reference.unwrap_or_else(|| id.to_string()),
            text,
            channel: Channel::parse(&channel).unwrap_or(Channel::Import),
            placed_by: PlacedBy::parse(&placed_by).unwrap_or(PlacedBy::Run),
        })
        .collect())
}

/// How many accepted contributions stand behind an orientation.
pub fn member_count(conn: &mut DbConnection, orientation: Id) -> CoreResult<i64> {
    Ok(orientation_members::table
        .inner_join(contributions::table)
        .filter(orientation_members::orientation_id.eq(orientation))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .count()
        .get_result(conn)?)
}

/// Where every contribution of a theme stands (placed or set aside), whatever its status.
pub fn placements_of_theme(conn: &mut DbConnection, theme: Id) -> CoreResult<Vec<Placement>> {
    let rows: Vec<(Id, Option<Id>, Option<String>, String)> = orientation_members::table
        .inner_join(contributions::table)
        .filter(contributions::theme_id.eq(theme))
        .select((
            orientation_members::contribution_id,
            orientation_members::orientation_id,
            orientation_members::set_aside_reason,
            orientation_members::placed_by,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(contribution_id, orientation_id, reason, placed_by)| Placement {
            contribution_id,
            orientation_id,
            set_aside_reason: reason.as_deref().and_then(SetAsideReason::parse),
            placed_by: PlacedBy::parse(&placed_by).unwrap_or(PlacedBy::Run),
        })
        .collect())
}

/// Which of `references` (external references, or ids written out) are still accepted
/// contributions behind the orientation: a quote whose contribution moved away is not shown.
pub fn references_behind(conn: &mut DbConnection, orientation: Id, references: &[String]) -> CoreResult<Vec<String>> {
    if references.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Id> = references.iter().filter_map(|r| r.parse().ok()).collect();
    let rows: Vec<(Id, Option<String>)> = orientation_members::table
        .inner_join(contributions::table)
        .filter(orientation_members::orientation_id.eq(orientation))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .filter(contributions::external_ref.eq_any(references).or(contributions::id.eq_any(ids)))
        .select((contributions::id, contributions::external_ref))
        .load(conn)?;
    Ok(rows.into_iter().map(|(id, reference)| reference.unwrap_or_else(|| id.to_string())).collect())
}

/// Where one contribution stands in the draft, as a respondent following it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionStanding {
    /// The contribution.
    pub contribution_id: Id,
    /// The draft orientation it feeds, if a run or staff placed it in one.
    pub orientation: Option<FedOrientation>,
}

/// An orientation fed by a contribution: its title and its number of accepted contributions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FedOrientation {
    /// The orientation.
    pub id: Id,
    /// Its title.
    pub title: String,
    /// Accepted contributions behind it.
    pub contributions: i64,
}

/// Where each of these contributions stands (a follow page lists a handful: one query each
/// is bounded by the list, never by the theme).
pub fn standing_of(conn: &mut DbConnection, contributions: &[Id]) -> CoreResult<Vec<ContributionStanding>> {
    let mut out = Vec::with_capacity(contributions.len());
    for &contribution in contributions {
        let placed: Option<(Id, String)> = orientation_members::table
            .inner_join(orientations::table)
            .filter(orientation_members::contribution_id.eq(contribution))
            .filter(orientations::status.eq(OrientationStatus::Draft))
            .select((orientations::id, orientations::title))
            .first(conn)
            .optional()?;
        let orientation = match placed {
            Some((id, title)) => Some(FedOrientation { id, title, contributions: member_count(conn, id)? }),
            None => None,
        };
        out.push(ContributionStanding { contribution_id: contribution, orientation });
    }
    Ok(out)
}
