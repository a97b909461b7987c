//! Which order a slot gets: the learned ranker (the model engine's, see `models/ranker.bin`)
//! or the hand-set order. The hand-set order is what `ranker: 'heuristic'` asks for, and what
//! slots get until the engine is attached and if the engine fails (said once on the console).

use reshelf_core::features::RankContext;
use reshelf_core::policy::{
    order_learned, personalisation_strength, rank, ranking_rows, Interest, SlotItem,
    HEURISTIC_RANKER,
};
use reshelf_core::SessionState;

use crate::engine::{warn_dropped, EngineHandle, EngineModel};

pub struct Ranker {
    model: Option<EngineModel>,
    /// `ranker: 'heuristic'`, or the engine failed: the model is never used again.
    heuristic_only: bool,
}

impl Ranker {
    /// `heuristic_only`: `ranker: 'heuristic'` (the engine's ranker is never used). Until an
    /// engine is attached, slots get the hand-set order.
    pub fn new(heuristic_only: bool) -> Self {
        Self {
            model: None,
            heuristic_only,
        }
    }

    /// Takes the engine's ranker unless the hand-set order was asked for. An engine without
    /// a ranker (its weights failed to decode; the engine said why) leaves the hand-set order.
    pub fn attach(&mut self, engine: &EngineHandle) {
        if !self.heuristic_only {
            self.model = EngineModel::ranker(engine);
        }
    }

    /// The attached ranker's version, if one is attached.
    pub fn version(&self) -> Option<&str> {
        self.model.as_ref().map(|m| m.version.as_str())
    }

    /// The order for a slot as of `now` (indices into `items`, a permutation) and the name
    /// of the ranker that made it: the model's version, or `heuristic`.
    pub fn order(
        &mut self,
        state: &SessionState,
        items: &[SlotItem],
        intent: Option<f32>,
        now: f64,
    ) -> (Vec<usize>, String) {
        if let Some(model) = &self.model {
            let ctx = RankContext {
                now,
                intent,
                popularity: None,
            };
            let Some(rows) = ranking_rows(state, items, &ctx) else {
                return ((0..items.len()).collect(), model.version.clone());
            };
            match model.scores(&rows) {
                Ok(Some(scores)) => {
                    return (order_learned(state, items, &scores), model.version.clone())
                }
                Ok(None) => {}
                Err(reason) => {
                    warn_dropped("a slot", &reason, "the hand-set order is used");
                    self.model = None;
                    self.heuristic_only = true;
                }
            }
        }
        (
            rank(
                items,
                &Interest::from_session(state, now),
                personalisation_strength(intent),
            ),
            HEURISTIC_RANKER.to_string(),
        )
    }
}
