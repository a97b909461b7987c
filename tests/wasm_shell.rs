//! The browser shell's pieces, run as wasm in headless Chromium (`make test-wasm`).
#![cfg(target_arch = "wasm32")]

use reshelf::markup::{item_ref, page_type, parse_price};
use reshelf::store::{key_for, Store};
use reshelf::{parse_track, start, Error};
use reshelf_core::features::{quantise, RankExample, RANK_FEATURES};
use reshelf_core::{EventKind, PageType, Tracker};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

fn element(html: &str) -> web_sys::Element {
    let holder = document().create_element("div").unwrap();
    holder.set_inner_html(html);
    holder.first_element_child().unwrap()
}

#[wasm_bindgen_test]
fn prices_parse_only_when_numeric() {
    assert_eq!(parse_price("59.00"), Some(59.0));
    assert_eq!(parse_price(" 7 "), Some(7.0));
    for bad in ["$59", "59,00", "NaN", "inf", "-3", ""] {
        assert_eq!(parse_price(bad), None, "{bad}");
    }
}

#[wasm_bindgen_test]
fn items_are_read_from_their_attributes() {
    let el =
        element(r#"<li data-reshelf-item="sku-1" data-category="shoes" data-price="59.00"></li>"#);
    let item = item_ref(&el).unwrap();
    assert_eq!(
        (item.id.as_str(), item.category.as_deref(), item.price),
        ("sku-1", Some("shoes"), Some(59.0))
    );
    let el = element(r#"<li data-reshelf-item="sku-2" data-category=" " data-price="free"></li>"#);
    let item = item_ref(&el).unwrap();
    assert_eq!((item.category, item.price), (None, None));
    assert!(item_ref(&element(r#"<li data-reshelf-item="  "></li>"#)).is_none());
    assert!(item_ref(&element("<li></li>")).is_none());
}

#[wasm_bindgen_test]
fn page_type_comes_from_the_body() {
    let body = document().body().unwrap();
    body.set_attribute("data-reshelf-page", "product").unwrap();
    assert_eq!(page_type(&document()), PageType::Product);
    body.set_attribute("data-reshelf-page", "landing").unwrap();
    assert_eq!(page_type(&document()), PageType::Unmarked);
    body.remove_attribute("data-reshelf-page").unwrap();
    assert_eq!(page_type(&document()), PageType::Unmarked);
}

#[wasm_bindgen_test]
fn sessions_round_trip_through_local_storage_and_corruption_is_ignored() {
    let store = Store::open("wasm-test").unwrap();
    let mut tracker = Tracker::new(9, 1_000.0);
    tracker.apply(&reshelf_core::Event::new(
        1_000.0,
        EventKind::PageView {
            page: PageType::Cart,
            path_hash: 5,
        },
    ));
    assert!(store.save(tracker.state()));
    assert_eq!(store.load().as_ref(), Some(tracker.state()));

    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage
        .set_item(&key_for("wasm-test"), "{not json")
        .unwrap();
    assert!(store.load().is_none());
    storage
        .set_item(&key_for("wasm-test"), r#"{"version":1}"#)
        .unwrap();
    assert!(store.load().is_none());
    store.clear();
    assert!(store.load().is_none());
}

#[wasm_bindgen_test]
fn track_maps_known_names_and_refuses_bad_props() {
    let props =
        js_sys::JSON::parse(r#"{"item":"sku-1","category":"bags","price":"45.5"}"#).unwrap();
    match parse_track(&"add_to_cart".into(), &props).unwrap() {
        EventKind::AddToCart { item: Some(item) } => {
            assert_eq!((item.id.as_str(), item.price), ("sku-1", Some(45.5)))
        }
        other => panic!("{other:?}"),
    }
    let purchase = js_sys::JSON::parse(r#"{"value":120}"#).unwrap();
    assert_eq!(
        parse_track(&"purchase".into(), &purchase).unwrap(),
        EventKind::Purchase { value: Some(120.0) }
    );

    let cyclic = js_sys::Object::new();
    js_sys::Reflect::set(&cyclic, &"self".into(), &cyclic).unwrap();
    let err = parse_track(&"x".into(), &cyclic).unwrap_err();
    assert!(
        matches!(&err, Error::Track(m) if m.contains("not JSON-serialisable")),
        "{err}"
    );
    let huge = js_sys::JSON::parse(&format!(r#"{{"b":"{}"}}"#, "a".repeat(5000))).unwrap();
    assert!(
        matches!(parse_track(&"x".into(), &huge), Err(Error::Track(m)) if m.contains("at most 4096"))
    );
    assert!(parse_track(&JsValue::from(3), &JsValue::UNDEFINED).is_err());
    assert!(parse_track(&"x".into(), &JsValue::from("text")).is_err());
}

#[wasm_bindgen_test]
fn a_tile_click_records_its_rows_at_their_positions_in_the_whole_slot() {
    // Six tiles (one with a blank id, which is not an item); the fifth item is clicked.
    let holder = document().create_element("div").unwrap();
    holder.set_inner_html(
        r#"<ul data-reshelf-slot="s"><li data-reshelf-item="a"></li><li data-reshelf-item=" "></li>
        <li data-reshelf-item="b"></li><li data-reshelf-item="c"></li><li data-reshelf-item="d"></li>
        <li data-reshelf-item="e" data-category="hats"><b>e</b></li><li data-reshelf-item="f"></li></ul>"#,
    );
    document().body().unwrap().append_child(&holder).unwrap();
    let opts = js_sys::JSON::parse(r#"{"site":"wasm-rank-example","persist":false}"#).unwrap();
    let mut session = start(opts, None).unwrap();
    holder
        .query_selector("[data-reshelf-item=e] b")
        .unwrap()
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    let summary = session.summary().unwrap();
    let rx = js_sys::Reflect::get(&summary, &"rx".into()).unwrap();
    let first = js_sys::Reflect::get(&rx, &0.into())
        .unwrap()
        .as_string()
        .unwrap();
    let example = RankExample::try_from(first).unwrap();
    // Item 4 of 6 clicked, items 3 and 2 skipped above it: positions i / n of the slot, as
    // the ranker computes them ranking all six.
    let position = |row: &[u8; RANK_FEATURES]| row[16];
    assert_eq!(position(example.clicked()), quantise(16, 4.0 / 6.0));
    let skipped: Vec<u8> = example.skipped().iter().map(position).collect();
    assert_eq!(skipped, [quantise(16, 3.0 / 6.0), quantise(16, 2.0 / 6.0)]);
    session.shutdown();
    holder.remove();
}

#[wasm_bindgen_test]
fn what_reshelf_js_heard_before_start_counts_as_captured() {
    let holder = document().create_element("div").unwrap();
    holder.set_inner_html(r#"<p data-reshelf-item="early-1" data-category="hats"><b>x</b></p>"#);
    document().body().unwrap().append_child(&holder).unwrap();
    let inner = holder.query_selector("b").unwrap().unwrap();
    // The composed path a click on <b> has: from the target up to the window.
    let path = js_sys::Array::new();
    let mut node: Option<web_sys::Node> = Some(inner.into());
    while let Some(n) = node {
        path.push(&n);
        node = n.parent_node();
    }
    path.push(&web_sys::window().unwrap());
    let since = js_sys::Date::now() - 2000.0;
    let early = js_sys::Array::new();
    for v in [since, 0.75, since + 100.0] {
        early.push(&v.into());
    }
    // A click on the tile, one whose position is not a number (skipped), one on the page.
    let page_path = js_sys::Array::of1(&document().body().unwrap());
    for (t, x, path) in [
        (since + 200.0, JsValue::from(10.0), &path),
        (since + 300.0, JsValue::from("ten"), &path),
        (since + 400.0, JsValue::from(20.0), &page_path),
    ] {
        for v in [JsValue::from(t), x, JsValue::from(5.0), path.into()] {
            early.push(&v);
        }
    }
    let opts = js_sys::JSON::parse(r#"{"site":"wasm-early","persist":false}"#).unwrap();
    let mut session = start(opts, Some(early)).unwrap();
    let state = session.state().unwrap();
    let get = |k: &str| js_sys::Reflect::get(&state, &k.into()).unwrap();
    assert_eq!(get("clicks").as_f64(), Some(2.0));
    assert_eq!(get("item_clicks").as_f64(), Some(1.0));
    let by_id = js_sys::Reflect::get(&get("item_clicks_by_id"), &"early-1".into()).unwrap();
    assert_eq!(by_id.as_f64(), Some(1.0));
    assert_eq!(get("max_scroll_depth").as_f64(), Some(0.75));
    session.shutdown();
    holder.remove();
}

#[wasm_bindgen_test]
fn start_captures_and_shutdown_puts_the_page_back() {
    let history = web_sys::window().unwrap().history().unwrap();
    let native = js_sys::Reflect::get(&history, &"pushState".into()).unwrap();
    let opts = js_sys::JSON::parse(r#"{"site":"wasm-start","persist":false}"#).unwrap();
    let mut session = start(opts, None).unwrap();
    assert_ne!(
        js_sys::Reflect::get(&history, &"pushState".into()).unwrap(),
        native
    );

    document()
        .body()
        .unwrap()
        .unchecked_into::<web_sys::HtmlElement>()
        .click();
    let state = session.state().unwrap();
    let clicks = js_sys::Reflect::get(&state, &"clicks".into()).unwrap();
    assert_eq!(clicks.as_f64(), Some(1.0));
    let site = js_sys::Reflect::get(&state, &"site".into()).unwrap();
    assert_eq!(site.as_string().as_deref(), Some("wasm-start"));

    session.shutdown();
    assert!(!session.active());
    assert_eq!(
        js_sys::Reflect::get(&history, &"pushState".into()).unwrap(),
        native
    );
    assert!(session.track("x".into(), JsValue::UNDEFINED).is_err());
}

#[wasm_bindgen_test]
fn bad_options_are_refused_with_the_reason() {
    for (json, needle) in [
        (r#"{"holdout":2}"#, "holdout"),
        (r#"{"site":"has space"}"#, "site"),
        (r#"{"holdout":"ten"}"#, "invalid options"),
    ] {
        let err = start(js_sys::JSON::parse(json).unwrap(), None)
            .err()
            .expect(json);
        let msg = err
            .dyn_into::<js_sys::Error>()
            .unwrap()
            .message()
            .as_string()
            .unwrap();
        assert!(msg.contains(needle), "{json}: {msg}");
    }
}
