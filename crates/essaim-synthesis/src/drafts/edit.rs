//! What staff do to draft orientations. Every change is checked (same theme, still a draft),
//! done in one transaction, and written to the audit log.

use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::{OrientationOrigin, OrientationStatus, PlacedBy};
use essaim_core::schema::{contributions, orientation_members, orientations};

use super::model::Orientation;
use super::run::place_by;
use super::DraftError;

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest orientation text, in characters.
pub const MAX_BODY_CHARS: usize = 10_000;

fn draft(conn: &mut DbConnection, id: Id) -> Result<Orientation, DraftError> {
    orientations::table
        .find(id)
        .filter(orientations::status.eq(OrientationStatus::Draft))
        .select(Orientation::as_select())
        .first(conn)
        .optional()?
        .ok_or(DraftError::NotFound("orientation"))
}

fn checked_body(body: &str) -> Result<String, DraftError> {
    let body = body.trim();
    if body.chars().count() > MAX_BODY_CHARS {
        return Err(DraftError::Invalid(format!("Le texte compte au plus {MAX_BODY_CHARS} caractères.")));
    }
    Ok(body.to_owned())
}

fn checked_title(title: &str) -> Result<String, DraftError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(DraftError::Invalid("Donnez un titre à l'orientation.".into()));
    }
    if title.chars().count() > MAX_TITLE_CHARS {
        return Err(DraftError::Invalid(format!("Le titre compte au plus {MAX_TITLE_CHARS} caractères.")));
    }
    Ok(title.to_owned())
}

fn audit(
    conn: &mut DbConnection,
    actor: Id,
    action: &'static str,
    id: Id,
    details: serde_json::Value,
) -> Result<(), DraftError> {
    record(conn, AuditEvent::new(Some(actor), action, "orientation", Some(id.to_string())).with_details(details))?;
    Ok(())
}

fn touch(conn: &mut DbConnection, id: Id) -> Result<(), DraftError> {
    diesel::update(orientations::table.find(id)).set(orientations::updated_at.eq(now())).execute(conn)?;
    Ok(())
}

/// Renames and rewrites an orientation.
pub fn edit(conn: &mut DbConnection, id: Id, title: &str, body: &str, actor: Id) -> Result<(), DraftError> {
    let title = checked_title(title)?;
    let body = checked_body(body)?;
    write_transaction(conn, |conn| {
        let before = draft(conn, id)?;
        // The run's proposed text stays marked as such until staff change it.
        let still_proposed = before.body_proposed && before.body == body;
        diesel::update(orientations::table.find(id))
            .set((
                orientations::title.eq(&title),
                orientations::body.eq(&body),
                orientations::body_proposed.eq(still_proposed),
                orientations::updated_at.eq(now()),
            ))
            .execute(conn)?;
        audit(conn, actor, "orientation.edit", id, serde_json::json!({ "before": before.title, "after": title }))
    })
}

/// Merges `source` into `target` (same theme): its contributions move, then it is removed.
pub fn merge(conn: &mut DbConnection, source: Id, target: Id, actor: Id) -> Result<(), DraftError> {
    if source == target {
        return Err(DraftError::Invalid("Choisissez une autre orientation que celle-ci.".into()));
    }
    write_transaction(conn, |conn| {
        let (from, into) = (draft(conn, source)?, draft(conn, target)?);
        if from.theme_id != into.theme_id {
            return Err(DraftError::Invalid("On ne fusionne que des orientations du même thème.".into()));
        }
        let moved = diesel::update(orientation_members::table.filter(orientation_members::orientation_id.eq(source)))
            .set((
                orientation_members::orientation_id.eq(Some(target)),
                orientation_members::placed_by.eq(PlacedBy::Staff),
            ))
            .execute(conn)?;
        diesel::delete(orientations::table.find(source)).execute(conn)?;
        touch(conn, target)?;
        audit(
            conn,
            actor,
            "orientation.merge",
            target,
            serde_json::json!({ "merged": source.to_string(), "merged_title": from.title, "moved": moved }),
        )
    })
}

/// Splits the chosen contributions of an orientation off into a new one, titled `title`.
pub fn split(conn: &mut DbConnection, id: Id, chosen: &[Id], title: &str, actor: Id) -> Result<Id, DraftError> {
    let title = checked_title(title)?;
    // A contribution ticked twice counts once.
    let mut chosen = chosen.to_vec();
    chosen.sort();
    chosen.dedup();
    let chosen = chosen.as_slice();
    if chosen.is_empty() {
        return Err(DraftError::Invalid("Cochez les contributions à détacher.".into()));
    }
    write_transaction(conn, |conn| {
        let original = draft(conn, id)?;
        let members: Vec<Id> = orientation_members::table
            .filter(orientation_members::orientation_id.eq(id))
            .select(orientation_members::contribution_id)
            .load(conn)?;
        if chosen.iter().any(|c| !members.contains(c)) {
            return Err(DraftError::Invalid(
                "Certaines contributions cochées ne font pas partie de cette orientation.".into(),
            ));
        }
        if chosen.len() == members.len() {
            return Err(DraftError::Invalid(
                "Laissez au moins une contribution dans l'orientation d'origine (pour tout déplacer, fusionnez)."
                    .into(),
            ));
        }
        let at = now();
        let new = Orientation {
            id: Id::new(),
            consultation_id: original.consultation_id,
            theme_id: original.theme_id,
            run_id: None,
            title: title.clone(),
            body: String::new(),
            key_phrases: "[]".into(),
            body_proposed: false,
            stances: String::new(),
            quotes: "[]".into(),
            origin: OrientationOrigin::Split,
            status: OrientationStatus::Draft,
            created_at: at,
            updated_at: at,
        };
        diesel::insert_into(orientations::table).values(new.clone()).execute(conn)?;
        for contribution in chosen {
            place_by(conn, *contribution, Some(new.id), None, PlacedBy::Staff)?;
        }
        touch(conn, id)?;
        audit(
            conn,
            actor,
            "orientation.split",
            id,
            serde_json::json!({ "new": new.id.to_string(), "title": title, "moved": chosen.len() }),
        )?;
        Ok(new.id)
    })
}

/// Moves one contribution into another draft orientation of its theme.
pub fn move_contribution(conn: &mut DbConnection, contribution: Id, target: Id, actor: Id) -> Result<(), DraftError> {
    write_transaction(conn, |conn| {
        let into = draft(conn, target)?;
        let theme: Option<Option<Id>> =
            contributions::table.find(contribution).select(contributions::theme_id).first(conn).optional()?;
        match theme {
            None => return Err(DraftError::NotFound("contribution")),
            Some(t) if t != Some(into.theme_id) => {
                return Err(DraftError::Invalid("Cette contribution relève d'un autre thème.".into()))
            }
            Some(_) => {}
        }
        let from: Option<Option<Id>> = orientation_members::table
            .find(contribution)
            .select(orientation_members::orientation_id)
            .first(conn)
            .optional()?;
        place_by(conn, contribution, Some(target), None, PlacedBy::Staff)?;
        touch(conn, target)?;
        record(
            conn,
            AuditEvent::new(Some(actor), "contribution.move", "contribution", Some(contribution.to_string()))
                .with_details(serde_json::json!({
                    "from": from.flatten().map(|f| f.to_string()),
                    "to": target.to_string(),
                })),
        )?;
        Ok(())
    })
}

/// Sets an orientation aside: it leaves the draft, its contributions stay traced to it.
pub fn discard(conn: &mut DbConnection, id: Id, actor: Id) -> Result<(), DraftError> {
    write_transaction(conn, |conn| {
        let before = draft(conn, id)?;
        diesel::update(orientations::table.find(id))
            .set((orientations::status.eq(OrientationStatus::Discarded), orientations::updated_at.eq(now())))
            .execute(conn)?;
        audit(conn, actor, "orientation.discard", id, serde_json::json!({ "title": before.title }))
    })
}

/// Adds an orientation by hand, with no contribution yet.
pub fn add(
    conn: &mut DbConnection,
    consultation: Id,
    theme: Id,
    title: &str,
    body: &str,
    actor: Id,
) -> Result<Id, DraftError> {
    let title = checked_title(title)?;
    let body = checked_body(body)?;
    write_transaction(conn, |conn| {
        let at = now();
        let orientation = Orientation {
            id: Id::new(),
            consultation_id: consultation,
            theme_id: theme,
            run_id: None,
            title: title.clone(),
            body,
            key_phrases: "[]".into(),
            body_proposed: false,
            stances: String::new(),
            quotes: "[]".into(),
            origin: OrientationOrigin::Manual,
            status: OrientationStatus::Draft,
            created_at: at,
            updated_at: at,
        };
        diesel::insert_into(orientations::table).values(orientation.clone()).execute(conn)?;
        audit(conn, actor, "orientation.add", orientation.id, serde_json::json!({ "title": title }))?;
        Ok(orientation.id)
    })
}

/// Splits an orientation whose contributions hold opposite stances: the contributions on the
/// second side ("augmenter les impôts") go to a new orientation titled with that position, so
/// that the plenary votes on each side apart. Returns the new orientation.
pub fn split_stances(conn: &mut DbConnection, id: Id, actor: Id) -> Result<Id, DraftError> {
    let original = draft(conn, id)?;
    let stances = super::stances_of(&original)
        .ok_or_else(|| DraftError::Invalid("Cette orientation ne réunit pas de positions opposées.".into()))?;
    let members: Vec<(Id, String)> = orientation_members::table
        .inner_join(contributions::table)
        .filter(orientation_members::orientation_id.eq(id))
        .select((contributions::id, contributions::body))
        .order(contributions::id)
        .load(conn)?;
    let texts: Vec<&str> = members.iter().map(|(_, body)| body.as_str()).collect();
    let chosen: Vec<Id> = crate::pipeline::second_side(&stances, &texts).into_iter().map(|i| members[i].0).collect();
    let position = stances.sides.get(1).map(|s| s.position.as_str()).unwrap_or_default();
    let mut title = position.chars();
    let title = title.next().map(|c| c.to_uppercase().collect::<String>() + title.as_str()).unwrap_or_default();
    let new = split(conn, id, &chosen, &title, actor)?;
    // Both sides now stand apart: the original no longer holds them both.
    diesel::update(orientations::table.find(id)).set(orientations::stances.eq("")).execute(conn)?;
    Ok(new)
}
