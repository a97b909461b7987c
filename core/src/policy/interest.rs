//! The session's interest for the hand-set order: recency-weighted engagement with categories
//! and price bands (weights and decay in [`crate::engagement`]), each category's (band's)
//! decayed total divided by the largest, so 0..1.

use crate::engagement::{DISMISSED_AFTER_SEEN, PRICE_BANDS};
use crate::session::SessionState;
use crate::sorted_map::SortedMap;

/// Normalised interest as of a moment, ready for ranking.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Interest {
    pub categories: SortedMap<f64>,
    pub bands: [f64; PRICE_BANDS],
    /// Items to sink: bought, in the cart, or dismissed (a map to nothing, so one sorted
    /// map type serves both).
    pub sunk: SortedMap<()>,
}

impl Interest {
    pub fn from_session(state: &SessionState, now: f64) -> Self {
        let top = state
            .categories
            .values()
            .map(|c| c.affinity.at(now))
            .fold(0.0, f64::max);
        let categories = if top > 0.0 {
            state
                .categories
                .iter()
                .map(|(k, c)| (k.clone(), c.affinity.at(now) / top))
                .collect()
        } else {
            SortedMap::new()
        };
        let band_raw: Vec<f64> = state.price_bands.iter().map(|b| b.at(now)).collect();
        let band_top = band_raw.iter().copied().fold(0.0, f64::max);
        let mut bands = [0.0; PRICE_BANDS];
        if band_top > 0.0 {
            for (b, v) in bands.iter_mut().zip(&band_raw) {
                *b = v / band_top;
            }
        }
        let sunk = state
            .items
            .iter()
            .filter(|(_, s)| {
                s.purchased
                    || s.add_to_cart > 0
                    || (s.clicks == 0 && s.seen_count >= DISMISSED_AFTER_SEEN)
            })
            .map(|(id, _)| (id.clone(), ()))
            .collect();
        Self {
            categories,
            bands,
            sunk,
        }
    }

    /// Whether the session has shown any interest at all.
    pub fn is_empty(&self) -> bool {
        self.categories.is_empty() && self.bands.iter().all(|b| *b == 0.0) && self.sunk.is_empty()
    }
}
