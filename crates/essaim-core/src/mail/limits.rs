//! Mails that anonymous actions trigger (a contribution's confirmation, a resume link, fresh
//! links) are limited, so that nobody can make the platform mail an address again and again:
//! at most [`PER_RECIPIENT`] to one address and [`PER_CLIENT`] asked by one client in an hour.
//! Both are counted by the core's throttle; the address is known there only by its keyed
//! pseudonym, the client by its address pseudonym. What the action recorded is kept either
//! way: only the mail is withheld, and the page says so (docs/security.md).

use crate::db::DbConnection;
use crate::domain::throttle::{hit, throttle_key, Limit};
use crate::error::CoreResult;
use crate::security::pseudonym_of;

/// Mails to one address in an hour, whoever asks.
pub const PER_RECIPIENT: Limit = Limit { max: 3, window_secs: 3600 };

/// Mails one client may trigger in an hour, to any addresses. A conference's guests share
/// one address: high enough for a room, low enough to stop a script.
pub const PER_CLIENT: Limit = Limit { max: 20, window_secs: 3600 };

/// The client an anonymous action came from, as its address pseudonym
/// (`AddressPseudonyms::of`), never its address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester(pub String);

/// Counts one mail to `recipient` asked by `requester`, and says whether it may be queued.
/// Both counters count every attempt, refused ones too.
pub fn may_mail(conn: &mut DbConnection, recipient: &str, requester: &Requester) -> CoreResult<bool> {
    let address = pseudonym_of(conn, &format!("courriel:{}", recipient.trim().to_lowercase()))?;
    let to = hit(conn, &throttle_key("mail-to", &address), PER_RECIPIENT)?.allowed();
    let by = hit(conn, &throttle_key("mail-by", &requester.0), PER_CLIENT)?.allowed();
    Ok(to && by)
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::prelude::*;

    #[test]
    fn three_mails_an_hour_to_one_address_and_twenty_by_one_client() {
        let db = crate::testing::TestDb::new();
        let mut conn = db.conn();
        let (a, b) = (Requester("client-a".into()), Requester("client-b".into()));
        let sent: Vec<bool> = (0..5).map(|_| may_mail(&mut conn, "Victime@Exemple.fr", &a).unwrap()).collect();
        assert_eq!(sent, [true, true, true, false, false]);
        assert!(!may_mail(&mut conn, " victime@exemple.fr", &b).unwrap(), "another client, the same address");
        assert!(may_mail(&mut conn, "autre@exemple.fr", &b).unwrap(), "another address");
        let mut allowed = 0;
        for n in 0..30 {
            if may_mail(&mut conn, &format!("n{n}@exemple.fr"), &b).unwrap() {
                allowed += 1;
            }
        }
        assert_eq!(allowed, 18, "twenty an hour for one client, two of them asked above (a refused one counts)");
        let keys: Vec<String> =
            crate::schema::throttle_hits::table.select(crate::schema::throttle_hits::key).load(&mut conn).unwrap();
        assert!(keys.iter().all(|k| !k.contains("exemple")), "no address in the counters: {keys:?}");
    }
}
