//! What the training loop needs from a network, implemented by the shipped intent network and
//! the logistic-regression baseline.

use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use reshelf_core::model::{IntentNet, INPUT_WIDTH};

pub trait Net: Module + Clone {
    /// Logits `[batch, 1]` for inputs `[batch, INPUT_WIDTH]`.
    fn logits(&self, x: Tensor<2>) -> Tensor<2>;
}

impl Net for IntentNet {
    fn logits(&self, x: Tensor<2>) -> Tensor<2> {
        self.forward(x)
    }
}

/// Logistic regression on the same inputs (numeric columns and one-hot categories).
#[derive(Module, Debug)]
pub struct LogReg {
    linear: Linear,
}

impl LogReg {
    pub fn new(device: &Device) -> Self {
        Self {
            linear: LinearConfig::new(INPUT_WIDTH, 1).init(device),
        }
    }
}

impl Net for LogReg {
    fn logits(&self, x: Tensor<2>) -> Tensor<2> {
        self.linear.forward(x)
    }
}
