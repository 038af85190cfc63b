//! Correcting and deleting a contribution after it was recorded: the same text rule as
//! recording ([`clean_text`]), and an audit line that keeps what was there before.
//!
//! Used by the workshops (a facilitator fixes or removes an entry while the workshop is open);
//! whoever calls decides who may; these functions only keep the rules and the trace.

use diesel::prelude::*;

use super::record::clean_text;
use super::{find_contribution, Contribution};
use crate::db::{DbConnection, Id};
use crate::domain::audit::{record, AuditEvent};
use crate::domain::vocab::ContributionKind;
use crate::error::{CoreError, CoreResult};
use crate::schema::contributions;

/// Changes a contribution's text and kind, checked by the same rule as a new one, and audits
/// the change with the old text (`contribution.edit`). Returns the contribution as it was and
/// as it is now. An unchanged text and kind write nothing.
pub fn edit_contribution(
    conn: &mut DbConnection,
    id: Id,
    kind: ContributionKind,
    body: &str,
    actor: Option<Id>,
) -> CoreResult<(Contribution, Contribution)> {
    let before = find_contribution(conn, id)?.ok_or_else(|| CoreError::NotFound("contribution".into()))?;
    let body = clean_text(body).map_err(|message| CoreError::invalid("body", message))?;
    if before.body == body && before.kind == kind {
        return Ok((before.clone(), before));
    }
    diesel::update(contributions::table.find(id))
        .set((contributions::body.eq(&body), contributions::kind.eq(kind)))
        .execute(conn)?;
    record(
        conn,
        AuditEvent::new(actor, "contribution.edit", "contribution", Some(id.to_string())).with_details(
            serde_json::json!({
                "channel": before.channel.as_str(),
                "old_kind": before.kind.as_str(),
                "old_body": before.body,
                "kind": kind.as_str(),
                "body": body,
            }),
        ),
    )?;
    let after = Contribution { body, kind, ..before.clone() };
    Ok((before, after))
}

/// Deletes a contribution (and, by the database's cascades, where the synthesis placed it),
/// audited with its text (`contribution.delete`). Returns what was deleted.
pub fn delete_contribution(conn: &mut DbConnection, id: Id, actor: Option<Id>) -> CoreResult<Contribution> {
    let before = find_contribution(conn, id)?.ok_or_else(|| CoreError::NotFound("contribution".into()))?;
    diesel::delete(contributions::table.find(id)).execute(conn)?;
    record(
        conn,
        AuditEvent::new(actor, "contribution.delete", "contribution", Some(id.to_string())).with_details(
            serde_json::json!({
                "channel": before.channel.as_str(),
                "kind": before.kind.as_str(),
                "body": before.body,
            }),
        ),
    )?;
    Ok(before)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::audit::history_of;
    use crate::testing::{contribution, demo, record as record_one, TestDb};

    #[test]
    fn an_edit_keeps_the_rule_and_the_old_text() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, themes) = demo(&mut conn);
        let stored = record_one(&mut conn, contribution(consultation, themes[0].id, "Texte tapé vite."));
        let refused = edit_contribution(&mut conn, stored.id, ContributionKind::Constat, "  \u{7} ", None).unwrap_err();
        assert!(matches!(refused, CoreError::Validation(ref e) if e.get("body").is_some()), "{refused:?}");
        let too_long = "é".repeat(super::super::MAX_CONTRIBUTION_CHARS + 1);
        assert!(edit_contribution(&mut conn, stored.id, ContributionKind::Constat, &too_long, None).is_err());
        let (before, after) =
            edit_contribution(&mut conn, stored.id, ContributionKind::Constat, " Texte corrigé. ", None).unwrap();
        assert_eq!(before.body, "Texte tapé vite.");
        assert_eq!(after.body, "Texte corrigé.");
        let stored_now = find_contribution(&mut conn, stored.id).unwrap().unwrap();
        assert_eq!((stored_now.body.as_str(), stored_now.kind), ("Texte corrigé.", ContributionKind::Constat));
        let history = history_of(&mut conn, "contribution", &stored.id.to_string()).unwrap();
        assert_eq!(history.len(), 1, "refused edits leave no trace");
        let details: serde_json::Value = serde_json::from_str(&history[0].details).unwrap();
        assert_eq!(details["old_body"], "Texte tapé vite.");
        assert_eq!(details["old_kind"], "proposition");
    }

    #[test]
    fn a_delete_removes_the_row_and_audits_its_text() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, themes) = demo(&mut conn);
        let stored = record_one(&mut conn, contribution(consultation, themes[0].id, "À retirer."));
        delete_contribution(&mut conn, stored.id, None).unwrap();
        assert_eq!(find_contribution(&mut conn, stored.id).unwrap(), None);
        let history = history_of(&mut conn, "contribution", &stored.id.to_string()).unwrap();
        assert_eq!(history[0].action, "contribution.delete");
        assert!(history[0].details.contains("À retirer."));
        assert!(matches!(delete_contribution(&mut conn, stored.id, None), Err(CoreError::NotFound(_))));
    }
}
