//! Ranking a slot's items.
//!
//! score(item at original position i of n) = prior + strength × personal − sink, where
//!  * prior = 0.5 × (1 − i / n): the retailer's order is the starting point, not discarded —
//!    between two items the shopper cares equally about, the retailer's order decides, and a
//!    strong interest can lift an item from the end of a slot to its front;
//!  * personal = 0.7 × category interest + 0.3 × price-band interest (each 0..1);
//!  * strength = 0.75 + 0.5 × intent (intent from the model; 1 without one): a shopper who
//!    looks likely to buy has shown what they want, so their interest weighs more;
//!  * sink = 2 for items bought, in the cart, or dismissed (seen three times, never clicked).
//!
//! Items sort by score, highest first; equal scores keep their original order, so with no
//! interest the page's order is returned unchanged.

use super::interest::Interest;
use super::order::order_by_scores_f64;
use crate::engagement::band_of;
/// An item of a slot as the page (or the app, through `rank()`) lists it: the same markup as
/// any item the shopper touches.
pub use crate::events::ItemRef as SlotItem;

const SINK: f64 = 2.0;
const PRIOR_WEIGHT: f64 = 0.5;

/// How strongly interest reorders, from the intent score.
pub fn personalisation_strength(intent: Option<f32>) -> f64 {
    match intent {
        Some(p) if p.is_finite() => 0.75 + 0.5 * f64::from(p.clamp(0.0, 1.0)),
        _ => 1.0,
    }
}

/// The new order as indices into `items`: always a permutation of `0..items.len()`.
pub fn rank(items: &[SlotItem], interest: &Interest, strength: f64) -> Vec<usize> {
    let n = items.len().max(1) as f64;
    let strength = if strength.is_finite() {
        strength.max(0.0)
    } else {
        1.0
    };
    let scores: Vec<f64> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let prior = PRIOR_WEIGHT * (1.0 - i as f64 / n);
            let cat = item
                .category
                .as_ref()
                .and_then(|c| interest.categories.get(c))
                .copied()
                .unwrap_or(0.0);
            let band = item
                .price
                .filter(|p| p.is_finite() && *p >= 0.0)
                .map_or(0.0, |p| interest.bands[band_of(p)]);
            let sink = if interest.sunk.contains_key(&item.id) {
                SINK
            } else {
                0.0
            };
            prior + strength * (0.7 * cat + 0.3 * band) - sink
        })
        .collect();
    // Stable: ties keep the original order.
    order_by_scores_f64(&scores, items.len())
}

/// How many positions differ between the original order and `order`.
pub fn moved(order: &[usize]) -> u32 {
    order.iter().enumerate().filter(|(i, j)| i != *j).count() as u32
}
