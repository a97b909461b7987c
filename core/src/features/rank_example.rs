//! A ranking example as a summary carries it: the quantised features (a byte each, see
//! [`super::quantise`]) of the item a shopper clicked in a slot and of the items shown above
//! it that were skipped — no ids, no names, nothing but [`RANK_FEATURES`] bytes per item.
//!
//! On the wire it is one unpadded base64url string of the rows, clicked first, then the
//! skipped items nearest first: `ceil(22 × rows × 4 / 3)` characters, at most 88 for the
//! clicked item and [`MAX_SKIPPED`] skipped ones (two examples keep a long session's summary
//! within 768 bytes).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ranking::{quantise, RANK_FEATURES};

/// Skipped items kept per example (the ones shown just above the clicked one).
pub const MAX_SKIPPED: usize = 2;

/// The clicked item's quantised features, then the skipped ones' (nearest first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct RankExample {
    rows: Vec<[u8; RANK_FEATURES]>,
}

/// Why a string is not a ranking example.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RankExampleError {
    /// A character outside base64url.
    NotBase64,
    /// The bytes are not 2..=1 + MAX_SKIPPED whole rows of RANK_FEATURES.
    Length(usize),
}

impl fmt::Display for RankExampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RankExampleError::NotBase64 => write!(f, "ranking example is not base64url"),
            RankExampleError::Length(n) => write!(
                f,
                "ranking example holds {n} bytes, not 2..={} rows of {RANK_FEATURES}",
                1 + MAX_SKIPPED
            ),
        }
    }
}

impl std::error::Error for RankExampleError {}

impl RankExample {
    /// The example for a click on row `clicked` of a slot's features (row-major, in the
    /// order the shopper saw the slot). `None` when nothing was shown above the clicked item
    /// (no skipped item, nothing to learn) or `clicked` is not a row.
    pub fn from_features(features: &[f32], clicked: usize) -> Option<Self> {
        let rows = features.len() / RANK_FEATURES;
        if clicked == 0 || clicked >= rows {
            return None;
        }
        let row = |r: usize| {
            let mut q = [0u8; RANK_FEATURES];
            for (j, b) in q.iter_mut().enumerate() {
                *b = quantise(j, features[r * RANK_FEATURES + j]);
            }
            q
        };
        let skipped = (clicked.saturating_sub(MAX_SKIPPED)..clicked).rev();
        Some(Self {
            rows: std::iter::once(clicked).chain(skipped).map(row).collect(),
        })
    }

    /// Builds an example from quantised rows (clicked first); the same checks as decoding.
    pub fn from_rows(rows: Vec<[u8; RANK_FEATURES]>) -> Result<Self, RankExampleError> {
        if rows.len() < 2 || rows.len() > 1 + MAX_SKIPPED {
            return Err(RankExampleError::Length(rows.len() * RANK_FEATURES));
        }
        Ok(Self { rows })
    }

    /// The clicked item's row.
    pub fn clicked(&self) -> &[u8; RANK_FEATURES] {
        &self.rows[0]
    }

    /// The skipped items' rows, nearest first.
    pub fn skipped(&self) -> &[[u8; RANK_FEATURES]] {
        &self.rows[1..]
    }

    /// All rows, clicked first.
    pub fn rows(&self) -> &[[u8; RANK_FEATURES]] {
        &self.rows
    }
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

impl From<RankExample> for String {
    fn from(e: RankExample) -> String {
        let bytes: Vec<u8> = e.rows.concat();
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
            for k in 0..=chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * k) & 63) as usize]));
            }
        }
        out
    }
}

impl TryFrom<String> for RankExample {
    type Error = RankExampleError;

    fn try_from(s: String) -> Result<Self, RankExampleError> {
        let mut bytes = Vec::with_capacity(s.len() * 3 / 4);
        for chunk in s.as_bytes().chunks(4) {
            if chunk.len() == 1 {
                return Err(RankExampleError::NotBase64);
            }
            let mut n = 0u32;
            for (k, c) in chunk.iter().enumerate() {
                let v = ALPHABET
                    .iter()
                    .position(|a| a == c)
                    .ok_or(RankExampleError::NotBase64)?;
                n |= (v as u32) << (18 - 6 * k);
            }
            for i in 0..chunk.len() - 1 {
                bytes.push((n >> (16 - 8 * i)) as u8);
            }
        }
        if bytes.len() % RANK_FEATURES != 0 {
            return Err(RankExampleError::Length(bytes.len()));
        }
        let rows = bytes
            .chunks_exact(RANK_FEATURES)
            .map(|c| {
                let mut r = [0u8; RANK_FEATURES];
                r.copy_from_slice(c);
                r
            })
            .collect();
        Self::from_rows(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_its_string() {
        for rows in 2..=1 + MAX_SKIPPED {
            let e = RankExample::from_rows(
                (0..rows)
                    .map(|r| std::array::from_fn(|j| (r * 31 + j * 7) as u8))
                    .collect(),
            )
            .unwrap();
            let s = String::from(e.clone());
            assert_eq!(s.len(), (rows * RANK_FEATURES * 4).div_ceil(3));
            assert_eq!(RankExample::try_from(s).unwrap(), e);
        }
    }

    #[test]
    fn refuses_damage() {
        assert_eq!(
            RankExample::try_from("a*".to_string()),
            Err(RankExampleError::NotBase64)
        );
        assert!(matches!(
            RankExample::try_from("AAAA".to_string()),
            Err(RankExampleError::Length(3))
        ));
        let one_row = String::from(RankExample {
            rows: vec![[1; RANK_FEATURES]],
        });
        assert!(RankExample::try_from(one_row).is_err());
    }

    #[test]
    fn keeps_the_items_above_the_click_nearest_first() {
        let features: Vec<f32> = (0..6)
            .flat_map(|r| [r as f32 / 10.0; RANK_FEATURES])
            .collect();
        let e = RankExample::from_features(&features, 5).unwrap();
        let first: Vec<u8> = e.rows().iter().map(|r| r[0]).collect();
        assert_eq!(first, vec![128, 102, 77]);
        assert!(RankExample::from_features(&features, 0).is_none());
        assert!(RankExample::from_features(&features, 6).is_none());
    }
}
