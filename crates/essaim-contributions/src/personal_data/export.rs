//! The download of "Mes données": one JSON document, made in the request from the
//! [`Subject`] alone — never a stored file, never an id in an address — so no one else's
//! data can be served under it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::contribution::find_contribution;
use essaim_core::privacy::{mails_to, MailCopy};
use essaim_core::schema::{consultations, follows, invitations, questionnaires, themes};
use essaim_core::CoreResult;
use serde::Serialize;

use super::{contributions_of, Subject};
use crate::questionnaire::responses::find_response;

/// Everything Essaim holds about one person.
#[derive(Debug, Clone, Serialize)]
pub struct PersonalExport {
    /// What this file is.
    pub about: &'static str,
    /// When it was made (UTC).
    pub generated_at: NaiveDateTime,
    /// Their address, when one is known.
    pub email: Option<String>,
    /// Their questionnaire responses, answers included.
    pub responses: Vec<ResponseData>,
    /// The invitations sent to them.
    pub invitations: Vec<InvitationData>,
    /// What they follow.
    pub follows: Vec<FollowData>,
    /// Their contributions, as recorded.
    pub contributions: Vec<ContributionData>,
    /// The mails sent (or waiting) to their address, links masked. Listed only when the
    /// address is proven theirs (docs/personal-data.md).
    pub mails: Vec<MailCopy>,
}

/// One response.
#[derive(Debug, Clone, Serialize)]
pub struct ResponseData {
    /// Its consultation's short name.
    pub consultation: String,
    /// `draft` or `submitted`.
    pub status: String,
    /// The address given with it.
    pub email: Option<String>,
    /// Field → values.
    pub answers: std::collections::BTreeMap<String, Vec<String>>,
    /// Started.
    pub created_at: NaiveDateTime,
    /// Last saved.
    pub updated_at: NaiveDateTime,
    /// Sent.
    pub submitted_at: Option<NaiveDateTime>,
}

/// One invitation.
#[derive(Debug, Clone, Serialize)]
pub struct InvitationData {
    /// The organisation invited.
    pub organisation: String,
    /// The address it went to.
    pub email: String,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Mailed.
    pub sent_at: Option<NaiveDateTime>,
    /// Reminded.
    pub reminded_at: Option<NaiveDateTime>,
    /// First opened.
    pub opened_at: Option<NaiveDateTime>,
    /// Answered.
    pub submitted_at: Option<NaiveDateTime>,
}

/// One follow.
#[derive(Debug, Clone, Serialize)]
pub struct FollowData {
    /// Started.
    pub created_at: NaiveDateTime,
    /// The address its link went to.
    pub email: Option<String>,
}

/// One contribution.
#[derive(Debug, Clone, Serialize)]
pub struct ContributionData {
    /// Its consultation's short name.
    pub consultation: String,
    /// Its theme.
    pub theme: Option<String>,
    /// Constat, proposition…
    pub kind: String,
    /// How it came.
    pub channel: String,
    /// The text.
    pub body: String,
    /// Who speaks (`organisation`, `person`, `anonymous`…).
    pub author_kind: String,
    /// The name it was given under.
    pub author_name: Option<String>,
    /// Received.
    pub created_at: NaiveDateTime,
    /// Where moderation stands.
    pub moderation: String,
}

fn slug_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<String> {
    Ok(consultations::table.find(consultation).select(consultations::slug).first(conn)?)
}

/// The export of a subject.
pub fn export(conn: &mut DbConnection, subject: &Subject) -> CoreResult<PersonalExport> {
    let mut responses = Vec::new();
    for id in &subject.responses {
        let response = find_response(conn, *id)?;
        let consultation: Id = questionnaires::table
            .find(response.questionnaire_id)
            .select(questionnaires::consultation_id)
            .first(conn)?;
        responses.push(ResponseData {
            consultation: slug_of(conn, consultation)?,
            status: response.status.as_str().to_owned(),
            email: response.email.clone(),
            answers: response.stored().answers.0,
            created_at: response.created_at,
            updated_at: response.updated_at,
            submitted_at: response.submitted_at,
        });
    }
    type InvitationRow = (
        String,
        String,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    );
    let rows: Vec<InvitationRow> = invitations::table
        .filter(invitations::id.eq_any(&subject.invitations))
        .select((
            invitations::organisation,
            invitations::email,
            invitations::created_at,
            invitations::sent_at,
            invitations::reminded_at,
            invitations::opened_at,
            invitations::submitted_at,
        ))
        .load(conn)?;
    let invitations = rows
        .into_iter()
        .map(|(organisation, email, created_at, sent_at, reminded_at, opened_at, submitted_at)| InvitationData {
            organisation,
            email,
            created_at,
            sent_at,
            reminded_at,
            opened_at,
            submitted_at,
        })
        .collect();
    let follows = follows::table
        .filter(follows::id.eq_any(&subject.follows))
        .select((follows::created_at, follows::email))
        .load::<(NaiveDateTime, Option<String>)>(conn)?
        .into_iter()
        .map(|(created_at, email)| FollowData { created_at, email })
        .collect();
    let mut contributions = Vec::new();
    for id in contributions_of(conn, subject)? {
        let Some(c) = find_contribution(conn, id)? else { continue };
        let theme = match c.theme_id {
            Some(theme) => themes::table.find(theme).select(themes::title).first(conn).optional()?,
            None => None,
        };
        contributions.push(ContributionData {
            consultation: slug_of(conn, c.consultation_id)?,
            theme,
            kind: c.kind.as_str().to_owned(),
            channel: c.channel.as_str().to_owned(),
            body: c.body,
            author_kind: c.author_kind.as_str().to_owned(),
            author_name: c.author_name,
            created_at: c.created_at,
            moderation: c.moderation_status.label().to_owned(),
        });
    }
    contributions.sort_by_key(|c| c.created_at);
    let mails = match (&subject.address, subject.address_proven) {
        (Some(address), true) => mails_to(conn, address)?,
        _ => Vec::new(),
    };
    Ok(PersonalExport {
        about: "Les données qu'Essaim conserve sur vous (docs/personal-data.md). Les liens des courriels sont masqués.",
        generated_at: now(),
        email: subject.address.clone(),
        responses,
        invitations,
        follows,
        contributions,
        mails,
    })
}
