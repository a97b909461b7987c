//! The network as the SDK runs it: the same layers with each bias folded into its weight
//! matrix, so a forward pass is three matrix products and two ReLUs on Burn tensors.
//!
//! Why: in Burn a float `add` also carries the code for quantized operands (dynamic
//! quantisation, about 200 KB of wasm), which a bias add would link into the page. With a
//! constant unit appended to the input, `[x, 1] · [[W], [b]] = x · W + b`; each hidden layer
//! passes the unit on (a column that copies it, and ReLU(1) = 1), so no layer needs an add.
//! The results equal the layered network's up to float rounding order (checked by the parity
//! tests against `models/parity.json`).
//!
//! The forward pass calls the flex backend's operations on its own tensors
//! (`FloatTensorOps::float_matmul`, `ActivationOps::relu`) rather than `Tensor`'s. `Tensor::matmul`
//! checks at run time whether an operand is quantized, which links Burn's quantized matmul and
//! dynamic quantisation, and through `f32::clamp`'s panic message the float formatter, into the
//! engine module, for tensors that are never quantized here.

use burn::prelude::*;
use burn_backend::ops::{ActivationOps, FloatTensorOps};
use burn_flex::{Flex, FlexTensor};

use super::mlp::DenseLayer;

/// Weights `[input + 1, output (+ 1 for the carried unit)]` per layer; ReLU after all but
/// the last.
#[derive(Debug, Clone)]
pub struct FoldedNet {
    layers: Vec<FlexTensor>,
    input_width: usize,
}

impl FoldedNet {
    pub fn new(layers: &[DenseLayer]) -> Self {
        let last = layers.len().saturating_sub(1);
        let input_width = layers.first().map_or(0, |l| l.input);
        let layers = layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let carry = usize::from(i < last);
                let cols = l.output + carry;
                let mut w = vec![0.0f32; (l.input + 1) * cols];
                for (r, row) in l.weight.chunks_exact(l.output).enumerate() {
                    w[r * cols..r * cols + l.output].copy_from_slice(row);
                }
                let unit = l.input * cols;
                w[unit..unit + l.output].copy_from_slice(&l.bias);
                if carry == 1 {
                    w[unit + l.output] = 1.0;
                }
                flex_tensor(w, [l.input + 1, cols])
            })
            .collect();
        Self {
            layers,
            input_width,
        }
    }

    /// Logits for `rows` (row-major, `input_width` floats each, a whole number of rows).
    pub fn logits(&self, rows: &[f32]) -> Vec<f32> {
        let n = rows.len() / self.input_width.max(1);
        if n == 0 {
            return Vec::new();
        }
        let width = self.input_width + 1;
        let mut x = vec![1.0f32; n * width];
        for (dst, src) in x
            .chunks_exact_mut(width)
            .zip(rows.chunks_exact(self.input_width))
        {
            dst[..self.input_width].copy_from_slice(src);
        }
        let mut x = flex_tensor(x, [n, width]);
        let last = self.layers.len().saturating_sub(1);
        for (i, w) in self.layers.iter().enumerate() {
            x = Flex::float_matmul(x, w.clone());
            if i < last {
                x = Flex::relu(x);
            }
        }
        x.into_data().try_into_vec::<f32>().unwrap_or_default()
    }
}

/// An f32 tensor of Burn's flex backend, made as the backend's own tensor type. Burn's
/// `Tensor::from_data` converts between every pair of dtypes at run time, all of which would
/// be linked into the wasm (about 40 KB gzip); the data here is f32 already.
fn flex_tensor(values: Vec<f32>, shape: [usize; 2]) -> FlexTensor {
    FlexTensor::from_data(TensorData::new(values, shape))
}
