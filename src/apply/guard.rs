//! Which elements may change now.

use wasm_bindgen::JsCast;
use web_sys::{Element, Window};

/// Whether the page has painted yet (no paint entry, or never visible: changes are unseen).
pub fn painted(window: &Window) -> bool {
    let Some(perf) = window.performance() else {
        return true;
    };
    let hidden = window
        .document()
        .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Hidden);
    !hidden
        && perf.get_entries_by_name("first-paint").length()
            + perf.get_entries_by_name("first-contentful-paint").length()
            > 0
}

/// Whether the shopper could notice `el` changing: on screen or above it (changes above the
/// viewport push visible content), hovered, focused, or holding an open menu.
pub fn pinned(el: &Element, window: &Window) -> bool {
    let rect = el.get_bounding_client_rect();
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    if rect.top() < height {
        return true;
    }
    if el.matches(":hover").unwrap_or(true) {
        return true;
    }
    let focused = window
        .document()
        .and_then(|d| d.active_element())
        .is_some_and(|a| el.contains(Some(a.unchecked_ref())));
    focused
        || el
            .query_selector("[aria-expanded=\"true\"]")
            .ok()
            .flatten()
            .is_some()
}
