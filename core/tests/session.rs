//! Scenario tests for folding events into a session.

use reshelf_core::events::{Event, EventKind, ItemRef};
use reshelf_core::limits::{IDLE_TIMEOUT_MS, MAX_ITEMS};
use reshelf_core::{PageType, Tracker};

fn ev(t: f64, kind: EventKind) -> Event {
    Event::new(t, kind)
}

fn view(t: f64, page: PageType, path: u32) -> Event {
    ev(
        t,
        EventKind::PageView {
            page,
            path_hash: path,
        },
    )
}

fn shoe(id: &str) -> ItemRef {
    ItemRef::new(id).with_category("shoes").with_price(59.0)
}

fn click_item(t: f64, item: ItemRef) -> Event {
    ev(
        t,
        EventKind::Click {
            x: 10.0,
            y: 10.0 + t / 10.0,
            item: Some(item),
            action: None,
        },
    )
}

#[test]
fn five_pages_accumulate_views_and_time_by_kind() {
    let mut tr = Tracker::new(1, 0.0);
    let pages = [
        PageType::Home,
        PageType::Category,
        PageType::Product,
        PageType::Info,
        PageType::Cart,
    ];
    for (i, p) in pages.iter().enumerate() {
        let t = i as f64 * 10_000.0;
        tr.apply(&view(t, *p, i as u32));
        tr.apply(&ev(t + 9_000.0, EventKind::PageHide));
    }
    let s = tr.state().snapshot(50_000.0);
    assert_eq!(s.page_views.product_related, 3);
    assert_eq!(s.page_views.informational, 1);
    assert_eq!(s.page_views.administrative, 1);
    assert_eq!(s.time_ms.product_related, 27_000.0);
    assert_eq!(s.time_ms.informational, 9_000.0);
    assert_eq!(
        s.time_ms.administrative, 9_000.0,
        "hidden time is not counted"
    );
    assert_eq!(s.pages.len(), 4, "the fifth page is still open");
}

#[test]
fn open_page_time_counts_up_to_now() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(1_000.0, PageType::Product, 1));
    let s = tr.state().snapshot(4_000.0);
    assert_eq!(s.time_ms.product_related, 3_000.0);
    assert_eq!(s.page, Some(PageType::Product));
}

#[test]
fn clicks_items_and_categories() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(0.0, PageType::Home, 1));
    tr.apply(&click_item(100.0, shoe("a")));
    tr.apply(&click_item(5_000.0, shoe("a")));
    tr.apply(&ev(
        6_000.0,
        EventKind::Click {
            x: 1.0,
            y: 2.0,
            item: None,
            action: None,
        },
    ));
    let s = tr.state().snapshot(7_000.0);
    assert_eq!(s.clicks, 3);
    assert_eq!(s.item_clicks, 2);
    assert_eq!(s.item_clicks_by_id["a"], 2);
    assert_eq!(s.categories["shoes"].clicks, 2);
}

#[test]
fn add_to_cart_button_counts_cart_not_item_click() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(0.0, PageType::Product, 1));
    tr.apply(&ev(
        10.0,
        EventKind::Click {
            x: 0.0,
            y: 0.0,
            item: Some(shoe("a")),
            action: Some("add_to_cart".into()),
        },
    ));
    let s = tr.state().snapshot(20.0);
    assert_eq!((s.clicks, s.item_clicks, s.add_to_cart), (1, 0, 1));
    assert_eq!(s.categories["shoes"].add_to_cart, 1);
}

#[test]
fn scroll_depth_is_the_maximum_per_page_and_clamped() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(0.0, PageType::Category, 1));
    for d in [0.2, 0.7, 0.4, 3.0, f64::NAN] {
        tr.apply(&ev(1.0, EventKind::Scroll { depth: d }));
    }
    assert_eq!(tr.state().snapshot(2.0).max_scroll_depth, 1.0);
    tr.apply(&view(10.0, PageType::Product, 2));
    tr.apply(&ev(11.0, EventKind::Scroll { depth: 0.3 }));
    let s = tr.state().snapshot(12.0);
    assert_eq!(s.max_scroll_depth, 0.3);
    assert_eq!(s.pages[0].max_scroll_depth, 1.0);
}

#[test]
fn dwell_needs_one_second_to_count_as_seen() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(0.0, PageType::Home, 1));
    tr.apply(&ev(0.0, EventKind::ItemVisible { item: shoe("a") }));
    tr.apply(&ev(900.0, EventKind::ItemHidden { id: "a".into() }));
    tr.apply(&ev(1_000.0, EventKind::ItemVisible { item: shoe("b") }));
    tr.apply(&ev(2_500.0, EventKind::ItemHidden { id: "b".into() }));
    let s = tr.state().snapshot(3_000.0);
    assert_eq!(s.item_dwell_ms["a"], 900.0);
    assert_eq!(s.item_dwell_ms["b"], 1_500.0);
    assert_eq!(s.items_seen, vec!["b".to_string()]);
    assert_eq!(s.categories["shoes"].items_seen, 1);
    assert_eq!(s.categories["shoes"].dwell_ms, 2_400.0);
}

#[test]
fn open_dwell_is_counted_in_snapshots() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(0.0, PageType::Home, 1));
    tr.apply(&ev(0.0, EventKind::ItemVisible { item: shoe("a") }));
    let s = tr.state().snapshot(1_200.0);
    assert_eq!(s.item_dwell_ms["a"], 1_200.0);
    assert_eq!(s.items_seen, vec!["a".to_string()]);
}

#[test]
fn duplicate_ids_dwell_while_any_copy_is_visible() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(0.0, PageType::Home, 1));
    tr.apply(&ev(0.0, EventKind::ItemVisible { item: shoe("a") }));
    tr.apply(&ev(500.0, EventKind::ItemVisible { item: shoe("a") }));
    tr.apply(&ev(1_000.0, EventKind::ItemHidden { id: "a".into() }));
    tr.apply(&ev(2_000.0, EventKind::ItemHidden { id: "a".into() }));
    tr.apply(&ev(3_000.0, EventKind::ItemHidden { id: "a".into() }));
    assert_eq!(tr.state().snapshot(4_000.0).item_dwell_ms["a"], 2_000.0);
}

#[test]
fn hiding_the_page_pauses_dwell() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(0.0, PageType::Home, 1));
    tr.apply(&ev(0.0, EventKind::ItemVisible { item: shoe("a") }));
    tr.apply(&ev(2_000.0, EventKind::PageHide));
    tr.apply(&ev(60_000.0, EventKind::PageShow));
    let s = tr.state().snapshot(61_000.0);
    assert_eq!(s.item_dwell_ms["a"], 2_000.0);
    assert_eq!(s.time_ms.product_related, 3_000.0);
}

#[test]
fn rage_clicks_are_counted() {
    let mut tr = Tracker::new(1, 0.0);
    for t in [0.0, 200.0, 400.0] {
        tr.apply(&ev(
            t,
            EventKind::Click {
                x: 50.0,
                y: 50.0,
                item: None,
                action: None,
            },
        ));
    }
    assert_eq!(tr.state().rage_clicks, 1);
}

#[test]
fn idle_timeout_starts_a_new_session() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(0.0, PageType::Home, 1));
    let first = tr.state().session_id.clone();
    let same = tr.apply(&ev(IDLE_TIMEOUT_MS - 1.0, EventKind::Scroll { depth: 0.5 }));
    assert!(!same.new_session);
    let applied = tr.apply(&view(2.0 * IDLE_TIMEOUT_MS, PageType::Product, 2));
    assert!(applied.new_session);
    assert_ne!(tr.state().session_id, first);
    assert_eq!(
        tr.state().page_views.product_related,
        1,
        "the new session starts empty"
    );
}

#[test]
fn resume_continues_a_recent_session_and_not_a_stale_one() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(0.0, PageType::Home, 1));
    let stored = tr.state().clone();
    let (resumed, ok) = Tracker::resume(Some(stored.clone()), 2, 60_000.0);
    assert!(ok);
    assert_eq!(resumed.state().session_id, stored.session_id);
    let (fresh, ok) = Tracker::resume(Some(stored.clone()), 2, IDLE_TIMEOUT_MS + 1.0);
    assert!(!ok);
    assert_ne!(fresh.state().session_id, stored.session_id);
}

#[test]
fn state_round_trips_through_json() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(0.0, PageType::Home, 1));
    tr.apply(&click_item(10.0, shoe("a")));
    tr.apply(&ev(20.0, EventKind::ItemVisible { item: shoe("a") }));
    let json = serde_json::to_string(tr.state()).unwrap();
    let back: reshelf_core::SessionState = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, tr.state());
}

#[test]
fn clock_stepping_back_never_makes_negative_time() {
    let mut tr = Tracker::new(1, 10_000.0);
    tr.apply(&view(10_000.0, PageType::Home, 1));
    tr.apply(&ev(10_000.0, EventKind::ItemVisible { item: shoe("a") }));
    tr.apply(&ev(5_000.0, EventKind::ItemHidden { id: "a".into() }));
    tr.apply(&ev(4_000.0, EventKind::PageHide));
    let s = tr.state().snapshot(0.0);
    assert_eq!(s.item_dwell_ms["a"], 0.0);
    assert_eq!(s.time_ms.product_related, 0.0);
}

#[test]
fn thousands_of_items_stay_within_the_cap() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&view(0.0, PageType::Category, 1));
    for i in 0..5_000 {
        tr.apply(&ev(
            i as f64,
            EventKind::ItemVisible {
                item: ItemRef::new(format!("sku-{i}")),
            },
        ));
    }
    assert_eq!(tr.state().items.len(), MAX_ITEMS);
    assert_eq!(tr.state().dropped, 5_000 - MAX_ITEMS as u64);
}

#[test]
fn purchase_and_custom_events() {
    let mut tr = Tracker::new(1, 0.0);
    tr.apply(&ev(1.0, EventKind::Purchase { value: Some(120.0) }));
    tr.apply(&ev(
        2.0,
        EventKind::Purchase {
            value: Some(f64::INFINITY),
        },
    ));
    tr.apply(&ev(
        3.0,
        EventKind::Custom {
            name: "newsletter".into(),
        },
    ));
    tr.apply(&ev(4.0, EventKind::Custom { name: "   ".into() }));
    let st = tr.state();
    assert_eq!((st.purchases, st.purchase_value), (2, 120.0));
    assert_eq!(st.custom.len(), 1);
    assert_eq!(st.custom["newsletter"], 1);
}

#[test]
fn an_open_page_counted_before_its_markup_is_reclassified_once() {
    let mut tr = Tracker::new(9, 0.0);
    tr.apply(&Event::new(
        0.0,
        EventKind::PageView {
            page: PageType::Unmarked,
            path_hash: 1,
        },
    ));
    tr.reclassify_open_page(PageType::Product);
    tr.reclassify_open_page(PageType::Product);
    let s = tr.state();
    assert_eq!(s.page_views.unmarked, 0);
    assert_eq!(s.page_views.product_related, 1);
    tr.apply(&Event::new(5_000.0, EventKind::PageHide));
    assert!(tr.state().time_ms.product_related >= 5_000.0);
}
