//! The typed behaviour events the browser shell feeds into a session.
//!
//! Timestamps are wall-clock milliseconds since the Unix epoch (`Date.now()`), because a
//! session spans page loads and `performance.now()` restarts at every load. Wall clocks can
//! step backwards; [`crate::SessionState`] clamps rather than trusting them.

use serde::{Deserialize, Serialize};

use crate::page::PageType;

/// A product tile or button, as read from its `data-` attributes: what the shopper interacted
/// with, and (as [`crate::policy::SlotItem`]) an item of a slot to rank.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemRef {
    /// `data-reshelf-item`.
    pub id: String,
    /// `data-category`, when present.
    #[serde(default)]
    pub category: Option<String>,
    /// `data-price`, when present and a finite, non-negative number.
    #[serde(default)]
    pub price: Option<f64>,
    /// `data-brand`, when present.
    #[serde(default)]
    pub brand: Option<String>,
}

impl ItemRef {
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            category: None,
            price: None,
            brand: None,
        }
    }

    pub fn with_category(mut self, category: impl Into<String>) -> Self {
        self.category = Some(category.into());
        self
    }

    pub fn with_price(mut self, price: f64) -> Self {
        self.price = Some(price);
        self
    }

    pub fn with_brand(mut self, brand: impl Into<String>) -> Self {
        self.brand = Some(brand.into());
        self
    }
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// A document loaded (multi-page store). `path_hash` identifies the page without its URL.
    PageView { page: PageType, path_hash: u32 },
    /// An SPA navigation (pushState / replaceState / popstate) to a different path.
    RouteChange { page: PageType, path_hash: u32 },
    /// A click anywhere. `item` is the nearest `data-reshelf-item`, `action` the nearest
    /// `data-reshelf-event` (e.g. `add_to_cart`). Coordinates are viewport pixels.
    Click {
        x: f64,
        y: f64,
        item: Option<ItemRef>,
        action: Option<String>,
    },
    /// Current scroll depth of the page, 0..=1 (bottom of viewport over document height).
    Scroll { depth: f64 },
    /// At least half of an item's tile entered the viewport.
    ItemVisible { item: ItemRef },
    /// An item's tile dropped below half visible (or left the DOM).
    ItemHidden { id: String },
    /// `track('add_to_cart', …)` or an add-to-cart button.
    AddToCart { item: Option<ItemRef> },
    /// `track('purchase', …)`: the order went through.
    Purchase { value: Option<f64> },
    /// Any other `track(name)` call or `data-reshelf-event` action.
    Custom { name: String },
    /// The page was hidden or unloaded: timers and dwell pause.
    PageHide,
    /// The page became visible again (tab switch back, bfcache restore).
    PageShow,
}

impl EventKind {
    /// Whether the shopper did something. Only activity keeps a session alive; a page hiding
    /// or a tile scrolling away does not.
    pub fn is_activity(&self) -> bool {
        !matches!(self, EventKind::PageHide | EventKind::ItemHidden { .. })
    }

    /// Short stable name, used for `on('event')` payloads.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::PageView { .. } => "page_view",
            EventKind::RouteChange { .. } => "route_change",
            EventKind::Click { .. } => "click",
            EventKind::Scroll { .. } => "scroll",
            EventKind::ItemVisible { .. } => "item_visible",
            EventKind::ItemHidden { .. } => "item_hidden",
            EventKind::AddToCart { .. } => "add_to_cart",
            EventKind::Purchase { .. } => "purchase",
            EventKind::Custom { .. } => "custom",
            EventKind::PageHide => "page_hide",
            EventKind::PageShow => "page_show",
        }
    }
}

/// An event with the time it happened (epoch milliseconds).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub t: f64,
    #[serde(flatten)]
    pub kind: EventKind,
}

impl Event {
    pub fn new(t: f64, kind: EventKind) -> Self {
        Self { t, kind }
    }
}
