//! The slot ranker inside wasm in headless Chromium: the embedded weights decode, scores
//! agree with native inference (models/ranker_parity.json) within 1e-5, damaged weights are
//! refused.
#![cfg(target_arch = "wasm32")]

use reshelf_core::model::{ranker_parity_rows, RankerModel};
use wasm_bindgen_test::*;

#[path = "support/parity.rs"]
mod parity;
use parity::recorded_scores;

wasm_bindgen_test_configure!(run_in_browser);

static SHIPPED: &[u8] = include_bytes!("../models/ranker.bin");
static PARITY: &str = include_str!("../models/ranker_parity.json");

#[wasm_bindgen_test]
fn embedded_ranker_decodes_in_wasm() {
    let model = RankerModel::from_bytes(SHIPPED).expect("decodes");
    assert!(PARITY.contains(&model.version));
}

#[wasm_bindgen_test]
fn wasm_and_native_ranker_scores_agree() {
    let model = RankerModel::from_bytes(SHIPPED).unwrap();
    let scores = model.scores(&ranker_parity_rows());
    let want = recorded_scores(PARITY);
    assert_eq!(scores.len(), want.len());
    for (i, (got, want)) in scores.iter().zip(&want).enumerate() {
        assert!(
            (f64::from(*got) - want).abs() < 1e-5 * want.abs().max(1.0),
            "row {i}: wasm {got} vs native {want}"
        );
    }
}

#[wasm_bindgen_test]
fn damaged_ranker_weights_are_refused_in_wasm() {
    assert!(RankerModel::from_bytes(&SHIPPED[..SHIPPED.len() - 1]).is_err());
    let mut flipped = SHIPPED.to_vec();
    flipped[100] ^= 1;
    assert!(RankerModel::from_bytes(&flipped).is_err());
}

/// A session that clicked two bags, for the shell's ranker below.
fn bag_shopper() -> reshelf_core::Tracker {
    use reshelf_core::{Event, EventKind, ItemRef};
    let mut tr = reshelf_core::Tracker::new(3, 0.0);
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
    tr
}

fn shelf() -> Vec<reshelf_core::policy::SlotItem> {
    ["hat-1", "hat-2", "bag-3", "hat-3"]
        .iter()
        .map(|id| reshelf_core::policy::SlotItem {
            id: id.to_string(),
            category: Some(
                if id.starts_with("bag") {
                    "bags"
                } else {
                    "hats"
                }
                .into(),
            ),
            price: Some(45.0),
            brand: None,
        })
        .collect()
}

#[wasm_bindgen_test]
fn the_shell_orders_with_the_model_and_falls_back_to_the_hand_set_order() {
    use reshelf::ranker::Ranker;
    let tr = bag_shopper();
    let mut model = Ranker::new(false);
    model.load(SHIPPED);
    let (order, name) = model.order(tr.state(), &shelf(), Some(0.2), 5_000.0);
    assert!(name.starts_with("ranker-"), "{name}");
    assert_eq!(order[0], 2, "the bag comes first: {order:?}");

    for bad in [&b"garbage"[..], &SHIPPED[..SHIPPED.len() - 3]] {
        let mut damaged = Ranker::new(false);
        damaged.load(bad);
        assert!(damaged.version().is_none());
        let (order, name) = damaged.order(tr.state(), &shelf(), Some(0.2), 5_000.0);
        assert_eq!(name, "heuristic");
        assert_eq!(
            order[0], 2,
            "the hand-set order also follows the bags: {order:?}"
        );
        // Once fallen back, it stays on the hand-set order (one warning, not one per load).
        damaged.load(SHIPPED);
        assert!(damaged.version().is_none());
    }

    let mut asked = Ranker::new(true);
    asked.load(SHIPPED);
    assert_eq!(
        asked.order(tr.state(), &shelf(), None, 5_000.0).1,
        "heuristic"
    );
}
