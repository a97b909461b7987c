//! Message variants: a small declarative policy, per section, of rules tried in order.
//!
//! ```json
//! { "hero": [
//!     { "variant": "free-shipping", "when": { "min_intent": 0.3, "min_cart": 1 } },
//!     { "variant": "discovery",     "when": { "max_intent": 0.1 } } ] }
//! ```
//! The first rule whose conditions all hold and whose variant the page offers wins; with none,
//! the section keeps its default content.

use serde::{Deserialize, Serialize};

/// Section name → rules.
pub type VariantPolicy = crate::sorted_map::SortedMap<Vec<VariantRule>>;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantRule {
    pub variant: String,
    #[serde(default)]
    pub when: Conditions,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conditions {
    pub min_intent: Option<f32>,
    pub max_intent: Option<f32>,
    pub min_cart: Option<u64>,
    pub max_cart: Option<u64>,
    pub min_product_pages: Option<u32>,
}

/// What the rules can look at.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Signals {
    pub intent: Option<f32>,
    pub cart: u64,
    pub product_pages: u32,
}

impl Conditions {
    fn hold(&self, s: &Signals) -> bool {
        let intent_ok = |bound: Option<f32>, above: bool| match (bound, s.intent) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(b), Some(p)) => {
                if above {
                    p >= b
                } else {
                    p <= b
                }
            }
        };
        intent_ok(self.min_intent, true)
            && intent_ok(self.max_intent, false)
            && self.min_cart.is_none_or(|m| s.cart >= m)
            && self.max_cart.is_none_or(|m| s.cart <= m)
            && self.min_product_pages.is_none_or(|m| s.product_pages >= m)
    }
}

/// The variant for a section, or `None` to keep its default content.
pub fn choose_variant(
    rules: &[VariantRule],
    signals: &Signals,
    available: &[String],
) -> Option<String> {
    rules
        .iter()
        .find(|r| available.contains(&r.variant) && r.when.hold(signals))
        .map(|r| r.variant.clone())
}
