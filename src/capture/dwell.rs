//! Item dwell: an IntersectionObserver reports tiles crossing 50% visibility, and a
//! MutationObserver brings tiles added later (SPA renders, infinite scroll) under observation.
//!
//! Tiles inside open shadow roots (web components) are found and watched too: selectors and
//! mutation observers stop at a shadow boundary, so each open root found is searched and
//! observed in its own right, including roots that arrive with nodes added later.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use js_sys::{Array, Set};
use reshelf_core::EventKind;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit,
    MutationObserver, MutationObserverInit, MutationRecord, Node, ShadowRoot,
};

use crate::markup::{is_dwell_target, item_id, item_ref, ITEM_SELECTOR};
use crate::runtime::{dispatch, Runtime};

/// An item is visible once this fraction of it is in the viewport.
const VISIBLE_RATIO: f64 = 0.5;
/// Tiles observed per page at most: a page with thousands of items costs no more than this.
const MAX_OBSERVED: u32 = 2000;

pub struct Dwell {
    document: Document,
    intersection: IntersectionObserver,
    mutation: MutationObserver,
    /// Elements currently at least half visible.
    visible: Set,
    observed: Cell<u32>,
    rt: Weak<RefCell<Runtime>>,
    _on_intersect: Closure<dyn FnMut(Array)>,
    _on_mutate: Closure<dyn FnMut(Array)>,
}

impl Dwell {
    pub fn install(document: &Document, rt: Weak<RefCell<Runtime>>) -> Result<Rc<Self>, JsValue> {
        // The observers' callbacks need the Dwell they belong to, which needs the observers:
        // the callbacks find it through this slot, filled once it exists.
        let slot: Rc<RefCell<Weak<Dwell>>> = Rc::new(RefCell::new(Weak::new()));
        let s = slot.clone();
        let on_intersect = Closure::<dyn FnMut(Array)>::new(move |entries: Array| {
            if let Some(me) = s.borrow().upgrade() {
                me.intersected(entries);
            }
        });
        let s = slot.clone();
        let on_mutate = Closure::<dyn FnMut(Array)>::new(move |records: Array| {
            if let Some(me) = s.borrow().upgrade() {
                me.mutated(records);
            }
        });
        let init = IntersectionObserverInit::new();
        init.set_threshold_f64(VISIBLE_RATIO);
        let intersection =
            IntersectionObserver::new_with_options(on_intersect.as_ref().unchecked_ref(), &init)?;
        let mutation = MutationObserver::new(on_mutate.as_ref().unchecked_ref())?;
        let dwell = Rc::new(Dwell {
            document: document.clone(),
            intersection,
            mutation,
            visible: Set::new(&JsValue::UNDEFINED),
            observed: Cell::new(0),
            rt,
            _on_intersect: on_intersect,
            _on_mutate: on_mutate,
        });
        *slot.borrow_mut() = Rc::downgrade(&dwell);
        let root: Node = document
            .document_element()
            .map(Into::into)
            .unwrap_or_else(|| document.clone().into());
        dwell
            .mutation
            .observe_with_options(&root, &mutation_options())?;
        dwell.observe_all();
        Ok(dwell)
    }

    /// Forgets what was visible (the core already closed those stretches on page hide).
    pub fn clear_visible(&self) {
        self.visible.clear();
    }

    /// Observes every tile afresh; the observer then reports the ones visible now. Used when
    /// the page shows again or an SPA route changes.
    pub fn refresh(&self) {
        self.intersection.disconnect();
        self.visible.clear();
        self.observed.set(0);
        self.observe_all();
    }

    fn observe_all(&self) {
        if let Ok(list) = self.document.query_selector_all(ITEM_SELECTOR) {
            for i in 0..list.length() {
                if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    self.observe(&el);
                }
            }
        }
        if let Some(root) = self.document.document_element() {
            for shadow in shadow_roots_within(&root) {
                self.watch_shadow(&shadow);
            }
        }
    }

    /// Observes the tiles of an open shadow root and the nodes added to it later.
    fn watch_shadow(&self, shadow: &ShadowRoot) {
        let _ = self
            .mutation
            .observe_with_options(shadow, &mutation_options());
        if let Ok(list) = shadow.query_selector_all(ITEM_SELECTOR) {
            for i in 0..list.length() {
                if let Some(el) = list.item(i).and_then(|n| n.dyn_into::<Element>().ok()) {
                    self.observe(&el);
                }
            }
        }
    }

    fn observe(&self, el: &Element) {
        if !is_dwell_target(el) || self.observed.get() >= MAX_OBSERVED {
            return;
        }
        self.observed.set(self.observed.get() + 1);
        self.intersection.observe(el);
    }

    fn intersected(&self, entries: Array) {
        let mut events = Vec::new();
        for entry in entries.iter() {
            let Ok(entry) = entry.dyn_into::<IntersectionObserverEntry>() else {
                continue;
            };
            let target = entry.target();
            let now_visible =
                entry.is_intersecting() && entry.intersection_ratio() >= VISIBLE_RATIO;
            let was_visible = self.visible.has(&target);
            if now_visible && !was_visible {
                if let Some(item) = item_ref(&target) {
                    self.visible.add(&target);
                    events.push(EventKind::ItemVisible { item });
                }
            } else if !now_visible && was_visible {
                self.visible.delete(&target);
                if let Some(id) = item_id(&target) {
                    events.push(EventKind::ItemHidden { id });
                }
            }
        }
        self.send(events);
    }

    fn mutated(&self, records: Array) {
        let mut events = Vec::new();
        for record in records.iter() {
            let Ok(record) = record.dyn_into::<MutationRecord>() else {
                continue;
            };
            for el in elements(&record.added_nodes()) {
                for item in items_within(&el) {
                    self.observe(&item);
                }
                for shadow in shadow_roots_within(&el) {
                    self.watch_shadow(&shadow);
                }
            }
            for el in elements(&record.removed_nodes()) {
                for item in items_within(&el) {
                    self.intersection.unobserve(&item);
                    if self.visible.delete(&item) {
                        if let Some(id) = item_id(&item) {
                            events.push(EventKind::ItemHidden { id });
                        }
                    }
                }
            }
        }
        self.send(events);
    }

    fn send(&self, events: Vec<EventKind>) {
        if let Some(rt) = self.rt.upgrade() {
            dispatch(&rt, events);
        }
    }
}

impl Drop for Dwell {
    fn drop(&mut self) {
        self.intersection.disconnect();
        self.mutation.disconnect();
    }
}

fn elements(nodes: &web_sys::NodeList) -> Vec<Element> {
    (0..nodes.length())
        .filter_map(|i| nodes.item(i)?.dyn_into::<Element>().ok())
        .collect()
}

/// The element itself if it is an item, plus every item inside it.
fn items_within(el: &Element) -> Vec<Element> {
    let mut out = Vec::new();
    if el.matches(ITEM_SELECTOR).unwrap_or(false) {
        out.push(el.clone());
    }
    if let Ok(list) = el.query_selector_all(ITEM_SELECTOR) {
        out.extend((0..list.length()).filter_map(|i| list.item(i)?.dyn_into::<Element>().ok()));
    }
    out
}

fn mutation_options() -> MutationObserverInit {
    let opts = MutationObserverInit::new();
    opts.set_child_list(true);
    opts.set_subtree(true);
    opts
}

/// Open shadow roots of `el` and of the elements inside it, and those nested in them.
fn shadow_roots_within(el: &Element) -> Vec<ShadowRoot> {
    let mut out = Vec::new();
    let mut hosts = vec![el.clone()];
    // A selector's matches are elements: no type check per node on this walk of the page.
    if let Ok(list) = el.query_selector_all("*") {
        hosts.extend(
            (0..list.length()).filter_map(|i| Some(list.item(i)?.unchecked_into::<Element>())),
        );
    }
    for host in hosts {
        if let Some(shadow) = host.shadow_root() {
            if let Ok(list) = shadow.query_selector_all("*") {
                for i in 0..list.length() {
                    if let Some(inner) = list.item(i).map(JsCast::unchecked_into::<Element>) {
                        if inner.shadow_root().is_some() {
                            out.extend(shadow_roots_within(&inner));
                        }
                    }
                }
            }
            out.push(shadow);
        }
    }
    out
}
