//! The erasure of "Mes données": in one transaction, the person's address, names,
//! organisation and contact leave every table; their contributions stay, anonymised, or go,
//! at their choice while the strategy is not published; their links stop working. Then the
//! freed bytes are made to leave the database file (`essaim_core::privacy::settle_erasure`).

use diesel::prelude::*;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::AuthorKind;
use essaim_core::privacy::{
    audit_erasure, blank_audit_of, forget_address, scrub_audit_log, settle_erasure, strategy_published,
};
use essaim_core::schema::{contributions, follows, invitations, questionnaires, responses};
use essaim_core::CoreResult;
use serde::Serialize;

use super::{contributions_of, subject_of_address, subject_of_link, Subject};
use crate::questionnaire::responses::{find_response, Identity, ResponseStatus};
use crate::questionnaire::store::version;

/// What becomes of the person's contributions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureChoice {
    /// Kept, with no name, organisation or address: the synthesis still reads them.
    Anonymise,
    /// Deleted, with their place in the synthesis (only before the strategy is published).
    Delete,
}

/// Why nothing was erased.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureRefused {
    /// The link opens nothing (already erased, revoked, unknown), or the address holds nothing.
    Gone,
    /// Deletion asked after the strategy of one of the consultations was published.
    Published,
}

impl ErasureRefused {
    /// The French sentence the page shows.
    pub fn message(self) -> &'static str {
        match self {
            ErasureRefused::Gone => "Ces données ont déjà été effacées, ou ce lien ne fonctionne plus : il n'y a plus rien à effacer.",
            ErasureRefused::Published => "La stratégie de cette consultation est publiée : vos contributions font partie du texte public et ne peuvent plus être supprimées. Elles peuvent être anonymisées.",
        }
    }
}

/// What an erasure did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Erased {
    /// Contributions anonymised.
    pub anonymised: usize,
    /// Contributions deleted.
    pub deleted: usize,
    /// Responses erased (anonymised, or deleted: drafts always are).
    pub responses: usize,
    /// Invitations deleted.
    pub invitations: usize,
    /// Follows deleted (their links with them).
    pub follows: usize,
    /// Mails (outbox rows) deleted.
    pub mails: usize,
    /// Audit lines whose details named the person.
    pub audit_lines: usize,
}

/// The tables an erasure writes, for `settle_erasure`.
const TOUCHED: [&str; 9] = [
    "contributions",
    "responses",
    "invitations",
    "follows",
    "follow_contributions",
    "access_links",
    "outbox",
    "throttle_hits",
    "audit_log",
];

/// Erases what one of the person's links opens (the person themselves, from "Mes données").
/// Asked twice, the second finds the link gone: [`ErasureRefused::Gone`], nothing written.
pub fn erase_link(
    conn: &mut DbConnection,
    token: &str,
    choice: ErasureChoice,
) -> CoreResult<Result<Erased, ErasureRefused>> {
    let outcome = write_transaction(conn, |conn| match subject_of_link(conn, token)? {
        None => Ok(Err(ErasureRefused::Gone)),
        Some(subject) => erase_subject(conn, &subject, choice, None),
    })?;
    if outcome.is_ok() {
        settle_erasure(conn, &TOUCHED)?;
    }
    Ok(outcome)
}

/// Erases everything tied to an address, for a person who asked staff by mail (`actor`).
pub fn erase(
    conn: &mut DbConnection,
    address: &str,
    choice: ErasureChoice,
    actor: Id,
) -> CoreResult<Result<Erased, ErasureRefused>> {
    let outcome = write_transaction(conn, |conn| {
        let subject = subject_of_address(conn, address)?;
        let held = !subject.responses.is_empty()
            || !subject.invitations.is_empty()
            || !subject.follows.is_empty()
            || !essaim_core::privacy::mails_to(conn, address)?.is_empty();
        if !held {
            return Ok(Err(ErasureRefused::Gone));
        }
        erase_subject(conn, &subject, choice, Some(actor))
    })?;
    if outcome.is_ok() {
        settle_erasure(conn, &TOUCHED)?;
    }
    Ok(outcome)
}

/// The consultations a subject's records belong to.
fn consultations_of(conn: &mut DbConnection, subject: &Subject, contributions: &[Id]) -> CoreResult<Vec<Id>> {
    let mut ids: Vec<Id> = contributions::table
        .filter(contributions::id.eq_any(contributions))
        .select(contributions::consultation_id)
        .distinct()
        .load(conn)?;
    let of_responses: Vec<Id> = responses::table
        .inner_join(questionnaires::table)
        .filter(responses::id.eq_any(&subject.responses))
        .select(questionnaires::consultation_id)
        .load(conn)?;
    for id in of_responses {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}

/// The names the person's records carry (organisation, author), for the audit log's scrub.
fn names_of(conn: &mut DbConnection, subject: &Subject, contributions: &[Id]) -> CoreResult<Vec<String>> {
    let mut names: Vec<String> = contributions::table
        .filter(contributions::id.eq_any(contributions))
        .select(contributions::author_name)
        .load::<Option<String>>(conn)?
        .into_iter()
        .flatten()
        .collect();
    let invited: Vec<String> = invitations::table
        .filter(invitations::id.eq_any(&subject.invitations))
        .select(invitations::organisation)
        .load(conn)?;
    names.extend(invited);
    for id in &subject.responses {
        let response = find_response(conn, *id)?;
        let definition = version(conn, response.version_id)?.parsed()?;
        let answers = response.stored().answers;
        if let Some(name) = Identity::of(&definition, &answers).name {
            names.push(name.to_owned());
        }
    }
    names.sort();
    names.dedup();
    Ok(names)
}

fn erase_subject(
    conn: &mut DbConnection,
    subject: &Subject,
    choice: ErasureChoice,
    actor: Option<Id>,
) -> CoreResult<Result<Erased, ErasureRefused>> {
    let contribution_ids = contributions_of(conn, subject)?;
    if choice == ErasureChoice::Delete {
        for consultation in consultations_of(conn, subject, &contribution_ids)? {
            if strategy_published(conn, consultation)? {
                return Ok(Err(ErasureRefused::Published));
            }
        }
    }
    let mut scrub: Vec<String> = names_of(conn, subject, &contribution_ids)?;
    scrub.extend(subject.address.clone());
    let mut erased = Erased::default();

    match choice {
        ErasureChoice::Anonymise => {
            for chunk in contribution_ids.chunks(500) {
                erased.anonymised += diesel::update(contributions::table.filter(contributions::id.eq_any(chunk)))
                    .set((
                        contributions::author_kind.eq(AuthorKind::Anonymous),
                        contributions::author_name.eq(None::<String>),
                        contributions::organisation_id.eq(None::<Id>),
                    ))
                    .execute(conn)?;
            }
        }
        ErasureChoice::Delete => {
            for chunk in contribution_ids.chunks(500) {
                // Their places in the synthesis, the questionnaire and the follows go by cascade.
                erased.deleted +=
                    diesel::delete(contributions::table.filter(contributions::id.eq_any(chunk))).execute(conn)?;
            }
            blank_audit_of(conn, "contribution", &contribution_ids)?;
        }
    }

    for id in &subject.responses {
        let response = find_response(conn, *id)?;
        if choice == ErasureChoice::Delete || response.status == ResponseStatus::Draft {
            // A draft counts nowhere: nothing to keep. Its links go by cascade.
            diesel::delete(responses::table.find(*id)).execute(conn)?;
        } else {
            let definition = version(conn, response.version_id)?.parsed()?;
            let mut stored = response.stored();
            // The identity block's name and registration number: what names the organisation.
            if let Some((_, question)) = definition
                .questions()
                .find(|(_, q)| matches!(q.kind, crate::questionnaire::definition::QuestionKind::Organisation))
            {
                stored.answers.0.remove(&format!("{}.nom", question.id));
                stored.answers.0.remove(&format!("{}.siret", question.id));
            }
            diesel::update(responses::table.find(*id))
                .set((
                    responses::answers.eq(serde_json::to_string(&stored).unwrap_or_else(|_| "{}".into())),
                    responses::email.eq(None::<String>),
                    responses::invitation_id.eq(None::<Id>),
                    responses::follow_id.eq(None::<Id>),
                    responses::submit_key.eq(None::<String>),
                ))
                .execute(conn)?;
            // Its resume links stop working.
            crate::questionnaire::links::revoke_links(conn, crate::questionnaire::links::LinkTarget::Resume(*id))?;
        }
        erased.responses += 1;
    }
    // Invitations and follows, with their links (cascade) and the follows' lists.
    for chunk in subject.invitations.chunks(500) {
        erased.invitations += diesel::delete(invitations::table.filter(invitations::id.eq_any(chunk))).execute(conn)?;
    }
    for chunk in subject.follows.chunks(500) {
        erased.follows += diesel::delete(follows::table.filter(follows::id.eq_any(chunk))).execute(conn)?;
    }
    if let (Some(address), true) = (&subject.address, subject.address_proven) {
        erased.mails = forget_address(conn, address)?.mails;
    }
    erased.audit_lines = scrub_audit_log(conn, &scrub)?;
    let proven = subject.address.as_deref().filter(|_| subject.address_proven);
    audit_erasure(
        conn,
        actor,
        proven,
        serde_json::json!({
            "asked_by": if actor.is_some() { "staff" } else { "person" },
            "choice": match choice { ErasureChoice::Anonymise => "anonymise", ErasureChoice::Delete => "delete" },
            "erased": erased,
        }),
    )?;
    Ok(Ok(erased))
}
