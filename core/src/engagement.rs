//! Engagement bookkeeping shared by the session, the policies and the ranking features: how
//! much a click, an add to cart and a second of visible dwell weigh, how that weight decays,
//! and the price bands. A leaf module: it depends on nothing else in the crate.
//!
//! Each engagement adds a weight that halves every [`HALF_LIFE_MS`]: a click 1, an add to cart
//! 3, a tile seen for at least a second 0.2 per second (at most 2).

use serde::{Deserialize, Serialize};

pub const W_CLICK: f64 = 1.0;
pub const W_CART: f64 = 3.0;
pub const W_DWELL_PER_S: f64 = 0.2;
pub const W_DWELL_MAX: f64 = 2.0;
/// Engagement ten minutes ago counts half as much as engagement now.
pub const HALF_LIFE_MS: f64 = 10.0 * 60.0 * 1000.0;
/// Price bands: < 25, < 50, < 100, < 200, 200 and up.
pub const PRICE_BANDS: usize = 5;
/// An item seen this many times without a click counts as dismissed.
pub const DISMISSED_AFTER_SEEN: u32 = 3;

/// A total that halves every [`HALF_LIFE_MS`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Decayed {
    pub value: f64,
    pub t: f64,
}

impl Decayed {
    pub fn at(&self, t: f64) -> f64 {
        let dt = (t - self.t).max(0.0);
        self.value * 0.5f64.powf(dt / HALF_LIFE_MS)
    }

    pub fn add(&mut self, t: f64, weight: f64) {
        if !weight.is_finite() || weight <= 0.0 {
            return;
        }
        let t = t.max(self.t);
        self.value = self.at(t) + weight;
        self.t = t;
    }
}

pub fn band_of(price: f64) -> usize {
    match price {
        p if p < 25.0 => 0,
        p if p < 50.0 => 1,
        p if p < 100.0 => 2,
        p if p < 200.0 => 3,
        _ => 4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decays_by_half_per_half_life() {
        let mut d = Decayed::default();
        d.add(0.0, 4.0);
        assert!((d.at(HALF_LIFE_MS) - 2.0).abs() < 1e-9);
        d.add(HALF_LIFE_MS, 1.0);
        assert!((d.at(HALF_LIFE_MS) - 3.0).abs() < 1e-9);
        d.add(0.0, f64::NAN);
        assert!(
            (d.at(HALF_LIFE_MS) - 3.0).abs() < 1e-9,
            "bad weights and old times change nothing"
        );
    }

    #[test]
    fn bands() {
        assert_eq!(
            [
                band_of(10.0),
                band_of(25.0),
                band_of(59.0),
                band_of(150.0),
                band_of(999.0)
            ],
            [0, 1, 2, 3, 4]
        );
    }
}
