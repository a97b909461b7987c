//! `reshelf-train export`: the shipped network as plain numbers (JSON), so the identical model
//! can be rebuilt in other runtimes — the benchmark runs it in TensorFlow.js and ONNX Runtime
//! Web next to reshelf — and checked against reshelf's own outputs on the parity rows.

use std::fs;
use std::path::Path;

use reshelf_core::model::{input_rows, parity_inputs, INPUT_WIDTH};

use crate::fit::read_model;
use serde_json::json;

pub fn run(model: &Path, out: &Path) -> Result<(), String> {
    let model = read_model(model)?;
    let layers: Vec<_> = model
        .layers()
        .iter()
        .map(|l| {
            json!({
                "in": l.input,
                "out": l.output,
                "weight": l.weight,
                "bias": l.bias,
                "activation": if l.relu { "relu" } else { "none" },
            })
        })
        .collect();
    let inputs: Vec<_> = parity_inputs().iter().map(|f| f.to_input()).collect();
    let rows = input_rows(&inputs);
    let parity = json!({
        "inputs": rows.chunks_exact(INPUT_WIDTH).collect::<Vec<_>>(),
        "logits": model.logits(&inputs),
        "scores": model.score_batch(&inputs),
    });
    let doc = json!({
        "version": model.version,
        "sha256": model.sha256,
        "input_width": INPUT_WIDTH,
        "layers": layers,
        "calibration": { "a": model.calibration.a, "b": model.calibration.b },
        "parity": parity,
    });
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(out, format!("{doc}\n")).map_err(|e| format!("{}: {e}", out.display()))?;
    Ok(())
}
