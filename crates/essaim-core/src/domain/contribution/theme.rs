//! Contributions that arrived without a theme (the open answers of a questionnaire's last page,
//! an import's blank theme): listed for staff, who give each a theme, one by one or in bulk.
//! Until then no synthesis reads them, so the staff home counts them.

use diesel::prelude::*;

use super::Contribution;
use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::audit::{record, AuditEvent};
use crate::domain::vocab::ModerationStatus;
use crate::error::{CoreError, CoreResult};
use crate::schema::{contributions, themes};

/// Most contributions listed at once for a theme to be given.
pub const UNTHEMED_PAGE: i64 = 200;

/// Contributions of a consultation that have no theme and were not rejected, oldest first.
pub fn without_theme(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<Contribution>> {
    Ok(contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::theme_id.is_null())
        .filter(contributions::moderation_status.ne(ModerationStatus::Rejected))
        .order((contributions::created_at.asc(), contributions::id.asc()))
        .limit(UNTHEMED_PAGE)
        .select(Contribution::as_select())
        .load(conn)?)
}

/// How many contributions of a consultation wait for a theme (not rejected).
pub fn count_without_theme(conn: &mut DbConnection, consultation: Id) -> CoreResult<i64> {
    Ok(contributions::table
        .filter(contributions::consultation_id.eq(consultation))
        .filter(contributions::theme_id.is_null())
        .filter(contributions::moderation_status.ne(ModerationStatus::Rejected))
        .count()
        .get_result(conn)?)
}

/// Gives `theme` (one of the consultation's) to those of `ids` that belong to the consultation
/// and still have no theme, in one transaction, each audited (`contribution.theme`). A
/// contribution that has a theme already is left alone: moving it between themes is the
/// synthesis's work. Returns how many were given the theme.
pub fn assign_theme(
    conn: &mut DbConnection,
    consultation: Id,
    ids: &[Id],
    theme: Id,
    actor: Option<Id>,
) -> CoreResult<usize> {
    write_transaction(conn, |conn| {
        let known: i64 = themes::table
            .filter(themes::id.eq(theme))
            .filter(themes::consultation_id.eq(consultation))
            .count()
            .get_result(conn)?;
        if known == 0 {
            return Err(CoreError::invalid("theme", "Choisissez un thème de la consultation."));
        }
        let mut given = 0;
        for id in ids {
            let changed = diesel::update(
                contributions::table
                    .find(*id)
                    .filter(contributions::consultation_id.eq(consultation))
                    .filter(contributions::theme_id.is_null()),
            )
            .set(contributions::theme_id.eq(Some(theme)))
            .execute(conn)?;
            if changed == 1 {
                record(
                    conn,
                    AuditEvent::new(actor, "contribution.theme", "contribution", Some(id.to_string()))
                        .with_details(serde_json::json!({ "theme": theme.to_string() })),
                )?;
                given += 1;
            }
        }
        Ok(given)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contribution::find_contribution;
    use crate::testing::{contribution, demo, record as store, TestDb};

    #[test]
    fn staff_give_a_theme_to_what_came_without_one_and_nothing_else_moves() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, themes) = demo(&mut conn);
        let before = count_without_theme(&mut conn, consultation).unwrap();
        let unthemed = |conn: &mut DbConnection, text: &str| {
            let mut input = contribution(consultation, themes[0].id, text);
            input.theme_id = None;
            store(conn, input).id
        };
        let loose = unthemed(&mut conn, "Une idée sans thème");
        let other = unthemed(&mut conn, "Une autre idée sans thème");
        let placed = store(&mut conn, contribution(consultation, themes[0].id, "Déjà classée")).id;
        assert_eq!(count_without_theme(&mut conn, consultation).unwrap(), before + 2);
        assert!(without_theme(&mut conn, consultation).unwrap().iter().any(|c| c.id == loose));

        let given = assign_theme(&mut conn, consultation, &[loose, other, placed], themes[2].id, None).unwrap();
        assert_eq!(given, 2, "the classified one is left alone");
        assert_eq!(find_contribution(&mut conn, loose).unwrap().unwrap().theme_id, Some(themes[2].id));
        assert_eq!(find_contribution(&mut conn, placed).unwrap().unwrap().theme_id, Some(themes[0].id));
        assert_eq!(count_without_theme(&mut conn, consultation).unwrap(), before);

        let elsewhere = crate::db::Id::new();
        assert!(matches!(
            assign_theme(&mut conn, consultation, &[loose], elsewhere, None),
            Err(CoreError::Validation(_))
        ));
    }
}
