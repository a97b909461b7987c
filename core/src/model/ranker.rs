//! The ranking model at inference: decoded weights that score a slot's candidates.

use super::file::{sha256_hex, ModelError};
use super::folded::FoldedNet;
use super::mlp::DenseLayer;
use super::ranker_file::{RankerConfig, RankerFile};
use crate::features::RANK_FEATURES;

/// A ready-to-score ranker on Burn's pure-Rust CPU backend (which also runs in wasm).
#[derive(Debug)]
pub struct RankerModel {
    folded: FoldedNet,
    layers: Vec<DenseLayer>,
    pub version: String,
    pub sha256: String,
    pub config: RankerConfig,
}

impl RankerModel {
    /// Decodes a ranker weights file.
    ///
    /// # Errors
    /// Any damage, or a file for another feature count, is a [`ModelError`], never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let file = RankerFile::decode(bytes)?;
        Ok(Self::from_file(file, sha256_hex(bytes)))
    }

    /// Wraps layers fresh from training (no file round trip; `sha256` empty).
    pub fn from_file(file: RankerFile, sha256: String) -> Self {
        Self {
            folded: FoldedNet::new(&file.layers),
            layers: file.layers,
            version: file.version,
            sha256,
            config: file.config,
        }
    }

    pub fn layers(&self) -> &[DenseLayer] {
        &self.layers
    }

    /// One score per row of `features` (row-major, [`RANK_FEATURES`] each; a trailing partial
    /// row is ignored). Higher means more likely to be clicked next.
    pub fn scores(&self, features: &[f32]) -> Vec<f32> {
        let whole = features.len() / RANK_FEATURES * RANK_FEATURES;
        self.folded.logits(&features[..whole])
    }
}
