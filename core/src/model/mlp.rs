//! The network shape both models train as: two hidden layers with ReLU and one output,
//! `input → hidden1 → hidden2 → 1`, as Burn modules for training; and its layers as plain
//! numbers (the weights files' payload, and what the SDK runs folded, see [`super::FoldedNet`]).

use burn::module::Param;
use burn::nn::{Linear, LinearConfig, Relu};
use burn::prelude::*;

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

fn dense(layer: &Linear, relu: bool) -> DenseLayer {
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
fn linear(l: &DenseLayer, device: &Device) -> Linear {
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

/// The two-hidden-layer MLP (training side: the SDK runs [`super::FoldedNet`]).
#[derive(Module, Debug)]
pub struct Mlp {
    hidden1: Linear,
    hidden2: Linear,
    out: Linear,
    act: Relu,
}

impl Mlp {
    /// Freshly initialised layers of these sizes.
    pub fn init(input: usize, hidden1: usize, hidden2: usize, device: &Device) -> Self {
        Self {
            hidden1: LinearConfig::new(input, hidden1).init(device),
            hidden2: LinearConfig::new(hidden1, hidden2).init(device),
            out: LinearConfig::new(hidden2, 1).init(device),
            act: Relu::new(),
        }
    }

    /// The network holding `layers` (hidden1, hidden2, out; as read from a weights file).
    pub fn from_layers(layers: &[DenseLayer; 3], device: &Device) -> Self {
        Self {
            hidden1: linear(&layers[0], device),
            hidden2: linear(&layers[1], device),
            out: linear(&layers[2], device),
            act: Relu::new(),
        }
    }

    /// The layers in order (for the weights files and `reshelf-train export`).
    pub fn layers(&self) -> [DenseLayer; 3] {
        [
            dense(&self.hidden1, true),
            dense(&self.hidden2, true),
            dense(&self.out, false),
        ]
    }

    /// `x` is `[rows, input]`; returns `[rows, 1]`.
    pub fn forward(&self, x: Tensor<2>) -> Tensor<2> {
        let x = self.act.forward(self.hidden1.forward(x));
        let x = self.act.forward(self.hidden2.forward(x));
        self.out.forward(x)
    }
}
