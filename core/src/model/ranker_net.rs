//! The ranking network for training: a small MLP scoring one candidate's ranking features
//! (see [`crate::features::rank_features`]); a slot's order is its items by score. The SDK
//! runs the same layers folded (see [`super::FoldedNet`]).

use burn::prelude::*;

use super::mlp::{DenseLayer, Mlp};
use super::ranker_file::RankerConfig;
use crate::features::RANK_FEATURES;

#[derive(Module, Debug)]
pub struct RankerNet {
    mlp: Mlp,
}

impl RankerNet {
    /// A freshly initialised network (training only: the SDK loads weights instead).
    pub fn init(config: RankerConfig, device: &Device) -> Self {
        Self {
            mlp: Mlp::init(RANK_FEATURES, config.hidden1, config.hidden2, device),
        }
    }

    /// The network holding `layers` (as read from a weights file), e.g. to fine-tune it;
    /// `None` unless there are three.
    pub fn from_layers(layers: &[DenseLayer], device: &Device) -> Option<Self> {
        let layers: &[DenseLayer; 3] = layers.try_into().ok()?;
        Some(Self {
            mlp: Mlp::from_layers(layers, device),
        })
    }

    pub fn layers(&self) -> Vec<DenseLayer> {
        self.mlp.layers().to_vec()
    }

    /// `x` is `[rows, RANK_FEATURES]`; returns scores `[rows, 1]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.mlp.forward(x)
    }
}
