//! Accounts limited to some consultations. An administrator is global; any other account with
//! rows in `account_consultations` sees and acts on those consultations only (staff pages,
//! moderation, exports, workshops, stands, the plenary console); one with none is global, as
//! accounts were before limits existed. The server asks [`may_act_on`] for every request that
//! names a consultation or one of its records, before any handler runs (docs/security.md).

use diesel::prelude::*;

use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::account::Account;
use crate::domain::audit::{record, AuditEvent};
use crate::domain::vocab::Role;
use crate::error::CoreResult;
use crate::schema::{account_consultations, consultations, contributions, orientations, stands, workshops};

/// The consultations an account is limited to, or `None` when it is global.
pub fn limits_of(conn: &mut DbConnection, account: &Account) -> CoreResult<Option<Vec<Id>>> {
    if account.role == Role::Admin {
        return Ok(None);
    }
    let ids: Vec<Id> = account_consultations::table
        .filter(account_consultations::account_id.eq(account.id))
        .select(account_consultations::consultation_id)
        .load(conn)?;
    Ok((!ids.is_empty()).then_some(ids))
}

/// Whether `account` may see and act on `consultation`.
pub fn may_act_on(conn: &mut DbConnection, account: &Account, consultation: Id) -> CoreResult<bool> {
    Ok(limits_of(conn, account)?.is_none_or(|ids| ids.contains(&consultation)))
}

/// Limits an account to these consultations (replacing its limits; none makes it global
/// again), audited (`account.limits`).
pub fn limit_account(conn: &mut DbConnection, account: Id, consultations: &[Id], actor: Option<Id>) -> CoreResult<()> {
    write_transaction(conn, |conn| {
        diesel::delete(account_consultations::table.filter(account_consultations::account_id.eq(account)))
            .execute(conn)?;
        for consultation in consultations {
            diesel::insert_into(account_consultations::table)
                .values((
                    account_consultations::account_id.eq(account),
                    account_consultations::consultation_id.eq(*consultation),
                ))
                .execute(conn)?;
        }
        record(
            conn,
            AuditEvent::new(actor, "account.limits", "account", Some(account.to_string())).with_details(
                serde_json::json!({ "consultations": consultations.iter().map(Id::to_string).collect::<Vec<_>>() }),
            ),
        )?;
        Ok(())
    })
}

/// Creates an account limited to `consultations` (global when empty), in one transaction: an
/// account never exists, even for an instant, with wider rights than it was given.
pub fn create_limited_account(
    conn: &mut DbConnection,
    input: &crate::domain::account::NewAccount,
    consultations: &[Id],
    actor: Option<Id>,
) -> CoreResult<Account> {
    write_transaction(conn, |conn| {
        let account = crate::domain::account::create_account(conn, input, actor)?;
        if !consultations.is_empty() {
            limit_account(conn, account.id, consultations, actor)?;
        }
        Ok(account)
    })
}

/// A record a request names, whose consultation decides who may act on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scoped {
    /// A consultation by its short id.
    Consultation(String),
    /// A draft orientation.
    Orientation(Id),
    /// A contribution.
    Contribution(Id),
    /// A treasure-hunt stand.
    Stand(Id),
    /// A workshop.
    Workshop(Id),
}

/// The consultation a record belongs to; `None` when there is no such record.
pub fn consultation_of(conn: &mut DbConnection, scoped: &Scoped) -> CoreResult<Option<Id>> {
    Ok(match scoped {
        Scoped::Consultation(slug) => consultations::table
            .filter(consultations::slug.eq(slug))
            .select(consultations::id)
            .first(conn)
            .optional()?,
        Scoped::Orientation(id) => {
            orientations::table.find(*id).select(orientations::consultation_id).first(conn).optional()?
        }
        Scoped::Contribution(id) => {
            contributions::table.find(*id).select(contributions::consultation_id).first(conn).optional()?
        }
        Scoped::Stand(id) => stands::table.find(*id).select(stands::consultation_id).first(conn).optional()?,
        Scoped::Workshop(id) => workshops::table.find(*id).select(workshops::consultation_id).first(conn).optional()?,
    })
}

/// Whether `account` may act on what a request names: a record of a consultation it may see,
/// or a record that does not exist (the handler then answers 404 as for anyone).
pub fn may_act_on_record(conn: &mut DbConnection, account: &Account, scoped: &Scoped) -> CoreResult<bool> {
    if account.role == Role::Facilitator {
        if let Scoped::Consultation(_) = scoped {
            // A facilitator runs the plenaries of their own consultations only, those their
            // account is limited to: a facilitator with no consultation runs none (their
            // workshops stay theirs by assignment).
            return Ok(match consultation_of(conn, scoped)? {
                Some(consultation) => limits_of(conn, account)?.is_some_and(|ids| ids.contains(&consultation)),
                None => true,
            });
        }
    }
    if limits_of(conn, account)?.is_none() {
        return Ok(true);
    }
    match consultation_of(conn, scoped)? {
        Some(consultation) => may_act_on(conn, account, consultation),
        None => Ok(true),
    }
}

/// Whether an account is limited (a global page, like the outbox of every consultation's
/// mails, is not for it).
pub fn is_limited(conn: &mut DbConnection, account: &Account) -> CoreResult<bool> {
    Ok(limits_of(conn, account)?.is_some())
}

fn past_draft() -> &'static std::sync::Mutex<std::collections::HashSet<String>> {
    static PAST_DRAFT: std::sync::OnceLock<std::sync::Mutex<std::collections::HashSet<String>>> =
        std::sync::OnceLock::new();
    PAST_DRAFT.get_or_init(Default::default)
}

/// Whether this process already saw the consultation `slug` past draft: then
/// [`may_see_consultation`] is `true` for everyone, and a caller may skip the database.
pub fn seen_past_draft(slug: &str) -> bool {
    past_draft().lock().is_ok_and(|seen| seen.contains(slug))
}

/// Whether `who` may open the public pages and forms of the consultation `slug` (its page,
/// its online form, its questionnaire, its stands, its API): every one unless it is a draft,
/// which its staff alone see (and try out). An unknown slug is `true`: the page answers 404
/// itself. A consultation seen once past draft is kept as such by the process: a draft opens,
/// and nothing takes an open consultation back to draft (`ConsultationState::next_states`), so
/// the public's hot paths (the questionnaire API) cost no query for it. The memory is by short
/// id, for the one database a server process serves.
pub fn may_see_consultation(conn: &mut DbConnection, who: Option<&Account>, slug: &str) -> CoreResult<bool> {
    if seen_past_draft(slug) {
        return Ok(true);
    }
    let past_draft = past_draft();
    let found: Option<(Id, String)> = consultations::table
        .filter(consultations::slug.eq(slug))
        .select((consultations::id, consultations::state))
        .first(conn)
        .optional()?;
    let Some((id, state)) = found else { return Ok(true) };
    if state != crate::domain::vocab::ConsultationState::Draft.as_str() {
        if let Ok(mut seen) = past_draft.lock() {
            seen.insert(slug.to_owned());
        }
        return Ok(true);
    }
    match who {
        Some(account) if matches!(account.role, Role::Admin | Role::Staff) => may_act_on(conn, account, id),
        _ => Ok(false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{demo, demo_account, TestDb};

    fn account(conn: &mut DbConnection, role: &str) -> Account {
        let id = demo_account(conn, role);
        crate::domain::find_account(conn, id).unwrap().unwrap()
    }

    #[test]
    fn a_facilitator_runs_the_plenaries_of_their_own_consultations_only() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (demo_id, _) = demo(&mut conn);
        let input = crate::domain::account::NewAccount {
            email: "animatrice.sans.consultation@exemple.fr".into(),
            display_name: "Animatrice".into(),
            role: "facilitator".into(),
            password: "une longue phrase de passe pour l'essai".into(),
        };
        let global = crate::domain::account::create_account(&mut conn, &input, None).unwrap();
        let plenary = Scoped::Consultation(crate::demo::DEMO_SLUG.into());
        assert!(!may_act_on_record(&mut conn, &global, &plenary).unwrap(), "no consultation: no plenary");
        limit_account(&mut conn, global.id, &[demo_id], None).unwrap();
        assert!(may_act_on_record(&mut conn, &global, &plenary).unwrap(), "their own");
        let demo_facilitator =
            crate::domain::account::find_account_by_email(&mut conn, "animation@demo.essaim.fr").unwrap().unwrap();
        assert!(may_act_on_record(&mut conn, &demo_facilitator, &plenary).unwrap(), "the demo's runs the demo's");
    }

    #[test]
    fn a_draft_is_seen_by_its_staff_only_and_an_open_one_by_everyone() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (demo_id, _) = demo(&mut conn);
        let mut file = crate::demo::demo_setup();
        file.sections.clear();
        file.consultation.slug = "brouillon-vu-par-son-equipe".into();
        file.consultation.state = crate::domain::vocab::ConsultationState::Draft;
        let draft = crate::domain::setup::import(&mut conn, &file, &[]).unwrap();
        let slug = draft.slug.as_str();
        let staff = account(&mut conn, "staff");
        let facilitator = account(&mut conn, "facilitator");
        assert!(!may_see_consultation(&mut conn, None, slug).unwrap(), "visitors");
        assert!(!may_see_consultation(&mut conn, Some(&facilitator), slug).unwrap(), "facilitators");
        assert!(may_see_consultation(&mut conn, Some(&staff), slug).unwrap(), "its staff");
        limit_account(&mut conn, staff.id, &[demo_id], None).unwrap();
        assert!(!may_see_consultation(&mut conn, Some(&staff), slug).unwrap(), "another's staff");
        assert!(may_see_consultation(&mut conn, None, "inconnue").unwrap(), "unknown: the page says 404 itself");
        crate::domain::consultation::set_state(
            &mut conn,
            draft.id,
            crate::domain::vocab::ConsultationState::Open,
            None,
        )
        .unwrap();
        assert!(may_see_consultation(&mut conn, None, slug).unwrap(), "open: everyone");
    }

    #[test]
    fn a_limited_account_acts_on_its_consultations_only_and_admins_are_global() {
        let db = TestDb::new();
        let mut conn = db.conn();
        let (demo_id, themes) = demo(&mut conn);
        let staff = account(&mut conn, "staff");
        assert!(may_act_on(&mut conn, &staff, demo_id).unwrap(), "no limit: global");
        let other = crate::domain::consultation::create_consultation(
            &mut conn,
            &crate::domain::consultation::NewConsultation {
                slug: "autre".into(),
                title: "Autre".into(),
                ..Default::default()
            },
            &["Un thème".to_owned()],
        )
        .unwrap()
        .0
        .id;
        limit_account(&mut conn, staff.id, &[other], None).unwrap();
        assert!(!may_act_on(&mut conn, &staff, demo_id).unwrap());
        assert!(may_act_on(&mut conn, &staff, other).unwrap());
        let contribution =
            crate::testing::record(&mut conn, crate::testing::contribution(demo_id, themes[0].id, "Texte"));
        assert!(!may_act_on_record(&mut conn, &staff, &Scoped::Contribution(contribution.id)).unwrap());
        assert!(!may_act_on_record(&mut conn, &staff, &Scoped::Consultation(crate::demo::DEMO_SLUG.into())).unwrap());
        assert!(
            may_act_on_record(&mut conn, &staff, &Scoped::Orientation(Id::new())).unwrap(),
            "unknown: the handler's 404"
        );
        let admin = account(&mut conn, "admin");
        limit_account(&mut conn, admin.id, &[other], None).unwrap();
        assert!(may_act_on(&mut conn, &admin, demo_id).unwrap(), "administrators are global");
        limit_account(&mut conn, staff.id, &[], None).unwrap();
        assert!(may_act_on(&mut conn, &staff, demo_id).unwrap(), "no limit again: global");
    }
}
