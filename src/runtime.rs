//! The running session: the core tracker plus what the shell needs around it (listeners,
//! persistence). Capture handlers hold a `Weak` to it, so dropping the handle frees it.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_timers::callback::Timeout;
use js_sys::{Object, Reflect};
use reshelf_core::{Event, EventKind, Tracker};
use wasm_bindgen::JsValue;

use crate::clock::now;
use crate::decide::{run_round, Decider};
use crate::emitter::{call_all, Emitter, Topic};
use crate::intent::Intent;
use crate::ranker::Ranker;
use crate::store::Store;

/// Unsaved changes are written at most this often (and at once when the page hides).
const PERSIST_EVERY_MS: u32 = 1000;
/// The session is re-scored this long after the last meaningful event (a burst of clicks
/// costs one inference, not one per click).
const SCORE_DEBOUNCE_MS: u32 = 150;

pub type Shared = Rc<RefCell<Runtime>>;

pub struct Runtime {
    pub tracker: Tracker,
    pub emitter: Emitter,
    pub store: Option<Store>,
    pub intent: Intent,
    pub ranker: Ranker,
    pub decider: Decider,
    /// The shopper clicked on this document (variants then stop changing in place).
    pub clicked_on_page: bool,
    persist_timer: Option<Timeout>,
    score_timer: Option<Timeout>,
    score_due: f64,
    /// A worker's answer in the batch being taken changed what a round would decide.
    round_owed: bool,
    me: Weak<RefCell<Runtime>>,
}

impl Runtime {
    pub fn new(
        tracker: Tracker,
        store: Option<Store>,
        intent: Intent,
        ranker: Ranker,
        decider: Decider,
    ) -> Shared {
        Rc::new_cyclic(|me| {
            RefCell::new(Runtime {
                tracker,
                emitter: Emitter::default(),
                store,
                intent,
                ranker,
                decider,
                clicked_on_page: false,
                persist_timer: None,
                score_timer: None,
                score_due: 0.0,
                round_owed: false,
                me: me.clone(),
            })
        })
    }

    /// Saves now and cancels any pending save.
    pub fn persist_now(&mut self) {
        self.persist_timer = None;
        if let Some(store) = &self.store {
            store.save(self.tracker.state());
        }
    }

    /// Saves now unless another document of the site wrote the session since this one did
    /// (see [`Store::save_unless_moved_on`]); cancels any pending save either way.
    pub fn persist_leaving(&mut self) {
        self.persist_timer = None;
        if let Some(store) = &self.store {
            store.save_unless_moved_on(self.tracker.state());
        }
    }

    fn schedule_persist(&mut self) {
        if self.store.is_none() || self.persist_timer.is_some() {
            return;
        }
        let me = self.me.clone();
        self.persist_timer = Some(Timeout::new(PERSIST_EVERY_MS, move || {
            if let Some(rt) = me.upgrade() {
                if let Ok(mut rt) = rt.try_borrow_mut() {
                    rt.persist_now();
                }
            }
        }));
    }

    /// Re-scores after a quiet moment; each new meaningful event pushes the moment back.
    /// Only a timestamp is written per event: the one pending timer re-arms itself for the
    /// remainder when it fires early, so a burst of events creates no timers.
    fn schedule_score(&mut self, t: f64) {
        self.score_due = t + f64::from(SCORE_DEBOUNCE_MS);
        if self.score_timer.is_none() {
            self.arm_score_timer(SCORE_DEBOUNCE_MS);
        }
    }

    fn arm_score_timer(&mut self, delay_ms: u32) {
        let me = self.me.clone();
        self.score_timer = Some(Timeout::new(delay_ms, move || {
            let Some(rt) = me.upgrade() else { return };
            let early = rt.try_borrow_mut().ok().and_then(|mut r| {
                let wait = r.score_due - now();
                if wait > 1.0 {
                    r.arm_score_timer(wait.ceil() as u32);
                    Some(())
                } else {
                    None
                }
            });
            if early.is_none() {
                score_and_decide(&rt);
            }
        }));
    }

    /// Adopts the stored session when another document of this site (another page of a
    /// multi-page store, another tab, the page restored from the bfcache) wrote it after this
    /// one last read or wrote it: that document is where the shopper was since. Event counts
    /// cannot tell (two documents continue one session on separate branches).
    pub fn adopt_newer_stored(&mut self) -> bool {
        if !self.store.as_ref().is_some_and(Store::moved_on) {
            return false;
        }
        let Some(stored) = self.store.as_ref().and_then(Store::load) else {
            return false;
        };
        let ours = self.tracker.state();
        if stored.session_id != ours.session_id {
            return false;
        }
        let (tracker, resumed) = Tracker::resume(Some(stored), crate::clock::random_seed(), now());
        if resumed {
            self.tracker = tracker;
        }
        resumed
    }

    /// Stops timers and listeners (the capture handles are dropped by the owner).
    pub fn shut_down(&mut self) {
        self.score_timer = None;
        self.persist_now();
        self.emitter.clear();
    }
}

/// Folds events stamped now into the session and notifies listeners afterwards, outside the
/// borrow, so a listener may call back into the SDK.
pub fn dispatch(rt: &Shared, kinds: Vec<EventKind>) {
    dispatch_at(rt, kinds, now());
}

/// [`dispatch`] for events that happened at `t` (epoch ms, from [`now`]'s clock), which may
/// be a little earlier than now: events reshelf.js heard before this module was running.
pub fn dispatch_at(rt: &Shared, kinds: Vec<EventKind>, t: f64) {
    if kinds.is_empty() {
        return;
    }
    let Ok(mut guard) = rt.try_borrow_mut() else {
        return;
    };
    let mut new_sessions = Vec::new();
    let event_payloads = guard.emitter.has(Topic::Event);
    let mut payloads = Vec::new();
    let mut meaningful = false;
    for kind in kinds {
        meaningful |= affects_intent(&kind);
        guard.clicked_on_page |= matches!(kind, EventKind::Click { .. });
        let event = Event::new(t, kind);
        if guard.tracker.apply(&event).new_session {
            new_sessions.push(guard.tracker.state().session_id.clone());
        }
        if event_payloads {
            payloads.push(event_payload(&event));
        }
    }
    guard.schedule_persist();
    if meaningful {
        guard.schedule_score(t);
    }
    let on_event = guard.emitter.targets(Topic::Event);
    let on_session = guard.emitter.targets(Topic::Session);
    drop(guard);
    for id in new_sessions {
        call_all(&on_session, &session_payload(&id));
    }
    for p in payloads {
        call_all(&on_event, &p);
    }
}

fn event_payload(event: &Event) -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(&o, &"type".into(), &event.kind.name().into());
    let _ = Reflect::set(&o, &"t".into(), &event.t.into());
    o.into()
}

pub fn session_payload(id: &str) -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(&o, &"session_id".into(), &id.into());
    o.into()
}

/// Events that change the model's features (pages and their time) or signal intent.
fn affects_intent(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::PageView { .. }
            | EventKind::RouteChange { .. }
            | EventKind::AddToCart { .. }
            | EventKind::Purchase { .. }
            | EventKind::PageShow
            | EventKind::Click { item: Some(_), .. }
    )
}

/// Scores the session now and tells `on('intent')` listeners when the score moved.
pub fn score_now(rt: &Shared) {
    let Ok(mut guard) = rt.try_borrow_mut() else {
        return;
    };
    guard.score_timer = None;
    let r = &mut *guard;
    let changed = r.intent.rescore(r.tracker.state(), now());
    drop(guard);
    take_intent(rt, changed);
}

/// Records a new score in the session and tells `on('intent')` listeners (outside the
/// borrow, so a listener may call back into the SDK).
fn take_intent(rt: &Shared, changed: Option<f32>) {
    let Some(score) = changed else { return };
    let Ok(mut r) = rt.try_borrow_mut() else {
        return;
    };
    r.tracker.record_intent(score);
    let version = r.intent.version().unwrap_or_default().to_string();
    let targets = r.emitter.targets(Topic::Intent);
    drop(r);
    let o = Object::new();
    let _ = Reflect::set(&o, &"score".into(), &f64::from(score).into());
    let _ = Reflect::set(&o, &"model_version".into(), &version.into());
    call_all(&targets, &o.into());
}

/// A worker engine's answer to request `id`: a new intent score is recorded and reported, a
/// slot's scores are kept. Unknown ids (an answer for a request since superseded) are
/// ignored. The worker answers a round's requests together; with `last`, the batch's final
/// answer, one decision round follows when any answer of the batch changed something. True
/// when it was a slot's answer.
pub fn engine_answer(rt: &Shared, id: u32, scores: Vec<f32>, last: bool) -> bool {
    let (intent, slot, owed) = {
        let Ok(mut r) = rt.try_borrow_mut() else {
            return false;
        };
        let (intent, slot) = match r.intent.answer(id, &scores) {
            Some(changed) => (changed, false),
            None => (None, r.ranker.answer(id, scores)),
        };
        let owed = r.round_owed || intent.is_some() || slot;
        r.round_owed = owed && !last;
        (intent, slot, owed)
    };
    take_intent(rt, intent);
    if last && owed {
        run_round(rt);
    }
    slot
}

/// Scores the session, then runs a decision round with the new score.
pub fn score_and_decide(rt: &Shared) {
    score_now(rt);
    run_round(rt);
}
