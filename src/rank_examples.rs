//! Ranking examples from the store's own traffic: when the shopper clicks a tile of a slot,
//! the quantised ranking features of that tile and of the tiles shown above it (skipped) are
//! kept in the session for its summary — feature bytes only, no ids (see
//! `reshelf_core::features::RankExample`). Computed before the click is folded in, so they
//! are what the ranker saw when it ordered the slot.

use reshelf_core::features::{rank_features, RankContext, RankExample};
use web_sys::Element;

use crate::apply::read_slot_through;
use crate::clock::now;
use crate::markup::{closest, Selector};
use crate::runtime::Shared;

/// Records an example if `item` (the clicked tile) sits in a slot below at least one other.
pub fn note_slot_click(rt: &Shared, item: &Element) {
    let Some(slot) = closest(item, Selector::SlotSelector) else {
        return;
    };
    let Some(items) = read_slot_through(&slot, item) else {
        return;
    };
    let clicked = items.len() - 1;
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
    let features = rank_features(state, &items, &ctx);
    if let Some(example) = RankExample::from_features(&features, clicked) {
        r.tracker.record_rank_example(example);
    }
}
