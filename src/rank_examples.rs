//! Ranking examples from the store's own traffic: when the shopper clicks a tile of a slot,
//! the quantised ranking features of that tile and of the tiles shown above it (skipped) are
//! kept in the session for its summary — feature bytes only, no ids (see
//! `reshelf_core::features::RankExample`). Computed before the click is folded in, so they
//! are what the ranker saw when it ordered the slot.

use reshelf_core::features::{rank_features_at, RankContext, RankExample, MAX_SKIPPED};
use web_sys::Element;

use crate::apply::read_around;
use crate::clock::now;
use crate::markup::{closest, Selector};
use crate::runtime::Shared;

/// Records an example if `item` (the clicked tile) sits in a slot below at least one other.
/// Its rows are the clicked tile's and those of up to [`MAX_SKIPPED`] tiles above it, with
/// their positions in the whole slot, as the ranker computes them when it orders the slot.
pub fn note_slot_click(rt: &Shared, item: &Element) {
    let Some(slot) = closest(item, Selector::SlotSelector) else {
        return;
    };
    let Some(around) = read_around(&slot, item, MAX_SKIPPED) else {
        return;
    };
    let clicked = around.items.len() - 1;
    if clicked == 0 {
        return;
    }
    let Ok(mut r) = rt.try_borrow_mut() else {
        return;
    };
    let state = r.tracker.state();
    let ctx = RankContext {
        now: now(),
        intent: r.intent.current(&state.session_id),
        popularity: None,
    };
    let features = rank_features_at(state, &around.items, around.first, around.slot_len, &ctx);
    if let Some(example) = RankExample::from_features(&features, clicked) {
        r.tracker.record_rank_example(example);
    }
}
