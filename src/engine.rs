//! The link to the model engine (the `reshelf-engine` module, loaded after first paint by the
//! JS side and handed to [`crate::Session::attach_engine`]). Rows go out, scores come back;
//! the engine keeps no session state.
//!
//! Two kinds of engine: on the main thread (`engine: 'main'`) it answers at once; in a Web
//! Worker (`engine: 'worker'`, `deferred` true) each request gets an id and the answer
//! arrives later through [`crate::Session::engine_answer`]. An engine that throws (a trap
//! inside it, say) is dropped: intent goes quiet and slots get the hand-set order, said once
//! on the console.

use std::cell::Cell;

use reshelf_core::features::PagePriors;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The engine's `Engine` object, or the JS side's stand-in for an engine in a worker
    /// (see `engine/src/lib.rs` for each method's contract).
    #[derive(Clone, Debug)]
    pub type EngineHandle;

    #[wasm_bindgen(method, catch, getter, js_name = intentVersion)]
    fn intent_version(this: &EngineHandle) -> Result<Option<String>, JsValue>;

    #[wasm_bindgen(method, catch, getter, js_name = rankerVersion)]
    fn ranker_version(this: &EngineHandle) -> Result<Option<String>, JsValue>;

    #[wasm_bindgen(method, catch, js_name = intentPriors)]
    fn intent_priors(this: &EngineHandle) -> Result<Option<Vec<f32>>, JsValue>;

    #[wasm_bindgen(method, catch, js_name = scoreIntent)]
    fn score_intent(this: &EngineHandle, rows: &[f32]) -> Result<Option<Vec<f32>>, JsValue>;

    #[wasm_bindgen(method, catch, js_name = scoreRanker)]
    fn score_ranker(this: &EngineHandle, rows: &[f32]) -> Result<Option<Vec<f32>>, JsValue>;

    /// True for an engine in a worker: scores come later, through `request`.
    #[wasm_bindgen(method, getter)]
    fn deferred(this: &EngineHandle) -> Option<bool>;

    /// Asks a deferred engine to score `rows` (the ranker when `ranker`); the answer comes
    /// back as `Session.engineAnswer(id, scores, last)`, with the other answers to the
    /// requests made in the same task (`last` on the batch's final one).
    #[wasm_bindgen(method, catch)]
    fn request(this: &EngineHandle, id: u32, ranker: bool, rows: &[f32]) -> Result<(), JsValue>;
}

thread_local! {
    static NEXT_REQUEST: Cell<u32> = const { Cell::new(1) };
}

/// What scoring some rows gave.
#[derive(Debug, PartialEq)]
pub enum Scored {
    /// A main-thread engine's scores, one per row.
    Now(Vec<f32>),
    /// A worker engine was asked; its answer will carry this id.
    Asked(u32),
    /// The engine declined the rows (not whole rows, or no such model).
    Declined,
}

/// One model of the engine as the capture module sees it: its version and how to score.
#[derive(Clone, Debug)]
pub struct EngineModel {
    handle: EngineHandle,
    pub version: String,
    ranker: bool,
    /// The engine runs in a worker: answers come later.
    pub deferred: bool,
}

impl EngineModel {
    /// The engine's intent model, if it has one.
    pub fn intent(handle: &EngineHandle) -> Option<Self> {
        Self::of(handle, false)
    }

    /// The engine's ranker, if it has one.
    pub fn ranker(handle: &EngineHandle) -> Option<Self> {
        Self::of(handle, true)
    }

    fn of(handle: &EngineHandle, ranker: bool) -> Option<Self> {
        let version = if ranker {
            handle.ranker_version()
        } else {
            handle.intent_version()
        };
        Some(Self {
            handle: handle.clone(),
            version: version.ok().flatten()?,
            ranker,
            deferred: handle.deferred().unwrap_or(false),
        })
    }

    /// The intent model's page priors (`None` for the ranker or a malformed answer).
    pub fn priors(&self) -> Option<PagePriors> {
        if self.ranker {
            return None;
        }
        PagePriors::from_flat(&self.handle.intent_priors().ok().flatten()?)
    }

    /// Scores `rows` now (main thread) or asks for them (worker). `Err` when the engine threw
    /// (the caller drops it).
    pub fn score(&self, rows: &[f32]) -> Result<Scored, String> {
        let answer = if self.deferred {
            let id = NEXT_REQUEST.with(|n| {
                let id = n.get();
                n.set(id.wrapping_add(1).max(1));
                id
            });
            self.handle
                .request(id, self.ranker, rows)
                .map(|()| Scored::Asked(id))
        } else if self.ranker {
            self.handle
                .score_ranker(rows)
                .map(|s| s.map_or(Scored::Declined, Scored::Now))
        } else {
            self.handle
                .score_intent(rows)
                .map(|s| s.map_or(Scored::Declined, Scored::Now))
        };
        answer.map_err(|e| {
            e.as_string()
                .or_else(|| {
                    js_sys::Reflect::get(&e, &"message".into())
                        .ok()?
                        .as_string()
                })
                .unwrap_or_else(|| "the engine failed".into())
        })
    }
}

/// Says once per model on the console that the engine failed and what is used instead.
pub fn warn_dropped(what: &str, reason: &str, instead: &str) {
    web_sys::console::warn_1(
        &[
            "reshelf: the model engine failed scoring ",
            what,
            " (",
            reason,
            "); ",
            instead,
        ]
        .concat()
        .into(),
    );
}
