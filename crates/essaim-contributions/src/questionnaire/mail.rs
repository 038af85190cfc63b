//! The e-mails of the questionnaire, in French, with a text part and an HTML part whose every
//! piece of respondent or staff text is escaped. Their editable part is the consultation's text
//! of each kind, or the default (`essaim_core::mail::texts`, docs/mails.md); what is not
//! editable (the copy of the answers) is appended after it. They go through the core's outbox,
//! in the transaction of what causes them, as the consultation's sender.

use chrono::NaiveDate;
use essaim_core::db::{DbConnection, Id};
use essaim_core::domain::consultation::ConsultationFrame;
use essaim_core::mail::outbox::{enqueue_mail_from, OutgoingMail};
use essaim_core::mail::texts::{french_date, mail_context, MailContext, MailKind, Rendered, Sender};
use essaim_core::CoreResult;
use essaim_documents::xml::escape;

use super::answers::{readable, Answers};
use super::definition::Definition;
use super::responses::SubmitContext;

/// A message being written: the rendered editable text, then paragraphs and links, rendered
/// to text and HTML alike.
#[derive(Default)]
pub struct Message {
    subject: String,
    text: String,
    html: String,
}

impl Message {
    /// A message that starts with a text of the consultation (its subject, its paragraphs).
    pub fn from_rendered(rendered: Rendered) -> Self {
        Message { subject: rendered.subject, text: rendered.text, html: rendered.html }
    }

    /// A paragraph.
    pub fn paragraph(mut self, text: &str) -> Self {
        self.text.push_str(text);
        self.text.push_str("\n\n");
        self.html.push_str(&format!("<p>{}</p>\n", escape(text).replace('\n', "<br>")));
        self
    }

    /// A link, shown whole in the text part.
    pub fn link(mut self, label: &str, url: &str) -> Self {
        self.text.push_str(&format!("{label} :\n{url}\n\n"));
        self.html.push_str(&format!("<p><a href=\"{}\">{}</a></p>\n", escape(url), escape(label)));
        self
    }

    /// A label and its answer.
    pub fn answer(mut self, label: &str, answer: &str) -> Self {
        self.text.push_str(&format!("{label}\n  {}\n\n", answer.replace('\n', "\n  ")));
        self.html.push_str(&format!(
            "<p><strong>{}</strong><br>{}</p>\n",
            escape(label),
            escape(answer).replace('\n', "<br>")
        ));
        self
    }

    /// Queues the message, as `sender`, under its kind's code.
    pub fn enqueue(self, conn: &mut DbConnection, kind: MailKind, recipient: &str, sender: &Sender) -> CoreResult<()> {
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n{}</body></html>\n",
            escape(&self.subject),
            self.html
        );
        enqueue_mail_from(
            conn,
            &OutgoingMail {
                topic: kind.code().into(),
                recipient: recipient.into(),
                subject: self.subject,
                text: self.text,
                html: Some(html),
            },
            sender,
        )?;
        Ok(())
    }
}

/// The address of a page of the platform.
pub fn url(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

/// A closing date as the mails write it (« 15 mars 2027 »).
pub fn closing_value(date: Option<NaiveDate>) -> Option<String> {
    date.map(french_date)
}

/// The confirmation of a submitted response, with the follow link and a copy of the answers.
pub fn enqueue_confirmation(
    conn: &mut DbConnection,
    (consultation, recipient): (Id, &str),
    (definition, frame): (&Definition, &ConsultationFrame),
    answers: &Answers,
    follow_token: Option<&str>,
    context: &SubmitContext<'_>,
) -> CoreResult<()> {
    let mail = mail_context(conn, consultation, MailKind::CopieReponses)?;
    let mut values = mail.values().text("questionnaire", definition.title.clone());
    if let Some(token) = follow_token {
        values = values.link("lien", url(context.base_url, &format!("/suivi/{token}")));
    }
    let mut message = Message::from_rendered(mail.render(&values)).paragraph("Copie de vos réponses :");
    for section in &definition.sections {
        let shown: Vec<(String, String)> = section
            .questions
            .iter()
            .filter(|q| answers.shows(q))
            .filter_map(|q| readable(q, frame, answers).map(|a| (q.label.clone(), a)))
            .collect();
        if shown.is_empty() {
            continue;
        }
        message = message.paragraph(&format!("— {} —", section.title));
        for (label, answer) in shown {
            message = message.answer(&label, &answer);
        }
    }
    message.enqueue(conn, MailKind::CopieReponses, recipient, &mail.sender)
}

/// A link to resume a draft, sent when a respondent asks for it.
pub fn enqueue_resume_link(
    conn: &mut DbConnection,
    (consultation, recipient): (Id, &str),
    title: &str,
    token: &str,
    base_url: &str,
) -> CoreResult<()> {
    let mail = mail_context(conn, consultation, MailKind::LienReprise)?;
    let closing = essaim_core::mail::texts::questionnaire_closing(conn, consultation)?;
    let values = mail
        .values()
        .text("questionnaire", title)
        .maybe_text("date_limite", closing_value(closing))
        .link("lien", url(base_url, &format!("/questionnaire/reprendre/{token}")));
    Message::from_rendered(mail.render(&values)).enqueue(conn, MailKind::LienReprise, recipient, &mail.sender)
}

/// Fresh links to an address that lost its own, all in one mail: (consultation, questionnaire
/// title, path). The consultation's text and sender when every link is of one consultation;
/// the default text and the installation's sender when they are of several.
pub fn enqueue_new_links(
    conn: &mut DbConnection,
    recipient: &str,
    links: &[(Id, String, String)],
    base_url: &str,
) -> CoreResult<()> {
    let mail = match links.first() {
        Some((first, _, _)) if links.iter().all(|(c, _, _)| c == first) => {
            mail_context(conn, *first, MailKind::NouveauxLiens)?
        }
        _ => MailContext::installation(MailKind::NouveauxLiens),
    };
    let values = mail.values().links(
        "liens",
        links.iter().map(|(_, title, path)| (format!("Reprendre « {title} »"), url(base_url, path))).collect(),
    );
    Message::from_rendered(mail.render(&values)).enqueue(conn, MailKind::NouveauxLiens, recipient, &mail.sender)
}
