//! Additive tallies of stored sessions, kept per day so reads cost what the window's days
//! cost, not what its sessions cost.
//!
//! Every figure the insight and page-stats routes show is a sum over sessions of an integer
//! a session contributes (counts, cents, seconds, tenths, intent in 1/255). A session's
//! contribution is computed by [`Aggregates::add`]. Ingest adds the new version of a session
//! and subtracts the version it replaces, and logs the batch's merged deltas in the same
//! transaction that stores the rows; the roller folds the log into the rollup tables. So the
//! rollups equal a full recomputation over the stored rows once the log is folded. Integers
//! keep that equality exact under any order of additions and subtractions.

pub mod spans;
pub mod tables;
pub mod units;

use std::collections::BTreeMap;

use reshelf_core::summary::{DeviceClass, Summary, TrafficSource, MAX_PAGES};
use serde::{Deserialize, Serialize};

pub use units::{cohort, cohorts_of, unit, CohortKey, UnitKey, REVENUE_STEP_CENTS};

/// Unix seconds → day number since 1970-01-01 (UTC).
pub fn day_of(unix: u64) -> i64 {
    (unix / 86_400) as i64
}

/// The arms table's key: one row per day and experiment cell, split by what is known of a
/// session before treatment (returning, traffic source, device) so the lift can be
/// post-stratified on it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ArmKey {
    pub day: i64,
    pub control: bool,
    /// The ranker version that made the session's decisions; empty when none was recorded.
    pub ranker: String,
    /// The intent model version; empty when none was recorded.
    pub model: String,
    pub returning: bool,
    /// `TrafficSource` as its index (Direct 0 … Internal 4).
    pub source: i64,
    /// `DeviceClass` as its index (Desktop 0 … Other 3).
    pub device: i64,
}

/// Indexes into an arm's tally.
pub mod arm {
    pub const SESSIONS: usize = 0;
    /// Sessions with an add to cart.
    pub const CARTS: usize = 1;
    pub const PURCHASES: usize = 2;
    /// Sessions that viewed a product page.
    pub const PRODUCT_VIEWERS: usize = 3;
    /// Order value in cents (the value band's midpoint), 0 without a purchase.
    pub const REVENUE: usize = 4;
    /// Σ revenue², cents², for the revenue's variance.
    pub const REVENUE_SQ: usize = 5;
    pub const WIDTH: usize = 6;
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct DriverKey {
    pub day: i64,
    pub buyer: bool,
    /// Index into [`DRIVERS`].
    pub feature: i64,
}

/// `[n, Σx, Σx²]` of one driver.
pub const MOMENTS: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CalibrationKey {
    pub day: i64,
    /// Tenth of the intent score the session's calibration checkpoint fell in, 0..=9 (see
    /// [`calibration_checkpoint`]).
    pub bin: i64,
}

/// `[sessions, purchases, Σ score in 1/255]`.
pub const CALIBRATION: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CategoryKey {
    pub day: i64,
    pub category: String,
}

/// `[sessions, purchases]`.
pub const CATEGORY: usize = 2;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PageKey {
    pub day: i64,
    /// The page's path hash, as the SDK computes it.
    pub page: i64,
}

/// Indexes into a page's tally (see `insight::page_stats` for the definitions).
pub mod page {
    pub const SESSIONS: usize = 0;
    pub const ENTRIES: usize = 1;
    pub const BOUNCES: usize = 2;
    pub const EXITS: usize = 3;
    /// Purchase value of the sessions that viewed the page, cents.
    pub const VALUE: usize = 4;
    pub const WIDTH: usize = 5;
}

/// The session features compared between buyers and non-buyers, as integers (seconds,
/// tenths). Outcome fields (cart, value) are left out: they are the purchase, not what
/// leads to it.
pub const DRIVERS: [(&str, &str); 11] = [
    ("product_pages", "Product pages viewed"),
    ("product_seconds", "Time on product pages (s)"),
    ("info_pages", "Informational pages viewed"),
    ("admin_pages", "Account, cart and checkout pages"),
    ("session_seconds", "Session length (s)"),
    ("categories", "Categories engaged"),
    ("returning", "Returning visitor"),
    ("search_traffic", "Arrived from search"),
    ("mobile", "On a phone"),
    ("special_day", "Near a special day"),
    ("applied_decisions", "Rearrangements applied"),
];

/// Midpoints of the summary's order value bands 1..=5 in cents (0 is no order).
pub const BAND_CENTS: [i64; 6] = [0, 1_250, 3_750, 7_500, 15_000, 30_000];

fn driver_values(s: &Summary) -> [i64; DRIVERS.len()] {
    [
        i64::from(s.pv[2]),
        i64::from(s.secs[2]),
        i64::from(s.pv[1]),
        i64::from(s.pv[0]),
        s.secs.iter().map(|&x| i64::from(x)).sum(),
        s.cats.len() as i64,
        i64::from(s.ret),
        i64::from(s.src == TrafficSource::Search),
        i64::from(s.dev == DeviceClass::Mobile),
        i64::from(s.sd),
        s.dec.iter().filter(|d| d.applied).count() as i64,
    ]
}

/// Order value of a session in cents: the band's midpoint, 0 without a purchase.
pub fn revenue_cents(s: &Summary) -> i64 {
    if s.out.purchase {
        BAND_CENTS[usize::from(s.out.value_band.min(5))]
    } else {
        0
    }
}

/// Tallies keyed per table. A value may be negative in a batch's deltas (a replaced version
/// taken out). Serialised (the ingest log's rows) with each table as a list of
/// `[key, values]` pairs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Aggregates {
    #[serde(with = "pairs")]
    pub arms: BTreeMap<ArmKey, [i64; arm::WIDTH]>,
    #[serde(with = "pairs")]
    pub drivers: BTreeMap<DriverKey, [i64; MOMENTS]>,
    #[serde(with = "pairs")]
    pub calibration: BTreeMap<CalibrationKey, [i64; CALIBRATION]>,
    #[serde(with = "pairs")]
    pub categories: BTreeMap<CategoryKey, [i64; CATEGORY]>,
    #[serde(with = "pairs")]
    pub pages: BTreeMap<PageKey, [i64; page::WIDTH]>,
    /// Absent from log rows written before the unit tables existed.
    #[serde(default, with = "pairs")]
    pub units: BTreeMap<UnitKey, [i64; unit::WIDTH]>,
    /// Computed by the roller from the stored unit rows, never by [`Aggregates::add`].
    #[serde(default, with = "pairs")]
    pub cohorts: BTreeMap<CohortKey, [i64; cohort::WIDTH]>,
}

/// A map with struct keys as a JSON list of `[key, value]` pairs.
mod pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, K: Serialize, V: Serialize>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, D, K, V>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        D: Deserializer<'de>,
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

fn bump<K: Ord, const N: usize>(map: &mut BTreeMap<K, [i64; N]>, key: K, values: [i64; N]) {
    let slot = map.entry(key).or_insert([0; N]);
    for (s, v) in slot.iter_mut().zip(values) {
        *s += v;
    }
}

impl Aggregates {
    /// Adds one session's contribution times `sign` (+1 to add, −1 to take a replaced
    /// version back out).
    pub fn add(&mut self, s: &Summary, sign: i64) {
        let day = day_of(s.ts);
        let purchase = i64::from(s.out.purchase);
        let revenue = revenue_cents(s);
        let key = ArmKey {
            day,
            control: s.ctl,
            ranker: s.rk.clone().unwrap_or_default(),
            model: s.model.clone().unwrap_or_default(),
            returning: s.ret,
            source: s.src as i64,
            device: s.dev as i64,
        };
        let mut tally = [0; arm::WIDTH];
        tally[arm::SESSIONS] = 1;
        tally[arm::CARTS] = i64::from(s.out.cart > 0);
        tally[arm::PURCHASES] = purchase;
        tally[arm::PRODUCT_VIEWERS] = i64::from(s.pv[2] > 0);
        tally[arm::REVENUE] = revenue;
        tally[arm::REVENUE_SQ] = revenue * revenue;
        bump(&mut self.arms, key, tally.map(|v| v * sign));

        for (feature, x) in driver_values(s).into_iter().enumerate() {
            let key = DriverKey {
                day,
                buyer: s.out.purchase,
                feature: feature as i64,
            };
            bump(&mut self.drivers, key, [sign, sign * x, sign * x * x]);
        }

        let unit = UnitKey {
            day,
            unit: UnitKey::unit_of(s),
            control: s.ctl,
        };
        bump(
            &mut self.units,
            unit,
            [sign, sign * purchase, sign * revenue / REVENUE_STEP_CENTS],
        );

        if let Some(q) = calibration_checkpoint(s) {
            let q = i64::from(q);
            let key = CalibrationKey {
                day,
                bin: calibration_bin(q),
            };
            bump(
                &mut self.calibration,
                key,
                [sign, sign * purchase, sign * q],
            );
        }

        for (name, _) in &s.cats {
            let key = CategoryKey {
                day,
                category: name.clone(),
            };
            bump(&mut self.categories, key, [sign, sign * purchase]);
        }

        for (h, tally) in page_tallies(s) {
            let key = PageKey {
                day,
                page: i64::from(h),
            };
            bump(&mut self.pages, key, tally.map(|v| v * sign));
        }
    }

    /// Adds every tally of `other`.
    pub fn merge(&mut self, other: Aggregates) {
        fn into<K: Ord, const N: usize>(a: &mut BTreeMap<K, [i64; N]>, b: BTreeMap<K, [i64; N]>) {
            for (k, v) in b {
                bump(a, k, v);
            }
        }
        into(&mut self.arms, other.arms);
        into(&mut self.drivers, other.drivers);
        into(&mut self.calibration, other.calibration);
        into(&mut self.categories, other.categories);
        into(&mut self.pages, other.pages);
        into(&mut self.units, other.units);
        into(&mut self.cohorts, other.cohorts);
    }

    /// The aggregates of `summaries`, as a full recomputation (cohorts included).
    pub fn of(summaries: &[Summary]) -> Self {
        let mut a = Self::default();
        for s in summaries {
            a.add(s, 1);
        }
        a.cohorts = cohorts_of(&a.units);
        a
    }

    /// Only the tables migration `0003_units.sql` refills for summaries stored before it:
    /// the unit tallies and calibration.
    pub fn refill_part(self) -> Self {
        Aggregates {
            units: self.units,
            calibration: self.calibration,
            ..Self::default()
        }
    }

    /// Drops keys whose every value is 0: what a delta that cancelled out leaves, and what
    /// a table row of a session that moved to another key holds.
    pub fn without_zeros(mut self) -> Self {
        fn prune<K: Ord, const N: usize>(map: &mut BTreeMap<K, [i64; N]>) {
            map.retain(|_, v| v.iter().any(|&x| x != 0));
        }
        prune(&mut self.arms);
        prune(&mut self.drivers);
        prune(&mut self.calibration);
        prune(&mut self.categories);
        prune(&mut self.pages);
        prune(&mut self.units);
        prune(&mut self.cohorts);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.arms.is_empty()
            && self.drivers.is_empty()
            && self.calibration.is_empty()
            && self.categories.is_empty()
            && self.pages.is_empty()
            && self.units.is_empty()
            && self.cohorts.is_empty()
    }
}

/// The tenth (0..=9) a checkpoint of 0..=255 falls in.
pub fn calibration_bin(q: i64) -> i64 {
    q * 10 / 256
}

/// The intent checkpoint (0..=255) calibration compares with the session's outcome: the one
/// in force before its first add to cart or purchase, since later ones are scored on cart
/// and checkout pages and already know the outcome. A session that did neither gives its
/// last checkpoint; one that did with nothing scored before (or from an SDK that did not
/// send `ipc`) gives none and is left out of calibration.
pub fn calibration_checkpoint(s: &Summary) -> Option<u8> {
    if s.out.cart > 0 || s.out.purchase {
        s.ipc
    } else {
        s.intent_quanta().last().copied()
    }
}

/// What a session adds to each page it viewed: path hash → tally (`page::*`).
pub fn page_tallies(s: &Summary) -> Vec<(u32, [i64; page::WIDTH])> {
    let hashes = s.page_hashes();
    let views: u32 = s.pv.iter().sum();
    let revenue = revenue_cents(s);
    hashes
        .iter()
        .enumerate()
        .map(|(i, &h)| {
            let mut tally = [0; page::WIDTH];
            tally[page::SESSIONS] = 1;
            tally[page::VALUE] = revenue;
            tally[page::EXITS] = i64::from(i + 1 == hashes.len());
            // The entry page is known only when the list of pages was not cut.
            if i == 0 && hashes.len() < MAX_PAGES {
                tally[page::ENTRIES] = 1;
                tally[page::BOUNCES] = i64::from(views <= 1);
            }
            (h, tally)
        })
        .collect()
}
