//! DOM calls on the capture hot path with their string arguments kept as JS strings.
//!
//! web-sys takes `&str`, which wasm-bindgen decodes into a fresh JS string on every call; a
//! click handler reading four attributes and two selectors paid for six decodes per event.
//! Interning those constant names once removes that cost (see BENCHMARKS.md).

use js_sys::JsString;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

#[wasm_bindgen]
extern "C" {
    /// An `Element` seen through bindings that take JS strings.
    type RawElement;

    #[wasm_bindgen(method, catch, js_name = closest)]
    fn closest_interned(this: &RawElement, selector: &JsString)
        -> Result<Option<Element>, JsValue>;

    #[wasm_bindgen(method, js_name = getAttribute)]
    fn get_attribute_interned(this: &RawElement, name: &JsString) -> Option<String>;

    #[wasm_bindgen(method, js_name = hasAttribute)]
    fn has_attribute_interned(this: &RawElement, name: &JsString) -> bool;
}

fn raw(el: &Element) -> &RawElement {
    el.unchecked_ref()
}

/// A constant attribute name or selector, converted to a JS string once per thread.
#[derive(Clone, Copy)]
pub enum Name {
    ItemAttr,
    EventAttr,
    CategoryAttr,
    PriceAttr,
    ItemSelector,
    EventSelector,
    BrandAttr,
    SlotSelector,
}

thread_local! {
    static NAMES: [JsString; 8] = [
        "data-reshelf-item".into(),
        "data-reshelf-event".into(),
        "data-category".into(),
        "data-price".into(),
        "[data-reshelf-item]".into(),
        "[data-reshelf-event]".into(),
        "data-brand".into(),
        "[data-reshelf-slot]".into(),
    ];
}

fn with_name<R>(name: Name, f: impl FnOnce(&JsString) -> R) -> R {
    NAMES.with(|names| f(&names[name as usize]))
}

/// `el.getAttribute(name)`.
pub fn attr(el: &Element, name: Name) -> Option<String> {
    with_name(name, |n| raw(el).get_attribute_interned(n))
}

/// `el.hasAttribute(name)`.
pub fn has_attr(el: &Element, name: Name) -> bool {
    with_name(name, |n| raw(el).has_attribute_interned(n))
}

/// `el.closest(selector)`; a failing selector is no match.
pub fn closest(el: &Element, selector: Name) -> Option<Element> {
    with_name(selector, |s| raw(el).closest_interned(s).ok().flatten())
}
