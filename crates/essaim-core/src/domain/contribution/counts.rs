//! Participation figures: accepted contributions only, with how many wait or were rejected.

use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::{DbConnection, Id};
use crate::domain::vocab::{Channel, ModerationStatus};
use crate::error::CoreResult;
use crate::schema::contributions;

/// How many contributions stand in each moderation status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ModerationCounts {
    /// Accepted: read and counted.
    pub accepted: i64,
    /// Waiting for a moderator.
    pub pending: i64,
    /// Rejected.
    pub rejected: i64,
}

impl ModerationCounts {
    fn add(&mut self, status: &str, n: i64) {
        match ModerationStatus::parse(status) {
            Some(ModerationStatus::Accepted) => self.accepted += n,
            Some(ModerationStatus::Pending) => self.pending += n,
            Some(ModerationStatus::Rejected) | None => self.rejected += n,
        }
    }
}

/// The moderation counts of a consultation, or of one theme of it.
pub fn moderation_counts(conn: &mut DbConnection, consultation: Id, theme: Option<Id>) -> CoreResult<ModerationCounts> {
    let mut query = contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .group_by(contributions::moderation_status)
        .select((contributions::moderation_status, count_star()))
        .into_boxed();
    if let Some(theme) = theme {
        query = query.filter(contributions::theme_id.eq(theme));
    }
    let rows: Vec<(String, i64)> = query.load(conn)?;
    let mut counts = ModerationCounts::default();
    for (status, n) in rows {
        counts.add(&status, n);
    }
    Ok(counts)
}

/// One theme's figures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ThemeCount {
    /// The theme (none: not classified).
    pub theme_id: Option<Id>,
    /// Its contributions by status.
    pub counts: ModerationCounts,
}

/// The moderation counts of every theme of a consultation (themes without any are absent).
pub fn counts_by_theme(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<ThemeCount>> {
    let rows: Vec<(Option<Id>, String, i64)> = contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .group_by((contributions::theme_id, contributions::moderation_status))
        .select((contributions::theme_id, contributions::moderation_status, count_star()))
        .load(conn)?;
    let mut out: Vec<ThemeCount> = Vec::new();
    for (theme_id, status, n) in rows {
        match out.iter_mut().find(|t| t.theme_id == theme_id) {
            Some(t) => t.counts.add(&status, n),
            None => {
                let mut counts = ModerationCounts::default();
                counts.add(&status, n);
                out.push(ThemeCount { theme_id, counts });
            }
        }
    }
    Ok(out)
}

/// How many accepted contributions came through one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChannelCount {
    /// The channel.
    pub channel: Channel,
    /// Accepted contributions.
    pub count: i64,
}

/// Accepted contributions per channel for a consultation, every channel listed (zero
/// included), in the channels' display order.
pub fn counts_by_channel(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<ChannelCount>> {
    let rows: Vec<(String, i64)> = contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .group_by(contributions::channel)
        .select((contributions::channel, count_star()))
        .load(conn)?;
    Ok(Channel::ALL
        .iter()
        .map(|channel| ChannelCount {
            channel: *channel,
            count: rows.iter().find(|(code, _)| code == channel.as_str()).map(|(_, n)| *n).unwrap_or(0),
        })
        .collect())
}

/// How many accepted contributions one theme received through one channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ThemeChannelCount {
    /// The theme (none: not classified).
    pub theme_id: Option<Id>,
    /// The channel.
    pub channel: Channel,
    /// Accepted contributions.
    pub count: i64,
}

/// Accepted contributions of a consultation per theme and channel, in one grouped query; only
/// the pairs that have any are listed.
pub fn counts_by_theme_and_channel(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<ThemeChannelCount>> {
    let rows: Vec<(Option<Id>, String, i64)> = contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::moderation_status.eq(ModerationStatus::Accepted))
        .group_by((contributions::theme_id, contributions::channel))
        .select((contributions::theme_id, contributions::channel, count_star()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(theme_id, code, count)| {
            Channel::parse(&code).map(|channel| ThemeChannelCount { theme_id, channel, count })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contribution::{moderate, Decision, NewContribution, Submitter};
    use crate::domain::ContributionKind;
    use crate::testing::{contribution, demo, demo_account, record, TestDb};

    #[test]
    fn theme_and_channel_counts_take_accepted_contributions_only() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, themes) = demo(&mut conn);
        let staff = demo_account(&mut conn, "staff");
        let before = counts_by_theme_and_channel(&mut conn, consultation).unwrap();
        let count = |rows: &[ThemeChannelCount], theme: Id, channel: Channel| {
            rows.iter().find(|r| r.theme_id == Some(theme) && r.channel == channel).map(|r| r.count).unwrap_or(0)
        };
        let live = |text: &str| {
            NewContribution::new(
                consultation,
                Channel::ConferenceWorkshop,
                ContributionKind::Question,
                text,
                Submitter::Account(staff),
            )
            .theme(themes[4].id)
        };
        record(&mut conn, live("Une question."));
        record(&mut conn, live("Une autre question."));
        let waiting = NewContribution::new(
            consultation,
            Channel::ConferenceWorkshop,
            ContributionKind::Question,
            "En attente.",
            Submitter::Public,
        )
        .theme(themes[4].id);
        record(&mut conn, waiting);
        let rejected = record(&mut conn, contribution(consultation, themes[4].id, "Rejetée."));
        moderate(&mut conn, rejected.id, Decision::Reject("Hors sujet.".into()), staff).unwrap();
        let after = counts_by_theme_and_channel(&mut conn, consultation).unwrap();
        let theme = themes[4].id;
        assert_eq!(
            count(&after, theme, Channel::ConferenceWorkshop) - count(&before, theme, Channel::ConferenceWorkshop),
            2
        );
        assert_eq!(count(&after, theme, Channel::Import), count(&before, theme, Channel::Import));
    }
}
