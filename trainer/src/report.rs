//! Evaluation of a scorer on labelled sessions: full sessions and sessions cut short.

use reshelf_core::features::{LabelledRow, ModelInput};
use serde::Serialize;

use crate::metrics::{auc, average_precision, metrics, Metrics};

/// Fractions of each session shown to the model when measuring partial-session behaviour.
pub const FRACTIONS: [f32; 4] = [0.25, 0.5, 0.75, 1.0];

#[derive(Clone, Debug, Serialize)]
pub struct Partial {
    pub fraction: f32,
    pub auc: f64,
    pub pr_auc: f64,
    /// Mean calibrated score of buyers and of non-buyers at this point of their sessions.
    pub mean_score_buyers: f64,
    pub mean_score_others: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct Evaluation {
    #[serde(flatten)]
    pub metrics: Metrics,
    pub partial_sessions: Vec<Partial>,
}

/// Scores `rows` with `score` (calibrated probabilities for a batch of inputs).
pub fn evaluate(rows: &[&LabelledRow], score: impl Fn(&[ModelInput]) -> Vec<f32>) -> Evaluation {
    let labels: Vec<bool> = rows.iter().map(|r| r.revenue).collect();
    let full: Vec<ModelInput> = rows.iter().map(|r| r.features.to_input()).collect();
    let metrics = metrics(&score(&full), &labels);
    let partial_sessions = FRACTIONS
        .iter()
        .map(|&fraction| {
            let inputs: Vec<ModelInput> = rows
                .iter()
                .map(|r| r.features.truncated(fraction).to_input())
                .collect();
            let s = score(&inputs);
            let mean = |want: bool| {
                let v: Vec<f64> = s
                    .iter()
                    .zip(&labels)
                    .filter(|(_, y)| **y == want)
                    .map(|(x, _)| f64::from(*x))
                    .collect();
                v.iter().sum::<f64>() / v.len().max(1) as f64
            };
            Partial {
                fraction,
                auc: auc(&s, &labels),
                pr_auc: average_precision(&s, &labels),
                mean_score_buyers: mean(true),
                mean_score_others: mean(false),
            }
        })
        .collect();
    Evaluation {
        metrics,
        partial_sessions,
    }
}
