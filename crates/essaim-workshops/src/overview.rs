//! Themes with the number of contributions each has received: accepted ones, and how many
//! wait for a moderator or were rejected.

use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::themes_of;
use essaim_core::domain::contribution::{counts_by_theme, ModerationCounts};
use essaim_core::domain::Theme;
use essaim_core::CoreResult;
use serde::Serialize;

/// A theme and how much it has been discussed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeSummary {
    /// The theme.
    pub theme: Theme,
    /// Accepted contributions classified under it: the ones read and counted.
    pub contributions: i64,
    /// Contributions under it waiting for a moderator (not counted above).
    pub pending: i64,
    /// Contributions under it that were rejected (not counted above).
    pub rejected: i64,
}

/// The themes of a consultation in order, each with its figures (the core's
/// [`counts_by_theme`], one grouped query).
pub fn theme_overview(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<ThemeSummary>> {
    let counts = counts_by_theme(conn, consultation)?;
    Ok(themes_of(conn, consultation)?
        .into_iter()
        .map(|theme| {
            let c: ModerationCounts =
                counts.iter().find(|t| t.theme_id == Some(theme.id)).map(|t| t.counts).unwrap_or_default();
            ThemeSummary { theme, contributions: c.accepted, pending: c.pending, rejected: c.rejected }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use essaim_core::demo::FIVE_THEMES;
    use essaim_core::domain::contribution::{moderate, Decision};
    use essaim_core::domain::{Channel, ContributionKind, NewContribution, Submitter};
    use essaim_core::testing::{contribution, demo, demo_account, record, TestDb};

    #[test]
    fn only_accepted_contributions_are_counted_and_the_others_are_reported() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, themes) = demo(&mut conn);
        let facilitator = demo_account(&mut conn, "facilitator");
        let staff = demo_account(&mut conn, "staff");
        let before = theme_overview(&mut conn, consultation).unwrap();
        let text = "Les financements publics se raréfient.";
        // Logged by a facilitator in a workshop: accepted on arrival.
        for theme_index in [0usize, 3, 3] {
            let input = NewContribution::new(
                consultation,
                Channel::LaunchWorkshop,
                ContributionKind::Constat,
                text,
                Submitter::Account(facilitator),
            )
            .theme(themes[theme_index].id);
            record(&mut conn, input);
        }
        // Typed at a stand by someone without an account: it waits.
        let waiting = NewContribution::new(
            consultation,
            Channel::TreasureHunt,
            ContributionKind::Proposition,
            "Un stand par département.",
            Submitter::Public,
        )
        .theme(themes[3].id);
        record(&mut conn, waiting);
        // Imported, then rejected by a moderator.
        let rejected = record(&mut conn, contribution(consultation, themes[1].id, "Message hors sujet."));
        moderate(&mut conn, rejected.id, Decision::Reject("Hors sujet.".into()), staff).unwrap();

        let overview = theme_overview(&mut conn, consultation).unwrap();
        let titles: Vec<&str> = overview.iter().map(|s| s.theme.title.as_str()).collect();
        assert_eq!(titles, FIVE_THEMES);
        let delta = |f: fn(&ThemeSummary) -> i64| -> Vec<i64> {
            overview.iter().zip(&before).map(|(s, b)| f(s) - f(b)).collect()
        };
        assert_eq!(delta(|s| s.contributions), [1, 0, 0, 2, 0], "accepted only");
        assert_eq!(delta(|s| s.pending), [0, 0, 0, 1, 0], "the stand idea waits");
        assert_eq!(delta(|s| s.rejected), [0, 1, 0, 0, 0], "the rejected one is reported");
    }
}
