//! The link to the model engine (the `reshelf-engine` module, loaded after first paint by the
//! JS side and handed to [`crate::Session::attach_engine`]). Rows go out, scores come back;
//! the engine keeps no session state. An engine that throws (a trap inside it, say) is
//! dropped: intent goes quiet and slots get the hand-set order, said once on the console.

use reshelf_core::features::PagePriors;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The engine's `Engine` object (see `engine/src/lib.rs` for each method's contract).
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
}

/// One model of the engine as the capture module sees it: its version and how to score.
#[derive(Clone, Debug)]
pub struct EngineModel {
    handle: EngineHandle,
    pub version: String,
    ranker: bool,
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
        })
    }

    /// The intent model's page priors (`None` for the ranker or a malformed answer).
    pub fn priors(&self) -> Option<PagePriors> {
        if self.ranker {
            return None;
        }
        PagePriors::from_flat(&self.handle.intent_priors().ok().flatten()?)
    }

    /// Scores for `rows`, one per row. `Err` when the engine threw (the caller drops it);
    /// `Ok(None)` when it declined the rows.
    pub fn scores(&self, rows: &[f32]) -> Result<Option<Vec<f32>>, String> {
        let answer = if self.ranker {
            self.handle.score_ranker(rows)
        } else {
            self.handle.score_intent(rows)
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
        &format!("reshelf: the model engine failed scoring {what} ({reason}); {instead}").into(),
    );
}
