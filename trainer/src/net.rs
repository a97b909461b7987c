//! What the training loop needs from a network, implemented by the shipped intent network and
//! the logistic-regression baseline.

use burn::nn::{Embedding, EmbeddingConfig, Linear, LinearConfig};
use burn::prelude::*;
use reshelf_core::features::{Month, VisitorType, NUMERIC};
use reshelf_core::model::IntentNet;

pub trait Net: Module + Clone {
    fn logits(
        &self,
        numeric: Tensor<2>,
        month: Tensor<2, Int>,
        visitor: Tensor<2, Int>,
    ) -> Tensor<2>;
}

impl Net for IntentNet {
    fn logits(
        &self,
        numeric: Tensor<2>,
        month: Tensor<2, Int>,
        visitor: Tensor<2, Int>,
    ) -> Tensor<2> {
        self.forward(numeric, month, visitor)
    }
}

/// Logistic regression on the same inputs: a 1-wide embedding per categorical column is
/// exactly a one-hot linear term.
#[derive(Module, Debug)]
pub struct LogReg {
    numeric: Linear,
    month: Embedding,
    visitor: Embedding,
}

impl LogReg {
    pub fn new(device: &Device) -> Self {
        Self {
            numeric: LinearConfig::new(NUMERIC, 1).init(device),
            month: EmbeddingConfig::new(Month::COUNT, 1).init(device),
            visitor: EmbeddingConfig::new(VisitorType::COUNT, 1).init(device),
        }
    }
}

impl Net for LogReg {
    fn logits(
        &self,
        numeric: Tensor<2>,
        month: Tensor<2, Int>,
        visitor: Tensor<2, Int>,
    ) -> Tensor<2> {
        let [batch, _] = numeric.dims();
        let m: Tensor<2> = self.month.forward(month).reshape([batch as i32, 1]);
        let v: Tensor<2> = self.visitor.forward(visitor).reshape([batch as i32, 1]);
        self.numeric.forward(numeric) + m + v
    }
}
