//! The e-mails of the questionnaire, in French, with a text part and an HTML part whose every
//! piece of respondent or staff text is escaped. They go through the core's outbox, in the
//! transaction of what causes them.

use essaim_core::db::DbConnection;
use essaim_core::domain::consultation::ConsultationFrame;
use essaim_core::mail::outbox::{enqueue_mail, OutgoingMail};
use essaim_core::CoreResult;
use essaim_documents::xml::escape;

use super::answers::{readable, Answers};
use super::definition::Definition;
use super::responses::SubmitContext;

/// A message being written: paragraphs and links, rendered to text and HTML alike.
#[derive(Default)]
pub struct Message {
    text: String,
    html: String,
}

impl Message {
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

    /// Queues the message.
    pub fn enqueue(self, conn: &mut DbConnection, topic: &str, recipient: &str, subject: &str) -> CoreResult<()> {
        let html = format!(
            "<!DOCTYPE html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\"><title>{}</title></head><body>\n{}</body></html>\n",
            escape(subject),
            self.html
        );
        enqueue_mail(
            conn,
            &OutgoingMail {
                topic: topic.into(),
                recipient: recipient.into(),
                subject: subject.into(),
                text: self.text,
                html: Some(html),
            },
        )?;
        Ok(())
    }
}

/// The address of a page of the platform.
pub fn url(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

/// The confirmation of a submitted response, with a copy of the answers and the follow link.
pub fn enqueue_confirmation(
    conn: &mut DbConnection,
    recipient: &str,
    (definition, frame): (&Definition, &ConsultationFrame),
    answers: &Answers,
    follow_token: Option<&str>,
    context: &SubmitContext<'_>,
) -> CoreResult<()> {
    let mut message = Message::default().paragraph("Bonjour,").paragraph(&format!(
        "Nous avons bien reçu votre réponse au questionnaire « {} ». Merci de votre participation.",
        definition.title
    ));
    if let Some(token) = follow_token {
        message = message
            .paragraph(
                "Vos réponses ouvertes deviennent des contributions à la stratégie. Ce lien vous montre où chacune en est : reçue, retenue, puis l'orientation qu'elle nourrit.",
            )
            .link("Suivre mes contributions", &url(context.base_url, &format!("/suivi/{token}")));
    }
    message = message.paragraph("Copie de vos réponses :");
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
    message
        .paragraph("Ce message vous est envoyé parce que vous avez répondu au questionnaire. Vous n'avez rien à faire de plus.")
        .enqueue(conn, "copie-reponses", recipient, &format!("Votre réponse : {}", definition.title))
}

/// A link to resume a draft, sent when a respondent asks for it.
pub fn enqueue_resume_link(
    conn: &mut DbConnection,
    recipient: &str,
    title: &str,
    token: &str,
    base_url: &str,
) -> CoreResult<()> {
    Message::default()
        .paragraph("Bonjour,")
        .paragraph(&format!(
            "Vos réponses au questionnaire « {title} » sont enregistrées. Ce lien vous permet de les reprendre là où vous en étiez, autant de fois que nécessaire, jusqu'à la clôture du questionnaire."
        ))
        .link("Reprendre mes réponses", &url(base_url, &format!("/questionnaire/reprendre/{token}")))
        .paragraph("Ne transférez pas ce message : le lien donne accès à vos réponses.")
        .enqueue(conn, "lien-reprise", recipient, &format!("Reprendre vos réponses : {title}"))
}

/// Fresh links to an address that lost its own, all in one mail: (questionnaire title, path).
pub fn enqueue_new_links(
    conn: &mut DbConnection,
    recipient: &str,
    links: &[(String, String)],
    base_url: &str,
) -> CoreResult<()> {
    let mut message = Message::default().paragraph("Bonjour,").paragraph(
        "Vous avez demandé de nouveaux liens vers vos réponses. Les anciens restent valables jusqu'à leur échéance.",
    );
    for (title, path) in links {
        message = message.link(&format!("Reprendre « {title} »"), &url(base_url, path));
    }
    message.paragraph("Ne transférez pas ce message : ces liens donnent accès à vos réponses.").enqueue(
        conn,
        "lien-reprise",
        recipient,
        "Vos liens vers le questionnaire",
    )
}
