//! Themes with the number of contributions each has received.

use diesel::dsl::count_star;
use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::themes_of;
use essaim_core::domain::Theme;
use essaim_core::schema::contributions;
use essaim_core::CoreResult;
use serde::Serialize;

/// A theme and how much it has been discussed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeSummary {
    /// The theme.
    pub theme: Theme,
    /// Contributions classified under it.
    pub contributions: i64,
}

/// The themes of a consultation in order, each with its number of contributions.
pub fn theme_overview(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<ThemeSummary>> {
    let counts: Vec<(Option<Id>, i64)> = contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .group_by(contributions::theme_id)
        .select((contributions::theme_id, count_star()))
        .load(conn)?;
    Ok(themes_of(conn, consultation)?
        .into_iter()
        .map(|theme| {
            let contributions = counts.iter().find(|(id, _)| *id == Some(theme.id)).map(|(_, n)| *n).unwrap_or(0);
            ThemeSummary { theme, contributions }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use essaim_core::demo::{seed_demo, DEMO_SLUG, FIVE_THEMES};
    use essaim_core::domain::consultation::find_consultation;
    use essaim_core::domain::contribution::insert_contribution;
    use essaim_core::domain::{AuthorKind, Channel, Contribution, ContributionKind, ModerationStatus};
    use essaim_core::testing::TestDb;

    #[test]
    fn counts_follow_the_themes_in_order() {
        let db = TestDb::new();
        let mut conn = db.conn();
        seed_demo(&mut conn).unwrap();
        let consultation = find_consultation(&mut conn, DEMO_SLUG).unwrap();
        let themes = themes_of(&mut conn, consultation.id).unwrap();
        let before: Vec<i64> =
            theme_overview(&mut conn, consultation.id).unwrap().iter().map(|s| s.contributions).collect();
        for theme_index in [0usize, 3, 3] {
            let c = Contribution {
                id: Id::new(),
                consultation_id: consultation.id,
                theme_id: Some(themes[theme_index].id),
                kind: ContributionKind::Constat,
                channel: Channel::LaunchWorkshop,
                body: "Les financements publics se raréfient.".into(),
                author_kind: AuthorKind::Group,
                organisation_id: None,
                author_name: None,
                territory_id: None,
                logged_by: None,
                created_at: essaim_core::clock::now(),
                moderation_status: ModerationStatus::Published,
                external_ref: None,
                idempotency_key: None,
            };
            insert_contribution(&mut conn, &c).unwrap();
        }
        let overview = theme_overview(&mut conn, consultation.id).unwrap();
        let titles: Vec<&str> = overview.iter().map(|s| s.theme.title.as_str()).collect();
        assert_eq!(titles, FIVE_THEMES);
        let added: Vec<i64> = overview.iter().zip(&before).map(|(s, b)| s.contributions - b).collect();
        assert_eq!(added, [1, 0, 0, 2, 0]);
    }
}
