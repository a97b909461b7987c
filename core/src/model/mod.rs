//! The models: purchase intent (architecture [`net`], weights file [`file`], inference
//! [`IntentModel`]) and the slot ranker (architecture `ranker_net`, weights file
//! `ranker_file`, inference [`RankerModel`]). Training lives in `reshelf-train`; nothing here
//! depends on it.

mod file;
mod folded;
mod mlp;
mod net;
mod parity;
mod ranker;
mod ranker_file;
mod ranker_net;
mod scorer;

pub use file::{sha256_hex, Calibration, ModelError, ModelFile, FORMAT};
pub use folded::FoldedNet;
pub use mlp::DenseLayer;
pub use net::{IntentNet, IntentNetConfig, INPUT_WIDTH};
pub use parity::{parity_inputs, ranker_parity_rows};
pub use ranker::RankerModel;
pub use ranker_file::{RankerConfig, RankerFile, RANKER_FORMAT};
pub use ranker_net::RankerNet;
pub use scorer::{input_rows, logits, tensors, IntentModel};
