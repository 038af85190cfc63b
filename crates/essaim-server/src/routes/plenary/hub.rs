//! The live tally's event streams share one poll per tally. Each stream used to read the
//! database four times a second: 200 open streams took the median page time from 2.2 to
//! 7.7 ms and the load to 3.8 on 2 cores. Now the first listener of a tally starts one task
//! that reads it every [`POLL`] and publishes it on a `watch` channel; every listener of that
//! tally reads the channel; the task ends when the last listener leaves. Each process polls
//! the database (not memory shared between processes), so several `essaim serve` on one
//! database still show the same tally.
//!
//! A client (its address pseudonym) holds at most [`STREAMS_PER_CLIENT`] streams at once;
//! beyond, 429. A room's phones share one address, hence a high figure: it bounds a script,
//! not an audience.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use essaim_core::db::Id;
use tokio::sync::watch;

use super::api::TallyView;
use crate::app::AppState;
use crate::error::AppError;
use essaim_workshops::plenary::{live_tally, plenary_at};

/// How often a tally is read while someone listens.
pub const POLL: Duration = Duration::from_millis(250);

/// Streams one client may hold open at once.
pub const STREAMS_PER_CLIENT: usize = 400;

/// What a tally's listeners see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Published {
    /// Not read yet.
    Waiting,
    /// The tally, as the API's JSON.
    Tally(Arc<str>),
    /// The plenary or the orientation is gone, or the database is: listeners end their stream
    /// (the browser reconnects).
    Ended,
}

type Key = (String, Id);

/// The polls under way and the streams each client holds.
#[derive(Default)]
pub struct TallyHub {
    polls: Mutex<HashMap<Key, watch::Sender<Published>>>,
    streams: Mutex<HashMap<String, usize>>,
}

/// A client's place among its open streams, given back when the stream ends.
pub struct StreamSlot {
    hub: Arc<TallyHub>,
    client: String,
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut streams = self.hub.streams.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(open) = streams.get_mut(&self.client) {
            *open -= 1;
            if *open == 0 {
                streams.remove(&self.client);
            }
        }
    }
}

impl TallyHub {
    /// How many tallies are polled now (for tests and metrics).
    pub fn polls(&self) -> usize {
        self.polls.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    /// A place for one more stream of `client`, or 429 when it holds [`STREAMS_PER_CLIENT`].
    pub fn open_stream(self: &Arc<Self>, client: &str) -> Result<StreamSlot, AppError> {
        let mut streams = self.streams.lock().unwrap_or_else(PoisonError::into_inner);
        let open = streams.entry(client.to_owned()).or_default();
        if *open >= STREAMS_PER_CLIENT {
            return Err(AppError::RateLimited(5));
        }
        *open += 1;
        Ok(StreamSlot { hub: self.clone(), client: client.to_owned() })
    }

    /// Listens to the tally of `orientation` in the plenary at `code`, starting its poll if
    /// nobody listened yet.
    pub fn listen(self: &Arc<Self>, state: Arc<AppState>, code: &str, orientation: Id) -> watch::Receiver<Published> {
        let key = (code.to_owned(), orientation);
        let mut polls = self.polls.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(sender) = polls.get(&key) {
            return sender.subscribe();
        }
        let (sender, receiver) = watch::channel(Published::Waiting);
        polls.insert(key.clone(), sender.clone());
        let hub = self.clone();
        actix_web::rt::spawn(async move { hub.poll(state, key, sender).await });
        receiver
    }

    async fn poll(self: Arc<Self>, state: Arc<AppState>, key: Key, sender: watch::Sender<Published>) {
        loop {
            let (code, orientation) = key.clone();
            let read = state
                .db(move |conn| -> Result<TallyView, AppError> {
                    let plenary = plenary_at(conn, &code)?;
                    Ok(TallyView::of(orientation, &live_tally(conn, &plenary, orientation)?))
                })
                .await;
            let published = match read {
                Ok(view) => Published::Tally(serde_json::to_string(&view).unwrap_or_default().into()),
                Err(AppError::NotFound) => Published::Ended,
                Err(e) => {
                    tracing::warn!(error = %e, "flux du décompte interrompu");
                    Published::Ended
                }
            };
            let ended = published == Published::Ended;
            sender.send_if_modified(|current| {
                let changed = *current != published;
                if changed {
                    *current = published;
                }
                changed
            });
            // Under the lock, so that a new listener either finds this poll before it stops
            // or starts a new one.
            {
                let mut polls = self.polls.lock().unwrap_or_else(PoisonError::into_inner);
                if ended || sender.receiver_count() == 0 {
                    if polls.get(&key).is_some_and(|s| s.same_channel(&sender)) {
                        polls.remove(&key);
                    }
                    return;
                }
            }
            actix_web::rt::time::sleep(POLL).await;
        }
    }
}
