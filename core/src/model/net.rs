//! The network: embeddings for the categorical columns, an MLP over them and the scaled
//! numeric columns, one logit out. Small on purpose (a few thousand parameters) so that it
//! ships inside the SDK.

use burn::nn::{Embedding, EmbeddingConfig, Linear, LinearConfig, Relu};
use burn::prelude::*;

use crate::features::{Month, VisitorType, NUMERIC};

/// Layer sizes. Stored in the weights file so a file always decodes into its own shape.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IntentNetConfig {
    pub month_dim: usize,
    pub visitor_dim: usize,
    pub hidden1: usize,
    pub hidden2: usize,
}

impl Default for IntentNetConfig {
    fn default() -> Self {
        Self {
            month_dim: 4,
            visitor_dim: 2,
            hidden1: 64,
            hidden2: 32,
        }
    }
}

impl IntentNetConfig {
    pub fn input_width(&self) -> usize {
        NUMERIC + self.month_dim + self.visitor_dim
    }

    pub fn init(&self, device: &Device) -> IntentNet {
        IntentNet {
            month: EmbeddingConfig::new(Month::COUNT, self.month_dim).init(device),
            visitor: EmbeddingConfig::new(VisitorType::COUNT, self.visitor_dim).init(device),
            hidden1: LinearConfig::new(self.input_width(), self.hidden1).init(device),
            hidden2: LinearConfig::new(self.hidden1, self.hidden2).init(device),
            out: LinearConfig::new(self.hidden2, 1).init(device),
            act: Relu::new(),
        }
    }

    /// Number of trainable parameters.
    pub fn parameters(&self) -> usize {
        Month::COUNT * self.month_dim
            + VisitorType::COUNT * self.visitor_dim
            + (self.input_width() + 1) * self.hidden1
            + (self.hidden1 + 1) * self.hidden2
            + self.hidden2
            + 1
    }
}

#[derive(Module, Debug)]
pub struct IntentNet {
    month: Embedding,
    visitor: Embedding,
    hidden1: Linear,
    hidden2: Linear,
    out: Linear,
    act: Relu,
}

impl IntentNet {
    /// `numeric` is `[batch, NUMERIC]`, `month` and `visitor` are `[batch, 1]` indices.
    /// Returns logits `[batch, 1]`.
    pub fn forward(
        &self,
        numeric: Tensor<2>,
        month: Tensor<2, Int>,
        visitor: Tensor<2, Int>,
    ) -> Tensor<2> {
        let [batch, _] = numeric.dims();
        let m: Tensor<2> = self.month.forward(month).reshape([batch as i32, -1]);
        let v: Tensor<2> = self.visitor.forward(visitor).reshape([batch as i32, -1]);
        let x = Tensor::cat(vec![numeric, m, v], 1);
        let x = self.act.forward(self.hidden1.forward(x));
        let x = self.act.forward(self.hidden2.forward(x));
        self.out.forward(x)
    }
}
