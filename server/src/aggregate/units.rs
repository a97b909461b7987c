//! Per-visitor tallies, for statistics whose unit is the randomisation unit rather than the
//! session. The holdout arm is drawn per visitor (a kiosk: per session), so a visitor's
//! sessions are not independent trials; the delta method (Deng, Knoblich & Lu, "Applying the
//! Delta Method in Metric Analytics", KDD 2018) gives a per-session rate's variance from
//! sums over visitors of their session count `n`, purchases `x` and revenue `r`.
//!
//! Two tables keep that current:
//! - `rollup_unit_days`: per (day, unit, arm) the unit's sessions, purchases and revenue —
//!   additive, kept by the same deltas as the other tallies;
//! - `rollup_cohorts`: per (cohort day, arm) the sums `units, Σn, Σx, Σr, Σn², Σx², Σr²,
//!   Σnx, Σnr`, where a unit's cohort is the day of its first stored session (the usual
//!   exposure cohort of experiment platforms). When the roller changes a unit's day rows it
//!   takes the unit's old totals out of its old cohort and puts the new ones in
//!   ([`cohort_deltas`]), so the cohort sums equal a recomputation ([`cohorts_of`]).
//!
//! Revenue is counted in 12.50 steps (every order value band's midpoint is a multiple), so
//! a visitor's squared revenue stays far inside 64 bits.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{bump, BAND_CENTS};

/// One unit's sessions on one day, in one arm.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UnitKey {
    pub day: i64,
    /// The summary's randomisation unit (`Summary::unit`, or the session's own hash).
    pub unit: i64,
    pub control: bool,
}

impl UnitKey {
    /// A summary's randomisation unit: `Summary::unit`, or for a summary without one the
    /// FNV-1a hash of its session id (each such session is its own unit).
    pub fn unit_of(s: &reshelf_core::summary::Summary) -> i64 {
        i64::from(
            s.unit
                .unwrap_or_else(|| reshelf_core::hash::fnv1a32(s.sid.as_bytes())),
        )
    }
}

/// Indexes into a unit-day's tally.
pub mod unit {
    pub const SESSIONS: usize = 0;
    pub const PURCHASES: usize = 1;
    /// Revenue in steps of [`super::REVENUE_STEP_CENTS`].
    pub const REVENUE: usize = 2;
    pub const WIDTH: usize = 3;
}

/// Cents per revenue step in the unit tables: the greatest common divisor of the order
/// value bands' midpoints.
pub const REVENUE_STEP_CENTS: i64 = 1_250;
const _: () = assert!(
    BAND_CENTS[1] % REVENUE_STEP_CENTS == 0
        && BAND_CENTS[2] % REVENUE_STEP_CENTS == 0
        && BAND_CENTS[3] % REVENUE_STEP_CENTS == 0
        && BAND_CENTS[4] % REVENUE_STEP_CENTS == 0
        && BAND_CENTS[5] % REVENUE_STEP_CENTS == 0
);

/// The units first seen on one day, in one arm.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CohortKey {
    pub day: i64,
    pub control: bool,
}

/// Indexes into a cohort's sums over its units (`n` sessions, `x` purchases, `r` revenue
/// steps of one unit).
pub mod cohort {
    pub const UNITS: usize = 0;
    pub const N: usize = 1;
    pub const X: usize = 2;
    pub const R: usize = 3;
    pub const NN: usize = 4;
    pub const XX: usize = 5;
    pub const RR: usize = 6;
    pub const NX: usize = 7;
    pub const NR: usize = 8;
    pub const WIDTH: usize = 9;
}

/// What one unit with totals `[n, x, r]` adds to its cohort's sums.
pub fn cohort_values(t: [i64; unit::WIDTH]) -> [i64; cohort::WIDTH] {
    let [n, x, r] = t;
    [1, n, x, r, n * n, x * x, r * r, n * x, n * r]
}

/// A unit's cohort day and totals from its day rows; `None` without sessions.
fn totals<'a>(
    days: impl Iterator<Item = (&'a i64, &'a [i64; unit::WIDTH])>,
) -> Option<(i64, [i64; unit::WIDTH])> {
    let mut cohort = None::<i64>;
    let mut sum = [0; unit::WIDTH];
    for (&day, t) in days {
        if t[unit::SESSIONS] > 0 {
            cohort = Some(cohort.map_or(day, |c| c.min(day)));
        }
        for (s, v) in sum.iter_mut().zip(t) {
            *s += v;
        }
    }
    cohort.map(|c| (c, sum))
}

/// The change in cohort sums when `delta` is added to the stored day rows `before` (which
/// must hold every stored row of each unit `delta` touches).
pub fn cohort_deltas(
    before: &BTreeMap<UnitKey, [i64; unit::WIDTH]>,
    delta: &BTreeMap<UnitKey, [i64; unit::WIDTH]>,
) -> BTreeMap<CohortKey, [i64; cohort::WIDTH]> {
    type Days = BTreeMap<i64, [i64; unit::WIDTH]>;
    let mut units: BTreeMap<(i64, bool), (Days, Days)> = BTreeMap::new();
    for key in delta.keys() {
        units.entry((key.unit, key.control)).or_default();
    }
    for (key, t) in before {
        if let Some((old, new)) = units.get_mut(&(key.unit, key.control)) {
            old.insert(key.day, *t);
            new.insert(key.day, *t);
        }
    }
    for (key, d) in delta {
        let (_, new) = units.entry((key.unit, key.control)).or_default();
        bump(new, key.day, *d);
    }
    let mut out = BTreeMap::new();
    for ((_, control), (old, new)) in units {
        if let Some((day, t)) = totals(old.iter()) {
            bump(
                &mut out,
                CohortKey { day, control },
                cohort_values(t).map(|x| -x),
            );
        }
        if let Some((day, t)) = totals(new.iter()) {
            bump(&mut out, CohortKey { day, control }, cohort_values(t));
        }
    }
    out.retain(|_, v| v.iter().any(|&x| x != 0));
    out
}

/// The cohort sums of a full set of unit-day rows (a recomputation).
pub fn cohorts_of(
    units: &BTreeMap<UnitKey, [i64; unit::WIDTH]>,
) -> BTreeMap<CohortKey, [i64; cohort::WIDTH]> {
    cohort_deltas(&BTreeMap::new(), units)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(day: i64, unit: i64) -> UnitKey {
        UnitKey {
            day,
            unit,
            control: false,
        }
    }

    #[test]
    fn a_later_session_moves_nothing_and_an_earlier_one_moves_the_cohort() {
        let mut stored = BTreeMap::new();
        stored.insert(key(10, 1), [1, 0, 0]);
        let later = BTreeMap::from([(key(12, 1), [1, 1, 2])]);
        let d = cohort_deltas(&stored, &later);
        let c10 = CohortKey {
            day: 10,
            control: false,
        };
        // Out: [1,1,0,0,1,0,0,0,0]; in: [1,2,1,2,4,1,4,2,4].
        assert_eq!(d.get(&c10), Some(&[0, 1, 1, 2, 3, 1, 4, 2, 4]));
        stored.insert(key(12, 1), [1, 1, 2]);
        let earlier = BTreeMap::from([(key(8, 1), [1, 0, 0])]);
        let d = cohort_deltas(&stored, &earlier);
        assert_eq!(d.get(&c10).map(|v| v[cohort::UNITS]), Some(-1));
        assert_eq!(
            d.get(&CohortKey {
                day: 8,
                control: false
            })
            .map(|v| v[cohort::N]),
            Some(3)
        );
    }

    #[test]
    fn deltas_applied_one_by_one_equal_a_recomputation() {
        let rows = [
            (key(3, 7), [1, 1, 1]),
            (key(1, 7), [2, 0, 0]),
            (key(2, 9), [1, 0, 0]),
        ];
        let mut stored = BTreeMap::new();
        let mut sums: BTreeMap<CohortKey, [i64; cohort::WIDTH]> = BTreeMap::new();
        for (k, v) in rows {
            let delta = BTreeMap::from([(k.clone(), v)]);
            for (c, d) in cohort_deltas(&stored, &delta) {
                bump(&mut sums, c, d);
            }
            stored.insert(k, v);
        }
        sums.retain(|_, v| v.iter().any(|&x| x != 0));
        assert_eq!(sums, cohorts_of(&stored));
    }
}
