//! The slot ranker: its features (units, ranges, no ids in the vector), the shipped weights
//! (decode, parity, refusal of damaged or foreign files) and the ranking it makes
//! (a permutation, stable without a signal, the hand-set order as fallback).

use std::collections::BTreeMap;

use proptest::prelude::*;
use reshelf_core::events::{Event, EventKind, ItemRef};
use reshelf_core::features::{
    dequantise, quantise, rank_features, rank_features_at, RankContext, RANK_FEATURES,
    RANK_FEATURE_DOCS, SIGNED_RANK_FEATURES,
};
use reshelf_core::model::{
    ranker_parity_rows, ModelError, RankerConfig, RankerFile, RankerModel, RANKER_FORMAT,
};
use reshelf_core::policy::{order_by_scores, rank_learned, SlotItem};
use reshelf_core::{PageType, SessionState, Tracker};

static SHIPPED: &[u8] = include_bytes!("../../models/ranker.bin");
static PARITY: &str = include_str!("../../models/ranker_parity.json");

fn item(id: &str, category: Option<&str>, price: Option<f64>, brand: Option<&str>) -> SlotItem {
    SlotItem {
        id: id.into(),
        category: category.map(Into::into),
        price,
        brand: brand.map(Into::into),
    }
}

fn click(tr: &mut Tracker, t: f64, it: &SlotItem) {
    let mut r = ItemRef::new(it.id.clone());
    r.category = it.category.clone();
    r.price = it.price;
    r.brand = it.brand.clone();
    tr.apply(&Event::new(
        t,
        EventKind::Click {
            x: 1.0,
            y: 1.0,
            item: Some(r),
            action: None,
        },
    ));
}

/// A session that clicked two shoes (acme, 50 and 70) and a bag, the last click a shoe.
fn shopper() -> Tracker {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&Event::new(
        0.0,
        EventKind::PageView {
            page: PageType::Category,
            path_hash: 1,
        },
    ));
    click(
        &mut tr,
        1_000.0,
        &item("s1", Some("shoes"), Some(50.0), Some("acme")),
    );
    click(
        &mut tr,
        2_000.0,
        &item("b1", Some("bags"), Some(20.0), None),
    );
    click(
        &mut tr,
        3_000.0,
        &item("s2", Some("shoes"), Some(70.0), Some("acme")),
    );
    tr
}

fn ctx(now: f64) -> RankContext<'static> {
    RankContext {
        now,
        intent: Some(0.4),
        popularity: None,
    }
}

fn feature(rows: &[f32], row: usize, name: &str) -> f32 {
    let j = RANK_FEATURE_DOCS
        .iter()
        .position(|(n, _)| *n == name)
        .unwrap();
    rows[row * RANK_FEATURES + j]
}

#[test]
fn every_feature_is_documented_with_a_unit_and_range() {
    assert_eq!(RANK_FEATURE_DOCS.len(), RANK_FEATURES);
    for (name, doc) in RANK_FEATURE_DOCS {
        assert!(!name.is_empty() && doc.len() > 10, "{name}");
        assert!(
            doc.contains("0..1") || doc.contains("-1..1") || doc.contains("1 when"),
            "{name}: {doc} names no range"
        );
    }
}

#[test]
fn features_read_what_the_session_did() {
    let tr = shopper();
    let slot = [
        item("b2", Some("bags"), Some(20.0), None),
        item("s3", Some("shoes"), Some(60.0), Some("acme")),
        item("s2", Some("shoes"), Some(70.0), Some("acme")),
        item("x", None, None, None),
    ];
    let f = rank_features(tr.state(), &slot, &ctx(4_000.0));
    assert_eq!(f.len(), slot.len() * RANK_FEATURES);
    // Category shares: two of three clicks were shoes.
    assert!((feature(&f, 1, "cat_click_share") - 2.0 / 3.0).abs() < 1e-6);
    assert!((feature(&f, 0, "cat_click_share") - 1.0 / 3.0).abs() < 1e-6);
    assert_eq!(feature(&f, 1, "is_last_category"), 1.0);
    assert_eq!(feature(&f, 0, "is_last_category"), 0.0);
    // The shoe clicked last is the last item; it was clicked once.
    assert_eq!(feature(&f, 2, "is_last_item"), 1.0);
    assert!((feature(&f, 2, "item_clicks") - 1.0 / 3.0).abs() < 1e-6);
    assert_eq!(feature(&f, 1, "item_clicks"), 0.0);
    // Price: 60 against the last clicked 70 is cheaper (negative), 20 much cheaper.
    let near = feature(&f, 1, "price_vs_last");
    let far = feature(&f, 0, "price_vs_last");
    assert!(near < 0.0 && far < near, "{near} {far}");
    assert!((feature(&f, 1, "price_distance_last") - near.abs()).abs() < 1e-6);
    assert!((near - (60f64 / 70.0).ln() as f32 / 3.0).abs() < 1e-6);
    // Brand: two of three clicks were acme, and the last one.
    assert!((feature(&f, 1, "brand_click_share") - 2.0 / 3.0).abs() < 1e-6);
    assert_eq!(feature(&f, 1, "is_last_brand"), 1.0);
    // Position i / n, intent as given, missing data flagged.
    assert_eq!(feature(&f, 3, "position"), 0.75);
    assert!((feature(&f, 3, "intent") - 0.4).abs() < 1e-6);
    assert_eq!(feature(&f, 3, "category_known"), 0.0);
    assert_eq!(feature(&f, 3, "price_known"), 0.0);
    assert_eq!(feature(&f, 3, "popularity_known"), 0.0);
    // Recency halves every ten minutes after the category's last click.
    let later = rank_features(tr.state(), &slot, &ctx(3_000.0 + 600_000.0));
    assert!((feature(&later, 1, "cat_click_recency") - 0.5).abs() < 1e-4);
}

#[test]
fn popularity_is_relative_to_the_slot_when_the_feed_serves_it() {
    let tr = shopper();
    let slot = [item("a", None, None, None), item("b", None, None, None)];
    let pops = BTreeMap::from([("a".to_string(), 99u32), ("b".to_string(), 9u32)]);
    let c = RankContext {
        popularity: Some(&pops),
        ..ctx(4_000.0)
    };
    let f = rank_features(tr.state(), &slot, &c);
    assert_eq!(feature(&f, 0, "popularity"), 1.0);
    assert!((feature(&f, 1, "popularity") - 0.5).abs() < 1e-6);
    assert_eq!(feature(&f, 1, "popularity_known"), 1.0);
}

fn slot_item() -> impl Strategy<Value = SlotItem> {
    (
        "[a-d]{1,2}",
        proptest::option::of("[a-c]"),
        proptest::option::of(prop_oneof![
            Just(f64::NAN),
            Just(0.0),
            Just(f64::INFINITY),
            0.01f64..10_000.0
        ]),
        proptest::option::of("[xy]"),
    )
        .prop_map(|(id, category, price, brand)| SlotItem {
            id,
            category,
            price,
            brand,
        })
}

fn session_of(clicks: &[SlotItem]) -> SessionState {
    let mut tr = Tracker::new(7, 0.0);
    for (i, it) in clicks.iter().enumerate() {
        click(&mut tr, 1_000.0 * (i as f64 + 1.0), it);
        if i % 2 == 0 {
            let mut r = ItemRef::new(it.id.clone());
            r.category = it.category.clone();
            tr.apply(&Event::new(
                1_000.0 * (i as f64 + 1.0) + 10.0,
                EventKind::ItemVisible { item: r },
            ));
        }
    }
    tr.state().clone()
}

/// Renames every id, category and brand consistently (a different store, same behaviour).
fn renamed(it: &SlotItem) -> SlotItem {
    SlotItem {
        id: format!("other-{}", it.id),
        category: it.category.as_ref().map(|c| format!("dept-{c}")),
        price: it.price,
        brand: it.brand.as_ref().map(|b| format!("maker-{b}")),
    }
}

proptest! {
    #[test]
    fn features_stay_in_range_and_carry_no_ids(
        clicks in proptest::collection::vec(slot_item(), 0..12),
        slot in proptest::collection::vec(slot_item(), 0..30),
        now in 0.0f64..1e7,
    ) {
        let state = session_of(&clicks);
        let f = rank_features(&state, &slot, &ctx(now));
        prop_assert_eq!(f.len(), slot.len() * RANK_FEATURES);
        for row in f.chunks(RANK_FEATURES) {
            for (j, v) in row.iter().enumerate() {
                let lo = if SIGNED_RANK_FEATURES.contains(&j) { -1.0 } else { 0.0 };
                prop_assert!(v.is_finite() && *v >= lo && *v <= 1.0, "feature {} = {}", j, v);
                // A byte each, as summaries carry them: the round trip is within 1/255.
                prop_assert!((dequantise(j, quantise(j, *v)) - v).abs() <= 1.0 / 255.0 + 1e-6);
            }
        }
        // The same behaviour under other names gives the same vector: no id is an input.
        let other_state = session_of(&clicks.iter().map(renamed).collect::<Vec<_>>());
        let other = rank_features(&other_state, &slot.iter().map(renamed).collect::<Vec<_>>(), &ctx(now));
        prop_assert_eq!(f, other);
    }

    #[test]
    fn a_slice_of_a_slot_gets_the_rows_the_whole_slot_gives_it(
        clicks in proptest::collection::vec(slot_item(), 0..12),
        slot in proptest::collection::vec(slot_item(), 1..30),
        cut in (0usize..30, 1usize..4),
        now in 0.0f64..1e7,
    ) {
        // What a ranking example records (the clicked item and a few above it) must be what
        // the ranker computes for those items ranking the whole slot: position i / n included.
        let state = session_of(&clicks);
        let whole = rank_features(&state, &slot, &ctx(now));
        let first = cut.0 % slot.len();
        let end = (first + cut.1).min(slot.len());
        let part = rank_features_at(&state, &slot[first..end], first, slot.len(), &ctx(now));
        prop_assert_eq!(&part[..], &whole[first * RANK_FEATURES..end * RANK_FEATURES]);
    }

    #[test]
    fn the_model_ranks_a_permutation_and_keeps_the_order_without_a_signal(
        clicks in proptest::collection::vec(slot_item(), 0..8),
        slot in proptest::collection::vec(slot_item(), 0..40),
    ) {
        let model = RankerModel::from_bytes(SHIPPED).unwrap();
        let state = session_of(&clicks);
        let order = rank_learned(&model, &state, &slot, &ctx(50_000.0));
        let mut sorted = order.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..slot.len()).collect::<Vec<_>>());
        // Deterministic: the same inputs give the same order.
        prop_assert_eq!(&order, &rank_learned(&model, &state, &slot, &ctx(50_000.0)));
        let fresh = Tracker::new(1, 0.0);
        let kept = rank_learned(&model, fresh.state(), &slot, &ctx(50_000.0));
        prop_assert_eq!(kept, (0..slot.len()).collect::<Vec<_>>());
    }
}

#[test]
fn slots_of_zero_one_and_a_thousand_items_rank() {
    let model = RankerModel::from_bytes(SHIPPED).unwrap();
    let tr = shopper();
    for n in [0usize, 1, 1000] {
        let slot: Vec<SlotItem> = (0..n)
            .map(|i| {
                item(
                    &format!("i{i}"),
                    Some(["shoes", "bags", "hats"][i % 3]),
                    Some(i as f64),
                    None,
                )
            })
            .collect();
        let order = rank_learned(&model, tr.state(), &slot, &ctx(4_000.0));
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "{n} items");
    }
}

#[test]
fn the_model_brings_the_shoppers_category_forward() {
    let model = RankerModel::from_bytes(SHIPPED).unwrap();
    let tr = shopper();
    let slot: Vec<SlotItem> = (0..12)
        .map(|i| {
            let (c, b) = if i == 9 {
                ("shoes", Some("acme"))
            } else {
                ("hats", None)
            };
            item(&format!("i{i}"), Some(c), Some(65.0), b)
        })
        .collect();
    let order = rank_learned(&model, tr.state(), &slot, &ctx(4_000.0));
    assert_eq!(order[0], 9, "{order:?}");
}

#[test]
fn ties_and_non_finite_scores_keep_the_original_order() {
    assert_eq!(order_by_scores(&[1.0, 1.0, 2.0], 3), vec![2, 0, 1]);
    assert_eq!(order_by_scores(&[f32::NAN, 0.5, 0.5], 3), vec![1, 2, 0]);
    assert_eq!(order_by_scores(&[0.1], 3), vec![0, 1, 2]);
}

#[test]
fn shipped_ranker_decodes_is_small_and_matches_its_parity_scores() {
    let model = RankerModel::from_bytes(SHIPPED).expect("models/ranker.bin decodes");
    assert!(model.version.starts_with("ranker-"));
    let params = model.config.parameters();
    assert!((100..=5000).contains(&params), "{params} parameters");
    let recorded: serde_json::Value = serde_json::from_str(PARITY).unwrap();
    assert_eq!(recorded["version"], model.version.as_str());
    let want: Vec<f64> = recorded["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    let got = model.scores(&ranker_parity_rows());
    assert_eq!(got.len(), 16);
    for (i, (g, w)) in got.iter().zip(&want).enumerate() {
        // Scores are logits (not squashed into 0..1): compare relative to their size. The
        // trainer's build of Burn (with std) may sum a matmul in another order.
        assert!(
            (f64::from(*g) - w).abs() < 1e-5 * w.abs().max(1.0),
            "row {i}: {g} vs {w}"
        );
    }
}

#[test]
fn damaged_or_foreign_ranker_files_are_refused() {
    assert!(matches!(
        RankerModel::from_bytes(&SHIPPED[..SHIPPED.len() - 4]),
        Err(ModelError::Checksum | ModelError::Decode(_))
    ));
    assert_eq!(
        RankerModel::from_bytes(b"RSHFINT\0rest").unwrap_err(),
        ModelError::NotAModel
    );
    let mut flipped = SHIPPED.to_vec();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x40;
    assert_eq!(
        RankerModel::from_bytes(&flipped).unwrap_err(),
        ModelError::Checksum
    );
    // Another format version.
    let mut other = SHIPPED.to_vec();
    other[8..10].copy_from_slice(&(RANKER_FORMAT + 1).to_le_bytes());
    assert_eq!(
        RankerModel::from_bytes(&other).unwrap_err(),
        ModelError::Format(RANKER_FORMAT + 1)
    );
    // A file for another feature count: refused by its header.
    let file = RankerFile::decode(SHIPPED).unwrap();
    let mut encoded = file.encode();
    let at = 10 + 1 + file.version.len();
    encoded[at..at + 2].copy_from_slice(&(RANK_FEATURES as u16 + 1).to_le_bytes());
    let err = RankerModel::from_bytes(&encoded).unwrap_err();
    assert!(err.to_string().contains("features"), "{err}");
    // Layers whose payload disagrees with the header's sizes: refused by length.
    let wrong = RankerFile {
        config: RankerConfig {
            hidden1: file.config.hidden1 + 1,
            ..file.config
        },
        ..file
    };
    assert!(matches!(
        RankerModel::from_bytes(&wrong.encode()),
        Err(ModelError::Decode(_))
    ));
}

#[test]
fn items_in_the_cart_go_after_the_others() {
    let model = RankerModel::from_bytes(SHIPPED).unwrap();
    let mut tr = shopper();
    let held = item("s2", Some("shoes"), Some(70.0), Some("acme"));
    let mut r = ItemRef::new("s2");
    r.category = held.category.clone();
    tr.apply(&Event::new(3_500.0, EventKind::AddToCart { item: Some(r) }));
    let slot = [
        held,
        item("h1", Some("hats"), Some(5.0), None),
        item("s4", Some("shoes"), Some(65.0), Some("acme")),
    ];
    let order = rank_learned(&model, tr.state(), &slot, &ctx(4_000.0));
    assert_eq!(*order.last().unwrap(), 0, "{order:?}");
    assert_eq!(order[0], 2, "{order:?}");
}
