//! The staff form of a workshop: its fields checked one by one with French messages, then a
//! workshop created or changed with its facilitators in one transaction, audited with what it
//! was. The set-up file's import creates its workshops through the same checks.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::consultation::themes_of;
use essaim_core::domain::Theme;
use essaim_core::schema::{workshop_entries, workshop_facilitators, workshops};
use essaim_core::{CoreError, CoreResult, ValidationErrors};
use serde::Deserialize;

use super::{
    facilitator_accounts, find_workshop, Workshop, WorkshopPhase, WorkshopState, MAX_FACILITATORS, MAX_PLACE_CHARS,
};

/// The staff form of a workshop, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct WorkshopForm {
    /// The theme's position (1 to 5).
    pub theme: String,
    /// `launch` or `conference`.
    pub phase: String,
    /// Where.
    pub place: String,
    /// The date, `AAAA-MM-JJ`.
    pub date: String,
    /// The time, `HH:MM` (optional).
    pub time: String,
    /// `planned`, `open` or `closed`.
    pub state: String,
    /// The ids of the facilitators assigned.
    pub facilitators: Vec<String>,
}

impl WorkshopForm {
    /// The form filled with a stored workshop.
    pub fn of(workshop: &Workshop, theme: &Theme, facilitators: &[(Id, String)]) -> Self {
        WorkshopForm {
            theme: theme.position.to_string(),
            phase: workshop.phase.as_str().to_owned(),
            place: workshop.place.clone(),
            date: workshop.starts_at.map(|t| t.format("%Y-%m-%d").to_string()).unwrap_or_default(),
            time: workshop.starts_at.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
            state: workshop.state.as_str().to_owned(),
            facilitators: facilitators.iter().map(|(id, _)| id.to_string()).collect(),
        }
    }
}

struct CheckedForm {
    theme_id: Id,
    phase: WorkshopPhase,
    place: String,
    starts_at: Option<NaiveDateTime>,
    state: WorkshopState,
    facilitators: Vec<Id>,
}

fn check_form(conn: &mut DbConnection, consultation: Id, form: &WorkshopForm) -> CoreResult<CheckedForm> {
    let mut errors = ValidationErrors::default();
    let themes = themes_of(conn, consultation)?;
    let theme = themes.iter().find(|t| t.position.to_string() == form.theme.trim());
    if theme.is_none() {
        errors.add("theme", "Choisissez le thème de l'atelier.");
    }
    let phase = WorkshopPhase::parse(form.phase.trim());
    if phase.is_none() {
        errors.add("phase", "Choisissez la phase : atelier de lancement ou atelier de la conférence.");
    }
    let place = form.place.trim().to_owned();
    if place.chars().count() > MAX_PLACE_CHARS || place.chars().any(char::is_control) {
        errors.add("place", format!("Le lieu compte au plus {MAX_PLACE_CHARS} caractères, sur une ligne."));
    }
    let date = form.date.trim();
    let time = form.time.trim();
    let starts_at = match (date, time) {
        ("", "") => None,
        ("", _) => {
            errors.add("date", "Indiquez la date de l'atelier, ou effacez l'heure.");
            None
        }
        (date, time) => match NaiveDate::parse_from_str(date, "%Y-%m-%d") {
            Err(_) => {
                errors.add("date", "La date s'écrit AAAA-MM-JJ, par exemple 2016-06-28.");
                None
            }
            Ok(day) if time.is_empty() => day.and_hms_opt(0, 0, 0),
            Ok(day) => match NaiveTime::parse_from_str(time, "%H:%M")
                .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M:%S"))
            {
                Ok(t) => Some(day.and_time(t)),
                Err(_) => {
                    errors.add("time", "L'heure s'écrit HH:MM, par exemple 14:30.");
                    None
                }
            },
        },
    };
    let state = WorkshopState::parse(form.state.trim());
    if state.is_none() {
        errors.add("state", "Choisissez l'état de l'atelier : prévu, ouvert ou clos.");
    }
    let choices = facilitator_accounts(conn)?;
    let mut facilitators = Vec::new();
    for raw in form.facilitators.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
        match raw.parse::<Id>().ok().filter(|id| choices.iter().any(|a| a.id == *id)) {
            Some(id) if !facilitators.contains(&id) => facilitators.push(id),
            Some(_) => {}
            None => {
                errors.add("facilitators", "Choisissez les animateurs parmi les comptes d'animateurs actifs.");
                break;
            }
        }
    }
    if facilitators.len() > MAX_FACILITATORS {
        errors.add("facilitators", format!("Un atelier a au plus {MAX_FACILITATORS} animateurs."));
    }
    errors.into_result()?;
    Ok(CheckedForm {
        theme_id: theme.map(|t| t.id).unwrap_or_default(),
        phase: phase.unwrap_or(WorkshopPhase::Launch),
        place,
        starts_at,
        state: state.unwrap_or(WorkshopState::Planned),
        facilitators,
    })
}

fn facilitator_ids(conn: &mut DbConnection, workshop: Id) -> CoreResult<Vec<Id>> {
    Ok(workshop_facilitators::table
        .filter(workshop_facilitators::workshop_id.eq(workshop))
        .select(workshop_facilitators::account_id)
        .load(conn)?)
}

fn set_facilitators(conn: &mut DbConnection, workshop: Id, people: &[Id]) -> CoreResult<()> {
    diesel::delete(workshop_facilitators::table.filter(workshop_facilitators::workshop_id.eq(workshop)))
        .execute(conn)?;
    for account in people {
        diesel::insert_into(workshop_facilitators::table)
            .values((workshop_facilitators::workshop_id.eq(workshop), workshop_facilitators::account_id.eq(*account)))
            .execute(conn)?;
    }
    Ok(())
}

fn described(w: &Workshop, facilitators: &[Id]) -> serde_json::Value {
    serde_json::json!({
        "theme_id": w.theme_id.to_string(),
        "phase": w.phase.as_str(),
        "place": w.place,
        "starts_at": w.starts_at.map(|t| t.format("%Y-%m-%dT%H:%M").to_string()),
        "state": w.state.as_str(),
        "facilitators": facilitators.iter().map(Id::to_string).collect::<Vec<_>>(),
    })
}

/// Creates a workshop from the staff form, with its facilitators; audited
/// (`workshop.create`). Each refused field has its French message.
pub fn create_workshop(
    conn: &mut DbConnection,
    consultation: Id,
    form: &WorkshopForm,
    actor: Id,
) -> CoreResult<Workshop> {
    insert_workshop(conn, consultation, form, Some(actor))
}

/// Creates a workshop from the form; audited when someone asked (not an import's, whose
/// consultation is new).
pub(crate) fn insert_workshop(
    conn: &mut DbConnection,
    consultation: Id,
    form: &WorkshopForm,
    actor: Option<Id>,
) -> CoreResult<Workshop> {
    write_transaction(conn, |conn| {
        let checked = check_form(conn, consultation, form)?;
        let at = now();
        let workshop = Workshop {
            id: Id::new(),
            consultation_id: consultation,
            theme_id: checked.theme_id,
            phase: checked.phase,
            place: checked.place,
            starts_at: checked.starts_at,
            state: checked.state,
            headcount: None,
            organisations_present: String::new(),
            report: String::new(),
            created_at: at,
            updated_at: at,
        };
        diesel::insert_into(workshops::table).values(workshop.clone()).execute(conn)?;
        set_facilitators(conn, workshop.id, &checked.facilitators)?;
        if actor.is_some() {
            record(
                conn,
                AuditEvent::new(actor, "workshop.create", "workshop", Some(workshop.id.to_string()))
                    .with_details(described(&workshop, &checked.facilitators)),
            )?;
        }
        Ok(workshop)
    })
}

/// Changes a workshop from the staff form (theme, phase, place, time, state, facilitators);
/// audited with what it was (`workshop.update`). The theme or phase of a workshop that has
/// entries cannot change: its contributions were recorded under them.
pub fn update_workshop(conn: &mut DbConnection, id: Id, form: &WorkshopForm, actor: Id) -> CoreResult<Workshop> {
    write_transaction(conn, |conn| {
        let before = find_workshop(conn, id)?.ok_or_else(|| CoreError::NotFound("atelier".into()))?;
        let checked = check_form(conn, before.consultation_id, form)?;
        let entries: i64 =
            workshop_entries::table.filter(workshop_entries::workshop_id.eq(id)).count().get_result(conn)?;
        if entries > 0 && (checked.theme_id != before.theme_id || checked.phase != before.phase) {
            let mut errors = ValidationErrors::default();
            errors.add(
                "theme",
                "Cet atelier a déjà des entrées, enregistrées sous son thème et sa phase : ils ne peuvent plus changer. Créez un autre atelier.",
            );
            return Err(CoreError::Validation(errors));
        }
        let old_people = facilitator_ids(conn, id)?;
        let after = Workshop {
            theme_id: checked.theme_id,
            phase: checked.phase,
            place: checked.place,
            starts_at: checked.starts_at,
            state: checked.state,
            updated_at: now(),
            ..before.clone()
        };
        diesel::update(workshops::table.find(id))
            .set((
                workshops::theme_id.eq(after.theme_id),
                workshops::phase.eq(after.phase),
                workshops::place.eq(&after.place),
                workshops::starts_at.eq(after.starts_at),
                workshops::state.eq(after.state),
                workshops::updated_at.eq(after.updated_at),
            ))
            .execute(conn)?;
        set_facilitators(conn, id, &checked.facilitators)?;
        record(
            conn,
            AuditEvent::new(Some(actor), "workshop.update", "workshop", Some(id.to_string())).with_details(
                serde_json::json!({
                    "before": described(&before, &old_people),
                    "after": described(&after, &checked.facilitators),
                }),
            ),
        )?;
        Ok(after)
    })
}

#[cfg(test)]
mod tests {
    use essaim_core::testing::{demo, TestDb};

    use super::super::tests::account;
    use super::super::workshops_of;
    use super::*;

    #[test]
    fn the_form_says_what_is_wrong_field_by_field() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (consultation, _) = demo(&mut conn);
        let staff = account(&mut conn, "staff");
        let bad = WorkshopForm {
            theme: "9".into(),
            phase: "pleniere".into(),
            place: "x".repeat(MAX_PLACE_CHARS + 1),
            date: "28/06/2016".into(),
            time: "".into(),
            state: "fini".into(),
            facilitators: vec![staff.id.to_string()],
        };
        let Err(CoreError::Validation(errors)) = create_workshop(&mut conn, consultation, &bad, staff.id) else {
            panic!("refused")
        };
        for field in ["theme", "phase", "place", "date", "state", "facilitators"] {
            assert!(errors.get(field).is_some(), "{field}: {errors:?}");
        }
        assert!(workshops_of(&mut conn, consultation).unwrap().is_empty());
    }
}
