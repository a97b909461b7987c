//! The training loop: Adam on mini-batches, positives weighted up for the class imbalance,
//! truncation augmentation so partial sessions score sensibly, early stopping on validation
//! AUC (the best epoch's weights are kept).

use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use burn::tensor::activation::log_sigmoid;
use indicatif::{ProgressBar, ProgressStyle};
use reshelf_core::features::{ModelInput, SessionFeatures};
use reshelf_core::model::tensors;
use reshelf_core::rng::SplitMix64;

use crate::metrics::auc;
use crate::net::Net;
use crate::split::{shuffle, unit};

#[derive(Clone, Debug)]
pub struct TrainConfig {
    pub seed: u64,
    pub max_epochs: usize,
    pub patience: usize,
    pub batch: usize,
    pub learning_rate: f64,
    /// Probability that a training session is replaced by a random prefix of itself.
    pub truncate_prob: f32,
    pub quiet: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            max_epochs: 200,
            patience: 40,
            batch: 256,
            learning_rate: 1e-3,
            truncate_prob: 0.3,
            quiet: false,
        }
    }
}

pub struct Trained<N> {
    pub net: N,
    pub best_epoch: usize,
    pub valid_auc: f64,
}

/// Trains `init` (built on an autodiff device) and returns the best network by validation AUC,
/// on the plain device.
pub fn fit<N: Net>(
    name: &str,
    init: N,
    train: &[(SessionFeatures, bool)],
    valid: &[(ModelInput, bool)],
    cfg: &TrainConfig,
) -> Trained<N> {
    let device = Device::flex().autodiff();
    let plain = Device::flex();
    let mut net = init;
    let mut optim = AdamConfig::new().init();
    let mut rng = SplitMix64::new(cfg.seed ^ 0x5eed);
    let positives = train.iter().filter(|(_, y)| *y).count().max(1) as f32;
    // Square root of the class ratio: enough to keep positives from being drowned out,
    // without the over-confidence full reweighting brings (calibration fixes the rest).
    let pos_weight = ((train.len() as f32 - positives) / positives).sqrt();
    let (valid_x, valid_y): (Vec<ModelInput>, Vec<bool>) = valid.iter().cloned().unzip();
    let mut best: Option<Trained<N>> = None;
    let bar = progress(name, cfg);
    let mut order: Vec<usize> = (0..train.len()).collect();
    for epoch in 1..=cfg.max_epochs {
        shuffle(&mut order, &mut rng);
        for chunk in order.chunks(cfg.batch) {
            let mut xs = Vec::with_capacity(chunk.len());
            let mut ys = Vec::with_capacity(chunk.len());
            for &i in chunk {
                let (f, y) = &train[i];
                let f = if unit(&mut rng) < cfg.truncate_prob {
                    f.truncated(0.1 + 0.9 * unit(&mut rng))
                } else {
                    f.clone()
                };
                xs.push(f.to_input());
                ys.push(if *y { 1.0f32 } else { 0.0 });
            }
            let x = tensors(&xs, &device);
            let target = Tensor::<1>::from_data(TensorData::new(ys, [chunk.len()]), &device);
            let logits: Tensor<1> = net.logits(x).reshape([chunk.len() as i32]);
            let loss = weighted_bce(logits, target, pos_weight);
            let grads = GradientsParams::from_grads(loss.backward(), &net);
            net = optim.step(cfg.learning_rate, net, grads);
        }
        let snapshot = net.valid();
        let scores = batch_logits(&snapshot, &valid_x, &plain);
        let valid_auc = auc(&scores, &valid_y);
        bar.set_message(format!("epoch {epoch}: valid AUC {valid_auc:.4}"));
        bar.inc(1);
        let improved = best.as_ref().is_none_or(|b| valid_auc > b.valid_auc);
        if improved {
            best = Some(Trained {
                net: snapshot,
                best_epoch: epoch,
                valid_auc,
            });
        } else if best
            .as_ref()
            .is_some_and(|b| epoch - b.best_epoch >= cfg.patience)
        {
            break;
        }
    }
    bar.finish_and_clear();
    best.expect("at least one epoch ran")
}

/// Logits of a (non-autodiff) network for many inputs.
pub fn batch_logits<N: Net>(net: &N, inputs: &[ModelInput], device: &Device) -> Vec<f32> {
    let mut out = Vec::with_capacity(inputs.len());
    for chunk in inputs.chunks(4096) {
        let logits = net.logits(tensors(chunk, device));
        out.extend(
            logits
                .into_data()
                .try_into_vec::<f32>()
                .expect("f32 logits"),
        );
    }
    out
}

/// Binary cross-entropy on logits with positives weighted by `pos_weight`.
fn weighted_bce(logits: Tensor<1>, target: Tensor<1>, pos_weight: f32) -> Tensor<1> {
    let pos = log_sigmoid(logits.clone()) * target.clone() * pos_weight;
    let neg = log_sigmoid(logits.neg()) * (target.neg() + 1.0);
    (pos + neg).neg().mean()
}

fn progress(name: &str, cfg: &TrainConfig) -> ProgressBar {
    if cfg.quiet {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(cfg.max_epochs as u64);
    bar.set_style(
        ProgressStyle::with_template("{prefix:>10} [{bar:30}] {pos}/{len} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_prefix(name.to_string());
    bar
}
