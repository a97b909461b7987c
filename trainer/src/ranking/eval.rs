//! Scoring orders against real next clicks: every method's MRR and Recall@5 per slot kind and
//! per session length, on the same slots.

use std::collections::BTreeMap;

use reshelf_core::model::RankerModel;
use reshelf_core::policy::order_by_scores;
use serde::Serialize;

use super::metrics::{rank_of, Tally};
use super::slots::{Case, SlotKind, SLOT_SIZE};

/// The methods compared, in report order.
pub const METHODS: [&str; 6] = [
    "retailer",
    "category_clicks",
    "heuristic",
    "item_knn",
    "model",
    "model_with_popularity",
];

/// What each method is, for the card.
pub const METHOD_DOCS: [(&str, &str); 6] = [
    ("retailer", "the slot as listed: catalogue popularity"),
    (
        "category_clicks",
        "items by the session's clicks in their category, ties in the retailer's order",
    ),
    (
        "heuristic",
        "the hand-set order (`ranker: 'heuristic'`, core/src/policy/rank.rs)",
    ),
    (
        "item_knn",
        "items by co-occurrence with the session's items in earlier sessions (cosine)",
    ),
    (
        "model",
        "the shipped ranker as the SDK runs it (no popularity from the page-stats feed)",
    ),
    (
        "model_with_popularity",
        "the shipped ranker given the items' popularity, as when the feed serves it",
    ),
];

/// Session length buckets (item clicks before the scored one).
pub const LENGTHS: [(&str, u64, u64); 5] = [
    ("1", 1, 1),
    ("2", 2, 2),
    ("3-4", 3, 4),
    ("5-9", 5, 9),
    ("10+", 10, u64::MAX),
];

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub slots: usize,
    /// kind → method → tally.
    pub by_kind: BTreeMap<String, BTreeMap<String, Tally>>,
    /// session length → method → tally (all kinds).
    pub by_length: BTreeMap<String, BTreeMap<String, Tally>>,
}

/// The model's order for a slot's features.
pub fn model_order(model: &RankerModel, features: &[f32]) -> Vec<usize> {
    order_by_scores(&model.scores(features), SLOT_SIZE)
}

pub fn evaluate(cases: &[&Case], model: &RankerModel) -> Report {
    let mut report = Report {
        slots: cases.len(),
        ..Report::default()
    };
    let identity: Vec<usize> = (0..SLOT_SIZE).collect();
    for c in cases {
        let orders: [Vec<usize>; 6] = [
            identity.clone(),
            c.category_counts.clone(),
            c.heuristic.clone(),
            c.item_knn.clone(),
            model_order(model, &c.features_no_pop),
            model_order(model, &c.features),
        ];
        let length = LENGTHS
            .iter()
            .find(|(_, lo, hi)| (*lo..=*hi).contains(&c.session_clicks))
            .map_or("1", |l| l.0);
        for (method, order) in METHODS.iter().zip(&orders) {
            let rank = rank_of(order, c.clicked);
            report
                .by_kind
                .entry(c.kind.name().to_string())
                .or_default()
                .entry(method.to_string())
                .or_default()
                .add(rank);
            report
                .by_length
                .entry(length.to_string())
                .or_default()
                .entry(method.to_string())
                .or_default()
                .add(rank);
        }
    }
    report
}

/// MRR of the shipped model on `cases` (the early-stopping criterion).
pub fn model_mrr(cases: &[&Case], model: &RankerModel) -> f64 {
    let mut t = Tally::default();
    for c in cases {
        t.add(rank_of(&model_order(model, &c.features_no_pop), c.clicked));
    }
    t.mrr
}

impl Report {
    pub fn mrr(&self, kind: SlotKind, method: &str) -> f64 {
        self.by_kind
            .get(kind.name())
            .and_then(|m| m.get(method))
            .map_or(0.0, |t| t.mrr)
    }
}
