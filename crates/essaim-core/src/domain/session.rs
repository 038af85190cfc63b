//! Server-side sessions and the login rules (throttling, same answer for every failure).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::clock::now;
use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::account::{find_account, find_account_by_email, Account};
use crate::domain::audit::{record, AuditEvent};
use crate::error::{CoreError, CoreResult};
use crate::schema::{accounts, login_failures, sessions};
use crate::security::{decoy_hash, hash_token, random_token, verify_password};

/// A session ends after this long without a request.
pub const SESSION_IDLE_TIMEOUT: Duration = Duration::hours(2);
/// A session ends this long after login, whatever happens.
pub const SESSION_ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Failed logins are counted over this window…
pub const LOGIN_FAILURE_WINDOW: Duration = Duration::minutes(15);
/// …and once this many have failed (per account or per address), further attempts get 429.
pub const LOGIN_FAILURE_LIMIT: i64 = 10;
/// `last_seen_at` is written at most this often, so that reading a page rarely writes.
const TOUCH_INTERVAL: Duration = Duration::minutes(1);

/// A live session.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = sessions)]
pub struct Session {
    /// Identifier.
    pub id: Id,
    /// SHA-256 of the cookie's token.
    pub token_hash: String,
    /// Whose session.
    pub account_id: Id,
    /// Login time.
    pub created_at: NaiveDateTime,
    /// Last request.
    pub last_seen_at: NaiveDateTime,
    /// Absolute end.
    pub expires_at: NaiveDateTime,
}

/// Why a login was refused.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// Unknown e-mail, wrong password or disabled account: one answer for all.
    #[error("identifiants incorrects")]
    InvalidCredentials,
    /// Too many failures recently.
    #[error("trop de tentatives")]
    Throttled,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] CoreError),
}

impl From<diesel::result::Error> for LoginError {
    fn from(e: diesel::result::Error) -> Self {
        LoginError::Store(CoreError::Query(e))
    }
}

/// The key under which failures of one account are counted: a hash, so the table holds no e-mail.
fn account_key(email: &str) -> String {
    hash_token(&email.trim().to_lowercase())
}

/// Checks e-mail and password, counting failures per account and per client address.
///
/// The attempt is written as a failure *before* the password is checked and removed on
/// success: parallel attempts all count, so a burst cannot slip more guesses past the limit.
pub fn authenticate(conn: &mut DbConnection, email: &str, password: &str, ip: &str) -> Result<Account, LoginError> {
    let key = account_key(email);
    let attempt = Id::new();
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(attempt),
            login_failures::account_key.eq(&key),
            login_failures::ip.eq(ip),
            login_failures::occurred_at.eq(now()),
        ))
        .execute(conn)?;
    let since = now() - LOGIN_FAILURE_WINDOW;
    let by_account: i64 = login_failures::table
        .filter(login_failures::account_key.eq(&key))
        .filter(login_failures::occurred_at.gt(since))
        .count()
        .get_result(conn)?;
    let by_ip: i64 = login_failures::table
        .filter(login_failures::ip.eq(ip))
        .filter(login_failures::occurred_at.gt(since))
        .count()
        .get_result(conn)?;
    // This attempt is in the counts: more than the limit means the limit was already reached.
    if by_account > LOGIN_FAILURE_LIMIT || by_ip > LOGIN_FAILURE_LIMIT {
        return Err(LoginError::Throttled);
    }

    let account = find_account_by_email(conn, email)?;
    // Always run one argon2 verification, so timing does not tell whether the e-mail exists.
    let stored = account.as_ref().and_then(|a| a.password_hash.clone()).unwrap_or_else(|| decoy_hash().to_owned());
    let password_ok = verify_password(password, &stored);
    match account {
        Some(account) if password_ok && account.password_hash.is_some() && account.disabled_at.is_none() => {
            diesel::delete(login_failures::table.filter(login_failures::account_key.eq(&key))).execute(conn)?;
            diesel::update(accounts::table.find(account.id)).set(accounts::last_login_at.eq(now())).execute(conn)?;
            Ok(account)
        }
        _ => Err(LoginError::InvalidCredentials),
    }
}

/// Opens a session; returns the token for the cookie (only its hash is stored).
pub fn open_session(conn: &mut DbConnection, account: &Account) -> CoreResult<String> {
    let token = random_token();
    let at = now();
    let session = Session {
        id: Id::new(),
        token_hash: hash_token(&token),
        account_id: account.id,
        created_at: at,
        last_seen_at: at,
        expires_at: at + SESSION_ABSOLUTE_TIMEOUT,
    };
    write_transaction(conn, |conn| {
        diesel::insert_into(sessions::table).values(&session).execute(conn)?;
        // Expired sessions of anyone are swept at each login: cheap, and keeps the table small.
        diesel::delete(sessions::table.filter(sessions::expires_at.lt(at))).execute(conn)?;
        record(conn, AuditEvent::new(Some(account.id), "session.login", "account", Some(account.id.to_string())))
    })?;
    Ok(token)
}

/// The account behind a session token, if the session is still valid; refreshes its idle clock.
pub fn resume_session(conn: &mut DbConnection, token: &str) -> CoreResult<Option<(Session, Account)>> {
    let found = sessions::table
        .filter(sessions::token_hash.eq(hash_token(token)))
        .select(Session::as_select())
        .first(conn)
        .optional()?;
    let Some(session) = found else { return Ok(None) };
    let at = now();
    if at >= session.expires_at || at - session.last_seen_at >= SESSION_IDLE_TIMEOUT {
        diesel::delete(sessions::table.find(session.id)).execute(conn)?;
        return Ok(None);
    }
    let Some(account) = find_account(conn, session.account_id)? else { return Ok(None) };
    if account.disabled_at.is_some() {
        return Ok(None);
    }
    if at - session.last_seen_at >= TOUCH_INTERVAL {
        diesel::update(sessions::table.find(session.id)).set(sessions::last_seen_at.eq(at)).execute(conn)?;
    }
    Ok(Some((session, account)))
}

/// Ends a session (logout). Unknown tokens are ignored.
pub fn close_session(conn: &mut DbConnection, token: &str) -> CoreResult<()> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(hash_token(token)))).execute(conn)?;
    Ok(())
}
