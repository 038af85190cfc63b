//! The lists of workshops the pages show (a consultation's, "mes ateliers"), each workshop with
//! its theme, facilitators and number of entries, read in three queries for the whole list
//! rather than three per workshop.

use std::collections::HashMap;

use diesel::dsl::count_star;
use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::{Account, Role, Theme};
use essaim_core::schema::{accounts, themes, workshop_entries, workshop_facilitators, workshops};
use essaim_core::CoreResult;
use serde::Serialize;

use super::{is_staff, workshop_for, Workshop, WorkshopError};

/// A workshop with what its pages show around it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkshopSummary {
    /// The workshop.
    pub workshop: Workshop,
    /// Its theme.
    pub theme: Theme,
    /// Its facilitators (id, name), by name.
    pub facilitators: Vec<(Id, String)>,
    /// Entries captured and not deleted.
    pub entries: i64,
}

impl WorkshopSummary {
    /// "Atelier de lancement — thème 2 : Un mode d'entreprendre…".
    pub fn title(&self) -> String {
        title_of(&self.workshop, &self.theme)
    }

    /// The facilitators' names, joined.
    pub fn facilitator_names(&self) -> String {
        let names: Vec<&str> = self.facilitators.iter().map(|(_, n)| n.as_str()).collect();
        names.join(", ")
    }
}

/// A workshop's title: its phase and theme.
pub fn title_of(workshop: &Workshop, theme: &Theme) -> String {
    format!("{} — thème {} : {}", workshop.phase.label(), theme.position, theme.title)
}

fn summaries(conn: &mut DbConnection, list: Vec<Workshop>) -> CoreResult<Vec<WorkshopSummary>> {
    if list.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Id> = list.iter().map(|w| w.id).collect();
    let theme_ids: Vec<Id> = list.iter().map(|w| w.theme_id).collect();
    let theme_rows: Vec<Theme> =
        themes::table.filter(themes::id.eq_any(&theme_ids)).select(Theme::as_select()).load(conn)?;
    let people: Vec<(Id, Id, String)> = workshop_facilitators::table
        .inner_join(accounts::table)
        .filter(workshop_facilitators::workshop_id.eq_any(&ids))
        .order(accounts::display_name.asc())
        .select((workshop_facilitators::workshop_id, accounts::id, accounts::display_name))
        .load(conn)?;
    let counts: HashMap<Id, i64> = workshop_entries::table
        .filter(workshop_entries::workshop_id.eq_any(&ids))
        .filter(workshop_entries::deleted_at.is_null())
        .group_by(workshop_entries::workshop_id)
        .select((workshop_entries::workshop_id, count_star()))
        .load::<(Id, i64)>(conn)?
        .into_iter()
        .collect();
    let mut out: Vec<WorkshopSummary> = list
        .into_iter()
        .filter_map(|workshop| {
            let theme = theme_rows.iter().find(|t| t.id == workshop.theme_id)?.clone();
            let facilitators =
                people.iter().filter(|(w, _, _)| *w == workshop.id).map(|(_, a, n)| (*a, n.clone())).collect();
            let entries = counts.get(&workshop.id).copied().unwrap_or(0);
            Some(WorkshopSummary { workshop, theme, facilitators, entries })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.workshop.consultation_id, a.workshop.phase.order(), a.theme.position, a.workshop.starts_at, a.workshop.id)
            .cmp(&(
                b.workshop.consultation_id,
                b.workshop.phase.order(),
                b.theme.position,
                b.workshop.starts_at,
                b.workshop.id,
            ))
    });
    Ok(out)
}

/// Every workshop of a consultation: launch ones first, then by theme.
pub fn workshops_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<WorkshopSummary>> {
    let list = workshops::table
        .filter(workshops::consultation_id.eq(consultation))
        .select(Workshop::as_select())
        .load(conn)?;
    summaries(conn, list)
}

/// The workshops `who` works on ("mes ateliers"): a facilitator's own, every one for staff.
pub fn workshops_for(conn: &mut DbConnection, who: &Account) -> CoreResult<Vec<WorkshopSummary>> {
    let list = if is_staff(who) {
        workshops::table.select(Workshop::as_select()).load(conn)?
    } else {
        workshops::table
            .inner_join(workshop_facilitators::table)
            .filter(workshop_facilitators::account_id.eq(who.id))
            .select(Workshop::as_select())
            .load(conn)?
    };
    summaries(conn, list)
}

/// One workshop with its theme, facilitators and count, if `who` may see it.
pub fn summary_for(conn: &mut DbConnection, id: Id, who: &Account) -> Result<WorkshopSummary, WorkshopError> {
    let workshop = workshop_for(conn, id, who)?;
    summaries(conn, vec![workshop])?.pop().ok_or(WorkshopError::NotFound)
}

/// The accounts that can be assigned to a workshop: facilitators not disabled, by name.
pub fn facilitator_accounts(conn: &mut DbConnection) -> CoreResult<Vec<Account>> {
    Ok(accounts::table
        .filter(accounts::role.eq(Role::Facilitator))
        .filter(accounts::disabled_at.is_null())
        .order(accounts::display_name.asc())
        .select(Account::as_select())
        .load(conn)?)
}
