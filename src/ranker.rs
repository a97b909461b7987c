//! Which order a slot gets: the learned ranker (the model engine's, see `models/ranker.bin`)
//! or the hand-set order. The hand-set order is what `ranker: 'heuristic'` asks for, and what
//! slots get until the engine is attached and if the engine fails (said once on the console).
//!
//! An engine in a worker answers later: a slot is ordered by the scores of the latest answer
//! for the same items, and asked again when the session has changed since; until the first
//! answer for a slot's items arrives, the slot gets the hand-set order.

use reshelf_core::features::RankContext;
use reshelf_core::hash::fnv1a32;
use reshelf_core::policy::{
    order_learned, personalisation_strength, rank, ranking_rows, Interest, SlotItem,
    HEURISTIC_RANKER,
};
use reshelf_core::SessionState;

use crate::engine::{warn_dropped, EngineHandle, EngineModel, Scored};

/// Item lists whose worker answers are kept (a page has a handful of slots).
const MAX_CACHED: usize = 32;

/// A worker's latest answer for one item list: each item's score by id (sorted by id), so it
/// still applies after the slot was rearranged. Vectors rather than maps throughout: a page
/// has a handful of slots, and each map type would be code in the capture module.
struct Answer {
    list: u32,
    scores: Vec<(String, f32)>,
    /// The session's event count when the rows were made: asked again once it moves on.
    events: u64,
}

pub struct Ranker {
    model: Option<EngineModel>,
    /// `ranker: 'heuristic'`, or the engine failed: the model is never used again.
    heuristic_only: bool,
    /// Worker answers, one per item list (see [`item_list`]).
    answers: Vec<Answer>,
    /// Worker requests waiting: (request id, item list, its ids in the order asked, event
    /// count).
    asked: Vec<(u32, u32, Vec<String>, u64)>,
}

impl Ranker {
    /// `heuristic_only`: `ranker: 'heuristic'` (the engine's ranker is never used). Until an
    /// engine is attached, slots get the hand-set order.
    pub fn new(heuristic_only: bool) -> Self {
        Self {
            model: None,
            heuristic_only,
            answers: Vec::new(),
            asked: Vec::new(),
        }
    }

    /// Takes the engine's ranker unless the hand-set order was asked for. An engine without
    /// a ranker (its weights failed to decode; the engine said why) leaves the hand-set order.
    pub fn attach(&mut self, engine: &EngineHandle) {
        if !self.heuristic_only {
            self.model = EngineModel::ranker(engine);
        }
    }

    /// Drops the engine for good (a worker that failed): the hand-set order from now on.
    pub fn detach(&mut self) {
        self.model = None;
        self.heuristic_only = true;
        self.answers.clear();
        self.asked.clear();
    }

    /// The attached ranker's version, if one is attached.
    pub fn version(&self) -> Option<&str> {
        self.model.as_ref().map(|m| m.version.as_str())
    }

    /// A worker engine's answer to request `id`; true when it was this ranker's (a decision
    /// round should follow).
    pub fn answer(&mut self, id: u32, scores: Vec<f32>) -> bool {
        let Some(at) = self.asked.iter().position(|a| a.0 == id) else {
            return false;
        };
        let (_, list, ids, events) = self.asked.swap_remove(at);
        self.answers.retain(|a| a.list != list);
        if self.answers.len() >= MAX_CACHED {
            self.answers.remove(0);
        }
        let scores: Vec<(String, f32)> = ids.into_iter().zip(scores).collect();
        self.answers.push(Answer {
            list,
            scores,
            events,
        });
        true
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
            let version = model.version.clone();
            let deferred = model.deferred;
            let ctx = RankContext {
                now,
                intent,
                popularity: None,
            };
            let Some(rows) = ranking_rows(state, items, &ctx) else {
                return ((0..items.len()).collect(), version);
            };
            let order = if deferred {
                self.worker_order(state, items, &rows)
            } else {
                self.engine_order(state, items, &rows)
            };
            if let Some(order) = order {
                return (order, version);
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

    /// The order from a main-thread engine's scores; `None` when it declined the rows or
    /// threw (then it is dropped for good).
    fn engine_order(
        &mut self,
        state: &SessionState,
        items: &[SlotItem],
        rows: &[f32],
    ) -> Option<Vec<usize>> {
        match self.model.as_ref()?.score(rows) {
            Ok(Scored::Now(scores)) => Some(order_learned(state, items, &scores)),
            Ok(_) => None,
            Err(reason) => {
                self.drop_failed(&reason);
                None
            }
        }
    }

    /// The order from the worker's latest answer for these items, asking again when the
    /// session moved on since (or nothing was asked yet); `None` until a first answer.
    fn worker_order(
        &mut self,
        state: &SessionState,
        items: &[SlotItem],
        rows: &[f32],
    ) -> Option<Vec<usize>> {
        let list = item_list(items);
        let current = self
            .answers
            .iter()
            .any(|a| a.list == list && a.events == state.events);
        let pending = self.asked.iter().any(|a| a.1 == list);
        if !pending && !current {
            match self.model.as_ref()?.score(rows) {
                Ok(Scored::Asked(id)) => {
                    let ids = items.iter().map(|i| i.id.clone()).collect();
                    self.asked.push((id, list, ids, state.events));
                }
                Ok(_) => {}
                Err(reason) => {
                    self.drop_failed(&reason);
                    return None;
                }
            }
        }
        let answer = self.answers.iter().find(|a| a.list == list)?;
        // An id the answer lacks scores NaN, which sorts last. A linear lookup: a slot holds
        // tens of items, and sorting the answer by id would link another sort instance.
        let scores: Vec<f32> = items
            .iter()
            .map(|i| {
                answer
                    .scores
                    .iter()
                    .find(|(id, _)| *id == i.id)
                    .map_or(f32::NAN, |(_, score)| *score)
            })
            .collect();
        Some(order_learned(state, items, &scores))
    }

    /// An engine that threw: said once, and the hand-set order from now on.
    fn drop_failed(&mut self, reason: &str) {
        warn_dropped("a slot", reason, "the hand-set order is used");
        self.detach();
    }
}

/// A slot's item list whatever its current order: a fingerprint of its ids that does not
/// depend on their order (the sum and the xor of their hashes, and their count), so no sort
/// is linked for it.
fn item_list(items: &[SlotItem]) -> u32 {
    let (mut sum, mut xor) = (0u32, 0u32);
    for item in items {
        let h = fnv1a32(item.id.as_bytes());
        sum = sum.wrapping_add(h);
        xor ^= h.rotate_left(13);
    }
    let mut key = [0u8; 12];
    key[..4].copy_from_slice(&sum.to_le_bytes());
    key[4..8].copy_from_slice(&xor.to_le_bytes());
    key[8..].copy_from_slice(&(items.len() as u32).to_le_bytes());
    fnv1a32(&key)
}
