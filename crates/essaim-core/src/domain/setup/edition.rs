//! The next edition of a consultation: its set-up copied (themes, territories, phases,
//! questionnaire, stands, workshops plan…), under a new short id and title, its dates (the
//! modules' too, through [`SetupSection::shift_dates`]) moved by the same offset as its start, as a draft with its questionnaire unpublished — ready for staff to
//! review, then open. Nothing of the first edition's participation is copied.

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::domain::consultation::Consultation;
use crate::domain::vocab::ConsultationState;
use crate::error::{CoreError, CoreResult};

use super::{export, import, SetupSection};

/// What changes from one edition to the next.
#[derive(Debug, Clone)]
pub struct NextEdition {
    /// The new short id.
    pub slug: String,
    /// The new title.
    pub title: String,
    /// The new first day; every date moves by the same number of days.
    pub starts_on: NaiveDate,
}

/// Creates the next edition of `source`, all or nothing (refusals name the field: `slug`,
/// `title`, as the set-up file's import says them).
pub fn next_edition(
    conn: &mut DbConnection,
    source: &str,
    next: &NextEdition,
    sections: &[&dyn SetupSection],
) -> CoreResult<Consultation> {
    let mut file = export(conn, source, sections)?;
    let shift = |date: Option<NaiveDate>, by: chrono::Duration| date.map(|d| d + by);
    let offset = match file.consultation.starts_on {
        Some(previous) => next.starts_on - previous,
        None => chrono::Duration::zero(),
    };
    let c = &mut file.consultation;
    c.slug = next.slug.trim().to_owned();
    c.title = next.title.trim().to_owned();
    c.ends_on = shift(c.ends_on, offset);
    c.retention_until = shift(c.retention_until, offset);
    c.starts_on = Some(next.starts_on);
    c.state = ConsultationState::Draft;
    for phase in &mut file.phases {
        phase.starts_on = shift(phase.starts_on, offset);
        phase.ends_on = shift(phase.ends_on, offset);
    }
    // The modules' dates (a workshop's day…) move by the same offset.
    for section in sections {
        if let Some(value) = file.sections.get_mut(section.key()) {
            section.shift_dates(value, offset.num_days());
        }
    }
    // Published again by staff once reviewed: a draft takes no answer before it opens.
    if let Some(questionnaire) = file.sections.get_mut("questionnaire") {
        questionnaire["published"] = serde_json::Value::Bool(false);
    }
    import(conn, &file, sections).map_err(|e| match e {
        CoreError::Validation(mut errors) => {
            for error in &mut errors.0 {
                error.field = error.field.trim_start_matches("consultation.").to_owned();
            }
            CoreError::Validation(errors)
        }
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::consultation::{find_consultation, phases_of, territories_of, themes_of};
    use crate::testing::{demo, TestDb};

    #[test]
    fn the_next_edition_keeps_the_set_up_moves_the_dates_and_waits_as_a_draft() {
        let db = TestDb::new();
        let mut conn = db.conn();
        demo(&mut conn);
        let next = NextEdition {
            slug: "ess-pays-de-la-loire-2021".into(),
            title: "Stratégie régionale de l'ESS — Pays de la Loire 2021".into(),
            starts_on: NaiveDate::from_ymd_opt(2021, 4, 1).unwrap(),
        };
        let made = next_edition(&mut conn, crate::demo::DEMO_SLUG, &next, &[]).unwrap();
        assert_eq!(made.state, ConsultationState::Draft);
        let conference = phases_of(&mut conn, made.id).unwrap().into_iter().find(|p| p.location.is_some()).unwrap();
        assert_eq!(conference.starts_on, NaiveDate::from_ymd_opt(2021, 6, 28), "28 June 2016 + the same offset");
        let source = find_consultation(&mut conn, crate::demo::DEMO_SLUG).unwrap();
        assert_eq!(themes_of(&mut conn, made.id).unwrap().len(), themes_of(&mut conn, source.id).unwrap().len());
        assert_eq!(territories_of(&mut conn, made.id).unwrap(), territories_of(&mut conn, source.id).unwrap());
        let Err(CoreError::Validation(errors)) = next_edition(&mut conn, crate::demo::DEMO_SLUG, &next, &[]) else {
            panic!("a short id taken twice")
        };
        assert!(errors.get("slug").is_some_and(|m| m.contains("déjà")), "{errors:?}");
    }
}
