//! One item of a slot as the page (or the app, through `rank()`) lists it. A leaf module: the
//! policies and the ranking features both read it.

use serde::{Deserialize, Serialize};

/// A product tile of a slot: `data-reshelf-item`, `data-category`, `data-price`, `data-brand`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SlotItem {
    pub id: String,
    #[serde(default)]
    pub category: Option<String>,
    /// A finite, non-negative number, or absent.
    #[serde(default)]
    pub price: Option<f64>,
    #[serde(default)]
    pub brand: Option<String>,
}
