//! The mail texts in a consultation's set-up file (`mails`, docs/consultation-json.md): only
//! the texts the consultation changed, by kind; on import, each checked as the edit page checks
//! it, refusals naming `mails.invitation.body`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::db::DbConnection;
use crate::db::Id;
use crate::error::{CoreError, CoreResult, ValidationErrors};

use super::render::check_text;
use super::store::{save_text, texts_of};
use super::{MailKind, MailText};

/// A mail's own text in the set-up file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MailTextSetup {
    /// The subject line, with placeholders such as `{questionnaire}`.
    pub subject: String,
    /// The body: paragraphs separated by blank lines, with placeholders such as `{lien}`
    /// (docs/mails.md lists each kind's).
    pub body: String,
}

/// The texts a consultation changed, by kind's code.
pub fn export_mails(conn: &mut DbConnection, consultation: Id) -> CoreResult<BTreeMap<String, MailTextSetup>> {
    Ok(texts_of(conn, consultation)?
        .into_iter()
        .filter(|t| t.customised)
        .map(|t| (t.kind.code().to_owned(), MailTextSetup { subject: t.text.subject, body: t.text.body }))
        .collect())
}

/// Checks the `mails` of a file, adding each refusal to `errors` (`mails.relance.subject`,
/// `mails.inconnu` for a kind that does not exist).
pub fn check_mails(mails: &BTreeMap<String, MailTextSetup>, errors: &mut ValidationErrors) {
    for (code, setup) in mails {
        let Some(kind) = MailKind::parse(code) else {
            let known = MailKind::ALL.iter().map(|k| k.code()).collect::<Vec<_>>().join(", ");
            errors
                .add(&format!("mails.{code}"), format!("Courriel « {code} » inconnu ; courriels possibles : {known}."));
            continue;
        };
        let text = MailText { subject: setup.subject.clone(), body: setup.body.clone() };
        if let Err(refused) = check_text(kind, &text) {
            for e in refused.0 {
                errors.add(&format!("mails.{code}.{}", e.field), e.message);
            }
        }
    }
}

/// Writes the `mails` of a file (checked by [`check_mails`]) for a consultation just created,
/// inside the import's transaction.
pub fn import_mails(
    conn: &mut DbConnection,
    consultation: Id,
    mails: &BTreeMap<String, MailTextSetup>,
) -> CoreResult<()> {
    for (code, setup) in mails {
        if let Some(kind) = MailKind::parse(code) {
            let text = MailText { subject: setup.subject.clone(), body: setup.body.clone() };
            save_text(conn, consultation, kind, &text, None).map_err(|e| match e {
                CoreError::Validation(refused) => CoreError::Validation(ValidationErrors(
                    refused
                        .0
                        .into_iter()
                        .map(|mut f| {
                            f.field = format!("mails.{code}.{}", f.field);
                            f
                        })
                        .collect(),
                )),
                other => other,
            })?;
        }
    }
    Ok(())
}
