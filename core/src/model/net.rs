//! The network: an MLP over the scaled numeric columns and one-hot month and visitor type,
//! one logit out. Small on purpose (a few thousand parameters) so that it ships inside the SDK.
//!
//! One-hot inputs into the first layer are equivalent to category embeddings folded into
//! that layer, and need no embedding lookup or concatenation in the forward pass: in the page
//! every tensor op has a fixed dispatch cost, so fewer ops is faster inference.

use burn::nn::{Linear, LinearConfig, Relu};
use burn::prelude::*;

use crate::features::{Month, VisitorType, NUMERIC};

/// Width of the network's input: numeric columns, then one-hot month, then one-hot visitor.
pub const INPUT_WIDTH: usize = NUMERIC + Month::COUNT + VisitorType::COUNT;

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
            hidden1: LinearConfig::new(INPUT_WIDTH, self.hidden1).init(device),
            hidden2: LinearConfig::new(self.hidden1, self.hidden2).init(device),
            out: LinearConfig::new(self.hidden2, 1).init(device),
            act: Relu::new(),
        }
    }

    /// Number of trainable parameters.
    pub fn parameters(&self) -> usize {
        (INPUT_WIDTH + 1) * self.hidden1 + (self.hidden1 + 1) * self.hidden2 + self.hidden2 + 1
    }
}

#[derive(Module, Debug)]
pub struct IntentNet {
    hidden1: Linear,
    hidden2: Linear,
    out: Linear,
    act: Relu,
}

impl IntentNet {
    /// `x` is `[batch, INPUT_WIDTH]` (see [`crate::model::tensors`]). Returns logits `[batch, 1]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let x = self.act.forward(self.hidden1.forward(x));
        let x = self.act.forward(self.hidden2.forward(x));
        self.out.forward(x)
    }
}
