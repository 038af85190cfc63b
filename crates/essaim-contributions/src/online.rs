//! Online contributions, outside the questionnaire: anyone sends a contribution to one theme
//! through its public form. It is recorded through the core's one entry point
//! ([`record_contribution`], channel [`Channel::Online`], submitter [`Submitter::Public`]), so
//! it waits for a moderator (docs/moderation.md, docs/online-contributions.md).
//!
//! The form carries an idempotency key made when it was shown: a double click, a refresh or a
//! retry records one contribution and gets the same confirmation. With an e-mail address,
//! the contribution is followed ("Suivre mes contributions", [`start_follow`]) and a
//! confirmation with the follow link goes through the outbox, in the same transaction. The
//! address itself is not stored with the contribution.

use diesel::prelude::*;
use essaim_core::db::{write_transaction, DbConnection};
use essaim_core::domain::consultation::{frame_of, Consultation, Theme};
use essaim_core::domain::contribution::{
    find_by_idempotency_key, record_contribution, Contribution, ContributionForm, OrganisationField, Recorded,
    Submitter,
};
use essaim_core::domain::throttle::{count_anonymous, Anonymous};
use essaim_core::domain::Channel;
use essaim_core::mail::limits::{may_mail, Requester};
use essaim_core::mail::texts::{mail_context, MailKind};
use essaim_core::schema::follow_contributions;
use essaim_core::validation::Email;
use essaim_core::{CoreError, CoreResult};

use crate::questionnaire::follow::start_follow;
use crate::questionnaire::mail::{url, Message};

/// The public form as typed; every field a string, so that a refused page shows it back.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnlineForm {
    /// The kind's code (`constat`, `proposition`, `experience`, `question`).
    pub kind: String,
    /// The text.
    pub body: String,
    /// The organisation one speaks for (optional).
    pub organisation: String,
    /// The code of a territory of the consultation, e.g. `44` (optional).
    pub territory: String,
    /// Where to send the confirmation and the follow link (optional).
    pub email: String,
    /// The key made when the form was shown.
    pub idempotency_key: String,
}

/// A recorded online contribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Submitted {
    /// The contribution as stored (waiting for a moderator).
    pub contribution: Contribution,
    /// True when an earlier call with the same key stored it (nothing new was written).
    pub again: bool,
    /// True when it is followed, a confirmation having been e-mailed.
    pub followed: bool,
    /// True when an address was given but no mail was queued: too many mails to that address,
    /// or from that client, in the hour (`essaim_core::mail::limits`). The contribution is
    /// recorded all the same.
    pub mail_withheld: bool,
}

/// Checks the form (the core's [`ContributionForm`], plus the address) and records the contribution under `theme` (one of `consultation`'s).
/// Refusals are [`CoreError::Validation`], field by field in French (`kind`, `body`,
/// `organisation`, `territory`, `email`); a key already used for another text is a
/// [`CoreError::Conflict`]. `base_url` makes the follow link of the e-mail; `requester` is the
/// client the mails it triggers are counted against.
pub fn submit_online(
    conn: &mut DbConnection,
    consultation: &Consultation,
    theme: &Theme,
    form: &OnlineForm,
    base_url: &str,
    requester: &Requester,
) -> CoreResult<Submitted> {
    if theme.consultation_id != consultation.id {
        return Err(CoreError::NotFound("thème".into()));
    }
    let frame = frame_of(conn, consultation.id)?;
    let checked = ContributionForm {
        kind: &form.kind,
        body: &form.body,
        organisation: &form.organisation,
        territory: &form.territory,
        organisation_field: OrganisationField::Optional,
    }
    .parse(&frame);
    let mut errors = checked.as_ref().err().cloned().unwrap_or_default();
    let email = match form.email.trim() {
        "" => None,
        raw => match Email::parse(raw) {
            Ok(email) => Some(email),
            Err(message) => {
                errors.add("email", message);
                None
            }
        },
    };
    let checked = match checked {
        Ok(checked) if errors.is_empty() => checked,
        _ => return Err(CoreError::Validation(errors)),
    };

    let mut input = checked.into_new(consultation.id, Channel::Online, Submitter::Public).theme(theme.id);
    if !form.idempotency_key.trim().is_empty() {
        input = input.idempotency_key(form.idempotency_key.trim());
    }
    write_transaction(conn, |conn| {
        // Counted per client before the write, in its transaction (refused: nothing written).
        count_anonymous(conn, Anonymous::Contribution, &requester.0)?;
        match record_contribution(conn, input)? {
            Recorded::Again(contribution) => {
                let followed = is_followed(conn, &contribution)?;
                Ok(Submitted { contribution, again: true, followed, mail_withheld: false })
            }
            Recorded::New(contribution) => {
                let (followed, mail_withheld) = match &email {
                    // The follow link is only ever given by mail: no mail, no follow.
                    Some(email) if may_mail(conn, email.as_str(), requester)? => {
                        let (_, token) = start_follow(conn, &[contribution.id], Some(email.as_str()))?;
                        enqueue_confirmation(conn, email, consultation, theme, &contribution, &token, base_url)?;
                        (true, false)
                    }
                    Some(_) => (false, true),
                    None => (false, false),
                };
                Ok(Submitted { contribution, again: false, followed, mail_withheld })
            }
        }
    })
}

/// The online contribution sent under `key` to `theme`, for its confirmation page; none if
/// the key is unknown or was used elsewhere.
pub fn submitted_with_key(conn: &mut DbConnection, theme: &Theme, key: &str) -> CoreResult<Option<Submitted>> {
    let Some(contribution) = find_by_idempotency_key(conn, key.trim())? else { return Ok(None) };
    if contribution.theme_id != Some(theme.id) || contribution.channel != Channel::Online {
        return Ok(None);
    }
    let followed = is_followed(conn, &contribution)?;
    Ok(Some(Submitted { contribution, again: true, followed, mail_withheld: false }))
}

fn is_followed(conn: &mut DbConnection, contribution: &Contribution) -> CoreResult<bool> {
    let n: i64 = follow_contributions::table
        .filter(follow_contributions::contribution_id.eq(contribution.id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn enqueue_confirmation(
    conn: &mut DbConnection,
    email: &Email,
    consultation: &Consultation,
    theme: &Theme,
    contribution: &Contribution,
    follow_token: &str,
    base_url: &str,
) -> CoreResult<()> {
    let mail = mail_context(conn, consultation.id, MailKind::ContributionEnLigne)?;
    let values =
        mail.values().text("theme", theme.title.clone()).link("lien", url(base_url, &format!("/suivi/{follow_token}")));
    Message::from_rendered(mail.render(&values))
        .answer(&format!("Votre contribution ({})", contribution.kind.label()), &contribution.body)
        .enqueue(conn, MailKind::ContributionEnLigne, email.as_str(), &mail.sender)
}
