//! Session lifecycle: resumes a stored session, rolls over to a new one after the idle
//! timeout, and mints session ids.

use crate::events::Event;
use crate::limits::IDLE_TIMEOUT_MS;
use crate::rng::SplitMix64;
use crate::session::{SessionState, STATE_VERSION};

/// What applying an event did to the session's lifecycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// The event arrived after the idle timeout: a new session started before it was folded.
    pub new_session: bool,
}

/// Owns the current session and decides when a new one begins.
#[derive(Clone, Debug)]
pub struct Tracker {
    state: SessionState,
    rng: SplitMix64,
}

impl Tracker {
    /// A brand-new session. `seed` must be random in production (the browser uses
    /// `crypto.getRandomValues`); ids are derived from it.
    pub fn new(seed: u64, now: f64) -> Self {
        let mut rng = SplitMix64::new(seed);
        let state = SessionState::new(rng.next_id(), now);
        Self { state, rng }
    }

    /// Continues a stored session if it is of this version and still within the idle timeout;
    /// otherwise starts a new one. Returns whether the stored one was resumed.
    pub fn resume(stored: Option<SessionState>, seed: u64, now: f64) -> (Self, bool) {
        match stored {
            Some(state) if state.version == STATE_VERSION && !expired(&state, now) => (
                Self {
                    state,
                    rng: SplitMix64::new(seed),
                },
                true,
            ),
            _ => (Self::new(seed, now), false),
        }
    }

    pub fn state(&self) -> &SessionState {
        &self.state
    }

    /// Folds an event, first starting a new session if the shopper was idle too long.
    pub fn apply(&mut self, event: &Event) -> Applied {
        let mut applied = Applied::default();
        if event.kind.is_activity() && expired(&self.state, event.t) {
            self.state = SessionState::new(self.rng.next_id(), event.t);
            applied.new_session = true;
        }
        self.state.apply(event);
        applied
    }

    /// Logs a rearrangement decision in the current session.
    pub fn record_decision(&mut self, decision: crate::experiment::Decision) {
        self.state.record_decision(decision);
    }

    /// Classifies the session's traffic source, once: on its first page.
    pub fn note_source(&mut self, source: impl FnOnce() -> crate::visit::TrafficSource) {
        if self.state.source.is_none() {
            self.state.source = Some(source());
        }
    }

    /// See [`SessionState::reclassify_open_page`].
    pub fn reclassify_open_page(&mut self, page: crate::PageType) {
        self.state.reclassify_open_page(page);
    }

    /// Keeps a ranking example of the current session for its summary.
    pub fn record_rank_example(&mut self, example: crate::features::RankExample) {
        self.state.record_rank_example(example);
    }

    /// Keeps an intent score of the current session for its summary.
    pub fn record_intent(&mut self, score: f32) {
        self.state.record_intent(score);
    }

    /// Ends the session now and starts a fresh one (e.g. the shopper signed out).
    pub fn restart(&mut self, now: f64) {
        self.state = SessionState::new(self.rng.next_id(), now);
    }
}

fn expired(state: &SessionState, now: f64) -> bool {
    now.is_finite() && now - state.last_activity > IDLE_TIMEOUT_MS
}
