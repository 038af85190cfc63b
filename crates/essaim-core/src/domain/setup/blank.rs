//! A consultation started from nothing on the administrator's page: a few fields, its themes
//! and its territories, made through the same import as a file (so the same checks), as a
//! draft whose calendar holds the seed's eight phases, undated, for staff to complete.

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::domain::consultation::{Consultation, DEFAULT_TIME_ZONE};
use crate::domain::vocab::{ConsultationState, LegalFamily, PhaseKind};
use crate::error::CoreResult;

use super::file::{ConsultationSetup, PhaseSetup, SetupFile, TerritorySetup, ThemeSetup, FORMAT};
use super::{import, SetupSection};

/// What the page asks.
#[derive(Debug, Clone, Default)]
pub struct BlankConsultation {
    /// Short id.
    pub slug: String,
    /// Full title.
    pub title: String,
    /// The Région.
    pub region: String,
    /// Who organises it.
    pub organisers: String,
    /// First day.
    pub starts_on: Option<NaiveDate>,
    /// Last day.
    pub ends_on: Option<NaiveDate>,
    /// Its themes' wordings, in order.
    pub themes: Vec<String>,
    /// Official codes of its territories (`22`, `R53`).
    pub territories: Vec<String>,
}

/// Creates it, all or nothing; refusals name the file's fields (`consultation.title`,
/// `themes[2].title`, `territories[1]`).
pub fn create_blank(
    conn: &mut DbConnection,
    blank: &BlankConsultation,
    sections: &[&dyn SetupSection],
) -> CoreResult<Consultation> {
    let file = SetupFile {
        format: FORMAT.to_owned(),
        consultation: ConsultationSetup {
            slug: blank.slug.trim().to_owned(),
            title: blank.title.trim().to_owned(),
            region: blank.region.trim().to_owned(),
            organisers: blank.organisers.trim().to_owned(),
            description: String::new(),
            starts_on: blank.starts_on,
            ends_on: blank.ends_on,
            retention_until: None,
            state: ConsultationState::Draft,
            time_zone: DEFAULT_TIME_ZONE.to_owned(),
            sender_name: String::new(),
            sender_address: String::new(),
        },
        phases: PhaseKind::ALL
            .iter()
            .map(|kind| PhaseSetup {
                kind: *kind,
                title: String::new(),
                starts_on: None,
                ends_on: None,
                location: None,
            })
            .collect(),
        themes: blank
            .themes
            .iter()
            .map(|t| ThemeSetup { title: t.trim().to_owned(), description: String::new() })
            .collect(),
        territories: blank
            .territories
            .iter()
            .map(|c| TerritorySetup { code: c.trim().to_owned(), name: None })
            .collect(),
        legal_families: LegalFamily::ALL.to_vec(),
        sections: Default::default(),
        mails: Default::default(),
        look: None,
        legal_pages: Default::default(),
    };
    import(conn, &file, sections)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::consultation::{phases_of, territories_of, themes_of};
    use crate::error::CoreError;
    use crate::testing::TestDb;

    fn bretagne() -> BlankConsultation {
        BlankConsultation {
            slug: "ess-bretagne-2027".into(),
            title: "Stratégie régionale de l'ESS — Bretagne 2027".into(),
            region: "Bretagne".into(),
            organisers: "la Région Bretagne et l'État".into(),
            starts_on: NaiveDate::from_ymd_opt(2027, 3, 1),
            ends_on: NaiveDate::from_ymd_opt(2027, 11, 30),
            themes: (1..=6).map(|n| format!("Thème breton {n}")).collect(),
            territories: ["22", "29", "35", "56"].map(String::from).to_vec(),
        }
    }

    #[test]
    fn a_blank_consultation_is_a_draft_with_the_seed_s_calendar_to_date() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let made = create_blank(&mut conn, &bretagne(), &[]).unwrap();
        assert_eq!(made.state, ConsultationState::Draft);
        assert_eq!(themes_of(&mut conn, made.id).unwrap().len(), 6);
        assert_eq!(territories_of(&mut conn, made.id).unwrap().len(), 4);
        let phases = phases_of(&mut conn, made.id).unwrap();
        assert_eq!(phases.len(), PhaseKind::ALL.len());
        assert!(phases.iter().all(|p| p.starts_on.is_none()));

        let mut bad = bretagne();
        bad.slug = "ess-bretagne-2028".into();
        bad.themes = vec!["A".into(), "a".into()];
        bad.territories = vec!["22".into(), "99".into()];
        let Err(CoreError::Validation(errors)) = create_blank(&mut conn, &bad, &[]) else { panic!("refused") };
        assert!(errors.get("themes[1].title").is_some() && errors.get("territories[1]").is_some(), "{errors:?}");
    }
}
