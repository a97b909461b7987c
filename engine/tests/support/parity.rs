//! The scores a `models/*parity.json` file records (its one number array), for the wasm
//! tests that compare in-browser inference with them. Parsed by hand: the wasm tests carry
//! no JSON crate.

pub fn recorded_scores(parity_json: &str) -> Vec<f64> {
    let start = parity_json.find('[').unwrap() + 1;
    let end = parity_json.find(']').unwrap();
    parity_json[start..end]
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect()
}
