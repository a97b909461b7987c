//! Which order a slot gets: the learned ranker (embedded Burn model, see `models/ranker.bin`)
//! or the hand-set order (`ranker: 'heuristic'`), which is also what a model that fails to
//! load falls back to, said once on the console.

use reshelf_core::features::RankContext;
use reshelf_core::model::RankerModel;
use reshelf_core::policy::{
    personalisation_strength, rank, rank_learned, Interest, SlotItem, HEURISTIC_RANKER,
};
use reshelf_core::SessionState;

/// The shipped ranker weights, compiled into the wasm.
static EMBEDDED: &[u8] = include_bytes!("../models/ranker.bin");

pub struct Ranker {
    model: Option<RankerModel>,
    /// `ranker: 'heuristic'`: the model is never loaded.
    heuristic_only: bool,
}

impl Ranker {
    /// `heuristic_only`: `ranker: 'heuristic'` (the model is never loaded). Until a model is
    /// loaded, slots get the hand-set order.
    pub fn new(heuristic_only: bool) -> Self {
        Self {
            model: None,
            heuristic_only,
        }
    }

    /// Decodes the embedded weights (once). On failure the hand-set order is used and the
    /// console says so once.
    pub fn load_embedded(&mut self) {
        self.load(EMBEDDED);
    }

    /// Decodes `bytes` as the ranker unless one is loaded or the hand-set order was asked
    /// for. Damaged weights, or weights for another feature count, leave the hand-set order
    /// in place and say so once on the console.
    pub fn load(&mut self, bytes: &[u8]) {
        if self.heuristic_only || self.model.is_some() {
            return;
        }
        match RankerModel::from_bytes(bytes) {
            Ok(m) => self.model = Some(m),
            Err(e) => {
                self.heuristic_only = true;
                web_sys::console::warn_1(
                    &format!("reshelf: ranker model unavailable ({e}); the hand-set order is used")
                        .into(),
                );
            }
        }
    }

    /// The order for a slot as of `now` (indices into `items`, a permutation) and the name
    /// of the ranker that made it: the model's version, or `heuristic`.
    /// The loaded model's version, if one is loaded.
    pub fn version(&self) -> Option<&str> {
        self.model.as_ref().map(|m| m.version.as_str())
    }

    pub fn order(
        &self,
        state: &SessionState,
        items: &[SlotItem],
        intent: Option<f32>,
        now: f64,
    ) -> (Vec<usize>, String) {
        match &self.model {
            Some(model) => {
                let ctx = RankContext {
                    now,
                    intent,
                    popularity: None,
                };
                (
                    rank_learned(model, state, items, &ctx),
                    model.version.clone(),
                )
            }
            None => (
                rank(
                    items,
                    &Interest::from_session(state, now),
                    personalisation_strength(intent),
                ),
                HEURISTIC_RANKER.to_string(),
            ),
        }
    }
}
