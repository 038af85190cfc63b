//! The e-mail outbox: a table, not memory. A message enqueued with what caused it is sent by
//! a worker of any `essaim serve` sharing the database, retried with backoff when the server
//! refuses or is unreachable, and kept as failed — visible to staff — when it never goes.
//!
//! Delivery is at least once: a worker that dies between the mail server's acceptance and
//! marking the row sent leaves it "sending"; after [`SENDING_TIMEOUT`] it is sent again.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::texts::Sender;
use super::Mailer;
use crate::clock::now;
use crate::db::{write_transaction, DbConnection, DbPool, Id};
use crate::domain::audit::{record, AuditEvent};
use crate::domain::vocab::MailState;
use crate::error::{CoreError, CoreResult};
use crate::schema::outbox;
use crate::validation::Email;

/// A message "sending" for longer than this is taken to be lost with its worker.
pub const SENDING_TIMEOUT: Duration = Duration::minutes(10);

/// Waits between attempts: the n-th retry waits the n-th delay; after the last, the message
/// is failed. About a day of retries in all.
pub const DEFAULT_BACKOFF: [Duration; 6] = [
    Duration::seconds(30),
    Duration::minutes(2),
    Duration::minutes(10),
    Duration::minutes(30),
    Duration::hours(2),
    Duration::hours(12),
];

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// What it is about, for staff (`invitation`, `relance`, `copie-reponses`…).
    pub topic: String,
    /// The recipient's address.
    pub recipient: String,
    /// Subject line.
    pub subject: String,
    /// The text part (always present: some readers show only it).
    pub text: String,
    /// An HTML alternative, escaped by its author.
    pub html: Option<String>,
}

/// A message of the outbox, as stored.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, Serialize)]
#[diesel(table_name = outbox)]
pub struct QueuedMail {
    /// Identifier.
    pub id: Id,
    /// What it is about.
    pub topic: String,
    /// Recipient.
    pub recipient: String,
    /// Subject.
    pub subject: String,
    /// Text part.
    pub text_body: String,
    /// HTML part.
    pub html_body: Option<String>,
    /// Where it stands.
    #[diesel(deserialize_as = String, serialize_as = String)]
    pub state: MailState,
    /// Attempts made.
    pub attempts: i32,
    /// Enqueued.
    pub created_at: NaiveDateTime,
    /// Not to be tried before.
    pub next_attempt_at: NaiveDateTime,
    /// When a worker took it.
    pub claimed_at: Option<NaiveDateTime>,
    /// The worker that took it.
    pub claimed_by: Option<String>,
    /// When the mail server accepted it.
    pub sent_at: Option<NaiveDateTime>,
    /// The last refusal or error, for staff.
    pub last_error: Option<String>,
    /// The sender's name, when not the installation's (the consultation's, docs/mails.md).
    pub sender_name: Option<String>,
    /// The sender's address, when not the installation's.
    pub sender_address: Option<String>,
}

impl QueuedMail {
    /// Who it goes out as: its own sender's parts over the installation's `from`.
    pub fn from_over(&self, from: &str) -> String {
        let sender = Sender {
            name: self.sender_name.clone().unwrap_or_default(),
            address: self.sender_address.clone().unwrap_or_default(),
        };
        sender.mailbox_over(from)
    }
}

/// Enqueues a message; call it inside the transaction of what causes it, so that the message
/// exists exactly when that change does. It goes out as the installation's `from`.
pub fn enqueue_mail(conn: &mut DbConnection, mail: &OutgoingMail) -> CoreResult<Id> {
    enqueue_mail_from(conn, mail, &Sender::default())
}

/// Enqueues a message that goes out as `sender` (a consultation's; its empty parts are the
/// installation's `from`).
pub fn enqueue_mail_from(conn: &mut DbConnection, mail: &OutgoingMail, sender: &Sender) -> CoreResult<Id> {
    let recipient = Email::parse(&mail.recipient).map_err(|m| CoreError::invalid("recipient", m))?;
    let at = now();
    let row = QueuedMail {
        id: Id::new(),
        topic: mail.topic.clone(),
        recipient: recipient.as_str().to_owned(),
        subject: mail.subject.replace(['\r', '\n'], " "),
        text_body: mail.text.clone(),
        html_body: mail.html.clone(),
        state: MailState::Pending,
        attempts: 0,
        created_at: at,
        next_attempt_at: at,
        claimed_at: None,
        claimed_by: None,
        sent_at: None,
        last_error: None,
        sender_name: sender.name().map(str::to_owned),
        sender_address: sender.address().map(str::to_owned),
    };
    diesel::insert_into(outbox::table).values(row.clone()).execute(conn)?;
    Ok(row.id)
}

/// Takes up to `limit` messages due now for `worker`; two workers never take the same one.
pub fn claim_due(conn: &mut DbConnection, worker: &str, limit: i64) -> CoreResult<Vec<QueuedMail>> {
    let at = now();
    // A message left "sending" by a dead worker goes back to the queue.
    diesel::update(
        outbox::table.filter(outbox::state.eq(MailState::Sending)).filter(outbox::claimed_at.lt(at - SENDING_TIMEOUT)),
    )
    .set(outbox::state.eq(MailState::Pending))
    .execute(conn)?;
    let due: Vec<Id> = outbox::table
        .filter(outbox::state.eq(MailState::Pending))
        .filter(outbox::next_attempt_at.le(at))
        .order((outbox::next_attempt_at.asc(), outbox::id.asc()))
        .limit(limit)
        .select(outbox::id)
        .load(conn)?;
    let mut claimed = Vec::with_capacity(due.len());
    for id in due {
        let taken = diesel::update(outbox::table.find(id).filter(outbox::state.eq(MailState::Pending)))
            .set((outbox::state.eq(MailState::Sending), outbox::claimed_at.eq(at), outbox::claimed_by.eq(worker)))
            .execute(conn)?;
        if taken == 1 {
            if let Some(mail) = outbox::table.find(id).select(QueuedMail::as_select()).first(conn).optional()? {
                claimed.push(mail);
            }
        }
    }
    Ok(claimed)
}

/// Records that the mail server accepted the message, and, in the same transaction, takes
/// the links out of its stored copy: a sent mail's row never keeps a usable link (a copy of
/// the database opens no draft, invitation or follow).
pub fn mark_sent(conn: &mut DbConnection, id: Id) -> CoreResult<()> {
    write_transaction(conn, |conn| {
        let bodies: Option<(String, Option<String>)> =
            outbox::table.find(id).select((outbox::text_body, outbox::html_body)).first(conn).optional()?;
        let Some((text, html)) = bodies else { return Ok(()) };
        diesel::update(outbox::table.find(id))
            .set((
                outbox::state.eq(MailState::Sent),
                outbox::sent_at.eq(now()),
                outbox::attempts.eq(outbox::attempts + 1),
                outbox::text_body.eq(mask_links(&text)),
                outbox::html_body.eq(html.as_deref().map(mask_links)),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// What replaces a link's token in a stored mail.
pub const LINK_MARKER: &str = "[lien retiré]";

/// `text` with every link token (32 hexadecimal characters standing alone, as
/// `security::random_token` makes them) replaced by [`LINK_MARKER`].
pub fn mask_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() == 32 && run.bytes().all(|b| b.is_ascii_hexdigit()) {
            out.push_str(LINK_MARKER);
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

/// Records a failed attempt: retried after the next delay of `backoff`, or failed for good
/// after the last one.
pub fn mark_attempt_failed(
    conn: &mut DbConnection,
    id: Id,
    error: &str,
    backoff: &[Duration],
) -> CoreResult<MailState> {
    write_transaction(conn, |conn| {
        let attempts: i32 = outbox::table.find(id).select(outbox::attempts).first(conn)?;
        let made = attempts + 1;
        let (state, next) = match backoff.get(attempts.max(0) as usize) {
            Some(delay) => (MailState::Pending, now() + *delay),
            None => (MailState::Failed, now()),
        };
        let error: String = error.chars().take(1_000).collect();
        diesel::update(outbox::table.find(id))
            .set((
                outbox::state.eq(state),
                outbox::attempts.eq(made),
                outbox::next_attempt_at.eq(next),
                outbox::last_error.eq(error),
            ))
            .execute(conn)?;
        Ok(state)
    })
}

/// Sends what is due, one message at a time, each as its own sender over `from` (the
/// installation's); returns how many were accepted. The connection is given back to the pool
/// while the mail server is talked to.
pub fn deliver_due(
    pool: &DbPool,
    mailer: &Mailer,
    from: &str,
    worker: &str,
    backoff: &[Duration],
) -> CoreResult<usize> {
    let claimed = claim_due(&mut *pool.get()?, worker, 20)?;
    let mut sent = 0;
    for mail in claimed {
        let from = mail.from_over(from);
        let outcome = mailer.send(&from, &mail.recipient, &mail.subject, &mail.text_body, mail.html_body.as_deref());
        let mut conn = pool.get()?;
        let conn = &mut *conn;
        match outcome {
            Ok(()) => {
                mark_sent(conn, mail.id)?;
                sent += 1;
            }
            Err(e) => {
                let state = mark_attempt_failed(conn, mail.id, &e.to_string(), backoff)?;
                tracing::warn!(mail = %mail.id, state = state.as_str(), error = %e, "courriel non envoyé");
            }
        }
    }
    Ok(sent)
}

/// The most recent messages, newest first, optionally in one state (the staff page).
pub fn recent_mail(conn: &mut DbConnection, state: Option<MailState>, limit: i64) -> CoreResult<Vec<QueuedMail>> {
    let mut query = outbox::table.order((outbox::created_at.desc(), outbox::id.desc())).limit(limit).into_boxed();
    if let Some(state) = state {
        query = query.filter(outbox::state.eq(state));
    }
    Ok(query.select(QueuedMail::as_select()).load(conn)?)
}

/// How many messages stand in each state.
pub fn mail_counts(conn: &mut DbConnection) -> CoreResult<Vec<(MailState, i64)>> {
    use diesel::dsl::count_star;
    let rows: Vec<(String, i64)> =
        outbox::table.group_by(outbox::state).select((outbox::state, count_star())).load(conn)?;
    Ok(MailState::ALL
        .iter()
        .map(|s| (*s, rows.iter().find(|(code, _)| code == s.as_str()).map(|(_, n)| *n).unwrap_or(0)))
        .collect())
}

/// Puts a failed message back in the queue, at once (staff fixed the address's server…).
pub fn retry_mail(conn: &mut DbConnection, id: Id, actor: Id) -> CoreResult<()> {
    write_transaction(conn, |conn| {
        let changed = diesel::update(outbox::table.find(id).filter(outbox::state.eq(MailState::Failed)))
            .set((outbox::state.eq(MailState::Pending), outbox::next_attempt_at.eq(now()), outbox::attempts.eq(0)))
            .execute(conn)?;
        if changed == 0 {
            return Err(CoreError::NotFound("courriel en échec".into()));
        }
        record(conn, AuditEvent::new(Some(actor), "mail.retry", "mail", Some(id.to_string())))
    })
}

/// How the mail worker paces itself.
#[derive(Debug, Clone)]
pub struct MailWorkerOptions {
    /// Pause between two looks at the outbox.
    pub poll: std::time::Duration,
    /// Delays between attempts.
    pub backoff: Vec<Duration>,
}

impl Default for MailWorkerOptions {
    fn default() -> Self {
        MailWorkerOptions { poll: std::time::Duration::from_secs(2), backoff: DEFAULT_BACKOFF.to_vec() }
    }
}

/// The mail worker every `essaim serve` runs; stopping or dropping it ends its loop.
pub struct MailWorker {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl MailWorker {
    /// Starts delivering the outbox through `mailer`, as `from`.
    pub fn start(pool: DbPool, mailer: Mailer, from: String, options: MailWorkerOptions) -> std::io::Result<Self> {
        use std::sync::atomic::Ordering;
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let name = format!("courriel:{}:{}", std::process::id(), &crate::security::random_token()[..6]);
        let thread = std::thread::Builder::new().name("essaim-courriel".into()).spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                if let Err(e) = deliver_due(&pool, &mailer, &from, &name, &options.backoff) {
                    tracing::warn!(error = %e, "courriels : file illisible");
                }
                std::thread::sleep(options.poll);
            }
        })?;
        Ok(MailWorker { stop, thread: Some(thread) })
    }

    /// Stops the loop and waits for it.
    pub fn stop(mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for MailWorker {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}
