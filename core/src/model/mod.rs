//! The intent model: architecture ([`net`]), the weights file ([`file`]) and inference
//! ([`IntentModel`]). Training lives in `reshelf-train`; nothing here depends on it.

mod file;
mod folded;
mod net;
mod parity;
mod scorer;

pub use file::{sha256_hex, Calibration, ModelError, ModelFile, FORMAT};
pub use folded::FoldedNet;
pub use net::{DenseLayer, IntentNet, IntentNetConfig, INPUT_WIDTH};
pub use parity::parity_inputs;
pub use scorer::{input_rows, logits, tensors, IntentModel};
