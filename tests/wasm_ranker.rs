//! The slot ranker inside wasm in headless Chromium: the embedded weights decode, scores
//! agree with native inference (models/ranker_parity.json) within 1e-5, damaged weights are
//! refused.
#![cfg(target_arch = "wasm32")]

use reshelf_core::model::{ranker_parity_rows, RankerModel};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

static SHIPPED: &[u8] = include_bytes!("../models/ranker.bin");
static PARITY: &str = include_str!("../models/ranker_parity.json");

fn recorded_scores() -> Vec<f64> {
    let start = PARITY.find('[').unwrap() + 1;
    let end = PARITY.find(']').unwrap();
    PARITY[start..end]
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect()
}

#[wasm_bindgen_test]
fn embedded_ranker_decodes_in_wasm() {
    let model = RankerModel::from_bytes(SHIPPED).expect("decodes");
    assert!(PARITY.contains(&model.version));
}

#[wasm_bindgen_test]
fn wasm_and_native_ranker_scores_agree() {
    let model = RankerModel::from_bytes(SHIPPED).unwrap();
    let scores = model.scores(&ranker_parity_rows());
    let want = recorded_scores();
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
