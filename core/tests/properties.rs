//! Property tests: any sequence of events, however strange, folds without panicking and no
//! counter or accumulated duration ever goes backwards.

use proptest::prelude::*;
use reshelf_core::events::{Event, EventKind, ItemRef};
use reshelf_core::{PageType, Snapshot, Tracker};

fn page_type() -> impl Strategy<Value = PageType> {
    prop_oneof![
        Just(PageType::Home),
        Just(PageType::Category),
        Just(PageType::Product),
        Just(PageType::Info),
        Just(PageType::Account),
        Just(PageType::Cart),
        Just(PageType::Checkout),
        Just(PageType::Unmarked),
    ]
}

fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        8 => -100.0..5_000.0f64,
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
        1 => Just(-1e300),
    ]
}

fn item() -> impl Strategy<Value = ItemRef> {
    (
        "[a-d ]{0,3}",
        proptest::option::of("[xy]{1,2}"),
        proptest::option::of(number()),
    )
        .prop_map(|(id, category, price)| ItemRef {
            id,
            category,
            price,
            brand: None,
        })
}

fn kind() -> impl Strategy<Value = EventKind> {
    prop_oneof![
        (page_type(), any::<u32>())
            .prop_map(|(page, path_hash)| EventKind::PageView { page, path_hash }),
        (page_type(), any::<u32>())
            .prop_map(|(page, path_hash)| EventKind::RouteChange { page, path_hash }),
        (
            number(),
            number(),
            proptest::option::of(item()),
            proptest::option::of("[a-z_]{0,12}")
        )
            .prop_map(|(x, y, item, action)| EventKind::Click { x, y, item, action }),
        number().prop_map(|depth| EventKind::Scroll { depth }),
        item().prop_map(|item| EventKind::ItemVisible { item }),
        "[a-d ]{0,3}".prop_map(|id| EventKind::ItemHidden { id }),
        proptest::option::of(item()).prop_map(|item| EventKind::AddToCart { item }),
        proptest::option::of(number()).prop_map(|value| EventKind::Purchase { value }),
        "[a-z]{0,4}".prop_map(|name| EventKind::Custom { name }),
        Just(EventKind::PageHide),
        Just(EventKind::PageShow),
    ]
}

/// Time deltas mostly small, sometimes negative (clock steps back), sometimes past the idle
/// timeout (new session).
fn delta() -> impl Strategy<Value = f64> {
    prop_oneof![8 => 0.0..3_000.0f64, 1 => -5_000.0..0.0f64, 1 => Just(2_000_000.0), 1 => Just(f64::NAN)]
}

fn monotone(before: &Snapshot, after: &Snapshot) -> Result<(), TestCaseError> {
    prop_assert!(after.events >= before.events);
    prop_assert!(after.clicks >= before.clicks);
    prop_assert!(after.item_clicks >= before.item_clicks);
    prop_assert!(after.rage_clicks >= before.rage_clicks);
    prop_assert!(after.add_to_cart >= before.add_to_cart);
    prop_assert!(after.purchases >= before.purchases);
    prop_assert!(after.dropped >= before.dropped);
    let (b, a) = (&before.page_views, &after.page_views);
    prop_assert!(a.administrative >= b.administrative);
    prop_assert!(a.informational >= b.informational);
    prop_assert!(a.product_related >= b.product_related);
    prop_assert!(a.unmarked >= b.unmarked);
    let (b, a) = (&before.time_ms, &after.time_ms);
    prop_assert!(a.administrative >= b.administrative);
    prop_assert!(a.informational >= b.informational);
    prop_assert!(a.product_related >= b.product_related);
    prop_assert!(a.unmarked >= b.unmarked);
    for (id, dwell) in &before.item_dwell_ms {
        prop_assert!(
            after
                .item_dwell_ms
                .get(id)
                .copied()
                .unwrap_or(f64::NEG_INFINITY)
                >= *dwell,
            "dwell of {id}"
        );
    }
    for (name, c) in &before.categories {
        let a = after
            .categories
            .get(name)
            .expect("a category never leaves the session");
        prop_assert!(a.clicks >= c.clicks && a.add_to_cart >= c.add_to_cart);
        prop_assert!(a.dwell_ms >= c.dwell_ms && a.items_seen >= c.items_seen);
    }
    for id in &before.items_seen {
        prop_assert!(after.items_seen.contains(id));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn counters_never_go_backwards(seed in any::<u64>(), steps in proptest::collection::vec((delta(), kind()), 0..80)) {
        let mut t = 1_700_000_000_000.0;
        let mut tracker = Tracker::new(seed, t);
        for (dt, kind) in steps {
            t += if dt.is_nan() { 0.0 } else { dt };
            let before_id = tracker.state().session_id.clone();
            let before = tracker.state().snapshot(t);
            let stamp = if dt.is_nan() { f64::NAN } else { t };
            let applied = tracker.apply(&Event::new(stamp, kind));
            let after = tracker.state().snapshot(t);
            if applied.new_session {
                prop_assert_ne!(&after.session_id, &before_id);
                continue;
            }
            prop_assert_eq!(&after.session_id, &before_id);
            monotone(&before, &after)?;
            prop_assert!((0.0..=1.0).contains(&after.max_scroll_depth));
            prop_assert!(after.time_ms.product_related.is_finite());
            for d in after.item_dwell_ms.values() {
                prop_assert!(d.is_finite() && *d >= 0.0);
            }
        }
    }

    #[test]
    fn snapshots_do_not_go_backwards_as_time_passes(seed in any::<u64>(), steps in proptest::collection::vec((0.0..3_000.0f64, kind()), 0..40), later in 0.0..10_000.0f64) {
        let mut t = 0.0;
        let mut tracker = Tracker::new(seed, t);
        for (dt, kind) in steps {
            t += dt;
            tracker.apply(&Event::new(t, kind));
        }
        let now = tracker.state().snapshot(t);
        let then = tracker.state().snapshot(t + later);
        monotone(&now, &then)?;
    }
}
