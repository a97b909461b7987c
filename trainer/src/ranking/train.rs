//! Training the ranker: a listwise loss (softmax over each slot, cross-entropy of the clicked
//! item; ListNet's top-one form) with Adam, early stopping on the validation slots' MRR, the
//! best epoch's weights kept. Lists may have different lengths (a summary's ranking example
//! holds 2 to 4 items): shorter ones are padded and the padding masked out of the softmax.

use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use burn::tensor::activation::log_softmax;
use indicatif::ProgressBar;
use reshelf_core::features::RANK_FEATURES;
use reshelf_core::model::{RankerConfig, RankerFile, RankerModel, RankerNet};
use reshelf_core::rng::SplitMix64;

use crate::split::shuffle;

/// One list to learn from: rows of ranking features (`[k, RANK_FEATURES]`) and the clicked one.
#[derive(Clone, Debug)]
pub struct List {
    pub rows: Vec<f32>,
    pub clicked: usize,
}

#[derive(Clone, Debug)]
pub struct RankTrainConfig {
    pub seed: u64,
    pub max_epochs: usize,
    pub patience: usize,
    pub batch: usize,
    pub learning_rate: f64,
    /// Layer sizes of a network trained from scratch (a fine-tuned one keeps its own).
    pub net: RankerConfig,
    pub quiet: bool,
}

impl Default for RankTrainConfig {
    fn default() -> Self {
        Self {
            seed: 42,
            max_epochs: 60,
            patience: 8,
            batch: 64,
            learning_rate: 3e-3,
            net: RankerConfig::default(),
            quiet: false,
        }
    }
}

pub struct TrainedRanker {
    pub model: RankerModel,
    pub best_epoch: usize,
    pub valid_mrr: f64,
}

/// Masks padded rows out of a softmax (e^-1e4 is 0 in f32).
const PAD: f32 = -1.0e4;

/// Trains from `start` (fresh, or the shipped layers to fine-tune) and keeps the epoch whose
/// model scores best by `valid` (higher is better).
pub fn train(
    start: Option<&RankerModel>,
    lists: &[List],
    version: &str,
    valid: impl Fn(&RankerModel) -> f64,
    cfg: &RankTrainConfig,
) -> TrainedRanker {
    let device = Device::flex().autodiff();
    // Seeded, so a run with the same data and seed writes the same weights.
    device.seed(cfg.seed);
    let config = start.map_or(cfg.net, |m| m.config);
    let mut net = start
        .and_then(|m| RankerNet::from_layers(m.layers(), &device))
        .unwrap_or_else(|| RankerNet::init(config, &device));
    let mut optim = AdamConfig::new().init();
    let mut rng = SplitMix64::new(cfg.seed ^ 0x7a4c);
    let snapshot = |net: &RankerNet| {
        RankerModel::from_file(
            RankerFile {
                version: version.to_string(),
                config,
                layers: net.layers(),
            },
            String::new(),
        )
    };
    let start_model = snapshot(&net);
    let mut best = TrainedRanker {
        valid_mrr: valid(&start_model),
        model: start_model,
        best_epoch: 0,
    };
    let bar = if cfg.quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(cfg.max_epochs as u64)
    };
    let mut order: Vec<usize> = (0..lists.len()).collect();
    for epoch in 1..=cfg.max_epochs {
        shuffle(&mut order, &mut rng);
        for chunk in order.chunks(cfg.batch) {
            let batch: Vec<&List> = chunk.iter().map(|&i| &lists[i]).collect();
            let Some(loss) = batch_loss(&net, &batch, &device) else {
                continue;
            };
            let grads = GradientsParams::from_grads(loss.backward(), &net);
            net = optim.step(cfg.learning_rate, net, grads);
        }
        let model = snapshot(&net);
        let mrr = valid(&model);
        bar.set_message(format!("epoch {epoch}: valid MRR {mrr:.4}"));
        bar.inc(1);
        if mrr > best.valid_mrr {
            best = TrainedRanker {
                model,
                best_epoch: epoch,
                valid_mrr: mrr,
            };
        } else if epoch - best.best_epoch >= cfg.patience {
            break;
        }
    }
    bar.finish_and_clear();
    best
}

/// Mean over the batch of −log softmax(scores)[clicked]; `None` for an empty batch.
fn batch_loss(net: &RankerNet, batch: &[&List], device: &Device) -> Option<Tensor<1>> {
    let width = batch.iter().map(|l| l.rows.len() / RANK_FEATURES).max()?;
    if width == 0 {
        return None;
    }
    let b = batch.len();
    let mut x = vec![0.0f32; b * width * RANK_FEATURES];
    let mut mask = vec![PAD; b * width];
    let mut target = vec![0.0f32; b * width];
    for (i, l) in batch.iter().enumerate() {
        let k = l.rows.len() / RANK_FEATURES;
        let at = i * width * RANK_FEATURES;
        x[at..at + k * RANK_FEATURES].copy_from_slice(&l.rows[..k * RANK_FEATURES]);
        mask[i * width..i * width + k].fill(0.0);
        target[i * width + l.clicked.min(k - 1)] = 1.0;
    }
    let x = Tensor::<2>::from_data(TensorData::new(x, [b * width, RANK_FEATURES]), device);
    let mask = Tensor::<2>::from_data(TensorData::new(mask, [b, width]), device);
    let target = Tensor::<2>::from_data(TensorData::new(target, [b, width]), device);
    let scores = net.forward(x).reshape([b, width]) + mask;
    let nll = (log_softmax(scores, 1) * target).sum().neg();
    Some(nll / b as f32)
}
