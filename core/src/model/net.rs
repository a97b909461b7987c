//! The network: an MLP over the scaled numeric columns and one-hot month and visitor type,
//! one logit out. Small on purpose (a few thousand parameters) so that it ships inside the SDK.
//!
//! One-hot inputs into the first layer are equivalent to category embeddings folded into
//! that layer, and need no embedding lookup or concatenation in the forward pass: in the page
//! every tensor op has a fixed dispatch cost, so fewer ops is faster inference.

use burn::prelude::*;

use super::mlp::{DenseLayer, Mlp};

pub use crate::features::INPUT_WIDTH;

/// Layer sizes. Stored in the weights file so a file always decodes into its own shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntentNetConfig {
    pub hidden1: usize,
    pub hidden2: usize,
}

impl Default for IntentNetConfig {
    fn default() -> Self {
        Self {
            hidden1: 64,
            hidden2: 32,
        }
    }
}

impl IntentNetConfig {
    pub fn init(&self, device: &Device) -> IntentNet {
        IntentNet {
            mlp: Mlp::init(INPUT_WIDTH, self.hidden1, self.hidden2, device),
        }
    }

    /// Number of trainable parameters.
    pub fn parameters(&self) -> usize {
        (INPUT_WIDTH + 1) * self.hidden1 + (self.hidden1 + 1) * self.hidden2 + self.hidden2 + 1
    }
}

#[derive(Module, Debug)]
pub struct IntentNet {
    mlp: Mlp,
}

impl IntentNet {
    /// The network holding `layers` (as read from a weights file), for training-side code
    /// and tests; inference in the SDK runs [`super::FoldedNet`] instead.
    pub fn from_layers(layers: &[DenseLayer; 3], device: &Device) -> Self {
        IntentNet {
            mlp: Mlp::from_layers(layers, device),
        }
    }

    /// The layers in order (for the weights file and `reshelf-train export`).
    pub fn layers(&self) -> [DenseLayer; 3] {
        self.mlp.layers()
    }

    /// `x` is `[batch, INPUT_WIDTH]` (see [`crate::model::tensors`]). Returns logits `[batch, 1]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        self.mlp.forward(x)
    }
}
