//! Reading reshelf's `data-` attributes from the page. Markup is outside input: every value is
//! optional and a malformed one is ignored rather than trusted.

use reshelf_core::{ItemRef, PageType};
use web_sys::{Document, Element};

pub const ITEM_SELECTOR: &str = "[data-reshelf-item]";
pub const EVENT_SELECTOR: &str = "[data-reshelf-event]";

/// The page type declared on `<body data-reshelf-page>`; `Unmarked` when absent or unknown.
pub fn page_type(doc: &Document) -> PageType {
    PageType::parse(
        doc.body()
            .and_then(|b| b.get_attribute("data-reshelf-page"))
            .as_deref(),
    )
}

/// The item an element describes, if it carries a non-empty `data-reshelf-item`.
pub fn item_ref(el: &Element) -> Option<ItemRef> {
    let id = el.get_attribute("data-reshelf-item")?;
    if id.trim().is_empty() {
        return None;
    }
    Some(ItemRef {
        id,
        category: el
            .get_attribute("data-category")
            .filter(|c| !c.trim().is_empty()),
        price: el
            .get_attribute("data-price")
            .as_deref()
            .and_then(parse_price),
    })
}

/// `data-price` as a finite, non-negative number ("59.00"); anything else ("$59", "NaN") is
/// treated as no price.
pub fn parse_price(raw: &str) -> Option<f64> {
    raw.trim()
        .parse::<f64>()
        .ok()
        .filter(|p| p.is_finite() && *p >= 0.0)
}

/// `el.closest(selector)`, with a failing selector treated as no match.
pub fn closest(el: &Element, selector: &str) -> Option<Element> {
    el.closest(selector).ok().flatten()
}

/// Whether an element is a tile to watch for dwell (buttons carrying an item id are not).
pub fn is_dwell_target(el: &Element) -> bool {
    el.has_attribute("data-reshelf-item") && !el.has_attribute("data-reshelf-event")
}
