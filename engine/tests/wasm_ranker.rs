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

static SHIPPED: &[u8] = include_bytes!("../../models/ranker.bin");
static PARITY: &str = include_str!("../../models/ranker_parity.json");

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

#[wasm_bindgen_test]
fn the_engine_scores_rows_and_leaves_out_what_fails_to_decode() {
    use reshelf_core::features::RANK_FEATURES;
    use reshelf_engine::{Engine, Models};
    let engine = Engine::new(true);
    assert!(engine.problems().is_empty());
    let rows = ranker_parity_rows();
    let scores = engine.score_ranker(&rows).expect("a ranker");
    assert_eq!(scores.len(), rows.len() / RANK_FEATURES);
    assert!(engine.ranker_version().unwrap().starts_with("ranker-"));
    assert!(Engine::new(false).ranker_version().is_none());

    let damaged = Models::decode(reshelf_engine::SHIPPED_INTENT, Some(b"garbage"));
    assert!(damaged.ranker.is_none() && damaged.intent.is_some());
    assert_eq!(damaged.problems.len(), 1);
}
