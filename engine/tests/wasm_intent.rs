//! The intent model inside wasm in headless Chromium: the embedded weights decode, scores
//! agree with native inference (models/parity.json) within 1e-5, damaged weights are refused.
#![cfg(target_arch = "wasm32")]

use reshelf_core::model::{parity_inputs, IntentModel};
use wasm_bindgen_test::*;

#[path = "support/parity.rs"]
mod parity;
use parity::recorded_scores;

wasm_bindgen_test_configure!(run_in_browser);

static SHIPPED: &[u8] = include_bytes!("../../models/intent.bin");
static PARITY: &str = include_str!("../../models/parity.json");

#[wasm_bindgen_test]
fn embedded_weights_decode_in_wasm() {
    let model = IntentModel::from_bytes(SHIPPED).expect("decodes");
    assert!(PARITY.contains(&model.version));
}

#[wasm_bindgen_test]
fn wasm_and_native_inference_agree() {
    let model = IntentModel::from_bytes(SHIPPED).unwrap();
    let inputs: Vec<_> = parity_inputs().iter().map(|f| f.to_input()).collect();
    let scores = model.score_batch(&inputs);
    let want = recorded_scores(PARITY);
    assert_eq!(scores.len(), want.len());
    for (i, (got, want)) in scores.iter().zip(&want).enumerate() {
        assert!(
            (f64::from(*got) - want).abs() < 1e-5,
            "input {i}: wasm {got} vs native {want}"
        );
    }
}

#[wasm_bindgen_test]
fn damaged_weights_are_refused_in_wasm() {
    assert!(IntentModel::from_bytes(&SHIPPED[..SHIPPED.len() - 1]).is_err());
    let mut flipped = SHIPPED.to_vec();
    flipped[200] ^= 1;
    assert!(IntentModel::from_bytes(&flipped).is_err());
}
