//! Synthesis runs of large themes, off the request. A theme of thousands of contributions takes
//! seconds to minutes to group; staff should not watch a spinning page (nor a proxy cut it).
//! The run goes to its own thread and the theme page says it is under way; small themes still
//! run while the request waits, so their result is on the next page at once.
//!
//! What a run writes is one transaction (`drafts::run_theme`): if the server stops mid-run,
//! nothing is half-written and staff start it again. Only the "under way" notice lives in
//! memory, so it is lost with the process — which is also when the run stops.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use essaim_core::db::Id;

/// From this many contributions in a theme, its synthesis runs in the background.
pub const BACKGROUND_FROM: usize = 2_000;

/// Where a background run of a theme stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobState {
    /// Started at this time (HH:MM, UTC).
    Running(String),
    /// Finished: its orientations are stored.
    Finished,
    /// Stopped on this error (in French, for staff).
    Failed(String),
}

/// The background runs, by theme.
#[derive(Clone)]
pub struct Jobs {
    background_from: usize,
    states: Arc<Mutex<HashMap<Id, JobState>>>,
}

impl Default for Jobs {
    fn default() -> Self {
        Jobs::new(BACKGROUND_FROM)
    }
}

impl Jobs {
    /// Background runs from `background_from` contributions per theme (tests use 0).
    pub fn new(background_from: usize) -> Self {
        Jobs { background_from, states: Arc::default() }
    }

    /// Whether a theme of `contributions` runs in the background.
    pub fn in_background(&self, contributions: usize) -> bool {
        contributions >= self.background_from
    }

    fn states(&self) -> MutexGuard<'_, HashMap<Id, JobState>> {
        // A panicking run cannot leave the map half-updated (one insert): keep using it.
        self.states.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Marks the theme's run as started; `false` if one is already under way.
    pub fn start(&self, theme: Id, since: String) -> bool {
        let mut states = self.states();
        if matches!(states.get(&theme), Some(JobState::Running(_))) {
            return false;
        }
        states.insert(theme, JobState::Running(since));
        true
    }

    /// Records how the theme's run ended.
    pub fn finish(&self, theme: Id, outcome: Result<(), String>) {
        let state = match outcome {
            Ok(()) => JobState::Finished,
            Err(message) => JobState::Failed(message),
        };
        self.states().insert(theme, state);
    }

    /// What the theme page should say: a run under way stays; an ended one is said once.
    pub fn take_for_display(&self, theme: Id) -> Option<JobState> {
        let mut states = self.states();
        match states.get(&theme)? {
            JobState::Running(since) => Some(JobState::Running(since.clone())),
            _ => states.remove(&theme),
        }
    }

    /// Runs `work` for `theme` on its own thread, recording its outcome; a panic is recorded
    /// as a failure rather than leaving the theme "under way" for ever.
    pub fn spawn(&self, theme: Id, work: impl FnOnce() -> Result<(), String> + Send + 'static) -> std::io::Result<()> {
        let jobs = self.clone();
        let spawned = std::thread::Builder::new().name("essaim-synthese".into()).spawn(move || {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work))
                .unwrap_or_else(|_| Err("La synthèse s'est arrêtée sur une erreur interne.".into()));
            jobs.finish(theme, outcome);
        });
        if let Err(e) = &spawned {
            self.finish(theme, Err(format!("La synthèse n'a pas pu démarrer : {e}")));
        }
        spawned.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_run_per_theme_and_an_ended_run_is_said_once() {
        let jobs = Jobs::new(10);
        assert!(!jobs.in_background(9) && jobs.in_background(10));
        let theme = Id::new();
        assert!(jobs.start(theme, "10:00".into()));
        assert!(!jobs.start(theme, "10:01".into()), "already under way");
        assert_eq!(jobs.take_for_display(theme), Some(JobState::Running("10:00".into())));
        assert_eq!(jobs.take_for_display(theme), Some(JobState::Running("10:00".into())));
        jobs.finish(theme, Err("échec".into()));
        assert_eq!(jobs.take_for_display(theme), Some(JobState::Failed("échec".into())));
        assert_eq!(jobs.take_for_display(theme), None);
        assert!(jobs.start(theme, "10:02".into()), "a new run after the end");
    }

    #[test]
    fn a_panicking_run_is_recorded_as_failed() {
        let jobs = Jobs::new(0);
        let theme = Id::new();
        assert!(jobs.start(theme, "10:00".into()));
        jobs.spawn(theme, || panic!("boom")).unwrap();
        let mut seen = None;
        for _ in 0..500 {
            match jobs.take_for_display(theme) {
                Some(JobState::Running(_)) => std::thread::sleep(std::time::Duration::from_millis(10)),
                other => {
                    seen = other;
                    break;
                }
            }
        }
        assert!(matches!(seen, Some(JobState::Failed(ref m)) if m.contains("erreur interne")), "{seen:?}");
    }
}
