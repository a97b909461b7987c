//! The ranking network for training: a small MLP scoring one candidate's ranking features
//! (see [`crate::features::rank_features`]); a slot's order is its items by score. The SDK
//! runs the same layers folded (see [`super::FoldedNet`]).

use burn::nn::{Linear, LinearConfig, Relu};
use burn::prelude::*;

use super::net::{dense, linear, DenseLayer};
use super::ranker_file::RankerConfig;
use crate::features::RANK_FEATURES;

#[derive(Module, Debug)]
pub struct RankerNet {
    hidden1: Linear,
    hidden2: Linear,
    out: Linear,
    act: Relu,
}

impl RankerNet {
    /// A freshly initialised network (training only: the SDK loads weights instead).
    pub fn init(config: RankerConfig, device: &Device) -> Self {
        Self {
            hidden1: LinearConfig::new(RANK_FEATURES, config.hidden1).init(device),
            hidden2: LinearConfig::new(config.hidden1, config.hidden2).init(device),
            out: LinearConfig::new(config.hidden2, 1).init(device),
            act: Relu::new(),
        }
    }

    /// The network holding `layers` (as read from a weights file), e.g. to fine-tune it.
    pub fn from_layers(layers: &[DenseLayer], device: &Device) -> Option<Self> {
        let linear = |l: &DenseLayer| linear(l, device);
        let [a, b, c] = layers else { return None };
        Some(Self {
            hidden1: linear(a),
            hidden2: linear(b),
            out: linear(c),
            act: Relu::new(),
        })
    }

    pub fn layers(&self) -> Vec<DenseLayer> {
        vec![
            dense(&self.hidden1, true),
            dense(&self.hidden2, true),
            dense(&self.out, false),
        ]
    }

    /// `x` is `[rows, RANK_FEATURES]`; returns scores `[rows, 1]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let x = self.act.forward(self.hidden1.forward(x));
        let x = self.act.forward(self.hidden2.forward(x));
        self.out.forward(x)
    }
}
