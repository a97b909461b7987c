//! Reading reshelf's `data-` attributes from the page. Markup is outside input: every value is
//! optional and a malformed one is ignored rather than trusted.

use reshelf_core::{ItemRef, PageType};
use web_sys::{Document, Element};

use crate::dom::{attr, has_attr, Name};
pub use crate::dom::{closest, Name as Selector};

pub const ITEM_SELECTOR: &str = "[data-reshelf-item]";

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
    marked_item_id(el).map(|id| item_ref_with_id(el, id))
}

/// `data-reshelf-item` when it is not blank: what makes an element an item.
pub fn marked_item_id(el: &Element) -> Option<String> {
    attr(el, Name::ItemAttr).filter(|id| !id.trim().is_empty())
}

/// The item of an element whose id [`marked_item_id`] has already read.
pub fn item_ref_with_id(el: &Element, id: String) -> ItemRef {
    ItemRef {
        id,
        category: attr(el, Name::CategoryAttr).filter(|c| !c.trim().is_empty()),
        price: attr(el, Name::PriceAttr).as_deref().and_then(parse_price),
        brand: attr(el, Name::BrandAttr).filter(|b| !b.trim().is_empty()),
    }
}

/// The raw `data-reshelf-item` of an element.
pub fn item_id(el: &Element) -> Option<String> {
    attr(el, Name::ItemAttr)
}

/// The action of a `data-reshelf-event` element.
pub fn action(el: &Element) -> Option<String> {
    attr(el, Name::EventAttr)
}

/// `data-price` as a finite, non-negative number ("59.00"); anything else ("$59", "NaN") is
/// treated as no price.
pub use reshelf_core::parse_price;

/// Whether an element is a tile to watch for dwell (buttons carrying an item id are not).
pub fn is_dwell_target(el: &Element) -> bool {
    has_attr(el, Name::ItemAttr) && !has_attr(el, Name::EventAttr)
}
