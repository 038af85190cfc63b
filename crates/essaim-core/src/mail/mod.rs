//! Outgoing e-mail. Every message is first written to the `outbox` table in the same
//! transaction as what caused it ([`outbox::enqueue_mail`]); a worker then delivers it through
//! the [`Mailer`] — SMTP when `SMTP_URL` is set, otherwise `.eml` files in a folder — with
//! retries and backoff, and a message that keeps failing stays visible to staff.

pub mod limits;
pub mod outbox;
pub mod texts;

use std::path::PathBuf;

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{FileTransport, Message, SmtpTransport, Transport};

use crate::config::Config;
use crate::error::CoreError;

/// Where e-mails go.
#[derive(Clone)]
pub enum Mailer {
    /// A real SMTP server.
    Smtp(Box<SmtpTransport>),
    /// `.eml` files in a folder.
    Outbox(PathBuf),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The SMTP URL holds credentials: never print it.
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::Outbox(dir) => write!(f, "Mailer::Outbox({})", dir.display()),
        }
    }
}

impl Mailer {
    /// Builds the mailer the configuration asks for.
    pub fn from_config(config: &Config) -> Result<Self, CoreError> {
        match &config.smtp_url {
            Some(url) => SmtpTransport::from_url(url)
                .map(|b| Mailer::Smtp(Box::new(b.build())))
                .map_err(|_| CoreError::Config("SMTP_URL illisible (attendu : smtp://… ou smtps://…)".into())),
            None => Ok(Mailer::Outbox(config.outbox_dir.clone())),
        }
    }

    /// Sends a plain-text message (blocking: call from a worker thread).
    pub fn send_text(&self, from: &str, to: &str, subject: &str, body: &str) -> Result<(), CoreError> {
        self.send(from, to, subject, body, None)
    }

    /// Sends a message with its text part and, if given, an HTML alternative (blocking).
    pub fn send(&self, from: &str, to: &str, subject: &str, text: &str, html: Option<&str>) -> Result<(), CoreError> {
        let from: Mailbox = from.parse().map_err(|e| CoreError::Mail(format!("expéditeur : {e}")))?;
        let to: Mailbox = to.parse().map_err(|e| CoreError::Mail(format!("destinataire : {e}")))?;
        let builder = Message::builder().from(from).to(to).subject(subject);
        let message = match html {
            None => builder.header(ContentType::TEXT_PLAIN).body(text.to_owned()),
            Some(html) => builder.multipart(
                MultiPart::alternative()
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_PLAIN).body(text.to_owned()))
                    .singlepart(SinglePart::builder().header(ContentType::TEXT_HTML).body(html.to_owned())),
            ),
        }
        .map_err(|e| CoreError::Mail(e.to_string()))?;
        match self {
            Mailer::Smtp(transport) => transport.send(&message).map(|_| ()).map_err(|e| CoreError::Mail(e.to_string())),
            Mailer::Outbox(dir) => {
                std::fs::create_dir_all(dir)
                    .map_err(|e| CoreError::Mail(format!("dossier {} : {e}", dir.display())))?;
                FileTransport::new(dir).send(&message).map(|_| ()).map_err(|e| CoreError::Mail(e.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_smtp_messages_land_in_the_outbox() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::Outbox(dir.path().join("outbox"));
        mailer
            .send_text("Essaim <ne-pas-repondre@essaim.invalid>", "claire@exemple.fr", "Votre contribution", "Merci !")
            .unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox")).unwrap().collect();
        assert_eq!(files.len(), 1);
        let path = files[0].as_ref().unwrap().path();
        assert_eq!(path.extension().and_then(|e| e.to_str()), Some("eml"));
        let content = std::fs::read_to_string(path).unwrap();
        assert!(content.contains("To: claire@exemple.fr"));
        assert!(content.contains("Merci !"));
    }

    #[test]
    fn smtp_credentials_never_show_in_debug_output() {
        let mut config = Config::from_env().unwrap();
        config.smtp_url = Some("smtp://user:motdepasse-secret@127.0.0.1:2525".into());
        let mailer = Mailer::from_config(&config).unwrap();
        assert!(!format!("{mailer:?}").contains("motdepasse-secret"));
    }
}
