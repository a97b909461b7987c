//! Spans: the rollups summed again over fixed runs of [`SPAN_DAYS`] days, so a long window
//! reads one row per span and key instead of one per day and key.
//!
//! A window of days `since..` is read as its days up to the first span boundary from the
//! daily tables, and the spans from there on (`crate::store::rollups`). Spans are numbered
//! from day 0 (1970-01-01), not by calendar month: the boundary is integer arithmetic in
//! portable SQL (migration `0006_spans.sql` fills them with `day - day % 16`). Sixteen days
//! keeps both parts short over the windows the routes take (1 to 400 days): a 400-day
//! window reads at most 15 days and 25 spans per key, where it read 400 days.

use std::collections::BTreeMap;

use super::bump;
use super::tables::Table;

/// Days per span. Migration `0006_spans.sql` writes the same constant.
pub const SPAN_DAYS: i64 = 16;

/// The first day of the span `day` falls in.
pub fn span_start(day: i64) -> i64 {
    day - day.rem_euclid(SPAN_DAYS)
}

/// The first span boundary on or after `day`: a window from `day` reads its days before this
/// from the daily table and the spans from here on.
pub fn first_boundary(day: i64) -> i64 {
    span_start(day + SPAN_DAYS - 1)
}

/// A daily table's rows summed per span (each key's day replaced by its span's first day);
/// keys whose sums are all 0 are left out.
pub fn by_span<K: Table, const W: usize>(days: &BTreeMap<K, [i64; W]>) -> BTreeMap<K, [i64; W]> {
    let mut out: BTreeMap<K, [i64; W]> = BTreeMap::new();
    for (key, values) in days {
        bump(
            &mut out,
            K::from_parts(span_start(key.day()), key.parts()),
            *values,
        );
    }
    out.retain(|_, v| v.iter().any(|x| *x != 0));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::CategoryKey;

    #[test]
    fn boundaries_fall_every_sixteen_days_from_day_zero() {
        assert_eq!(span_start(0), 0);
        assert_eq!(span_start(15), 0);
        assert_eq!(span_start(16), 16);
        assert_eq!(span_start(20_794), 20_784);
        assert_eq!(span_start(-1), -16);
        assert_eq!(first_boundary(20_784), 20_784);
        assert_eq!(first_boundary(20_785), 20_800);
    }

    #[test]
    fn a_span_sums_its_days_and_drops_what_cancels() {
        let key = |day: i64, category: &str| CategoryKey {
            day,
            category: category.into(),
        };
        let days = BTreeMap::from([
            (key(16, "a"), [2, 1]),
            (key(31, "a"), [3, 0]),
            (key(32, "a"), [1, 1]),
            (key(17, "b"), [1, 0]),
            (key(18, "b"), [-1, 0]),
        ]);
        assert_eq!(
            by_span(&days),
            BTreeMap::from([(key(16, "a"), [5, 1]), (key(32, "a"), [1, 1])])
        );
    }
}
