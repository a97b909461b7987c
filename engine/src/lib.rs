//! reshelf's model engine: the second WebAssembly module of the SDK, loaded after first paint.
//!
//! The capture module (the `reshelf` crate) computes feature rows from the session and calls
//! the [`Engine`] for scores; everything Burn and the weights weigh is here, off the path a
//! page pays before capture is ready. The engine holds no session state: rows in, scores out.
#![forbid(unsafe_code)]

mod models;

pub use models::{Models, SHIPPED_INTENT, SHIPPED_RANKER};

use wasm_bindgen::prelude::*;

/// The models, decoded from the weights shipped in this module.
#[wasm_bindgen]
pub struct Engine {
    models: Models,
}

#[wasm_bindgen]
impl Engine {
    /// Decodes the shipped intent model and, when `ranker` is true, the shipped ranker. A
    /// model whose weights fail to decode is left out; [`Engine::problems`] says why.
    #[wasm_bindgen(constructor)]
    pub fn new(ranker: bool) -> Engine {
        Engine {
            models: Models::shipped(ranker),
        }
    }

    /// Why a model is missing, one line per model (empty when both decoded).
    pub fn problems(&self) -> Vec<String> {
        self.models.problems.clone()
    }

    /// The intent model's version, `undefined` without one.
    #[wasm_bindgen(getter, js_name = intentVersion)]
    pub fn intent_version(&self) -> Option<String> {
        self.models.intent.as_ref().map(|m| m.version.clone())
    }

    /// The ranker's version, `undefined` without one.
    #[wasm_bindgen(getter, js_name = rankerVersion)]
    pub fn ranker_version(&self) -> Option<String> {
        self.models.ranker.as_ref().map(|m| m.version.clone())
    }

    /// The per-page-kind priors shipped with the intent model, as
    /// `reshelf_core::features::PagePriors::to_flat` lays them out (9 floats).
    #[wasm_bindgen(js_name = intentPriors)]
    pub fn intent_priors(&self) -> Option<Vec<f32>> {
        self.models
            .intent
            .as_ref()
            .map(|m| m.priors.to_flat().to_vec())
    }

    /// Calibrated purchase probabilities for `rows` laid out as the intent network's input
    /// (`INPUT_WIDTH` floats per row, see `reshelf_core::features::input_rows`); `undefined`
    /// without a model or unless the rows are whole.
    #[wasm_bindgen(js_name = scoreIntent)]
    pub fn score_intent(&self, rows: &[f32]) -> Option<Vec<f32>> {
        self.models.intent.as_ref()?.score_rows(rows)
    }

    /// Ranker scores (higher ranks first) for `rows` of `RANK_FEATURES` floats each (see
    /// `reshelf_core::policy::ranking_rows`); `undefined` without a ranker or unless the rows
    /// are whole.
    #[wasm_bindgen(js_name = scoreRanker)]
    pub fn score_ranker(&self, rows: &[f32]) -> Option<Vec<f32>> {
        self.models.score_ranker(rows)
    }

    /// Replaces the intent model with downloaded weights (`modelUrl`) after checking their
    /// sha256 and version; on any mismatch the current model stays and the reason is thrown.
    #[wasm_bindgen(js_name = replaceIntent)]
    pub fn replace_intent(
        &mut self,
        bytes: &[u8],
        sha256: &str,
        version: &str,
    ) -> Result<(), String> {
        self.models.replace_intent(bytes, sha256, version)
    }
}

/// Talc instead of the standard library's dlmalloc: less code in the module.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
