//! Editing a consultation's set-up from the pages, one part at a time: its own fields, its
//! phases, its themes, its territories, its legal families. Each edit is checked by the same
//! rules as an imported file (the refusals name the same fields: `consultation.title`,
//! `phases[2].ends_on`, `themes[3].title`, `territories[1]`), written in one transaction,
//! audited (`consultation.setup`), and raises the set-up version so that every process reads
//! the consultation's frame again.
//!
//! Themes keep their identity: renaming or moving one keeps its contributions; only a theme
//! nothing refers to (no contribution, workshop, stand, synthesis) can be deleted.

use diesel::prelude::*;

use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::consultation::{
    find_consultation_by_id, themes_of, touch_setup, Consultation, Phase, Theme, DEFAULT_TIME_ZONE,
};
use crate::domain::territory::{ensure_territory, TerritoryChoice};
use crate::domain::vocab::LegalFamily;
use crate::error::{CoreError, CoreResult};
use crate::schema::{
    consultation_legal_families, consultation_territories, consultations, contributions, orientations, phases, stands,
    synthesis_runs, themes, workshops,
};

use super::file::{PhaseSetup, SetupFile, TerritorySetup, ThemeSetup};
use super::import::check;

/// The set-up of a consultation without its modules' sections: what these edits change.
fn current(conn: &mut DbConnection, consultation: &Consultation) -> CoreResult<SetupFile> {
    super::export(conn, &consultation.slug, &[])
}

/// Checks the edited set-up by the import's rules, then writes it with `write`, raises the
/// version and audits which `part` changed, all in one transaction.
fn edit<T>(
    conn: &mut DbConnection,
    consultation: Id,
    part: &'static str,
    actor: Option<Id>,
    change: impl FnOnce(&mut SetupFile),
    write: impl FnOnce(&mut DbConnection, &Consultation, &SetupFile) -> CoreResult<T>,
) -> CoreResult<T> {
    write_transaction(conn, |conn| {
        let before = find_consultation_by_id(conn, consultation)?;
        let mut file = current(conn, &before)?;
        change(&mut file);
        check(&file, &[])?;
        let made = write(conn, &before, &file)?;
        touch_setup(conn, consultation)?;
        crate::domain::audit::record(
            conn,
            crate::domain::audit::AuditEvent::new(
                actor,
                "consultation.setup",
                "consultation",
                Some(consultation.to_string()),
            )
            .with_details(serde_json::json!({ "part": part })),
        )?;
        Ok(made)
    })
}

/// The consultation's own fields as typed on its set-up page; its short id (in every link
/// already given) and its state (its own buttons) are not changed here.
#[derive(Debug, Clone, Default)]
pub struct ConsultationFields {
    /// Full title.
    pub title: String,
    /// The Région running it.
    pub region: String,
    /// Who organises it.
    pub organisers: String,
    /// A short presentation.
    pub description: String,
    /// First day.
    pub starts_on: Option<chrono::NaiveDate>,
    /// Last day.
    pub ends_on: Option<chrono::NaiveDate>,
    /// The day after which personal data must be erased.
    pub retention_until: Option<chrono::NaiveDate>,
    /// IANA time zone (Europe/Paris when empty).
    pub time_zone: String,
}

/// Changes the consultation's own fields.
pub fn edit_consultation(
    conn: &mut DbConnection,
    consultation: Id,
    fields: &ConsultationFields,
    actor: Option<Id>,
) -> CoreResult<Consultation> {
    let time_zone = match fields.time_zone.trim() {
        "" => DEFAULT_TIME_ZONE.to_owned(),
        zone => zone.to_owned(),
    };
    edit(
        conn,
        consultation,
        "consultation",
        actor,
        |file| {
            // The short id, the state and the sender are not this form's.
            let c = &mut file.consultation;
            c.title = fields.title.trim().to_owned();
            c.region = fields.region.trim().to_owned();
            c.organisers = fields.organisers.trim().to_owned();
            c.description = fields.description.trim().to_owned();
            c.starts_on = fields.starts_on;
            c.ends_on = fields.ends_on;
            c.retention_until = fields.retention_until;
            c.time_zone = time_zone.clone();
        },
        |conn, before, file| {
            let c = &file.consultation;
            diesel::update(consultations::table.find(before.id))
                .set((
                    consultations::title.eq(&c.title),
                    consultations::region.eq(&c.region),
                    consultations::organisers.eq(&c.organisers),
                    consultations::description.eq(&c.description),
                    consultations::starts_on.eq(c.starts_on),
                    consultations::ends_on.eq(c.ends_on),
                    consultations::retention_until.eq(c.retention_until),
                    consultations::time_zone.eq(&c.time_zone),
                ))
                .execute(conn)?;
            find_consultation_by_id(conn, before.id)
        },
    )
}

/// Replaces the phases of the timeline, in the order given (nothing refers to a phase).
pub fn edit_phases(
    conn: &mut DbConnection,
    consultation: Id,
    given: &[PhaseSetup],
    actor: Option<Id>,
) -> CoreResult<Vec<Phase>> {
    edit(
        conn,
        consultation,
        "phases",
        actor,
        |file| file.phases = given.to_vec(),
        |conn, before, file| {
            diesel::delete(phases::table.filter(phases::consultation_id.eq(before.id))).execute(conn)?;
            let mut written = Vec::with_capacity(file.phases.len());
            for (index, phase) in file.phases.iter().enumerate() {
                let row = Phase {
                    id: Id::new(),
                    consultation_id: before.id,
                    position: index as i32 + 1,
                    kind: phase.kind,
                    title: match phase.title.trim() {
                        "" => phase.kind.label().to_owned(),
                        title => title.to_owned(),
                    },
                    starts_on: phase.starts_on,
                    ends_on: phase.ends_on,
                    location: phase.location.as_deref().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned),
                };
                diesel::insert_into(phases::table).values(row.clone()).execute(conn)?;
                written.push(row);
            }
            Ok(written)
        },
    )
}

/// Adds a theme after the others.
pub fn add_theme(
    conn: &mut DbConnection,
    consultation: Id,
    theme: &ThemeSetup,
    actor: Option<Id>,
) -> CoreResult<Theme> {
    edit(
        conn,
        consultation,
        "themes",
        actor,
        |file| file.themes.push(trimmed(theme)),
        |conn, before, file| {
            let setup = file.themes.last().cloned().unwrap_or_else(|| trimmed(theme));
            let row = Theme {
                id: Id::new(),
                consultation_id: before.id,
                position: file.themes.len() as i32,
                title: setup.title,
                description: setup.description,
            };
            diesel::insert_into(themes::table).values(&row).execute(conn)?;
            Ok(row)
        },
    )
}

/// Renames a theme or changes its description: its contributions stay with it.
pub fn edit_theme(
    conn: &mut DbConnection,
    consultation: Id,
    theme: Id,
    given: &ThemeSetup,
    actor: Option<Id>,
) -> CoreResult<Theme> {
    let index = theme_index(conn, consultation, theme)?;
    let edited = edit(
        conn,
        consultation,
        "themes",
        actor,
        |file| file.themes[index] = trimmed(given),
        |conn, _, file| {
            let setup = &file.themes[index];
            diesel::update(themes::table.find(theme))
                .set((themes::title.eq(&setup.title), themes::description.eq(&setup.description)))
                .execute(conn)?;
            Ok(themes::table.find(theme).select(Theme::as_select()).first(conn)?)
        },
    );
    // Only this theme changed: a wording given twice is its own fault, whichever comes first.
    edited.map_err(|e| match e {
        CoreError::Validation(mut errors) => {
            for error in errors.0.iter_mut().filter(|e| e.field.starts_with("themes[")) {
                error.field = format!("themes[{index}].{}", error.field.rsplit('.').next().unwrap_or("title"));
            }
            CoreError::Validation(errors)
        }
        other => other,
    })
}

/// Moves a theme one place up (`up`) or down; at either end, nothing moves.
pub fn move_theme(conn: &mut DbConnection, consultation: Id, theme: Id, up: bool, actor: Option<Id>) -> CoreResult<()> {
    let index = theme_index(conn, consultation, theme)?;
    edit(
        conn,
        consultation,
        "themes",
        actor,
        |_| {},
        |conn, before, _| {
            let ordered = themes_of(conn, before.id)?;
            let other = if up { index.checked_sub(1) } else { Some(index + 1).filter(|i| *i < ordered.len()) };
            let Some(other) = other else { return Ok(()) };
            // Positions are unique per consultation: one goes aside while the other moves.
            let (a, b) = (&ordered[index], &ordered[other]);
            diesel::update(themes::table.find(a.id)).set(themes::position.eq(-1)).execute(conn)?;
            diesel::update(themes::table.find(b.id)).set(themes::position.eq(a.position)).execute(conn)?;
            diesel::update(themes::table.find(a.id)).set(themes::position.eq(b.position)).execute(conn)?;
            Ok(())
        },
    )
}

/// Deletes a theme that nothing refers to yet; the others close ranks. A theme with
/// contributions, workshops, stands or a synthesis is refused, with what holds it.
pub fn delete_theme(conn: &mut DbConnection, consultation: Id, theme: Id, actor: Option<Id>) -> CoreResult<()> {
    let index = theme_index(conn, consultation, theme)?;
    edit(
        conn,
        consultation,
        "themes",
        actor,
        |file| {
            file.themes.remove(index);
        },
        |conn, before, _| {
            let held = holders(conn, theme)?;
            if !held.is_empty() {
                return Err(CoreError::invalid(
                    &format!("themes[{index}]"),
                    format!(
                        "Ce thème ne peut pas être supprimé : il a déjà {}. Renommez-le plutôt ; ce qu'il a reçu le suit.",
                        held.join(", ")
                    ),
                ));
            }
            diesel::delete(themes::table.find(theme)).execute(conn)?;
            for (position, remaining) in themes_of(conn, before.id)?.iter().enumerate() {
                diesel::update(themes::table.find(remaining.id))
                    .set(themes::position.eq(position as i32 + 1))
                    .execute(conn)?;
            }
            Ok(())
        },
    )
}

/// What refers to a theme, said in French (empty when nothing does).
fn holders(conn: &mut DbConnection, theme: Id) -> CoreResult<Vec<String>> {
    let counted = [
        (
            contributions::table.filter(contributions::theme_id.eq(theme)).count().get_result::<i64>(conn)?,
            "contribution",
        ),
        (workshops::table.filter(workshops::theme_id.eq(theme)).count().get_result::<i64>(conn)?, "atelier"),
        (stands::table.filter(stands::theme_id.eq(theme)).count().get_result::<i64>(conn)?, "stand"),
        (
            synthesis_runs::table.filter(synthesis_runs::theme_id.eq(theme)).count().get_result::<i64>(conn)?
                + orientations::table.filter(orientations::theme_id.eq(theme)).count().get_result::<i64>(conn)?,
            "élément de synthèse",
        ),
    ];
    Ok(counted
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| if n == 1 { format!("1 {what}") } else { format!("{n} {what}s") })
        .collect())
}

fn theme_index(conn: &mut DbConnection, consultation: Id, theme: Id) -> CoreResult<usize> {
    themes_of(conn, consultation)?.iter().position(|t| t.id == theme).ok_or_else(|| CoreError::NotFound("thème".into()))
}

fn trimmed(theme: &ThemeSetup) -> ThemeSetup {
    ThemeSetup { title: theme.title.trim().to_owned(), description: theme.description.trim().to_owned() }
}

/// Replaces the territories the consultation's forms offer. A territory taken out stays on
/// what was already said about it (contributions keep their territory).
pub fn edit_territories(
    conn: &mut DbConnection,
    consultation: Id,
    given: &[TerritorySetup],
    actor: Option<Id>,
) -> CoreResult<()> {
    edit(
        conn,
        consultation,
        "territories",
        actor,
        |file| {
            file.territories = given
                .iter()
                .map(|t| TerritorySetup {
                    code: t.code.trim().to_owned(),
                    name: t.name.as_deref().map(|n| n.trim().to_owned()),
                })
                .collect()
        },
        |conn, before, file| {
            diesel::delete(
                consultation_territories::table.filter(consultation_territories::consultation_id.eq(before.id)),
            )
            .execute(conn)?;
            for (index, setup) in file.territories.iter().enumerate() {
                let choice = match &setup.name {
                    None => TerritoryChoice::Official(setup.code.clone()),
                    Some(name) => TerritoryChoice::Custom { code: setup.code.clone(), name: name.clone() },
                };
                let territory = ensure_territory(conn, &choice).map_err(|e| match e {
                    CoreError::Validation(mut errors) => {
                        for error in &mut errors.0 {
                            error.field = format!("territories[{index}]");
                        }
                        CoreError::Validation(errors)
                    }
                    other => other,
                })?;
                diesel::insert_into(consultation_territories::table)
                    .values((
                        consultation_territories::consultation_id.eq(before.id),
                        consultation_territories::territory_id.eq(territory.id),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        },
    )
}

/// Replaces the legal families the consultation's forms offer, in the order given.
pub fn edit_legal_families(
    conn: &mut DbConnection,
    consultation: Id,
    given: &[LegalFamily],
    actor: Option<Id>,
) -> CoreResult<()> {
    edit(
        conn,
        consultation,
        "legal_families",
        actor,
        |file| file.legal_families = given.to_vec(),
        |conn, before, file| {
            diesel::delete(
                consultation_legal_families::table.filter(consultation_legal_families::consultation_id.eq(before.id)),
            )
            .execute(conn)?;
            for (index, family) in file.legal_families.iter().enumerate() {
                diesel::insert_into(consultation_legal_families::table)
                    .values((
                        consultation_legal_families::consultation_id.eq(before.id),
                        consultation_legal_families::legal_family.eq(*family),
                        consultation_legal_families::position.eq(index as i32 + 1),
                    ))
                    .execute(conn)?;
            }
            Ok(())
        },
    )
}

#[cfg(test)]
mod tests;
