//! Settings of the installation, shared by every process on the database. Today: its public
//! address, which links in mails need. `essaim serve` keeps the address it serves at; a command
//! run beside it (`essaim invitations send`) reads it there instead of guessing
//! `http://127.0.0.1:8080`, and refuses to queue mails when no address is known.

use diesel::prelude::*;

use crate::db::{write_transaction, DbConnection};
use crate::error::{CoreError, CoreResult};
use crate::schema::installation_settings;

const PUBLIC_ADDRESS: &str = "public_address";

/// Checks a public address: `http://` or `https://`, a host, no query nor fragment; returned
/// without its trailing slash.
pub fn check_public_address(raw: &str) -> Result<String, String> {
    let refused = || {
        format!("« {raw} » n'est pas une adresse publique : écrivez-la comme https://consultation.region.fr (http ou https, sans ? ni #).")
    };
    let parsed = url::Url::parse(raw.trim()).map_err(|_| refused())?;
    let fine = matches!(parsed.scheme(), "http" | "https")
        && parsed.host_str().is_some_and(|h| !h.is_empty())
        && parsed.query().is_none()
        && parsed.fragment().is_none()
        && parsed.username().is_empty()
        && parsed.password().is_none();
    if !fine {
        return Err(refused());
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

/// Keeps the installation's public address.
pub fn set_public_address(conn: &mut DbConnection, raw: &str) -> CoreResult<String> {
    let address = check_public_address(raw).map_err(|m| CoreError::invalid("public_address", m))?;
    write_transaction(conn, |conn| {
        diesel::delete(installation_settings::table.find(PUBLIC_ADDRESS)).execute(conn)?;
        diesel::insert_into(installation_settings::table)
            .values((
                installation_settings::name.eq(PUBLIC_ADDRESS),
                installation_settings::value.eq(&address),
                installation_settings::updated_at.eq(crate::clock::now()),
            ))
            .execute(conn)?;
        Ok(address.clone())
    })
}

/// The installation's public address, if one was kept.
pub fn public_address(conn: &mut DbConnection) -> CoreResult<Option<String>> {
    Ok(installation_settings::table.find(PUBLIC_ADDRESS).select(installation_settings::value).first(conn).optional()?)
}

/// The address links in mails are made with, outside a server: the one given for this run
/// (`ESSAIM_BASE_URL`), else the installation's; without either, mails are not queued.
pub fn address_for_mail(conn: &mut DbConnection, given: Option<&str>) -> CoreResult<String> {
    if let Some(given) = given.map(str::trim).filter(|g| !g.is_empty()) {
        return check_public_address(given).map_err(|m| CoreError::invalid("ESSAIM_BASE_URL", m));
    }
    public_address(conn)?.ok_or_else(|| {
        CoreError::Config(
            "aucune adresse publique connue pour les liens des courriels : lancez une fois `essaim serve` avec ESSAIM_BASE_URL, ou donnez-la par `essaim public-address https://…`"
                .into(),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_address_is_kept_once_checked_and_given_to_mails() {
        let db = crate::testing::TestDb::new();
        let mut conn = db.conn();
        assert!(matches!(address_for_mail(&mut conn, None), Err(CoreError::Config(_))), "no address, no mail");
        assert!(set_public_address(&mut conn, "ftp://exemple.fr").is_err());
        assert!(set_public_address(&mut conn, "https://exemple.fr/?a=1").is_err());
        assert!(set_public_address(&mut conn, "consultation.region.fr").is_err());
        assert_eq!(
            set_public_address(&mut conn, "https://consultation.region.fr/").unwrap(),
            "https://consultation.region.fr"
        );
        set_public_address(&mut conn, "https://essaim.bretagne.bzh/").unwrap();
        assert_eq!(address_for_mail(&mut conn, None).unwrap(), "https://essaim.bretagne.bzh", "the last one kept");
        assert_eq!(address_for_mail(&mut conn, Some("http://127.0.0.1:9000")).unwrap(), "http://127.0.0.1:9000");
        assert!(address_for_mail(&mut conn, Some("pas une adresse")).is_err());
    }
}
