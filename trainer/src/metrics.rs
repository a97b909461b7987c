//! Classification metrics on scores and labels.

use serde::Serialize;

/// The figures `eval --json` prints and the model card shows.
#[derive(Clone, Debug, Serialize)]
pub struct Metrics {
    pub n: usize,
    pub positives: usize,
    pub auc: f64,
    pub pr_auc: f64,
    /// At the 0.5 threshold of the calibrated probability.
    pub f1: f64,
    pub accuracy: f64,
    /// Expected calibration error over 10 equal-width bins.
    pub ece: f64,
    pub log_loss: f64,
}

pub fn metrics(scores: &[f32], labels: &[bool]) -> Metrics {
    let n = scores.len();
    let positives = labels.iter().filter(|l| **l).count();
    let (mut tp, mut fp, mut fneg, mut correct) = (0usize, 0usize, 0usize, 0usize);
    let mut log_loss = 0.0;
    for (&s, &y) in scores.iter().zip(labels) {
        let pred = s >= 0.5;
        match (pred, y) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fneg += 1,
            (false, false) => {}
        }
        correct += usize::from(pred == y);
        let p = f64::from(s).clamp(1e-7, 1.0 - 1e-7);
        log_loss -= if y { p.ln() } else { (1.0 - p).ln() };
    }
    let f1 = if tp == 0 {
        0.0
    } else {
        2.0 * tp as f64 / (2 * tp + fp + fneg) as f64
    };
    Metrics {
        n,
        positives,
        auc: auc(scores, labels),
        pr_auc: average_precision(scores, labels),
        f1,
        accuracy: correct as f64 / n.max(1) as f64,
        ece: ece(scores, labels, 10),
        log_loss: log_loss / n.max(1) as f64,
    }
}

/// Area under the ROC curve (Mann-Whitney U, ties counted half).
pub fn auc(scores: &[f32], labels: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    let (mut rank_sum, mut i) = (0.0f64, 0usize);
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && scores[idx[j + 1]] == scores[idx[i]] {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += avg_rank * idx[i..=j].iter().filter(|&&k| labels[k]).count() as f64;
        i = j + 1;
    }
    let pos = labels.iter().filter(|l| **l).count() as f64;
    let neg = labels.len() as f64 - pos;
    if pos == 0.0 || neg == 0.0 {
        return f64::NAN;
    }
    (rank_sum - pos * (pos + 1.0) / 2.0) / (pos * neg)
}

/// Area under the precision-recall curve as average precision (scikit-learn's definition).
pub fn average_precision(scores: &[f32], labels: &[bool]) -> f64 {
    let mut idx: Vec<usize> = (0..scores.len()).collect();
    idx.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let pos = labels.iter().filter(|l| **l).count() as f64;
    if pos == 0.0 {
        return f64::NAN;
    }
    let (mut tp, mut fp, mut ap, mut prev_recall) = (0.0, 0.0, 0.0, 0.0);
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j < idx.len() && scores[idx[j]] == scores[idx[i]] {
            if labels[idx[j]] {
                tp += 1.0
            } else {
                fp += 1.0
            }
            j += 1;
        }
        let recall = tp / pos;
        ap += (recall - prev_recall) * tp / (tp + fp);
        prev_recall = recall;
        i = j;
    }
    ap
}

/// Expected calibration error: |mean score - positive rate| per bin, weighted by bin size.
pub fn ece(scores: &[f32], labels: &[bool], bins: usize) -> f64 {
    let mut sum = vec![0.0f64; bins];
    let mut hits = vec![0.0f64; bins];
    let mut count = vec![0usize; bins];
    for (&s, &y) in scores.iter().zip(labels) {
        let b = ((f64::from(s) * bins as f64) as usize).min(bins - 1);
        sum[b] += f64::from(s);
        hits[b] += f64::from(u8::from(y));
        count[b] += 1;
    }
    let n = scores.len().max(1) as f64;
    (0..bins)
        .filter(|&b| count[b] > 0)
        .map(|b| (sum[b] - hits[b]).abs() / n)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn perfect_and_inverted_rankings() {
        let labels = [false, false, true, true];
        assert_eq!(auc(&[0.1, 0.2, 0.8, 0.9], &labels), 1.0);
        assert_eq!(auc(&[0.9, 0.8, 0.2, 0.1], &labels), 0.0);
        assert_eq!(auc(&[0.5; 4], &labels), 0.5);
        assert!((average_precision(&[0.1, 0.2, 0.8, 0.9], &labels) - 1.0).abs() < 1e-12);
    }

    #[test]
    fn average_precision_matches_a_hand_computed_case() {
        // ranks: + - + -  -> AP = (1/1 + 2/3) / 2
        let ap = average_precision(&[0.9, 0.8, 0.7, 0.6], &[true, false, true, false]);
        assert!((ap - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn calibrated_scores_have_low_ece() {
        let scores = [0.25f32; 8];
        let labels = [true, false, false, false, true, false, false, false];
        assert!(ece(&scores, &labels, 10) < 1e-9);
        let m = metrics(&[0.9, 0.1, 0.8, 0.3], &[true, false, false, false]);
        assert_eq!((m.n, m.positives), (4, 1));
        assert!((m.accuracy - 0.75).abs() < 1e-12);
        assert!((m.f1 - 2.0 / 3.0).abs() < 1e-12);
    }
}
