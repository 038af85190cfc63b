//! Who may see and write a workshop, checked on the record itself: every function of this
//! module that takes the asking account goes through [`workshop_for`], so a route cannot
//! forget the check, and a facilitator cannot reach another's workshop by its id.

use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::{Account, Role};
use essaim_core::schema::{workshop_facilitators, workshops};
use essaim_core::CoreResult;

use super::Workshop;
use crate::WorkshopError;

/// Staff and administrators see and write every workshop.
pub fn is_staff(who: &Account) -> bool {
    matches!(who.role, Role::Admin | Role::Staff)
}

/// Whether `account` is one of the workshop's facilitators.
pub fn is_facilitator_of(conn: &mut DbConnection, workshop: Id, account: Id) -> CoreResult<bool> {
    let n: i64 = workshop_facilitators::table
        .filter(workshop_facilitators::workshop_id.eq(workshop))
        .filter(workshop_facilitators::account_id.eq(account))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// A workshop by id.
pub fn find_workshop(conn: &mut DbConnection, id: Id) -> CoreResult<Option<Workshop>> {
    Ok(workshops::table.find(id).select(Workshop::as_select()).first(conn).optional()?)
}

/// The workshop, if `who` may see and write it: staff, or one of its facilitators. Unknown:
/// [`WorkshopError::NotFound`]; another facilitator's: [`WorkshopError::Forbidden`].
pub fn workshop_for(conn: &mut DbConnection, id: Id, who: &Account) -> Result<Workshop, WorkshopError> {
    let workshop = find_workshop(conn, id)?.ok_or(WorkshopError::NotFound)?;
    if who.disabled_at.is_some() {
        return Err(WorkshopError::Forbidden);
    }
    if is_staff(who) || (who.role == Role::Facilitator && is_facilitator_of(conn, id, who.id)?) {
        Ok(workshop)
    } else {
        Err(WorkshopError::Forbidden)
    }
}
