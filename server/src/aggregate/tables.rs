//! How each tally is laid out as a table: its name, its key columns after `(site, day)` and
//! its value columns (migration `0002_rollups.sql`). The store writes and reads every table
//! through this description, so the SQL for all of them is one piece of code.

use super::{
    arm, cohort, page, unit, ArmKey, CalibrationKey, CategoryKey, CohortKey, DriverKey, PageKey,
    UnitKey,
};

/// A key column's SQL type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Int,
    Bool,
    Text,
}

/// One key column's value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    Int(i64),
    Bool(bool),
    Text(String),
}

impl Part {
    fn int(&self) -> i64 {
        match self {
            Part::Int(x) => *x,
            Part::Bool(b) => i64::from(*b),
            Part::Text(_) => 0,
        }
    }

    fn flag(&self) -> bool {
        self.int() != 0
    }

    fn text(self) -> String {
        match self {
            Part::Text(s) => s,
            _ => String::new(),
        }
    }
}

/// A rollup table's key.
pub trait Table: Ord + Clone + Send + Sync {
    const NAME: &'static str;
    /// Key columns after `(site, day)`, in primary-key order.
    const KEYS: &'static [(&'static str, Kind)];
    /// Value columns (BIGINT), in the order of the tally's array.
    const VALUES: &'static [&'static str];
    /// The table of the same tallies per span of days (`super::spans`), with the same
    /// columns, `day` holding each span's first day; `None` when the table is only read by
    /// day or by key.
    const SPANS: Option<&'static str>;

    fn day(&self) -> i64;
    /// The key columns' values, in `KEYS` order.
    fn parts(&self) -> Vec<Part>;
    /// The key back from `day` and its columns (read in `KEYS` order).
    fn from_parts(day: i64, parts: Vec<Part>) -> Self;
}

impl Table for ArmKey {
    const NAME: &'static str = "rollup_arms";
    const SPANS: Option<&'static str> = Some("rollup_arms_spans");
    const KEYS: &'static [(&'static str, Kind)] = &[
        ("control", Kind::Bool),
        ("ranker", Kind::Text),
        ("model", Kind::Text),
        ("returning_visitor", Kind::Bool),
        ("source", Kind::Int),
        ("device", Kind::Int),
    ];
    const VALUES: &'static [&'static str] = &[
        "sessions",
        "carts",
        "purchases",
        "product_viewers",
        "revenue_cents",
        "revenue_cents_sq",
    ];

    fn day(&self) -> i64 {
        self.day
    }

    fn parts(&self) -> Vec<Part> {
        vec![
            Part::Bool(self.control),
            Part::Text(self.ranker.clone()),
            Part::Text(self.model.clone()),
            Part::Bool(self.returning),
            Part::Int(self.source),
            Part::Int(self.device),
        ]
    }

    fn from_parts(day: i64, parts: Vec<Part>) -> Self {
        let mut p = parts.into_iter();
        let mut next = || p.next().unwrap_or(Part::Int(0));
        ArmKey {
            day,
            control: next().flag(),
            ranker: next().text(),
            model: next().text(),
            returning: next().flag(),
            source: next().int(),
            device: next().int(),
        }
    }
}

impl Table for DriverKey {
    const NAME: &'static str = "rollup_drivers";
    const SPANS: Option<&'static str> = Some("rollup_drivers_spans");
    const KEYS: &'static [(&'static str, Kind)] = &[("buyer", Kind::Bool), ("feature", Kind::Int)];
    const VALUES: &'static [&'static str] = &["n", "total", "total_sq"];

    fn day(&self) -> i64 {
        self.day
    }

    fn parts(&self) -> Vec<Part> {
        vec![Part::Bool(self.buyer), Part::Int(self.feature)]
    }

    fn from_parts(day: i64, parts: Vec<Part>) -> Self {
        let mut p = parts.into_iter();
        let mut next = || p.next().unwrap_or(Part::Int(0));
        DriverKey {
            day,
            buyer: next().flag(),
            feature: next().int(),
        }
    }
}

impl Table for CalibrationKey {
    const NAME: &'static str = "rollup_calibration";
    const SPANS: Option<&'static str> = Some("rollup_calibration_spans");
    const KEYS: &'static [(&'static str, Kind)] = &[("bin", Kind::Int)];
    const VALUES: &'static [&'static str] = &["sessions", "purchases", "score_255"];

    fn day(&self) -> i64 {
        self.day
    }

    fn parts(&self) -> Vec<Part> {
        vec![Part::Int(self.bin)]
    }

    fn from_parts(day: i64, parts: Vec<Part>) -> Self {
        CalibrationKey {
            day,
            bin: parts.first().map_or(0, Part::int),
        }
    }
}

impl Table for CategoryKey {
    const NAME: &'static str = "rollup_categories";
    const SPANS: Option<&'static str> = Some("rollup_categories_spans");
    const KEYS: &'static [(&'static str, Kind)] = &[("category", Kind::Text)];
    const VALUES: &'static [&'static str] = &["sessions", "purchases"];

    fn day(&self) -> i64 {
        self.day
    }

    fn parts(&self) -> Vec<Part> {
        vec![Part::Text(self.category.clone())]
    }

    fn from_parts(day: i64, parts: Vec<Part>) -> Self {
        CategoryKey {
            day,
            category: parts.into_iter().next().map(Part::text).unwrap_or_default(),
        }
    }
}

impl Table for PageKey {
    const NAME: &'static str = "rollup_pages";
    const SPANS: Option<&'static str> = Some("rollup_pages_spans");
    const KEYS: &'static [(&'static str, Kind)] = &[("page", Kind::Int)];
    const VALUES: &'static [&'static str] =
        &["sessions", "entries", "bounces", "exits", "value_cents"];

    fn day(&self) -> i64 {
        self.day
    }

    fn parts(&self) -> Vec<Part> {
        vec![Part::Int(self.page)]
    }

    fn from_parts(day: i64, parts: Vec<Part>) -> Self {
        PageKey {
            day,
            page: parts.first().map_or(0, Part::int),
        }
    }
}

impl Table for UnitKey {
    const NAME: &'static str = "rollup_unit_days";
    const SPANS: Option<&'static str> = None;
    const KEYS: &'static [(&'static str, Kind)] = &[("unit", Kind::Int), ("control", Kind::Bool)];
    const VALUES: &'static [&'static str] = &["sessions", "purchases", "revenue"];

    fn day(&self) -> i64 {
        self.day
    }

    fn parts(&self) -> Vec<Part> {
        vec![Part::Int(self.unit), Part::Bool(self.control)]
    }

    fn from_parts(day: i64, parts: Vec<Part>) -> Self {
        let mut p = parts.into_iter();
        let mut next = || p.next().unwrap_or(Part::Int(0));
        UnitKey {
            day,
            unit: next().int(),
            control: next().flag(),
        }
    }
}

impl Table for CohortKey {
    const NAME: &'static str = "rollup_cohorts";
    const SPANS: Option<&'static str> = Some("rollup_cohorts_spans");
    const KEYS: &'static [(&'static str, Kind)] = &[("control", Kind::Bool)];
    const VALUES: &'static [&'static str] = &["units", "n", "x", "r", "nn", "xx", "rr", "nx", "nr"];

    fn day(&self) -> i64 {
        self.day
    }

    fn parts(&self) -> Vec<Part> {
        vec![Part::Bool(self.control)]
    }

    fn from_parts(day: i64, parts: Vec<Part>) -> Self {
        CohortKey {
            day,
            control: parts.first().is_some_and(Part::flag),
        }
    }
}

// The value columns line up with the tallies' index constants.
const _: () =
    assert!(arm::WIDTH == 6 && page::WIDTH == 5 && unit::WIDTH == 3 && cohort::WIDTH == 9);
