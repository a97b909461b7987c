//! Writing deltas to the rollup tables and reading them back summed over a window of days.

use std::collections::BTreeMap;

use sqlx::Row;

use super::{on_pool, Store, StoreError};
use crate::aggregate::tables::{Kind, Part, Table};
use crate::aggregate::Aggregates;

/// Rows per statement: at most 15 bound values each, well inside SQLite's 32766 and
/// PostgreSQL's 65535 parameters.
pub(crate) const CHUNK: usize = 1_000;

fn upsert_tail<K: Table>(table: &str) -> String {
    let mut keys = vec!["site", "day"];
    keys.extend(K::KEYS.iter().map(|k| k.0));
    let sets: Vec<String> = K::VALUES
        .iter()
        .map(|v| format!("{v} = {table}.{v} + excluded.{v}"))
        .collect();
    format!(
        " ON CONFLICT ({}) DO UPDATE SET {}",
        keys.join(", "),
        sets.join(", ")
    )
}

fn insert_head<K: Table>(table: &str) -> String {
    let mut cols = vec!["site", "day"];
    cols.extend(K::KEYS.iter().map(|k| k.0));
    cols.extend(K::VALUES);
    format!("INSERT INTO {table} ({}) ", cols.join(", "))
}

/// The query summing a table's rows of a site from day `$2` on, grouped by key: by day
/// (`day, keys…, sums…`), or over the whole window (`0, keys…, sums…`). A windowed read of a
/// table with spans takes the days before the first span boundary (`$3`) from the daily
/// table and the rest from the spans. Returns the SQL and whether it binds `$3`.
fn select_sums<K: Table>(by_day: bool) -> (String, bool) {
    let keys = K::KEYS.iter().map(|k| k.0).collect::<Vec<_>>().join(", ");
    let values = K::VALUES.join(", ");
    let sums: Vec<String> = K::VALUES
        .iter()
        .map(|v| format!("CAST(SUM({v}) AS BIGINT)"))
        .collect();
    let sums = sums.join(", ");
    if by_day {
        let sql = format!(
            "SELECT day, {keys}, {sums} FROM {} WHERE site = $1 AND day >= $2 GROUP BY day, {keys}",
            K::NAME
        );
        return (sql, false);
    }
    match K::SPANS {
        None => (
            format!(
                "SELECT CAST(0 AS BIGINT), {keys}, {sums} FROM {} WHERE site = $1 AND day >= $2 \
                 GROUP BY {keys}",
                K::NAME
            ),
            false,
        ),
        Some(spans) => (
            format!(
                "SELECT CAST(0 AS BIGINT), {keys}, {sums} FROM (\
                 SELECT {keys}, {values} FROM {} WHERE site = $1 AND day >= $2 AND day < $3 \
                 UNION ALL SELECT {keys}, {values} FROM {spans} WHERE site = $1 AND day >= $3\
                 ) w GROUP BY {keys}",
                K::NAME
            ),
            true,
        ),
    }
}

/// Adds every row of `$map` (a reference to a table's deltas) to the table `$table`, in key
/// order (concurrent batches touch shared rows in the same order, so PostgreSQL cannot
/// deadlock them against each other).
macro_rules! write_rows {
    ($conn:expr, $site:expr, $map:expr, $table:expr) => {{
        use $crate::aggregate::tables::{Part, Table};
        let map = $map;
        let rows: Vec<_> = map.iter().collect();
        let (head, tail) = $crate::store::rollups::statement_of(map, $table);
        for chunk in rows.chunks($crate::store::rollups::CHUNK) {
            let mut q = ::sqlx::QueryBuilder::new(head.as_str());
            q.push_values(chunk, |mut b, (key, values)| {
                b.push_bind($site).push_bind(Table::day(*key));
                for part in Table::parts(*key) {
                    match part {
                        Part::Int(x) => b.push_bind(x),
                        Part::Bool(x) => b.push_bind(x),
                        Part::Text(x) => b.push_bind(x),
                    };
                }
                for v in values.iter() {
                    b.push_bind(*v);
                }
            });
            q.push(tail.as_str());
            q.build().execute(&mut *$conn).await?;
        }
    }};
}
pub(crate) use write_rows;

/// Adds every row of `$map` (a daily table's deltas) to its table, and their sums per span
/// to the table's spans when it has them, in the caller's transaction.
macro_rules! write_table {
    ($conn:expr, $site:expr, $map:expr) => {{
        let map = &$map;
        $crate::store::rollups::write_rows!(
            $conn,
            $site,
            map,
            $crate::store::rollups::name_of(map)
        );
        if let Some(table) = $crate::store::rollups::spans_of(map) {
            let spans = $crate::aggregate::spans::by_span(map);
            $crate::store::rollups::write_rows!($conn, $site, &spans, table);
        }
    }};
}
pub(crate) use write_table;

/// The upsert's head (`INSERT INTO table (columns) `) and tail (`ON CONFLICT … DO UPDATE`)
/// for the rows of `_map` written to `table`.
pub(crate) fn statement_of<K: Table, V>(_: &BTreeMap<K, V>, table: &str) -> (String, String) {
    (insert_head::<K>(table), upsert_tail::<K>(table))
}

pub(crate) fn name_of<K: Table, V>(_: &BTreeMap<K, V>) -> &'static str {
    K::NAME
}

pub(crate) fn spans_of<K: Table, V>(_: &BTreeMap<K, V>) -> Option<&'static str> {
    K::SPANS
}

/// Adds `deltas` to a site's rollups inside the caller's transaction.
macro_rules! write_deltas {
    ($conn:expr, $site:expr, $deltas:expr) => {{
        let d: &$crate::aggregate::Aggregates = $deltas;
        $crate::store::rollups::write_table!($conn, $site, d.arms);
        $crate::store::rollups::write_table!($conn, $site, d.drivers);
        $crate::store::rollups::write_table!($conn, $site, d.calibration);
        $crate::store::rollups::write_table!($conn, $site, d.categories);
        $crate::store::rollups::write_table!($conn, $site, d.pages);
        $crate::store::rollups::write_table!($conn, $site, d.units);
        $crate::store::rollups::write_table!($conn, $site, d.cohorts);
    }};
}
pub(crate) use write_deltas;

/// Reads one table's sums for a site from day `since_day` on.
macro_rules! read_table {
    ($pool:expr, $site:expr, $since:expr, $by_day:expr, $key:ty, $width:expr) => {{
        let (sql, spans) = select_sums::<$key>($by_day);
        let mut q = sqlx::query(&sql).bind($site).bind($since);
        if spans {
            q = q.bind($crate::aggregate::spans::first_boundary($since));
        }
        let rows = q.fetch_all($pool).await?;
        let mut out: BTreeMap<$key, [i64; $width]> = BTreeMap::new();
        for row in &rows {
            let day: i64 = row.try_get(0)?;
            let mut parts = Vec::with_capacity(<$key as Table>::KEYS.len());
            for (i, (_, kind)) in <$key as Table>::KEYS.iter().enumerate() {
                parts.push(match kind {
                    Kind::Int => Part::Int(row.try_get(1 + i)?),
                    Kind::Bool => Part::Bool(row.try_get(1 + i)?),
                    Kind::Text => Part::Text(row.try_get(1 + i)?),
                });
            }
            let first = 1 + <$key as Table>::KEYS.len();
            let mut values = [0i64; $width];
            for (j, v) in values.iter_mut().enumerate() {
                // SUM over no rows is NULL; a group always has rows, but be exact anyway.
                *v = row.try_get::<Option<i64>, _>(first + j)?.unwrap_or(0);
            }
            out.insert(<$key as Table>::from_parts(day, parts), values);
        }
        out
    }};
}

impl Store {
    /// A site's tallies summed over the days from `since_day` (day number, UTC) on; with
    /// `by_day` the days are kept apart (keys carry their day), otherwise every key's day
    /// is 0. The pages and unit-day tables, the largest, are read only when `full`. Keys
    /// whose sums are all 0 are left out.
    pub async fn rollups(
        &self,
        site: &str,
        since_day: i64,
        by_day: bool,
        full: bool,
    ) -> Result<Aggregates, StoreError> {
        use crate::aggregate::{
            arm, cohort, page, unit, ArmKey, CalibrationKey, CategoryKey, CohortKey, DriverKey,
            PageKey, UnitKey, CALIBRATION, CATEGORY, MOMENTS,
        };
        let a = on_pool!(self, pool => Aggregates {
            arms: read_table!(pool, site, since_day, by_day, ArmKey, arm::WIDTH),
            drivers: read_table!(pool, site, since_day, by_day, DriverKey, MOMENTS),
            calibration: read_table!(pool, site, since_day, by_day, CalibrationKey, CALIBRATION),
            categories: read_table!(pool, site, since_day, by_day, CategoryKey, CATEGORY),
            pages: if full {
                read_table!(pool, site, since_day, by_day, PageKey, page::WIDTH)
            } else {
                BTreeMap::new()
            },
            units: if full {
                read_table!(pool, site, since_day, by_day, UnitKey, unit::WIDTH)
            } else {
                BTreeMap::new()
            },
            cohorts: read_table!(pool, site, since_day, by_day, CohortKey, cohort::WIDTH),
        });
        Ok(a.without_zeros())
    }

    /// The arms table alone, per day, from `since_day` on (the daily trend).
    pub async fn arm_days(
        &self,
        site: &str,
        since_day: i64,
    ) -> Result<BTreeMap<crate::aggregate::ArmKey, [i64; crate::aggregate::arm::WIDTH]>, StoreError>
    {
        use crate::aggregate::{arm, ArmKey};
        let arms =
            on_pool!(self, pool => read_table!(pool, site, since_day, true, ArmKey, arm::WIDTH));
        Ok(arms)
    }

    /// Per-page sums from `since_day` on (the page-stats feed and the export's page
    /// statistics), without the day.
    pub async fn page_sums(
        &self,
        site: &str,
        since_day: i64,
    ) -> Result<BTreeMap<crate::aggregate::PageKey, [i64; crate::aggregate::page::WIDTH]>, StoreError>
    {
        use crate::aggregate::{page, PageKey};
        let pages =
            on_pool!(self, pool => read_table!(pool, site, since_day, false, PageKey, page::WIDTH));
        Ok(pages)
    }
}
