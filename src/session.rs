//! The exported surface: [`start`] begins capturing and returns the [`Session`] handle.

use js_sys::{Array, Function, Object, Reflect};
use reshelf_core::decimal;
use reshelf_core::{EventKind, Tracker};
use wasm_bindgen::prelude::*;
use web_sys::VisibilityState;

use crate::apply::read_policy;
use crate::capture::{early_since, page_key, replay_early, Capture};
use crate::clock::{now, random_seed};
use crate::decide::{rank_for_app, variant_for_app, Decider};
use crate::emitter::{call_all, Topic};
use crate::engine::EngineHandle;
use crate::errors::Error;
use crate::intent::Intent;
use crate::markup::page_type;
use crate::options::Options;
use crate::ranker::Ranker;
use crate::runtime::{
    dispatch, dispatch_at, score_and_decide, score_now, session_payload, Runtime, Shared,
};
use crate::store::Store;
use crate::track::parse_track;
use crate::visitor::visitor_id;
use reshelf_core::policy::{arm_of_unit, randomisation_unit, Arm, SlotItem, HEURISTIC_RANKER};

/// A running reshelf instance on this page.
#[wasm_bindgen]
pub struct Session {
    rt: Shared,
    capture: Option<Capture>,
    site: String,
    /// Kiosk mode: each new session draws its own holdout arm with this fraction.
    kiosk_holdout: Option<f64>,
}

/// Starts capturing on this document: resumes the stored session (or starts one) and counts
/// this page view, from when `init()` ran. `early` is what reshelf.js heard since then (clicks
/// and scroll depth, see `capture/early.rs`), folded in before this module's listeners take
/// over; `None` starts from now.
#[wasm_bindgen]
pub fn start(options: JsValue, early: Option<Array>) -> Result<Session, JsValue> {
    let policy_value = if options.is_object() {
        Reflect::get(&options, &"policy".into()).unwrap_or(JsValue::UNDEFINED)
    } else {
        JsValue::UNDEFINED
    };
    let options = Options::from_js(&options)?;
    let window = web_sys::window().ok_or(Error::Unsupported("window"))?;
    let document = window.document().ok_or(Error::Unsupported("document"))?;
    let store = if options.persist {
        Store::open(&options.site)
    } else {
        None
    };
    let stored = store.as_ref().and_then(Store::load);
    let since = early_since(early.as_ref());
    let (mut tracker, _resumed) = Tracker::resume(stored, random_seed(), since);
    tracker.note_source(|| crate::summary::source_of_this_page(&document));
    let intent = Intent::new(&options.site, options.calendar(), options.kiosk);
    // A kiosk's shoppers are not one visitor: each session draws its own arm.
    let arm_key = if options.kiosk {
        tracker.state().session_id.clone()
    } else {
        visitor_id(&options.site)
    };
    let unit = randomisation_unit(&arm_key, &options.site);
    let decider = Decider::new(unit, options.holdout, read_policy(&policy_value, &document));
    let ranker = Ranker::new(options.heuristic_ranker());
    let rt = Runtime::new(tracker, store, intent, ranker, decider);

    let view = EventKind::PageView {
        page: page_type(&document),
        path_hash: page_key(&window, options.hash_routes),
    };
    dispatch_at(&rt, vec![view], since);
    if let Some(early) = &early {
        replay_early(&rt, early, since);
    }
    if document.visibility_state() == VisibilityState::Hidden {
        // opened in a background tab: no time counts yet
        dispatch(&rt, vec![EventKind::PageHide]);
    }
    if let Ok(mut r) = rt.try_borrow_mut() {
        r.persist_now();
    }
    let capture = Capture::install(&window, &document, &rt, options.hash_routes)?;
    Ok(Session {
        rt,
        capture: Some(capture),
        site: options.site,
        kiosk_holdout: options.kiosk.then_some(options.holdout),
    })
}

#[wasm_bindgen]
impl Session {
    /// A plain-object snapshot of the session as of now.
    pub fn state(&self) -> Result<JsValue, JsValue> {
        let rt = self.rt.try_borrow().map_err(|_| Error::ShutDown)?;
        let snap = rt.tracker.state().snapshot(now());
        let value = crate::objects::snapshot(&snap);
        let _ = Reflect::set(&value, &"site".into(), &self.site.as_str().into());
        let intent = rt
            .intent
            .current(&snap.session_id)
            .map_or(JsValue::NULL, |s| f64::from(s).into());
        let _ = Reflect::set(&value, &"intent".into(), &intent);
        let version = rt.intent.version().map_or(JsValue::NULL, JsValue::from);
        let _ = Reflect::set(&value, &"model_version".into(), &version);
        let ranker = rt.ranker.version().unwrap_or(HEURISTIC_RANKER);
        let _ = Reflect::set(&value, &"ranker".into(), &ranker.into());
        let arm = if rt.decider.arm == Arm::Control {
            "control"
        } else {
            "treatment"
        };
        let _ = Reflect::set(&value, &"arm".into(), &arm.into());
        Ok(value)
    }

    /// The session's summary as JSON-compatible plain object: exactly what is sent to the
    /// backend (see the README's privacy statement). Parsed from [`Session::summary_json`]'s
    /// text by the page's `JSON.parse`; what is sent is that text.
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        js_sys::JSON::parse(&self.summary_json()?)
    }

    /// The page's markup became readable (the SDK started before `<body>` existed): the open
    /// page takes its `data-reshelf-page` type, the variant policy is read again, and a
    /// decision round runs for the slots now on the page.
    #[wasm_bindgen(js_name = markupReady)]
    pub fn markup_ready(&self) {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        if let Ok(mut r) = self.rt.try_borrow_mut() {
            r.tracker.reclassify_open_page(page_type(&document));
            // A policy given to init() stays; one in the page's markup is read now.
            if r.decider.policy.is_empty() {
                r.decider.policy = read_policy(&JsValue::UNDEFINED, &document);
            }
            r.persist_now();
        }
        score_and_decide(&self.rt);
    }

    /// The summary as the JSON text that is sent, written here so nothing on the page (its
    /// `JSON`, `toJSON` on its prototypes) can change it.
    #[wasm_bindgen(js_name = summaryJson)]
    pub fn summary_json(&self) -> Result<String, JsValue> {
        let mut rt = self.rt.try_borrow_mut().map_err(|_| Error::ShutDown)?;
        Ok(crate::summary::current(&mut rt).to_json())
    }

    /// Takes the backend's page-statistics feed (`GET /v1/page-stats`) into the model's
    /// features and, with the engine attached, re-scores and decides; returns how many pages
    /// it holds. A malformed feed is refused and the current statistics stay.
    #[wasm_bindgen(js_name = setPageStats)]
    pub fn set_page_stats(&self, feed: JsValue) -> Result<u32, JsValue> {
        let feed = crate::plain::page_stats_feed(&feed)
            .map_err(|e| JsValue::from(["page stats: ", &e].concat()))?;
        let (taken, scored) = {
            let mut rt = self.rt.try_borrow_mut().map_err(|_| Error::ShutDown)?;
            let taken = rt.intent.set_page_stats(&feed).map_err(JsValue::from)?;
            (taken, rt.intent.version().is_some())
        };
        // Only the intent model reads the statistics: before the engine is attached, a round
        // would decide exactly what the last one did, and attaching runs one anyway.
        if scored {
            crate::runtime::score_and_decide(&self.rt);
        }
        Ok(taken as u32)
    }

    /// Records a named event. Refused calls (bad name, props that are not a plain,
    /// serialisable object of at most 4 KB) store nothing and return the reason as an error.
    pub fn track(&self, name: JsValue, props: JsValue) -> Result<(), JsValue> {
        if self.capture.is_none() {
            return Err(Error::ShutDown.into());
        }
        match parse_track(&name, &props) {
            Ok(kind) => {
                dispatch(&self.rt, vec![kind]);
                Ok(())
            }
            Err(e) => {
                self.report(&e);
                Err(e.into())
            }
        }
    }

    /// Takes the model engine (the `reshelf-engine` module's `Engine`, loaded by the JS side
    /// after first paint): its intent model scores the session from now on and its ranker
    /// orders slots, then a decision round runs. Called again after the engine's models
    /// changed (newer weights from `modelUrl`).
    #[wasm_bindgen(js_name = attachEngine)]
    pub fn attach_engine(&self, engine: EngineHandle) -> Result<(), JsValue> {
        {
            let mut rt = self.rt.try_borrow_mut().map_err(|_| Error::ShutDown)?;
            rt.intent.attach(&engine);
            rt.ranker.attach(&engine);
        }
        score_and_decide(&self.rt);
        Ok(())
    }

    /// A worker engine's answer (`Float32Array` of scores) to the request `id` it was sent; see
    /// `src/engine.rs`. `last`: the final answer of the worker's batch, after which one
    /// decision round takes them all in. True when it was a slot's answer: the JS side then
    /// ranks the slots the app renders itself again (`rank()` now gives the model's order).
    #[wasm_bindgen(js_name = engineAnswer)]
    pub fn engine_answer(&self, id: u32, scores: Vec<f32>, last: bool) -> bool {
        crate::runtime::engine_answer(&self.rt, id, scores, last)
    }

    /// Drops the model engine (a worker that failed): intent goes quiet and slots keep the
    /// hand-set order from now on.
    #[wasm_bindgen(js_name = detachEngine)]
    pub fn detach_engine(&self) {
        if let Ok(mut rt) = self.rt.try_borrow_mut() {
            rt.intent.detach();
            rt.ranker.detach();
        }
    }

    /// Scores the session now and returns the calibrated purchase probability (`null` without
    /// a model), for apps that need the score at a moment of their choosing. With the engine
    /// in a worker this is the latest score; the new one follows as an `intent` event.
    #[wasm_bindgen(js_name = intentNow)]
    pub fn intent_now(&self) -> Option<f32> {
        score_now(&self.rt);
        let rt = self.rt.try_borrow().ok()?;
        rt.intent.current(&rt.tracker.state().session_id)
    }

    /// Runs a decision round now (score, rank every slot, choose every variant, apply in the
    /// treatment arm), e.g. after the app rendered new content into a slot.
    pub fn decide(&self) {
        score_and_decide(&self.rt);
    }

    /// Framework mode: the order (indices) for a slot the app renders itself. Nothing on the
    /// page is touched; the control arm gets the original order. `items` are
    /// `{ id, category?, price? }`, at most 1,000.
    pub fn rank(&self, slot: &str, items: JsValue) -> Result<Vec<u32>, JsValue> {
        let items: Vec<SlotItem> = crate::plain::slot_items(items).map_err(|e| {
            Error::Usage(["rank: items must be [{ id, category?, price? }] (", &e, ")"].concat())
        })?;
        if items.len() > crate::apply::MAX_SLOT_ITEMS {
            return Err(Error::Usage(
                [
                    "rank: ",
                    &decimal(items.len() as u64),
                    " items; at most 1000 are ranked",
                ]
                .concat(),
            )
            .into());
        }
        Ok(rank_for_app(&self.rt, slot, &items)
            .into_iter()
            .map(|i| i as u32)
            .collect())
    }

    /// Framework mode: the variant to render for a section offering `offered` (names), or
    /// `undefined` to keep the default. Always `undefined` in the control arm.
    pub fn variant(&self, section: &str, offered: JsValue) -> Result<Option<String>, JsValue> {
        let offered: Vec<String> = crate::plain::strings(offered, "offered")
            .and_then(|o| o.ok_or_else(|| "offered is missing".to_string()))
            .map_err(|e| {
                Error::Usage(["variant: offered must be an array of names (", &e, ")"].concat())
            })?;
        Ok(variant_for_app(&self.rt, section, &offered))
    }

    /// Subscribes to `event`, `session`, `intent`, `decision` or `error`; returns an id for
    /// `off()`.
    pub fn on(&self, topic: &str, callback: Function) -> Result<u32, JsValue> {
        let topic = Topic::parse(topic)?;
        let mut rt = self.rt.try_borrow_mut().map_err(|_| Error::ShutDown)?;
        Ok(rt.emitter.on(topic, callback))
    }

    pub fn off(&self, id: u32) -> bool {
        self.rt
            .try_borrow_mut()
            .map(|mut rt| rt.emitter.off(id))
            .unwrap_or(false)
    }

    /// The id of the current session.
    #[wasm_bindgen(getter, js_name = sessionId)]
    pub fn session_id(&self) -> String {
        self.rt
            .try_borrow()
            .map(|rt| rt.tracker.state().session_id.clone())
            .unwrap_or_default()
    }

    /// Ends the current session now and starts a new one (e.g. on sign-out).
    #[wasm_bindgen(js_name = newSession)]
    pub fn new_session(&self) {
        let id = {
            let Ok(mut rt) = self.rt.try_borrow_mut() else {
                return;
            };
            rt.tracker.restart(now());
            let id = rt.tracker.state().session_id.clone();
            if let Some(holdout) = self.kiosk_holdout {
                rt.decider.unit = randomisation_unit(&id, &self.site);
                rt.decider.arm = arm_of_unit(rt.decider.unit, holdout);
            }
            // The new, empty session replaces the stored one: nothing of the last shopper
            // (pages, interest, decisions) survives on the device.
            rt.persist_now();
            id
        };
        let targets = self
            .rt
            .try_borrow()
            .map(|rt| rt.emitter.targets(Topic::Session))
            .unwrap_or_default();
        call_all(&targets, &session_payload(&id));
    }

    /// Saves the session and releases every listener, observer, patch and timer.
    pub fn shutdown(&mut self) {
        if self.capture.take().is_some() {
            if let Ok(mut rt) = self.rt.try_borrow_mut() {
                rt.shut_down();
            }
        }
    }

    /// Whether the instance is capturing.
    #[wasm_bindgen(getter)]
    pub fn active(&self) -> bool {
        self.capture.is_some()
    }

    fn report(&self, e: &Error) {
        let targets = self
            .rt
            .try_borrow()
            .map(|rt| rt.emitter.targets(Topic::Error))
            .unwrap_or_default();
        if targets.is_empty() {
            return;
        }
        let payload = Object::new();
        let _ = Reflect::set(&payload, &"message".into(), &e.message().into());
        call_all(&targets, &payload.into());
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        self.shutdown();
    }
}
