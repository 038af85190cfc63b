//! "Mes données": what Essaim holds about one person who has no account — a respondent, an
//! invited organisation's contact, someone who follows their contributions — downloaded, or
//! erased (docs/personal-data.md).
//!
//! A person is reached two ways, and each decides exactly what is theirs ([`Subject`]):
//!
//! - **by one of their links** (a follow link, an invitation link, a resume link): only the
//!   records that link opens — the response, its invitation, its follow, their contributions.
//!   The mails to the address are theirs only when the link proves the address: a follow or
//!   an invitation link was only ever mailed there, so whoever holds it reads that mailbox; a
//!   resume link was also shown in the address bar of whoever typed the address, who may have
//!   typed someone else's. Nothing is looked up by address from a link (a peer served one
//!   person's data download to another: CVE-2025-65017);
//! - **by staff, by address**, for a person who asked by mail: everything tied to the address.
//!
//! Export and erasure read the same [`Subject`]: what is downloaded is what is erased.

mod erase;
mod export;

pub use erase::{erase, erase_link, Erased, ErasureChoice, ErasureRefused};
pub use export::{export, PersonalExport};

use diesel::prelude::*;
use essaim_core::db::{DbConnection, Id};
use essaim_core::privacy::{lower, lower_opt, normalised};
use essaim_core::schema::{follow_contributions, follows, invitations, response_contributions, responses};
use essaim_core::CoreResult;

use crate::questionnaire::links::{open_link, LinkTarget};
use crate::questionnaire::responses::{find_response, ResponseStatus};
use crate::questionnaire::store::version;

/// Exactly what belongs to one person.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Subject {
    /// Their questionnaire responses.
    pub responses: Vec<Id>,
    /// The invitations sent to them.
    pub invitations: Vec<Id>,
    /// What they follow.
    pub follows: Vec<Id>,
    /// Their address, when one is known.
    pub address: Option<String>,
    /// The address is proven theirs: the mails to it, and its counters, are theirs too.
    pub address_proven: bool,
}

impl Subject {
    /// Nothing is held.
    pub fn is_empty(&self) -> bool {
        self.responses.is_empty() && self.invitations.is_empty() && self.follows.is_empty() && self.address.is_none()
    }
}

/// Whether a response was sent in an anonymous questionnaire: nothing may tie it back to a
/// person, so no link of theirs reads it.
fn sent_anonymously(conn: &mut DbConnection, response: Id) -> CoreResult<bool> {
    let response = find_response(conn, response)?;
    Ok(response.status == ResponseStatus::Submitted && version(conn, response.version_id)?.parsed()?.anonymous)
}

/// The person one of their links stands for; `None` when the link opens nothing (unknown,
/// expired, revoked, already erased, or a sent anonymous response's).
pub fn subject_of_link(conn: &mut DbConnection, token: &str) -> CoreResult<Option<Subject>> {
    let mut subject = Subject::default();
    match open_link(conn, token)? {
        Err(_) => return Ok(None),
        Ok(LinkTarget::Follow(follow)) => {
            let row: Option<(Option<chrono::NaiveDateTime>, Option<String>)> =
                follows::table.find(follow).select((follows::revoked_at, follows::email)).first(conn).optional()?;
            let Some((None, email)) = row else { return Ok(None) };
            subject.follows.push(follow);
            subject.address = email.map(|e| normalised(&e));
            subject.address_proven = true;
            let listed: Vec<Id> =
                responses::table.filter(responses::follow_id.eq(follow)).select(responses::id).load(conn)?;
            for response in listed {
                if !sent_anonymously(conn, response)? {
                    subject.responses.push(response);
                }
            }
        }
        Ok(LinkTarget::Invitation(invitation)) => {
            let email: Option<String> =
                invitations::table.find(invitation).select(invitations::email).first(conn).optional()?;
            let Some(email) = email else { return Ok(None) };
            subject.invitations.push(invitation);
            subject.address = Some(normalised(&email));
            subject.address_proven = true;
            // An anonymous response forgot its invitation at submission: not found here.
            let answered: Vec<(Id, Option<Id>)> = responses::table
                .filter(responses::invitation_id.eq(invitation))
                .select((responses::id, responses::follow_id))
                .load(conn)?;
            for (response, follow) in answered {
                subject.responses.push(response);
                subject.follows.extend(follow);
            }
        }
        Ok(LinkTarget::Resume(response)) => {
            if sent_anonymously(conn, response)? {
                return Ok(None);
            }
            let found = find_response(conn, response)?;
            subject.responses.push(response);
            subject.follows.extend(found.follow_id);
            subject.address = found.email.map(|e| normalised(&e));
            subject.address_proven = false;
        }
    }
    Ok(Some(subject))
}

/// Everything tied to an address (staff, for a person who asked by mail). Sent anonymous
/// responses have forgotten their address: they are not found, by design.
pub fn subject_of_address(conn: &mut DbConnection, address: &str) -> CoreResult<Subject> {
    let address = normalised(address);
    let mut subject = Subject { address: Some(address.clone()), address_proven: true, ..Subject::default() };
    subject.invitations =
        invitations::table.filter(lower(invitations::email).eq(&address)).select(invitations::id).load(conn)?;
    let by_address: Vec<(Id, Option<Id>)> = responses::table
        .filter(lower_opt(responses::email).eq(&address))
        .select((responses::id, responses::follow_id))
        .load(conn)?;
    let by_invitation: Vec<(Id, Option<Id>)> = responses::table
        .filter(responses::invitation_id.eq_any(&subject.invitations))
        .select((responses::id, responses::follow_id))
        .load(conn)?;
    for (response, follow) in by_address.into_iter().chain(by_invitation) {
        if !subject.responses.contains(&response) {
            subject.responses.push(response);
        }
        if let Some(follow) = follow.filter(|f| !subject.follows.contains(f)) {
            subject.follows.push(follow);
        }
    }
    let followed: Vec<Id> =
        follows::table.filter(lower_opt(follows::email).eq(&address)).select(follows::id).load(conn)?;
    for follow in followed {
        if !subject.follows.contains(&follow) {
            subject.follows.push(follow);
        }
    }
    Ok(subject)
}

/// The contributions of a subject: its responses' and those its follows list.
pub fn contributions_of(conn: &mut DbConnection, subject: &Subject) -> CoreResult<Vec<Id>> {
    let mut ids: Vec<Id> = response_contributions::table
        .filter(response_contributions::response_id.eq_any(&subject.responses))
        .select(response_contributions::contribution_id)
        .load(conn)?;
    let followed: Vec<Id> = follow_contributions::table
        .filter(follow_contributions::follow_id.eq_any(&subject.follows))
        .select(follow_contributions::contribution_id)
        .load(conn)?;
    for id in followed {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}
