//! Server-side sessions and the login rules (throttling, same answer for every failure).

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::clock::now;
use crate::db::{write_transaction, DbConnection, Id};
use crate::domain::account::{find_account, find_account_by_email, Account};
use crate::domain::audit::{record, AuditEvent};
use crate::error::{CoreError, CoreResult};
use crate::schema::{accounts, login_failures, sessions};
use crate::security::{decoy_hash, hash_token, random_token, verify_password, verify_slots};

/// A session ends after this long without a request.
pub const SESSION_IDLE_TIMEOUT: Duration = Duration::hours(2);
/// A session ends this long after login, whatever happens.
pub const SESSION_ABSOLUTE_TIMEOUT: Duration = Duration::hours(12);
/// Failed logins are counted over this window; rows older than it are purged.
pub const LOGIN_FAILURE_WINDOW: Duration = Duration::minutes(15);
/// Failures allowed per (account, client address) in the window before that pair gets 429.
/// This is the limit that stops one attacker guessing one account; being per pair, it never
/// locks the owner out for failures made from other addresses.
pub const LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS: i64 = 10;
/// Failures allowed per client address, whatever the accounts, before that address gets 429:
/// stops one address spraying a common password over many accounts. Higher than the pair
/// limit because several people may share an address (a town hall behind one NAT).
pub const LOGIN_FAILURE_LIMIT_PER_ADDRESS: i64 = 30;
/// Failures allowed per account, whatever the addresses, before every address gets 429 for
/// it: the last resort against guessing spread over many addresses. Much higher than the
/// pair limit, so that an attacker needs many addresses and many failures to lock the owner
/// out, while 100 guesses per quarter hour still keep an online attack hopeless.
pub const LOGIN_FAILURE_LIMIT_PER_ACCOUNT: i64 = 100;
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
        LoginError::Store(CoreError::from(e))
    }
}

/// The key under which failures of one account are counted: a hash, so the table holds no e-mail.
fn account_key(email: &str) -> String {
    hash_token(&email.trim().to_lowercase())
}

/// A login under way, between [`begin_login`] and [`finish_login`]: what is needed to check
/// the password without a database connection. Opaque; it is counted as a failure until
/// [`finish_login`] is told the password was right.
pub struct LoginAttempt {
    /// The `login_failures` row written for this attempt.
    id: Id,
    /// [`account_key`] of the e-mail as typed.
    key: String,
    /// The client address as given.
    ip: String,
    /// The account, if the e-mail names one.
    account: Option<Account>,
    /// The account's hash, or the decoy when there is no account or no password.
    stored_hash: String,
}

impl std::fmt::Debug for LoginAttempt {
    // Neither the hash nor the account is shown: logs must not carry them.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginAttempt").field("id", &self.id).finish_non_exhaustive()
    }
}

/// Whether an account may log in at all, its password aside.
fn can_log_in(account: &Account) -> bool {
    account.password_hash.is_some() && account.disabled_at.is_none()
}

impl LoginAttempt {
    /// Checks the password: pure CPU (argon2), no connection, so that the pool is not held
    /// for the ~50–100 ms it takes. Waits for one of the [`verify_slots`] first, so that a
    /// flood of logins cannot run more verifications at once than the machine can afford.
    ///
    /// Always runs exactly one verification, against the decoy hash when the e-mail is
    /// unknown or the account has no password, so that timing does not tell them apart.
    /// False for a disabled account or one without password, whatever the password.
    pub fn verify(&self, password: &str) -> bool {
        let _slot = verify_slots().acquire();
        let password_ok = verify_password(password, &self.stored_hash);
        password_ok && self.account.as_ref().is_some_and(can_log_in)
    }
}

/// Deletes failures older than the window. Housekeeping only (counts already ignore old
/// rows), so a failure here — e.g. two purges deadlocking on PostgreSQL — must not fail the
/// login: it is logged and the next attempt purges instead.
fn purge_login_failures(conn: &mut DbConnection, before: NaiveDateTime) {
    if let Err(e) = diesel::delete(login_failures::table.filter(login_failures::occurred_at.lt(before))).execute(conn) {
        tracing::warn!(error = %e, "purge of old login failures failed");
    }
}

/// Whether any of the three limits is exceeded. The caller's own row is in the counts, so
/// "more than the limit" means the limit had already been reached before this attempt.
fn over_a_limit(conn: &mut DbConnection, key: &str, ip: &str, since: NaiveDateTime) -> QueryResult<bool> {
    let recent = || login_failures::table.filter(login_failures::occurred_at.gt(since));
    // Cheapest and most likely first: an attacker hammering one account from one address is
    // refused after one count.
    let by_pair: i64 = recent()
        .filter(login_failures::account_key.eq(key))
        .filter(login_failures::ip.eq(ip))
        .count()
        .get_result(conn)?;
    if by_pair > LOGIN_FAILURE_LIMIT_PER_ACCOUNT_AND_ADDRESS {
        return Ok(true);
    }
    let by_ip: i64 = recent().filter(login_failures::ip.eq(ip)).count().get_result(conn)?;
    if by_ip > LOGIN_FAILURE_LIMIT_PER_ADDRESS {
        return Ok(true);
    }
    let by_account: i64 = recent().filter(login_failures::account_key.eq(key)).count().get_result(conn)?;
    Ok(by_account > LOGIN_FAILURE_LIMIT_PER_ACCOUNT)
}

/// First step of a login: purges old failures, records this attempt as a failure, refuses it
/// if a limit is exceeded, and reads the account. The connection can go back to the pool
/// before [`LoginAttempt::verify`].
///
/// The attempt is written *before* counting and stays a failure until [`finish_login`] hears
/// the password was right: parallel attempts all see each other, so a burst cannot slip more
/// guesses past a limit. A refused attempt deletes its own row: refusals are not failures,
/// so hammering a throttled account does not keep it locked.
pub fn begin_login(conn: &mut DbConnection, email: &str, ip: &str) -> Result<LoginAttempt, LoginError> {
    let key = account_key(email);
    let at = now();
    let since = at - LOGIN_FAILURE_WINDOW;
    purge_login_failures(conn, since);
    let id = Id::new();
    // Each statement commits on its own (no transaction), so that concurrent attempts see
    // this row when they count.
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(id),
            login_failures::account_key.eq(&key),
            login_failures::ip.eq(ip),
            login_failures::occurred_at.eq(at),
        ))
        .execute(conn)?;
    if over_a_limit(conn, &key, ip, since)? {
        diesel::delete(login_failures::table.find(id)).execute(conn)?;
        return Err(LoginError::Throttled);
    }
    let account = find_account_by_email(conn, email)?;
    let stored_hash = account.as_ref().and_then(|a| a.password_hash.clone()).unwrap_or_else(|| decoy_hash().to_owned());
    Ok(LoginAttempt { id, key, ip: ip.to_owned(), account, stored_hash })
}

/// Last step of a login. When `verified` (from [`LoginAttempt::verify`]), re-reads the
/// account — it may have been disabled, or its password changed, while the password was
/// being checked — then deletes that account's failures from that address (this attempt's
/// row among them: the owner's success clears what the owner's typos left, not what other
/// addresses did), sets `last_login_at` and returns the account. Otherwise this attempt's
/// row stays as a failure and the answer is [`LoginError::InvalidCredentials`].
pub fn finish_login(conn: &mut DbConnection, attempt: LoginAttempt, verified: bool) -> Result<Account, LoginError> {
    let LoginAttempt { id, key, ip, account, stored_hash } = attempt;
    let Some(read) = account.filter(|a| verified && can_log_in(a)) else {
        return Err(LoginError::InvalidCredentials);
    };
    let logged_in = write_transaction(conn, |conn| -> Result<Option<Account>, LoginError> {
        let Some(mut current) = find_account(conn, read.id)? else { return Ok(None) };
        if !can_log_in(&current) || current.password_hash.as_deref() != Some(stored_hash.as_str()) {
            return Ok(None);
        }
        diesel::delete(login_failures::table.filter(
            login_failures::id.eq(id).or(login_failures::account_key.eq(&key).and(login_failures::ip.eq(&ip))),
        ))
        .execute(conn)?;
        let at = now();
        diesel::update(accounts::table.find(current.id)).set(accounts::last_login_at.eq(at)).execute(conn)?;
        current.last_login_at = Some(at);
        Ok(Some(current))
    })?;
    logged_in.ok_or(LoginError::InvalidCredentials)
}

/// Checks e-mail and password in one call: [`begin_login`], [`LoginAttempt::verify`],
/// [`finish_login`]. Holds the connection during the argon2 verification, so it is for tests
/// and the command line; the server runs the three steps and releases the connection between.
pub fn authenticate(conn: &mut DbConnection, email: &str, password: &str, ip: &str) -> Result<Account, LoginError> {
    let attempt = begin_login(conn, email, ip)?;
    let verified = attempt.verify(password);
    finish_login(conn, attempt, verified)
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
