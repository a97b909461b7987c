//! The capture module's side of the model engine, in headless Chromium: slots are ordered by
//! the scores the engine returns (cart items last), the hand-set order is used until an
//! engine is attached, and an engine that throws is dropped for the hand-set order. The
//! engine here is a stand-in object with the engine's methods; the real engine is covered by
//! `engine/tests` and, both modules together, by the e2e suite.
#![cfg(target_arch = "wasm32")]

use js_sys::{Function, Object, Reflect};
use reshelf::engine::EngineHandle;
use reshelf::ranker::Ranker;
use reshelf_core::policy::SlotItem;
use reshelf_core::{Event, EventKind, ItemRef, Tracker};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// An engine whose ranker scores each row by `score_js` (a function body over `rows`, the
/// flat Float32Array, and `width`, the floats per row).
fn stand_in(score_js: &str) -> EngineHandle {
    let o = Object::new();
    let width = reshelf_core::features::RANK_FEATURES;
    let f = Function::new_with_args("rows", &format!("const width = {width}; {score_js}"));
    Reflect::set(&o, &"scoreRanker".into(), &f).unwrap();
    Reflect::set(&o, &"rankerVersion".into(), &"ranker-test".into()).unwrap();
    o.unchecked_into()
}

fn shopper() -> Tracker {
    let mut tr = Tracker::new(3, 0.0);
    for (i, id) in ["bag-1", "bag-2"].iter().enumerate() {
        tr.apply(&Event::new(
            1_000.0 * (i as f64 + 1.0),
            EventKind::Click {
                x: 0.0,
                y: 0.0,
                item: Some(ItemRef::new(*id).with_category("bags").with_price(50.0)),
                action: None,
            },
        ));
    }
    tr.apply(&Event::new(
        3_000.0,
        EventKind::AddToCart {
            item: Some(ItemRef::new("hat-9").with_category("hats")),
        },
    ));
    tr
}

fn shelf() -> Vec<SlotItem> {
    ["hat-1", "hat-9", "bag-3", "hat-3"]
        .iter()
        .map(|id| {
            ItemRef::new(*id).with_category(if id.starts_with("bag") {
                "bags"
            } else {
                "hats"
            })
        })
        .collect()
}

#[wasm_bindgen_test]
fn slots_follow_the_engines_scores_with_cart_items_last() {
    let tr = shopper();
    let mut ranker = Ranker::new(false);
    let (_, before) = ranker.order(tr.state(), &shelf(), None, 5_000.0);
    assert_eq!(before, "heuristic", "no engine yet");
    // The page's last item scores highest, the first lowest.
    ranker.attach(&stand_in(
        "return Float32Array.from({ length: rows.length / width }, (_, i) => i);",
    ));
    assert_eq!(ranker.version(), Some("ranker-test"));
    let (order, name) = ranker.order(tr.state(), &shelf(), None, 5_000.0);
    assert_eq!(name, "ranker-test");
    assert_eq!(order, vec![3, 2, 0, 1], "by score, the carted hat-9 last");
}

#[wasm_bindgen_test]
fn an_engine_that_throws_is_dropped_for_the_hand_set_order() {
    let tr = shopper();
    let mut ranker = Ranker::new(false);
    ranker.attach(&stand_in(
        "throw new WebAssembly.RuntimeError('unreachable');",
    ));
    let (order, name) = ranker.order(tr.state(), &shelf(), None, 5_000.0);
    assert_eq!(name, "heuristic");
    let hand_set = Ranker::new(true)
        .order(tr.state(), &shelf(), None, 5_000.0)
        .0;
    assert_eq!(order, hand_set);
    // Dropped for good: attaching again does not bring it back.
    ranker.attach(&stand_in("return new Float32Array(rows.length / width);"));
    assert!(ranker.version().is_none());
}

#[wasm_bindgen_test]
fn the_heuristic_option_never_uses_the_engine() {
    let tr = shopper();
    let mut ranker = Ranker::new(true);
    ranker.attach(&stand_in("return new Float32Array(rows.length / width);"));
    assert!(ranker.version().is_none());
    assert_eq!(
        ranker.order(tr.state(), &shelf(), None, 5_000.0).1,
        "heuristic"
    );
}
