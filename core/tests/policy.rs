//! The rearrangement policy: orders are permutations, interest moves what it should, equal
//! scores keep the page's order, and variants follow their rules.

use proptest::prelude::*;
use reshelf_core::events::{Event, EventKind, ItemRef};
use reshelf_core::policy::rank::moved;
use reshelf_core::policy::{
    assign_arm, choose_variant, personalisation_strength, rank, Arm, Interest, Signals, SlotItem,
    VariantPolicy,
};
use reshelf_core::{PageType, Tracker};

fn item(id: &str, category: &str, price: f64) -> SlotItem {
    SlotItem {
        id: id.into(),
        category: Some(category.into()),
        price: Some(price),
        brand: None,
    }
}

fn shelf() -> Vec<SlotItem> {
    vec![
        item("sho-1", "shoes", 59.0),
        item("jac-1", "jackets", 129.0),
        item("bag-1", "bags", 45.0),
        item("sho-2", "shoes", 64.0),
        item("bag-2", "bags", 49.0),
        item("hat-1", "hats", 19.0),
    ]
}

fn click(t: f64, id: &str, category: &str, price: f64) -> Event {
    Event::new(
        t,
        EventKind::Click {
            x: t,
            y: 0.0,
            item: Some(ItemRef::new(id).with_category(category).with_price(price)),
            action: None,
        },
    )
}

#[test]
fn no_interest_keeps_the_page_order() {
    let order = rank(&shelf(), &Interest::default(), 1.0);
    assert_eq!(order, vec![0, 1, 2, 3, 4, 5]);
    assert_eq!(moved(&order), 0);
}

#[test]
fn browsing_bags_brings_bags_forward() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&Event::new(
        0.0,
        EventKind::PageView {
            page: PageType::Category,
            path_hash: 1,
        },
    ));
    for (i, id) in ["bag-7", "bag-8", "bag-9"].iter().enumerate() {
        tr.apply(&click(1000.0 * i as f64, id, "bags", 47.0));
    }
    let interest = Interest::from_session(tr.state(), 5_000.0);
    let items = shelf();
    let order = rank(&items, &interest, personalisation_strength(Some(0.5)));
    let ids: Vec<&str> = order.iter().map(|&i| items[i].id.as_str()).collect();
    assert_eq!(&ids[..2], &["bag-1", "bag-2"], "{ids:?}");
    assert_eq!(
        &ids[2..],
        &["sho-1", "jac-1", "sho-2", "hat-1"],
        "the rest keep their order"
    );
}

#[test]
fn items_in_the_cart_sink() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&Event::new(
        0.0,
        EventKind::AddToCart {
            item: Some(
                ItemRef::new("sho-1")
                    .with_category("shoes")
                    .with_price(59.0),
            ),
        },
    ));
    let interest = Interest::from_session(tr.state(), 1.0);
    let order = rank(&shelf(), &interest, 1.0);
    assert_eq!(*order.last().unwrap(), 0, "sho-1 is last: {order:?}");
    assert_eq!(order[0], 3, "but shoes are in favour: sho-2 first");
}

#[test]
fn interest_fades_with_time() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&click(0.0, "hat-9", "hats", 19.0));
    let fresh = Interest::from_session(tr.state(), 0.0);
    let old = Interest::from_session(tr.state(), 1_500_000.0);
    assert_eq!(fresh.categories["hats"], 1.0, "normalised to the strongest");
    assert_eq!(
        old.categories["hats"], 1.0,
        "still the strongest 25 minutes later"
    );
    tr.apply(&click(1_500_000.0, "jac-9", "jackets", 129.0));
    let now = Interest::from_session(tr.state(), 1_500_000.0);
    let want = 0.5f64.powf(2.5);
    assert!(
        (now.categories["hats"] - want).abs() < 1e-6,
        "two and a half half-lives: {:?}",
        now.categories
    );
}

#[test]
fn intent_raises_the_strength() {
    assert!(personalisation_strength(Some(0.9)) > personalisation_strength(Some(0.1)));
    assert_eq!(personalisation_strength(None), 1.0);
    assert_eq!(personalisation_strength(Some(f32::NAN)), 1.0);
}

#[test]
fn variants_follow_the_first_matching_rule_the_page_offers() {
    let policy: VariantPolicy = serde_json::from_str(
        r#"{"hero":[{"variant":"free-shipping","when":{"min_intent":0.3,"min_cart":1}},
                    {"variant":"missing","when":{}},
                    {"variant":"discovery","when":{"max_intent":0.1}}]}"#,
    )
    .unwrap();
    let rules = &policy["hero"];
    let offered = vec![
        "default".to_string(),
        "free-shipping".into(),
        "discovery".into(),
    ];
    let s = |intent, cart| Signals {
        intent: Some(intent),
        cart,
        product_pages: 3,
    };
    assert_eq!(
        choose_variant(rules, &s(0.5, 1), &offered).as_deref(),
        Some("free-shipping")
    );
    assert_eq!(
        choose_variant(rules, &s(0.05, 0), &offered).as_deref(),
        Some("discovery")
    );
    assert_eq!(
        choose_variant(rules, &s(0.2, 0), &offered),
        None,
        "no rule: default content"
    );
    let no_intent = Signals {
        intent: None,
        cart: 2,
        product_pages: 0,
    };
    assert_eq!(
        choose_variant(rules, &no_intent, &offered),
        None,
        "intent rules need a score"
    );
}

#[test]
fn malformed_policies_are_refused_by_the_parser() {
    assert!(serde_json::from_str::<VariantPolicy>(
        r#"{"hero":[{"variant":"x","when":{"min_intnt":1}}]}"#
    )
    .is_err());
    assert!(serde_json::from_str::<VariantPolicy>(r#"{"hero":{"variant":"x"}}"#).is_err());
}

#[test]
fn holdout_is_sticky() {
    let a = assign_arm("visitor", "demo", 0.5);
    for _ in 0..10 {
        assert_eq!(assign_arm("visitor", "demo", 0.5), a);
    }
    assert_eq!(assign_arm("anyone", "demo", 1.0), Arm::Control);
}

fn slot_items() -> impl Strategy<Value = Vec<SlotItem>> {
    proptest::collection::vec(
        (
            "[a-e]{1,2}",
            proptest::option::of("[xyz]"),
            proptest::option::of(prop_oneof![0.0..500.0f64, Just(f64::NAN)]),
        ),
        0..60,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(id, category, price)| SlotItem {
                id,
                category,
                price,
                brand: None,
            })
            .collect()
    })
}

fn interest() -> impl Strategy<Value = Interest> {
    (
        proptest::collection::btree_map("[xyz]", 0.0..1.0f64, 0..3),
        proptest::array::uniform5(0.0..1.0f64),
        proptest::collection::btree_set("[a-e]{1,2}", 0..4),
    )
        .prop_map(|(categories, bands, sunk)| Interest {
            categories: categories.into_iter().collect(),
            bands,
            sunk: sunk.into_iter().map(|id| (id, ())).collect(),
        })
}

proptest! {
    #[test]
    fn rank_is_a_permutation_and_deterministic(items in slot_items(), interest in interest(), strength in 0.0..2.0f64) {
        let order = rank(&items, &interest, strength);
        let mut sorted = order.clone();
        sorted.sort_unstable();
        prop_assert_eq!(sorted, (0..items.len()).collect::<Vec<_>>(), "never loses or duplicates an item");
        prop_assert_eq!(rank(&items, &interest, strength), order, "same input, same output");
    }

    #[test]
    fn equal_scores_keep_the_original_order(n in 0usize..40) {
        let items: Vec<SlotItem> = (0..n).map(|i| SlotItem { id: format!("i{i}"), category: Some("c".into()), price: Some(10.0), brand: None }).collect();
        let mut interest = Interest::default();
        interest.categories.insert("c".into(), 1.0);
        prop_assert_eq!(rank(&items, &interest, 1.0), (0..n).collect::<Vec<_>>());
    }
}
