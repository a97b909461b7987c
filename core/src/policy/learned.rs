//! Ranking a slot with the learned model: each item's ranking features (see
//! [`crate::features::rank_features`]) are scored by the [`RankerModel`] and the slot is
//! ordered by score, highest first. Equal scores keep the page's order, and a session with no
//! signal yet (no item click, no add to cart, no tile seen) keeps the page's order outright:
//! there is nothing of the shopper's to follow.
//!
//! One rule is the store's, not the model's: items already in the cart or bought in this
//! session go after the others (in the model's order among themselves), as in the hand-set
//! order — recommending what the shopper already has spends a tile on nothing. The click
//! logs the model learns from hold too few carts to learn that.

use super::order::order_by_scores_f64;
use crate::events::ItemRef as SlotItem;
use crate::features::{has_signal, rank_features, RankContext};
#[cfg(feature = "inference")]
use crate::model::RankerModel;
use crate::session::SessionState;
use crate::text::clean_id;

/// The new order as indices into `items`: always a permutation of `0..items.len()`.
#[cfg(feature = "inference")]
pub fn rank_learned(
    model: &RankerModel,
    state: &SessionState,
    items: &[SlotItem],
    ctx: &RankContext,
) -> Vec<usize> {
    match ranking_rows(state, items, ctx) {
        Some(rows) => order_learned(state, items, &model.scores(&rows)),
        None => (0..items.len()).collect(),
    }
}

/// The rows the ranker scores for a slot, `[items.len(), RANK_FEATURES]` row-major; `None`
/// when the page's order stays without asking the model (fewer than 2 items, or a session
/// with no signal yet). The capture module hands these to the model engine.
pub fn ranking_rows(
    state: &SessionState,
    items: &[SlotItem],
    ctx: &RankContext,
) -> Option<Vec<f32>> {
    (items.len() >= 2 && has_signal(state)).then(|| rank_features(state, items, ctx))
}

/// The slot's order from the model's `scores` (one per item, from [`ranking_rows`]'s rows):
/// by score, highest first, stably, with items in the cart or bought last. Always a
/// permutation of `0..items.len()`; missing scores keep their items' places at the end.
pub fn order_learned(state: &SessionState, items: &[SlotItem], scores: &[f32]) -> Vec<usize> {
    let held: Vec<bool> = items
        .iter()
        .map(|item| {
            clean_id(&item.id)
                .and_then(|id| state.items.get(&id))
                .is_some_and(|s| s.add_to_cart > 0 || s.purchased)
        })
        .collect();
    // The model's order within the held items and within the others.
    let (mut order, held): (Vec<usize>, Vec<usize>) = order_by_scores(scores, items.len())
        .into_iter()
        .partition(|&i| !held[i]);
    order.extend(held);
    order
}

/// Indices sorted by score, highest first; ties and non-finite scores keep the original
/// order (a non-finite score sorts last). Indices past `scores` keep their place at the end.
pub fn order_by_scores(scores: &[f32], n: usize) -> Vec<usize> {
    let wide: Vec<f64> = scores.iter().map(|s| f64::from(*s)).collect();
    order_by_scores_f64(&wide, n)
}
