//! `essaim publication publish|withdraw`: the rules are the synthesis' (`publication`); this
//! prints the outcome and words the refusals in French.

use essaim_core::db::DbConnection;
use essaim_synthesis::publication::{self, PublicationError};

fn refusal(slug: &str, error: PublicationError) -> String {
    match error {
        PublicationError::NotFound => format!("consultation « {slug} » introuvable"),
        PublicationError::Refused(message) => message,
        PublicationError::Store(e) => e.to_string(),
    }
}

/// Publishes the next version. Mails name the strategy's public address: the one given for
/// this run (`ESSAIM_BASE_URL`), else the installation's.
pub fn publish(conn: &mut DbConnection, slug: &str, given_base_url: Option<&str>) -> Result<String, String> {
    let base_url = match essaim_core::domain::installation::address_for_mail(conn, given_base_url) {
        Ok(url) => url,
        Err(e) => return Err(super::refusal_line(&e)),
    };
    let done = publication::publish(conn, slug, None, None, &base_url).map_err(|e| refusal(slug, e))?;
    let changes = done.publication.changes();
    Ok(format!(
        "Stratégie publiée : version {} ({} orientation(s)). {} {} contribution(s) retenue(s) par la règle de publication, {} courriel(s) mis en file.",
        done.publication.version,
        done.publication.snapshot().map(|s| s.orientation_count()).unwrap_or(0),
        changes.summary(),
        done.answered_by_rule,
        done.mails
    ))
}

/// Withdraws the current version.
pub fn withdraw(conn: &mut DbConnection, slug: &str) -> Result<String, String> {
    let done = publication::withdraw(conn, slug, None).map_err(|e| refusal(slug, e))?;
    Ok(format!("Stratégie retirée : la version {} n'est plus affichée au public.", done.version))
}
