//! The plain JS objects reshelf hands to the page: `state()` and the `decision` payload.
//! Built with `Reflect::set` rather than a serde serializer, which was a large share of the
//! capture module; numbers cross as JS numbers, so no float formatter is linked either.
//! The shapes are those the README documents (snake_case keys, as the Rust fields).

use reshelf_core::sorted_map::SortedMap;

use js_sys::{Array, Object, Reflect};
use reshelf_core::policy::{Decision, DecisionKind};
use reshelf_core::session::PerKind;
use reshelf_core::snapshot::{CategorySnapshot, Snapshot};
use wasm_bindgen::JsValue;

/// A plain object under construction.
struct Obj(Object);

impl Obj {
    fn new() -> Self {
        Self(Object::new())
    }

    fn set(&self, key: &str, value: impl Into<JsValue>) -> &Self {
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value.into());
        self
    }

    /// Counts above 2^53 lose precision as JS numbers; no session gets near.
    fn count(&self, key: &str, n: u64) -> &Self {
        self.set(key, n as f64)
    }

    fn value(&self) -> JsValue {
        self.0.clone().into()
    }
}

fn opt_str(s: &Option<String>) -> JsValue {
    s.as_deref().map_or(JsValue::NULL, JsValue::from_str)
}

fn per_kind<T: Copy + Into<f64>>(p: &PerKind<T>) -> JsValue {
    Obj::new()
        .set("administrative", p.administrative.into())
        .set("informational", p.informational.into())
        .set("product_related", p.product_related.into())
        .set("unmarked", p.unmarked.into())
        .value()
}

fn map<T>(m: &SortedMap<T>, f: impl Fn(&T) -> JsValue) -> JsValue {
    let o = Obj::new();
    for (k, v) in m {
        o.set(k, f(v));
    }
    o.value()
}

fn list<T>(items: &[T], f: impl Fn(&T) -> JsValue) -> JsValue {
    items.iter().map(f).collect::<Array>().into()
}

/// A decision as `on('decision')` listeners and `state().decisions` see it:
/// `{ t, arm, model_version, ranker?, applied, kind: 'slot', slot, items, moved }` or
/// `{ …, kind: 'variant', section, variant }`.
pub fn decision(d: &Decision) -> JsValue {
    let o = Obj::new();
    o.set("t", d.t)
        .set("arm", d.arm.name())
        .set("model_version", opt_str(&d.model_version));
    if let Some(r) = &d.ranker {
        o.set("ranker", r.as_str());
    }
    o.set("applied", d.applied);
    match &d.kind {
        DecisionKind::Slot { slot, items, moved } => {
            o.set("kind", "slot")
                .set("slot", slot.as_str())
                .set("items", *items)
                .set("moved", *moved);
        }
        DecisionKind::Variant { section, variant } => {
            o.set("kind", "variant")
                .set("section", section.as_str())
                .set("variant", variant.as_str());
        }
    }
    o.value()
}

fn category(c: &CategorySnapshot) -> JsValue {
    Obj::new()
        .set("clicks", c.clicks)
        .set("add_to_cart", c.add_to_cart)
        .set("dwell_ms", c.dwell_ms)
        .set("items_seen", c.items_seen)
        .value()
}

/// The session snapshot `state()` returns (before it adds `site`, `intent` and the rest).
pub fn snapshot(s: &Snapshot) -> JsValue {
    let o = Obj::new();
    o.set("session_id", s.session_id.as_str())
        .set("started_at", s.started_at)
        .set("last_activity", s.last_activity)
        .count("events", s.events)
        .count("clicks", s.clicks)
        .count("item_clicks", s.item_clicks)
        .count("rage_clicks", s.rage_clicks)
        .count("add_to_cart", s.add_to_cart)
        .count("purchases", s.purchases)
        .set("page_views", per_kind(&s.page_views))
        .set("time_ms", per_kind(&s.time_ms))
        .set("page", s.page.map_or(JsValue::NULL, |p| p.name().into()))
        .set("max_scroll_depth", s.max_scroll_depth)
        .set(
            "pages",
            list(&s.pages, |p| {
                Obj::new()
                    .set("page", p.page.name())
                    .set("path_hash", p.path_hash)
                    .set("duration_ms", p.duration_ms)
                    .set("max_scroll_depth", p.max_scroll_depth)
                    .value()
            }),
        )
        .set("item_dwell_ms", map(&s.item_dwell_ms, |&x| x.into()))
        .set(
            "item_clicks_by_id",
            map(&s.item_clicks_by_id, |&n| n.into()),
        )
        .set(
            "items_seen",
            list(&s.items_seen, |id| JsValue::from_str(id)),
        )
        .set("categories", map(&s.categories, category))
        .set(
            "custom_events",
            map(&s.custom_events, |&n| (n as f64).into()),
        )
        .count("dropped", s.dropped)
        .set("decisions", list(&s.decisions, decision));
    o.value()
}
