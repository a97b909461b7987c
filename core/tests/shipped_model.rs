//! Guards on the shipped weights: they decode into the architecture, stay within the size
//! budgets, score like the recorded parity scores, and damaged copies are refused.

use burn::prelude::Device;
use reshelf_core::model::{
    input_rows, logits, parity_inputs, IntentModel, IntentNet, ModelError, ModelFile, INPUT_WIDTH,
};

static SHIPPED: &[u8] = include_bytes!("../../models/intent.bin");
static PARITY: &str = include_str!("../../models/parity.json");

#[test]
fn shipped_weights_decode_into_the_architecture() {
    let model = IntentModel::from_bytes(SHIPPED).expect("models/intent.bin decodes");
    assert!(model.version.starts_with("intent-"));
    assert!(
        model.parameters <= 50_000,
        "{} parameters",
        model.parameters
    );
    assert!(SHIPPED.len() <= 100 * 1024, "{} bytes", SHIPPED.len());
}

#[test]
fn native_scores_match_the_recorded_parity_scores() {
    let model = IntentModel::from_bytes(SHIPPED).unwrap();
    let recorded: serde_json::Value = serde_json::from_str(PARITY).unwrap();
    assert_eq!(recorded["version"], model.version.as_str());
    let inputs: Vec<_> = parity_inputs().iter().map(|f| f.to_input()).collect();
    let scores = model.score_batch(&inputs);
    let want: Vec<f64> = recorded["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(scores.len(), want.len());
    for (i, (got, want)) in scores.iter().zip(&want).enumerate() {
        assert!(
            (f64::from(*got) - want).abs() < 1e-6,
            "input {i}: {got} vs {want}"
        );
        assert!(*got > 0.0 && *got < 1.0);
    }
    // One at a time equals the batch.
    assert!((model.score(&inputs[3]) - scores[3]).abs() < 1e-6);
}

#[test]
fn damaged_weights_are_refused_not_panicked_on() {
    assert_eq!(
        IntentModel::from_bytes(&SHIPPED[..SHIPPED.len() / 2]).unwrap_err(),
        ModelError::Checksum
    );
    assert_eq!(
        IntentModel::from_bytes(&SHIPPED[..20]).unwrap_err(),
        ModelError::Truncated
    );
    assert_eq!(
        IntentModel::from_bytes(b"not a model at all").unwrap_err(),
        ModelError::NotAModel
    );
    assert_eq!(
        IntentModel::from_bytes(&[]).unwrap_err(),
        ModelError::NotAModel
    );
    let mut flipped = SHIPPED.to_vec();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x55;
    assert_eq!(
        IntentModel::from_bytes(&flipped).unwrap_err(),
        ModelError::Checksum
    );
    let mut other_format = SHIPPED.to_vec();
    other_format[8] = 99;
    assert_eq!(
        IntentModel::from_bytes(&other_format).unwrap_err(),
        ModelError::Format(99)
    );
}

#[test]
fn a_file_whose_shape_disagrees_with_its_payload_is_refused() {
    let mut file = ModelFile::decode(SHIPPED).unwrap();
    file.config.hidden1 += 1;
    let err = IntentModel::from_bytes(&file.encode()).unwrap_err();
    assert!(matches!(err, ModelError::Decode(_)), "{err:?}");

    let mut file = ModelFile::decode(SHIPPED).unwrap();
    file.config.hidden2 = 0;
    let err = IntentModel::from_bytes(&file.encode()).unwrap_err();
    assert!(matches!(err, ModelError::Decode(_)), "{err:?}");
}

#[test]
fn a_file_holding_a_non_finite_weight_is_refused() {
    let mut file = ModelFile::decode(SHIPPED).unwrap();
    file.payload[40..44].copy_from_slice(&f32::NAN.to_le_bytes());
    let err = IntentModel::from_bytes(&file.encode()).unwrap_err();
    assert_eq!(
        err,
        ModelError::Decode("a weight is not a finite number".into())
    );
}

#[test]
fn the_payload_round_trips_through_the_layers() {
    let file = ModelFile::decode(SHIPPED).unwrap();
    assert_eq!(ModelFile::payload_of(&file.layers().unwrap()), file.payload);
}

#[test]
fn the_folded_network_computes_the_layered_network() {
    let model = IntentModel::from_bytes(SHIPPED).unwrap();
    let inputs: Vec<_> = parity_inputs().iter().map(|f| f.to_input()).collect();
    let net = IntentNet::from_layers(model.layers(), &Device::flex());
    let layered = logits(&net, &Device::flex(), &inputs);
    let folded = model.logits(&inputs);
    assert_eq!(layered.len(), folded.len());
    for (i, (a, b)) in layered.iter().zip(&folded).enumerate() {
        assert!((a - b).abs() < 1e-5, "input {i}: layered {a}, folded {b}");
    }
    // Raw rows score like sessions; partial rows are refused.
    let rows = input_rows(&inputs);
    let by_rows = model.score_rows(&rows).unwrap();
    assert_eq!(by_rows, model.score_batch(&inputs));
    assert_eq!(model.score_rows(&rows[..INPUT_WIDTH + 3]), None);
    assert_eq!(model.score_rows(&[]), None);
}
