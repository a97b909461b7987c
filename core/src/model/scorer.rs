//! Inference: a decoded model that scores sessions.

use burn::prelude::*;
use burn::store::ModuleRecord;
use burn::tensor::Bytes;

use super::file::{sha256_hex, Calibration, ModelError, ModelFile};
use super::net::IntentNet;
use crate::features::{ModelInput, PagePriors, NUMERIC};

/// A ready-to-score intent model on Burn's pure-Rust CPU backend (which also runs in wasm).
#[derive(Debug)]
pub struct IntentModel {
    net: IntentNet,
    device: Device,
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
        let device = Device::flex();
        let record = ModuleRecord::from_bytes(Bytes::from_bytes_vec(file.payload.clone()))
            .map_err(|e| ModelError::Decode(format!("{e:?}")))?;
        let net = file
            .config
            .init(&device)
            .try_load_record(record)
            .map_err(|e| ModelError::Decode(format!("{e:?}")))?;
        Ok(Self {
            net,
            device,
            version: file.version,
            sha256: sha256_hex(bytes),
            calibration: file.calibration,
            priors: file.priors,
            parameters: file.config.parameters(),
        })
    }

    /// Wraps a network fresh from training (no file round trip).
    pub fn from_parts(net: IntentNet, file: &ModelFile) -> Self {
        Self {
            net,
            device: Device::flex(),
            version: file.version.clone(),
            sha256: String::new(),
            calibration: file.calibration,
            priors: file.priors,
            parameters: file.config.parameters(),
        }
    }

    /// Raw logits for a batch.
    pub fn logits(&self, inputs: &[ModelInput]) -> Vec<f32> {
        logits(&self.net, &self.device, inputs)
    }

    /// Calibrated purchase probabilities for a batch.
    pub fn score_batch(&self, inputs: &[ModelInput]) -> Vec<f32> {
        self.logits(inputs)
            .into_iter()
            .map(|z| self.calibration.probability(z))
            .collect()
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
    let (numeric, month, visitor) = tensors(inputs, device);
    net.forward(numeric, month, visitor)
        .into_data()
        .try_into_vec::<f32>()
        .unwrap_or_default()
}

/// The batch as tensors: numeric `[n, NUMERIC]`, month and visitor `[n, 1]`.
pub fn tensors(
    inputs: &[ModelInput],
    device: &Device,
) -> (Tensor<2>, Tensor<2, Int>, Tensor<2, Int>) {
    let n = inputs.len();
    let numeric: Vec<f32> = inputs.iter().flat_map(|x| x.numeric).collect();
    let month: Vec<i64> = inputs.iter().map(|x| x.month as i64).collect();
    let visitor: Vec<i64> = inputs.iter().map(|x| x.visitor as i64).collect();
    (
        Tensor::from_data(TensorData::new(numeric, [n, NUMERIC]), device),
        Tensor::from_data(TensorData::new(month, [n, 1]), device),
        Tensor::from_data(TensorData::new(visitor, [n, 1]), device),
    )
}
