//! The treasure hunt (*chasse aux trésors*): the stands of the exhibition circuit. Each stand
//! shows one ESS experience under one theme, has a place on the circuit and a short code for
//! its address (`/s/{code}`, printed on its poster with a QR code). Staff create, edit, revoke
//! and restore stands, audited; a revoked stand is not found at its address. Visitors leave
//! ideas at a stand from their phone, without an account ([`ideas`]). docs/stands.md.

pub mod code;
pub mod demo;
pub mod ideas;
pub mod poster;
pub mod setup;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::consultation::{themes_of, Consultation, Theme};
use essaim_core::schema::{consultations, stand_contributions, stands};
use essaim_core::validation::required_text;
use essaim_core::{CoreError, CoreResult, ValidationErrors};
use serde::Serialize;

pub use code::{normalize_code, ALPHABET, CODE_LEN};

/// Longest title of a stand (the experience shown).
pub const MAX_TITLE_CHARS: usize = 200;
/// Longest organisation name: the core's, one for every form.
pub use essaim_core::domain::contribution::MAX_ORGANISATION_CHARS;
/// Longest presentation.
pub const MAX_DESCRIPTION_CHARS: usize = 2_000;
/// Longest location text.
pub const MAX_LOCATION_CHARS: usize = 200;
/// Highest place on the circuit.
pub const MAX_POSITION: i32 = 999;

/// A stand of the circuit.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = stands)]
pub struct Stand {
    /// Identifier.
    pub id: Id,
    /// The consultation whose circuit it is on.
    pub consultation_id: Id,
    /// Its theme, one of the consultation's.
    pub theme_id: Id,
    /// The short code of its address, in capitals ([`code`]).
    pub code: String,
    /// Its order on the circuit, from 1.
    pub position: i32,
    /// The ESS experience shown.
    pub title: String,
    /// The organisation that presents it.
    pub organisation: String,
    /// What visitors read at the stand.
    pub description: String,
    /// Where it stands, in words.
    pub location: String,
    /// When it was created.
    pub created_at: NaiveDateTime,
    /// When it was last changed.
    pub updated_at: NaiveDateTime,
    /// When staff revoked its address; a revoked stand is not found at `/s/{code}`.
    pub revoked_at: Option<NaiveDateTime>,
}

impl Stand {
    /// True unless revoked.
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }

    /// The path of its public page.
    pub fn path(&self) -> String {
        format!("/s/{}", self.code)
    }

    /// Its absolute address, from the configured public address: what the QR code encodes.
    pub fn address(&self, base_url: &str) -> String {
        format!("{}{}", base_url.trim_end_matches('/'), self.path())
    }
}

/// The staff form of a stand, as typed (every field a string, so a refused form shows it back).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StandForm {
    /// The theme's position (1 to 5).
    pub theme: String,
    /// The place on the circuit.
    pub position: String,
    /// The ESS experience shown.
    pub title: String,
    /// The organisation.
    pub organisation: String,
    /// The presentation.
    pub description: String,
    /// Where it stands.
    pub location: String,
}

impl StandForm {
    /// The form filled with a stored stand, for editing.
    pub fn of(stand: &Stand, themes: &[Theme]) -> Self {
        StandForm {
            theme: themes.iter().find(|t| t.id == stand.theme_id).map(|t| t.position.to_string()).unwrap_or_default(),
            position: stand.position.to_string(),
            title: stand.title.clone(),
            organisation: stand.organisation.clone(),
            description: stand.description.clone(),
            location: stand.location.clone(),
        }
    }
}

struct Checked {
    theme_id: Id,
    position: i32,
    title: String,
    organisation: String,
    description: String,
    location: String,
}

fn check(themes: &[Theme], form: &StandForm) -> CoreResult<Checked> {
    let mut errors = ValidationErrors::default();
    let theme = themes.iter().find(|t| t.position.to_string() == form.theme.trim());
    if theme.is_none() {
        errors.add("theme", "Choisissez le thème du stand.");
    }
    let position = match form.position.trim().parse::<i32>() {
        Ok(p) if (1..=MAX_POSITION).contains(&p) => p,
        _ => {
            errors.add(
                "position",
                format!("Indiquez la place du stand sur le circuit : un nombre entier de 1 à {MAX_POSITION}."),
            );
            0
        }
    };
    let mut text = |field: &str, raw: &str, label: &str, max: usize, required: bool| -> String {
        if !required && raw.trim().is_empty() {
            return String::new();
        }
        match required_text(raw, label, max) {
            Ok(v) => v,
            Err(m) => {
                errors.add(field, m);
                String::new()
            }
        }
    };
    let title = text("title", &form.title, "l'expérience présentée", MAX_TITLE_CHARS, true);
    let organisation = text("organisation", &form.organisation, "l'organisation", MAX_ORGANISATION_CHARS, true);
    let description = text("description", &form.description, "la présentation", MAX_DESCRIPTION_CHARS, true);
    let location = text("location", &form.location, "l'emplacement", MAX_LOCATION_CHARS, false);
    errors.clone().into_result()?;
    let theme_id = theme.map(|t| t.id).ok_or(CoreError::Validation(errors))?;
    Ok(Checked { theme_id, position, title, organisation, description, location })
}

/// Every stand of a consultation, revoked ones too, in circuit order.
pub fn stands_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<Stand>> {
    Ok(stands::table
        .filter(stands::consultation_id.eq(consultation))
        .order((stands::position.asc(), stands::id.asc()))
        .select(Stand::as_select())
        .load(conn)?)
}

/// The stands of a consultation's circuit that are not revoked, in circuit order.
pub fn active_stands_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<Stand>> {
    Ok(stands::table
        .filter(stands::consultation_id.eq(consultation))
        .filter(stands::revoked_at.is_null())
        .order((stands::position.asc(), stands::id.asc()))
        .select(Stand::as_select())
        .load(conn)?)
}

/// A stand by id, revoked or not.
pub fn find_stand(conn: &mut DbConnection, id: Id) -> CoreResult<Stand> {
    stands::table
        .find(id)
        .select(Stand::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("stand".into()))
}

/// The active stand at a short code as typed (any case, spaces around ignored); an unknown,
/// malformed or revoked code is not found.
pub fn stand_by_code(conn: &mut DbConnection, raw: &str) -> CoreResult<Stand> {
    let Some(code) = normalize_code(raw) else { return Err(CoreError::NotFound("stand".into())) };
    stands::table
        .filter(stands::code.eq(code))
        .filter(stands::revoked_at.is_null())
        .select(Stand::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("stand".into()))
}

/// The consultation whose circuit `stand` is on.
pub fn consultation_of(conn: &mut DbConnection, stand: &Stand) -> CoreResult<Consultation> {
    consultations::table
        .find(stand.consultation_id)
        .select(Consultation::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("consultation".into()))
}

/// How many ideas were left at each stand of a consultation (stands without any are absent).
pub fn idea_counts(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<(Id, i64)>> {
    Ok(stand_contributions::table
        .inner_join(stands::table)
        .filter(stands::consultation_id.eq(consultation))
        .group_by(stand_contributions::stand_id)
        .select((stand_contributions::stand_id, diesel::dsl::count_star()))
        .load(conn)?)
}

/// A code no stand holds, revoked ones included (so a revoked poster never opens another stand).
fn unused_code(conn: &mut DbConnection) -> CoreResult<String> {
    for _ in 0..20 {
        let candidate = code::new_code();
        let taken: i64 = stands::table.filter(stands::code.eq(&candidate)).count().get_result(conn)?;
        if taken == 0 {
            return Ok(candidate);
        }
    }
    Err(CoreError::Internal("aucun code de stand libre après 20 tirages".into()))
}

fn snapshot(stand: &Stand) -> serde_json::Value {
    serde_json::json!({
        "code": stand.code, "position": stand.position, "title": stand.title,
        "organisation": stand.organisation, "theme_id": stand.theme_id.to_string(),
        "location": stand.location, "revoked": stand.revoked_at.is_some(),
    })
}

/// Creates a stand on `consultation`'s circuit with a fresh code; `actor` is audited (none for
/// the demo seed). Refusals are field by field in French.
pub fn create_stand(
    conn: &mut DbConnection,
    consultation: &Consultation,
    form: &StandForm,
    actor: Option<Id>,
) -> CoreResult<Stand> {
    let themes = themes_of(conn, consultation.id)?;
    let checked = check(&themes, form)?;
    write_transaction(conn, |conn| {
        let at = now();
        let stand = Stand {
            id: Id::new(),
            consultation_id: consultation.id,
            theme_id: checked.theme_id,
            code: unused_code(conn)?,
            position: checked.position,
            title: checked.title,
            organisation: checked.organisation,
            description: checked.description,
            location: checked.location,
            created_at: at,
            updated_at: at,
            revoked_at: None,
        };
        diesel::insert_into(stands::table).values(&stand).execute(conn)?;
        if actor.is_some() {
            record(
                conn,
                AuditEvent::new(actor, "stand.create", "stand", Some(stand.id.to_string()))
                    .with_details(serde_json::json!({ "after": snapshot(&stand) })),
            )?;
        }
        Ok(stand)
    })
}

/// Changes a stand's description (its code stays), audited with what it was before.
pub fn update_stand(conn: &mut DbConnection, id: Id, form: &StandForm, actor: Id) -> CoreResult<Stand> {
    let before = find_stand(conn, id)?;
    let themes = themes_of(conn, before.consultation_id)?;
    let checked = check(&themes, form)?;
    write_transaction(conn, |conn| {
        diesel::update(stands::table.find(id))
            .set((
                stands::theme_id.eq(checked.theme_id),
                stands::position.eq(checked.position),
                stands::title.eq(&checked.title),
                stands::organisation.eq(&checked.organisation),
                stands::description.eq(&checked.description),
                stands::location.eq(&checked.location),
                stands::updated_at.eq(now()),
            ))
            .execute(conn)?;
        let after = find_stand(conn, id)?;
        record(
            conn,
            AuditEvent::new(Some(actor), "stand.update", "stand", Some(id.to_string()))
                .with_details(serde_json::json!({ "before": snapshot(&before), "after": snapshot(&after) })),
        )?;
        Ok(after)
    })
}

/// Revokes (`revoke`) or restores a stand's address, audited. Revoking a revoked stand, or
/// restoring an active one, changes nothing and records nothing.
pub fn set_stand_revoked(conn: &mut DbConnection, id: Id, revoke: bool, actor: Id) -> CoreResult<Stand> {
    write_transaction(conn, |conn| {
        let before = find_stand(conn, id)?;
        if before.revoked_at.is_some() == revoke {
            return Ok(before);
        }
        let at = now();
        diesel::update(stands::table.find(id))
            .set((stands::revoked_at.eq(revoke.then_some(at)), stands::updated_at.eq(at)))
            .execute(conn)?;
        let action = if revoke { "stand.revoke" } else { "stand.restore" };
        record(
            conn,
            AuditEvent::new(Some(actor), action, "stand", Some(id.to_string()))
                .with_details(serde_json::json!({ "code": before.code })),
        )?;
        find_stand(conn, id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use essaim_core::domain::audit::history_of;
    use essaim_core::domain::consultation::find_consultation;
    use essaim_core::testing::{demo, demo_account, TestDb};

    fn form(theme: &str, position: &str, title: &str) -> StandForm {
        StandForm {
            theme: theme.into(),
            position: position.into(),
            title: title.into(),
            organisation: "Les Ecossolies".into(),
            description: "Un incubateur d'innovation sociale.".into(),
            location: "Hall A".into(),
        }
    }

    #[test]
    fn a_stand_is_created_edited_revoked_and_restored_with_its_audit() {
        let db = TestDb::new();
        let mut conn = db.conn();
        demo(&mut conn);
        let consultation = find_consultation(&mut conn, essaim_core::demo::DEMO_SLUG).unwrap();
        let staff = demo_account(&mut conn, "staff");
        let stand = create_stand(&mut conn, &consultation, &form("2", "3", "Incubateur"), Some(staff)).unwrap();
        assert_eq!(normalize_code(&stand.code).as_deref(), Some(stand.code.as_str()), "a valid code");
        assert_eq!(stand_by_code(&mut conn, &stand.code.to_lowercase()).unwrap().id, stand.id, "any case");
        let edited = update_stand(&mut conn, stand.id, &form("4", "1", "Incubateur des Ecossolies"), staff).unwrap();
        assert_eq!((edited.position, edited.code.as_str()), (1, stand.code.as_str()), "the code stays");
        let revoked = set_stand_revoked(&mut conn, stand.id, true, staff).unwrap();
        assert!(!revoked.is_active());
        assert!(matches!(stand_by_code(&mut conn, &stand.code), Err(CoreError::NotFound(_))));
        assert!(active_stands_of(&mut conn, consultation.id).unwrap().iter().all(|s| s.id != stand.id));
        set_stand_revoked(&mut conn, stand.id, false, staff).unwrap();
        assert!(stand_by_code(&mut conn, &stand.code).is_ok());
        let actions: Vec<String> =
            history_of(&mut conn, "stand", &stand.id.to_string()).unwrap().into_iter().map(|e| e.action).collect();
        for action in ["stand.create", "stand.update", "stand.revoke", "stand.restore"] {
            assert!(actions.iter().any(|a| a == action), "{action} audited: {actions:?}");
        }
    }

    #[test]
    fn a_refused_form_says_why_field_by_field() {
        let db = TestDb::new();
        let mut conn = db.conn();
        demo(&mut conn);
        let consultation = find_consultation(&mut conn, essaim_core::demo::DEMO_SLUG).unwrap();
        let mut bad = form("9", "0", " ");
        bad.description = "x".repeat(MAX_DESCRIPTION_CHARS + 1);
        let Err(CoreError::Validation(errors)) = create_stand(&mut conn, &consultation, &bad, None) else {
            panic!("refused")
        };
        for field in ["theme", "position", "title", "description"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        assert!(stands_of(&mut conn, consultation.id).unwrap().is_empty(), "nothing stored");
    }
}
