//! Inference: a decoded model that scores sessions.

use burn::prelude::*;

use super::file::{sha256_hex, Calibration, ModelError, ModelFile};
use super::folded::FoldedNet;
use super::mlp::DenseLayer;
use super::net::{IntentNet, INPUT_WIDTH};
pub use crate::features::input_rows;
use crate::features::{ModelInput, PagePriors};

/// A ready-to-score intent model on Burn's pure-Rust CPU backend (which also runs in wasm).
#[derive(Debug)]
pub struct IntentModel {
    layers: [DenseLayer; 3],
    folded: FoldedNet,
    pub version: String,
    pub sha256: String,
    pub calibration: Calibration,
    pub priors: PagePriors,
    pub parameters: usize,
}

impl IntentModel {
    /// Decodes a weights file; any damage is an error, never a panic.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ModelError> {
        let file = ModelFile::decode(bytes)?;
        let layers = file.layers()?;
        Ok(Self::new(layers, &file, sha256_hex(bytes)))
    }

    /// Wraps a network fresh from training (no file round trip).
    pub fn from_parts(net: IntentNet, file: &ModelFile) -> Self {
        Self::new(net.layers(), file, String::new())
    }

    fn new(layers: [DenseLayer; 3], file: &ModelFile, sha256: String) -> Self {
        Self {
            folded: FoldedNet::new(&layers),
            layers,
            version: file.version.clone(),
            sha256,
            calibration: file.calibration,
            priors: file.priors,
            parameters: file.config.parameters(),
        }
    }

    /// The network's layers as plain numbers (export, and rebuilding an [`IntentNet`]).
    pub fn layers(&self) -> &[DenseLayer; 3] {
        &self.layers
    }

    /// Raw logits for a batch.
    pub fn logits(&self, inputs: &[ModelInput]) -> Vec<f32> {
        self.folded.logits(&input_rows(inputs))
    }

    /// Calibrated purchase probabilities for a batch.
    pub fn score_batch(&self, inputs: &[ModelInput]) -> Vec<f32> {
        self.score_rows(&input_rows(inputs)).unwrap_or_default()
    }

    /// Calibrated probabilities for rows already laid out as the network's input
    /// (`INPUT_WIDTH` floats each, see [`input_rows`]); `None` unless `x` holds whole rows.
    pub fn score_rows(&self, x: &[f32]) -> Option<Vec<f32>> {
        if x.is_empty() || !x.len().is_multiple_of(INPUT_WIDTH) {
            return None;
        }
        let logits = self.folded.logits(x);
        Some(
            logits
                .into_iter()
                .map(|z| self.calibration.probability(z))
                .collect(),
        )
    }

    /// The calibrated purchase probability of one session.
    pub fn score(&self, input: &ModelInput) -> f32 {
        self.score_batch(std::slice::from_ref(input))
            .first()
            .copied()
            .unwrap_or(0.0)
    }
}

/// Logits of `net` for a batch, on `device`. Shared by inference and the trainer.
pub fn logits(net: &IntentNet, device: &Device, inputs: &[ModelInput]) -> Vec<f32> {
    if inputs.is_empty() {
        return Vec::new();
    }
    net.forward(tensors(inputs, device))
        .into_data()
        .try_into_vec::<f32>()
        .unwrap_or_default()
}

/// The batch as one `[n, INPUT_WIDTH]` tensor: numeric columns, one-hot month, one-hot
/// visitor type.
pub fn tensors(inputs: &[ModelInput], device: &Device) -> Tensor<2> {
    Tensor::from_data(
        TensorData::new(input_rows(inputs), [inputs.len(), INPUT_WIDTH]),
        device,
    )
}
