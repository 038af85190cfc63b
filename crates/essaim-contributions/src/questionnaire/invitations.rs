//! Invitations: staff upload a list of organisations and addresses (CSV: `organisation`,
//! `email`, optional `territory`, like the contribution import); each gets a personal link by
//! e-mail through the outbox; reminders go to those who have not submitted, never more than
//! one per chosen interval.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use essaim_core::clock::now;
use essaim_core::db::{write_transaction, DbConnection, Id};
use essaim_core::domain::audit::{record, AuditEvent};
use essaim_core::domain::consultation::territories_of;
use essaim_core::domain::consultation::Consultation;
use essaim_core::domain::contribution::OrganisationName;
use essaim_core::schema::invitations;
use essaim_core::tabular::read_csv;
use essaim_core::validation::Email;
use essaim_core::{CoreError, CoreResult};

use super::links::{create_link, LinkTarget};
use essaim_core::mail::texts::{mail_context, questionnaire_closing, MailContext, MailKind};

use super::mail::{closing_value, url, Message};

/// The most invitations one file may hold.
pub const MAX_INVITATIONS: usize = 20_000;

/// An invitation, as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = invitations)]
pub struct Invitation {
    /// Identifier.
    pub id: Id,
    /// Its questionnaire.
    pub questionnaire_id: Id,
    /// The organisation invited.
    pub organisation: String,
    /// Where its link goes.
    pub email: String,
    /// Its département, if the file said.
    pub territory_id: Option<Id>,
    /// Added.
    pub created_at: NaiveDateTime,
    /// First e-mailed.
    pub sent_at: Option<NaiveDateTime>,
    /// Last reminded.
    pub reminded_at: Option<NaiveDateTime>,
    /// First opened.
    pub opened_at: Option<NaiveDateTime>,
    /// Submitted.
    pub submitted_at: Option<NaiveDateTime>,
}

/// One organisation of a file, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    /// Its name.
    pub organisation: String,
    /// Its address, normalised.
    pub email: String,
    /// Its département.
    pub territory_id: Option<Id>,
}

/// A file refused: each bad line with its number and reason. Nothing was imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InviteFileError {
    /// The file as a whole cannot be read.
    #[error("{0}")]
    File(String),
    /// Some lines are bad.
    #[error("{} ligne(s) refusée(s), rien n'a été importé", .0.len())]
    Lines(Vec<(usize, String)>),
}

/// Headers the organisation's column may have (lowercased), in English or French.
const ORGANISATION_HEADERS: &[&str] =
    &["organisation", "organization", "structure", "nom", "nom de la structure", "organisme"];
/// Headers of the address column.
const EMAIL_HEADERS: &[&str] =
    &["email", "e-mail", "courriel", "mail", "adresse", "adresse e-mail", "adresse électronique", "adresse mail"];
/// Headers of the territory column.
const TERRITORY_HEADERS: &[&str] = &["territory", "territoire", "département", "departement", "code"];

/// The invitees' table as typed or pasted: with a header line (English or French names, in any
/// order), or without one — columns copied from a spreadsheet, in the documented order
/// (organisation, email, then territory) — recognised by an address where a header would be.
/// Commas, semicolons or tabs (what a spreadsheet's copy gives).
fn read_invitees(text: &str) -> Result<essaim_core::tabular::CsvTable, String> {
    let table = read_csv(text)?;
    let named = |names: &[&str]| table.headers.iter().any(|h| names.contains(&h.as_str()));
    let headerless =
        !named(ORGANISATION_HEADERS) && !named(EMAIL_HEADERS) && table.headers.iter().any(|h| Email::parse(h).is_ok());
    if !headerless {
        return Ok(table);
    }
    let delimiter = char::from(essaim_core::tabular::sniff_delimiter(text)).to_string();
    let columns = ["organisation", "email", "territory"];
    let header = columns[..table.headers.len().clamp(2, 3)].join(&delimiter);
    let mut table = read_csv(&format!("{header}\n{text}"))?;
    // Lines are counted in what was pasted, not with the header put in front.
    for row in &mut table.rows {
        row.line -= 1;
    }
    for refused in &mut table.refused {
        refused.0 -= 1;
    }
    Ok(table)
}

/// Reads a file of invitees: every line checked, duplicates (same address) merged, nothing
/// kept if a line is bad.
pub fn parse_invitees(
    conn: &mut DbConnection,
    consultation: Id,
    text: &str,
) -> Result<Result<Vec<Invitee>, InviteFileError>, CoreError> {
    let table = match read_invitees(text) {
        Ok(table) => table,
        Err(message) => return Ok(Err(InviteFileError::File(message))),
    };
    let column = |names: &[&str]| table.headers.iter().position(|h| names.contains(&h.as_str()));
    let (Some(organisation), Some(email)) = (column(ORGANISATION_HEADERS), column(EMAIL_HEADERS)) else {
        return Ok(Err(InviteFileError::File(format!(
            "colonnes attendues : organisation, email (et en option territoire), ou ces colonnes dans cet ordre sans ligne d'en-tête ; trouvées : {}",
            table.headers.join(", ")
        ))));
    };
    let territory = column(TERRITORY_HEADERS);
    let territories = territories_of(conn, consultation)?;
    let mut errors: Vec<(usize, String)> = table.refused.clone();
    let mut by_email: BTreeMap<String, (usize, Invitee)> = BTreeMap::new();
    for row in &table.rows {
        let field = |i: usize| row.fields.get(i).map(|f| f.trim()).unwrap_or_default();
        let name = field(organisation);
        if name.is_empty() {
            errors.push((row.line, "le nom de l'organisation manque".into()));
            continue;
        }
        // The same name as everywhere else (the core's limit, one line).
        let name = match OrganisationName::parse(name) {
            Ok(name) => name.into_string(),
            Err(message) => {
                errors.push((row.line, message));
                continue;
            }
        };
        let address = match Email::parse(field(email)) {
            Ok(address) => address.as_str().to_owned(),
            Err(message) => {
                errors.push((row.line, format!("adresse « {} » : {message}", field(email))));
                continue;
            }
        };
        let territory_id = match territory.map(field).filter(|t| !t.is_empty()) {
            None => None,
            Some(code) => match territories.iter().find(|t| t.code == code || t.name.eq_ignore_ascii_case(code)) {
                Some(t) => Some(t.id),
                None => {
                    errors.push((row.line, format!("territoire « {code} » inconnu de la consultation")));
                    continue;
                }
            },
        };
        // The same address twice is one invitation: the first line's organisation is kept.
        by_email
            .entry(address.clone())
            .or_insert((row.line, Invitee { organisation: name, email: address, territory_id }));
    }
    if !errors.is_empty() {
        errors.sort();
        return Ok(Err(InviteFileError::Lines(errors)));
    }
    if by_email.len() > MAX_INVITATIONS {
        return Ok(Err(InviteFileError::File(format!(
            "{} invitations : au plus {MAX_INVITATIONS} par fichier",
            by_email.len()
        ))));
    }
    let mut invitees: Vec<(usize, Invitee)> = by_email.into_values().collect();
    invitees.sort_by_key(|(line, _)| *line);
    Ok(Ok(invitees.into_iter().map(|(_, i)| i).collect()))
}

/// What [`invite`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Invited {
    /// New invitations, e-mailed.
    pub sent: usize,
    /// Addresses already invited: left as they were (a reminder is a separate action).
    pub already: usize,
}

/// Invites these organisations: each new one gets its personal link by e-mail (enqueued in the
/// same transaction: an invitation is never recorded without its mail, nor mailed twice).
pub fn invite(
    conn: &mut DbConnection,
    questionnaire: Id,
    title: &str,
    invitees: &[Invitee],
    base_url: &str,
    actor: Option<Id>,
) -> CoreResult<Invited> {
    write_transaction(conn, |conn| {
        let consultation = consultation_of(conn, questionnaire)?;
        let mail = mail_context(conn, consultation.id, MailKind::Invitation)?;
        let closing = closing_value(questionnaire_closing(conn, consultation.id)?);
        let mut done = Invited::default();
        for invitee in invitees {
            let exists: i64 = invitations::table
                .filter(invitations::questionnaire_id.eq(questionnaire))
                .filter(invitations::email.eq(&invitee.email))
                .count()
                .get_result(conn)?;
            if exists > 0 {
                done.already += 1;
                continue;
            }
            let id = Id::new();
            let at = now();
            diesel::insert_into(invitations::table)
                .values((
                    invitations::id.eq(id),
                    invitations::questionnaire_id.eq(questionnaire),
                    invitations::organisation.eq(&invitee.organisation),
                    invitations::email.eq(&invitee.email),
                    invitations::territory_id.eq(invitee.territory_id),
                    invitations::created_at.eq(at),
                    invitations::sent_at.eq(at),
                ))
                .execute(conn)?;
            let token = create_link(conn, LinkTarget::Invitation(id), None)?;
            invitation_message(&mail, &invitee.organisation, (title, closing.clone()), &token, base_url).enqueue(
                conn,
                MailKind::Invitation,
                &invitee.email,
                &mail.sender,
            )?;
            done.sent += 1;
        }
        record(
            conn,
            AuditEvent::new(actor, "questionnaire.invite", "questionnaire", Some(questionnaire.to_string()))
                .with_details(serde_json::json!({ "sent": done.sent, "already": done.already })),
        )?;
        Ok(done)
    })
}

/// The consultation a questionnaire belongs to: its texts, organisers and sender make the invitations.
fn consultation_of(conn: &mut DbConnection, questionnaire: Id) -> CoreResult<Consultation> {
    let id = super::store::find_questionnaire(conn, questionnaire)?.consultation_id;
    essaim_core::domain::consultation::find_consultation_by_id(conn, id)
}

/// An invitation or a reminder (as `mail` says), rendered for one organisation.
fn invitation_message(
    mail: &MailContext,
    organisation: &str,
    (title, closing): (&str, Option<String>),
    token: &str,
    base_url: &str,
) -> Message {
    let values = mail
        .values()
        .text("organisation", organisation)
        .text("questionnaire", title)
        .maybe_text("date_limite", closing)
        .link("lien", url(base_url, &format!("/questionnaire/invitation/{token}")));
    Message::from_rendered(mail.render(&values))
}

/// Sends a reminder to each invited organisation that has not submitted, and was not
/// reminded (or invited) within `interval`. Returns how many were sent.
pub fn remind(
    conn: &mut DbConnection,
    questionnaire: Id,
    title: &str,
    interval: Duration,
    base_url: &str,
    actor: Option<Id>,
) -> CoreResult<usize> {
    write_transaction(conn, |conn| {
        let consultation = consultation_of(conn, questionnaire)?;
        let mail = mail_context(conn, consultation.id, MailKind::Relance)?;
        let closing = closing_value(questionnaire_closing(conn, consultation.id)?);
        let cutoff = now() - interval;
        let due: Vec<Invitation> = invitations::table
            .filter(invitations::questionnaire_id.eq(questionnaire))
            .filter(invitations::submitted_at.is_null())
            .filter(invitations::sent_at.le(cutoff))
            .filter(invitations::reminded_at.is_null().or(invitations::reminded_at.le(cutoff)))
            .select(Invitation::as_select())
            .load(conn)?;
        for invitation in &due {
            // A new link: the first one keeps working too.
            let token = create_link(conn, LinkTarget::Invitation(invitation.id), None)?;
            invitation_message(&mail, &invitation.organisation, (title, closing.clone()), &token, base_url).enqueue(
                conn,
                MailKind::Relance,
                &invitation.email,
                &mail.sender,
            )?;
            diesel::update(invitations::table.find(invitation.id))
                .set(invitations::reminded_at.eq(now()))
                .execute(conn)?;
        }
        record(
            conn,
            AuditEvent::new(actor, "questionnaire.remind", "questionnaire", Some(questionnaire.to_string()))
                .with_details(serde_json::json!({ "sent": due.len(), "interval_hours": interval.num_hours() })),
        )?;
        Ok(due.len())
    })
}

/// Every invitation of a questionnaire, in the order they were added.
pub fn invitations_of(conn: &mut DbConnection, questionnaire: Id) -> CoreResult<Vec<Invitation>> {
    Ok(invitations::table
        .filter(invitations::questionnaire_id.eq(questionnaire))
        .order(invitations::created_at.asc())
        .select(Invitation::as_select())
        .load(conn)?)
}

/// Why a list of invitees, or reminders, were not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InviteRefusal {
    /// The consultation has no questionnaire.
    NoQuestionnaire,
    /// Its questionnaire is not published yet: an invitation must lead to what people answer.
    NotPublished,
    /// The list does not hold (columns, or lines, named); nothing was sent.
    List(InviteFileError),
    /// A reminder interval under [`MIN_REMINDER_HOURS`].
    Interval,
}

impl std::fmt::Display for InviteRefusal {
    /// The refusal in French, as the page and the command say it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InviteRefusal::NoQuestionnaire => f.write_str("la consultation n'a pas de questionnaire"),
            InviteRefusal::NotPublished => f.write_str("publiez le questionnaire avant d'inviter"),
            InviteRefusal::List(InviteFileError::File(message)) => f.write_str(message),
            InviteRefusal::List(InviteFileError::Lines(errors)) => {
                write!(f, "{} ligne(s) refusée(s), rien n'a été envoyé", errors.len())?;
                for (line, reason) in errors.iter().take(50) {
                    write!(f, "\n  ligne {line} : {reason}")?;
                }
                Ok(())
            }
            InviteRefusal::Interval => {
                write!(f, "l'intervalle entre deux relances est d'au moins {MIN_REMINDER_HOURS} heure")
            }
        }
    }
}

/// The shortest interval between two mails to one organisation (reminders).
pub const MIN_REMINDER_HOURS: i64 = 1;

/// The consultation's published questionnaire and the title its mails give it.
fn published_questionnaire(
    conn: &mut DbConnection,
    consultation: Id,
) -> CoreResult<Result<(Id, String), InviteRefusal>> {
    let Some(questionnaire) = super::store::questionnaire_of(conn, consultation)? else {
        return Ok(Err(InviteRefusal::NoQuestionnaire));
    };
    let Some(version) = super::store::published_version(conn, questionnaire.id)? else {
        return Ok(Err(InviteRefusal::NotPublished));
    };
    Ok(Ok((questionnaire.id, version.parsed()?.title)))
}

/// Invites the organisations of a pasted list or a file, the rules the page and the command
/// share: the questionnaire published first, every line checked and nothing sent if one is
/// bad, one mail each through the outbox, all in one write transaction.
pub fn invite_list(
    conn: &mut DbConnection,
    consultation: Id,
    list: &str,
    base_url: &str,
    actor: Option<Id>,
) -> CoreResult<Result<Invited, InviteRefusal>> {
    write_transaction(conn, |conn| {
        let (questionnaire, title) = match published_questionnaire(conn, consultation)? {
            Ok(found) => found,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let invitees = match parse_invitees(conn, consultation, list)? {
            Ok(invitees) => invitees,
            Err(refusal) => return Ok(Err(InviteRefusal::List(refusal))),
        };
        Ok(Ok(invite(conn, questionnaire, &title, &invitees, base_url, actor)?))
    })
}

/// Reminds the invited organisations that have not answered, at most once per `hours`
/// (at least [`MIN_REMINDER_HOURS`]); returns how many reminders were queued.
pub fn remind_all(
    conn: &mut DbConnection,
    consultation: Id,
    hours: i64,
    base_url: &str,
    actor: Option<Id>,
) -> CoreResult<Result<usize, InviteRefusal>> {
    if hours < MIN_REMINDER_HOURS {
        return Ok(Err(InviteRefusal::Interval));
    }
    let (questionnaire, title) = match published_questionnaire(conn, consultation)? {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal)),
    };
    Ok(Ok(remind(conn, questionnaire, &title, Duration::hours(hours), base_url, actor)?))
}
