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

/// Sixteen varied rows of ranking features (`[16, RANK_FEATURES]`), each feature within its
/// documented range, whose ranker scores are recorded in `models/ranker_parity.json`.
pub fn ranker_parity_rows() -> Vec<f32> {
    use crate::features::{RANK_FEATURES, SIGNED_RANK_FEATURES};
    let mut out = Vec::with_capacity(16 * RANK_FEATURES);
    for i in 0..16u32 {
        for j in 0..RANK_FEATURES as u32 {
            // A fixed pseudo-random walk over 0..1, then flags as 0/1 and signed ones -1..1.
            let u = ((i * 37 + j * 11 + i * j * 7) % 101) as f32 / 100.0;
            let v = if SIGNED_RANK_FEATURES.contains(&(j as usize)) {
                u * 2.0 - 1.0
            } else if matches!(j, 4 | 6 | 8 | 9 | 13 | 15 | 18 | 21) {
                f32::from(u8::from(u > 0.5))
            } else {
                u
            };
            out.push(v);
        }
    }
    out
}
