//! The one sort behind every slot order: indices by score, highest first, ties in index order.
//!
//! Both rankers sort through here so the SDK links a single instance of the sort (each
//! distinct comparator would link another). The index breaks ties, so the unstable sort, a
//! smaller instance than the stable one, gives the stable order.

/// Indices `0..n` by score, highest first; ties keep the original order. Indices past
/// `scores`, and non-finite scores, sort last (in their original order).
pub fn order_by_scores_f64(scores: &[f64], n: usize) -> Vec<usize> {
    let key = |i: usize| {
        scores
            .get(i)
            .copied()
            .filter(|s| s.is_finite())
            .unwrap_or(f64::NEG_INFINITY)
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_unstable_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    order
}
