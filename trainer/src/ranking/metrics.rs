//! Ranking metrics: mean reciprocal rank (MRR) and Recall@5 of the clicked item.

use serde::Serialize;

/// Recall@K is counted at this K.
pub const RECALL_K: usize = 5;

/// Where the clicked item landed (1 = first) in `order` (indices into the slot).
pub fn rank_of(order: &[usize], clicked: usize) -> usize {
    order
        .iter()
        .position(|&i| i == clicked)
        .map_or(order.len().max(1), |p| p + 1)
}

/// Running MRR and Recall@5.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Tally {
    pub slots: usize,
    pub mrr: f64,
    pub recall_at_5: f64,
    #[serde(skip)]
    rr: f64,
    #[serde(skip)]
    hits: usize,
}

impl Tally {
    pub fn add(&mut self, rank: usize) {
        self.slots += 1;
        self.rr += 1.0 / rank.max(1) as f64;
        self.hits += usize::from(rank <= RECALL_K);
        self.mrr = self.rr / self.slots as f64;
        self.recall_at_5 = self.hits as f64 / self.slots as f64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mrr_and_recall() {
        let mut t = Tally::default();
        t.add(rank_of(&[2, 0, 1], 2));
        t.add(rank_of(&[0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 9));
        assert!((t.mrr - (1.0 + 0.1) / 2.0).abs() < 1e-12);
        assert!((t.recall_at_5 - 0.5).abs() < 1e-12);
    }
}
