//! The network: an MLP over the scaled numeric columns and one-hot month and visitor type,
//! one logit out. Small on purpose (a few thousand parameters) so that it ships inside the SDK.
//!
//! One-hot inputs into the first layer are equivalent to category embeddings folded into
//! that layer, and need no embedding lookup or concatenation in the forward pass: in the page
//! every tensor op has a fixed dispatch cost, so fewer ops is faster inference.

use burn::module::Param;
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

/// One dense layer's parameters as plain numbers, for exporting the network to other
/// runtimes: `y = x · weight + bias`, `weight` row-major `[input][output]`.
#[derive(Clone, Debug, PartialEq)]
pub struct DenseLayer {
    pub input: usize,
    pub output: usize,
    pub weight: Vec<f32>,
    pub bias: Vec<f32>,
    /// Whether a ReLU follows the layer.
    pub relu: bool,
}

pub(super) fn dense(layer: &Linear, relu: bool) -> DenseLayer {
    let [input, output] = layer.weight.val().dims();
    let values = |t: Tensor<1>| t.into_data().try_into_vec::<f32>().unwrap_or_default();
    DenseLayer {
        input,
        output,
        weight: values(layer.weight.val().reshape([input * output])),
        bias: layer
            .bias
            .as_ref()
            .map(|b| values(b.val()))
            .unwrap_or_else(|| vec![0.0; output]),
        relu,
    }
}

/// A Burn linear layer holding `l`'s parameters (training side: fine-tuning, tests).
pub(super) fn linear(l: &DenseLayer, device: &Device) -> Linear {
    Linear {
        weight: Param::from_tensor(Tensor::from_data(
            TensorData::new(l.weight.clone(), [l.input, l.output]),
            device,
        )),
        bias: Some(Param::from_tensor(Tensor::from_data(
            TensorData::new(l.bias.clone(), [l.output]),
            device,
        ))),
    }
}

impl IntentNet {
    /// The network holding `layers` (as read from a weights file), for training-side code
    /// and tests; inference in the SDK runs [`super::FoldedNet`] instead.
    pub fn from_layers(layers: &[DenseLayer; 3], device: &Device) -> Self {
        let linear = |l: &DenseLayer| linear(l, device);
        IntentNet {
            hidden1: linear(&layers[0]),
            hidden2: linear(&layers[1]),
            out: linear(&layers[2]),
            act: Relu::new(),
        }
    }

    /// The layers in order (for the weights file and `reshelf-train export`).
    pub fn layers(&self) -> [DenseLayer; 3] {
        [
            dense(&self.hidden1, true),
            dense(&self.hidden2, true),
            dense(&self.out, false),
        ]
    }

    /// `x` is `[batch, INPUT_WIDTH]` (see [`crate::model::tensors`]). Returns logits `[batch, 1]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let x = self.act.forward(self.hidden1.forward(x));
        let x = self.act.forward(self.hidden2.forward(x));
        self.out.forward(x)
    }
}
