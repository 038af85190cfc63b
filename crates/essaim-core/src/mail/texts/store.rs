//! A consultation's mail texts and sender, as stored: a row of `consultation_mail_texts` only
//! for a kind whose text was changed; `consultations.sender_name` / `sender_address`, empty
//! for the installation's.

use diesel::prelude::*;

use crate::clock::now;
use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::audit::{record, AuditEvent};
use crate::error::{CoreError, CoreResult, ValidationErrors};
use crate::schema::{consultation_mail_texts, consultations};

use super::render::{check_text, render, Rendered, Values};
use super::{MailKind, MailText};

/// Longest sender name, in characters.
pub const MAX_SENDER_NAME_CHARS: usize = 100;

/// A kind's text for a consultation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindText {
    /// The kind.
    pub kind: MailKind,
    /// Its text: the consultation's, or the default.
    pub text: MailText,
    /// True when the consultation has its own.
    pub customised: bool,
}

fn stored(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<(String, String, String)>> {
    Ok(consultation_mail_texts::table
        .filter(consultation_mail_texts::consultation_id.eq(consultation))
        .select((consultation_mail_texts::kind, consultation_mail_texts::subject, consultation_mail_texts::body))
        .load(conn)?)
}

/// Every kind's text for a consultation, in [`MailKind::ALL`]'s order.
pub fn texts_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Vec<KindText>> {
    let rows = stored(conn, consultation)?;
    Ok(MailKind::ALL
        .into_iter()
        .map(|kind| match rows.iter().find(|(code, _, _)| code == kind.code()) {
            Some((_, subject, body)) => {
                KindText { kind, text: MailText { subject: subject.clone(), body: body.clone() }, customised: true }
            }
            None => KindText { kind, text: kind.default_text(), customised: false },
        })
        .collect())
}

/// The text of `kind` for a consultation: its own, or the default.
pub fn text_for(conn: &mut DbConnection, consultation: Id, kind: MailKind) -> CoreResult<MailText> {
    let row: Option<(String, String)> = consultation_mail_texts::table
        .find((consultation, kind.code()))
        .select((consultation_mail_texts::subject, consultation_mail_texts::body))
        .first(conn)
        .optional()?;
    Ok(row.map_or_else(|| kind.default_text(), |(subject, body)| MailText { subject, body }))
}

/// Saves a consultation's text of `kind`, checked first: an unknown placeholder is a
/// [`CoreError::Validation`] naming `subject` or `body`, and nothing is written.
pub fn save_text(
    conn: &mut DbConnection,
    consultation: Id,
    kind: MailKind,
    text: &MailText,
    actor: Option<Id>,
) -> CoreResult<()> {
    let text =
        MailText { subject: text.subject.trim().to_owned(), body: text.body.replace("\r\n", "\n").trim().to_owned() };
    check_text(kind, &text).map_err(CoreError::Validation)?;
    write_transaction(conn, |conn| {
        diesel::delete(consultation_mail_texts::table.find((consultation, kind.code()))).execute(conn)?;
        diesel::insert_into(consultation_mail_texts::table)
            .values((
                consultation_mail_texts::consultation_id.eq(consultation),
                consultation_mail_texts::kind.eq(kind.code()),
                consultation_mail_texts::subject.eq(&text.subject),
                consultation_mail_texts::body.eq(&text.body),
                consultation_mail_texts::updated_at.eq(now()),
            ))
            .execute(conn)?;
        record(
            conn,
            AuditEvent::new(actor, "mail_text.save", "consultation", Some(consultation.to_string()))
                .with_details(serde_json::json!({ "kind": kind.code() })),
        )
    })
}

/// Goes back to the default text of `kind` for a consultation.
pub fn reset_text(conn: &mut DbConnection, consultation: Id, kind: MailKind, actor: Option<Id>) -> CoreResult<()> {
    write_transaction(conn, |conn| {
        diesel::delete(consultation_mail_texts::table.find((consultation, kind.code()))).execute(conn)?;
        record(
            conn,
            AuditEvent::new(actor, "mail_text.reset", "consultation", Some(consultation.to_string()))
                .with_details(serde_json::json!({ "kind": kind.code() })),
        )
    })
}

/// Who a consultation's mails come from; an empty part is the installation's (`ESSAIM_FROM`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sender {
    /// The name shown, e.g. « Région Bretagne — Stratégie ESS ».
    pub name: String,
    /// The address, e.g. `ess@region.bzh`.
    pub address: String,
}

impl Sender {
    /// The name, if set.
    pub fn name(&self) -> Option<&str> {
        Some(self.name.trim()).filter(|n| !n.is_empty())
    }

    /// The address, if set.
    pub fn address(&self) -> Option<&str> {
        Some(self.address.trim()).filter(|a| !a.is_empty())
    }

    /// The `From` of a message: this sender's parts over `default`'s (a mailbox as
    /// `Name <address>`); `default` itself when it does not read.
    pub fn mailbox_over(&self, default: &str) -> String {
        use lettre::message::Mailbox;
        let Ok(base) = default.parse::<Mailbox>() else { return default.to_owned() };
        let email = match self.address().map(str::parse::<lettre::Address>) {
            Some(Ok(address)) => address,
            _ => base.email,
        };
        let name = self.name().map(str::to_owned).or(base.name);
        Mailbox::new(name, email).to_string()
    }
}

/// Checks a sender as typed: the address must read as one (lettre's parser, what the mail
/// worker uses), the name fit on a line. Refusals name `sender_name` or `sender_address`.
pub fn check_sender(sender: &Sender) -> Result<Sender, ValidationErrors> {
    let mut errors = ValidationErrors::default();
    let name = sender.name.trim().to_owned();
    let address = sender.address.trim().to_owned();
    if name.chars().count() > MAX_SENDER_NAME_CHARS {
        errors.add("sender_name", format!("Le nom de l'expéditeur fait au plus {MAX_SENDER_NAME_CHARS} caractères."));
    } else if name.chars().any(char::is_control) {
        errors.add("sender_name", "Le nom de l'expéditeur tient sur une ligne.");
    }
    if !address.is_empty() && address.parse::<lettre::Address>().is_err() {
        errors.add(
            "sender_address",
            format!("« {address} » n'est pas une adresse de courriel valable (par exemple ess@region.bzh)."),
        );
    }
    if errors.is_empty() {
        Ok(Sender { name, address })
    } else {
        Err(errors)
    }
}

/// A consultation's sender (empty parts: the installation's).
pub fn sender_of(conn: &mut DbConnection, consultation: Id) -> CoreResult<Sender> {
    let (name, address): (String, String) = consultations::table
        .find(consultation)
        .select((consultations::sender_name, consultations::sender_address))
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("consultation".into()))?;
    Ok(Sender { name, address })
}

/// Sets a consultation's sender, checked first (nothing written when refused).
pub fn set_sender(conn: &mut DbConnection, consultation: Id, sender: &Sender, actor: Option<Id>) -> CoreResult<Sender> {
    let sender = check_sender(sender).map_err(CoreError::Validation)?;
    write_transaction(conn, |conn| {
        let changed = diesel::update(consultations::table.find(consultation))
            .set((consultations::sender_name.eq(&sender.name), consultations::sender_address.eq(&sender.address)))
            .execute(conn)?;
        if changed == 0 {
            return Err(CoreError::NotFound("consultation".into()));
        }
        record(
            conn,
            AuditEvent::new(actor, "mail_sender.set", "consultation", Some(consultation.to_string()))
                .with_details(serde_json::json!({ "name": sender.name, "address": sender.address })),
        )
    })?;
    Ok(sender)
}

/// What a mail of one kind needs of its consultation: its title and organisers (the
/// `{consultation}` and `{organisateurs}` of every kind), its text, its sender. Two queries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailContext {
    /// The kind.
    pub kind: MailKind,
    /// The consultation's title.
    pub title: String,
    /// Who runs it, as a sentence names them.
    pub organisers: String,
    /// The text: the consultation's or the default.
    pub text: MailText,
    /// The sender: the consultation's (empty parts: the installation's).
    pub sender: Sender,
}

impl MailContext {
    /// The default text and sender, outside any consultation (fresh links over several).
    pub fn installation(kind: MailKind) -> Self {
        MailContext {
            kind,
            title: String::new(),
            organisers: String::new(),
            text: kind.default_text(),
            sender: Sender::default(),
        }
    }

    /// The values every kind has: `{consultation}`, `{organisateurs}`.
    pub fn values(&self) -> Values {
        Values::default().text("consultation", self.title.clone()).text("organisateurs", self.organisers.clone())
    }

    /// The text rendered with `values`.
    pub fn render(&self, values: &Values) -> Rendered {
        render(&self.text, values)
    }
}

/// The context of a mail of `kind` for a consultation.
pub fn mail_context(conn: &mut DbConnection, consultation: Id, kind: MailKind) -> CoreResult<MailContext> {
    let (title, organisers, name, address): (String, String, String, String) = consultations::table
        .find(consultation)
        .select((
            consultations::title,
            consultations::organisers,
            consultations::sender_name,
            consultations::sender_address,
        ))
        .first(conn)
        .optional()?
        .ok_or_else(|| CoreError::NotFound("consultation".into()))?;
    let text = text_for(conn, consultation, kind)?;
    Ok(MailContext { kind, title, organisers, text, sender: Sender { name, address } })
}

/// The questionnaire's closing date, the `{date_limite}` of its mails: the last day of the
/// consultation's « questionnaire » phase, else the consultation's last day, else none.
pub fn questionnaire_closing(conn: &mut DbConnection, consultation: Id) -> CoreResult<Option<chrono::NaiveDate>> {
    use crate::domain::vocab::PhaseKind;
    let phase = crate::domain::consultation::phases_of(conn, consultation)?
        .into_iter()
        .filter(|p| p.kind == PhaseKind::Questionnaire)
        .find_map(|p| p.ends_on);
    if phase.is_some() {
        return Ok(phase);
    }
    Ok(consultations::table.find(consultation).select(consultations::ends_on).first(conn).optional()?.flatten())
}
