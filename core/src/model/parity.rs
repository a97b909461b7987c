//! A fixed set of sessions whose scores are recorded next to the shipped weights
//! (`models/parity.json`), so native and wasm inference can both be checked against them.

use crate::features::{Month, SessionFeatures, VisitorType};

/// Sixteen varied sessions: short and long, with and without page value, each visitor type,
/// weekday and weekend, several months.
pub fn parity_inputs() -> Vec<SessionFeatures> {
    (0..16u8)
        .map(|i| {
            let f = f32::from(i);
            SessionFeatures {
                administrative: f32::from(i % 4),
                administrative_duration: f * 17.5,
                informational: f32::from(i % 3 / 2),
                informational_duration: f32::from(i % 3 / 2) * 40.0,
                product_related: 1.0 + f * 3.0,
                product_related_duration: f * f * 25.0,
                bounce_rate: 0.2 / (1.0 + f),
                exit_rate: 0.01 + 0.19 / (1.0 + f),
                page_value: if i % 3 == 0 { f * 4.5 } else { 0.0 },
                special_day: if i == 5 { 0.6 } else { 0.0 },
                month: Month(i % 12),
                weekend: i % 2 == 1,
                visitor: match i % 3 {
                    0 => VisitorType::Returning,
                    1 => VisitorType::New,
                    _ => VisitorType::Other,
                },
            }
        })
        .collect()
}
