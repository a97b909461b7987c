//! The roller's step for the unit tables (`crate::aggregate::units`): before a batch of
//! unit-day deltas is written, read the stored days of every unit it touches and turn the
//! change of each unit's totals into cohort deltas.

/// The columns [`unit_day!`] decodes, in its order.
pub(crate) const UNIT_DAY_COLUMNS: &str = "day, unit, control, sessions, purchases, revenue";

/// One `rollup_unit_days` row selected as [`UNIT_DAY_COLUMNS`]: its key and tally. A macro
/// because the row is SQLite's or PostgreSQL's (see `on_pool!`).
macro_rules! unit_day {
    ($row:expr) => {{
        use ::sqlx::Row;
        let row = &$row;
        (
            $crate::aggregate::UnitKey {
                day: row.try_get(0)?,
                unit: row.try_get(1)?,
                control: row.try_get(2)?,
            },
            [
                row.try_get::<i64, _>(3)?,
                row.try_get::<i64, _>(4)?,
                row.try_get::<i64, _>(5)?,
            ],
        )
    }};
}
pub(crate) use unit_day;

/// Fills `deltas.cohorts` from `deltas.units` and the stored unit rows, inside the caller's
/// transaction. On PostgreSQL a per-site advisory lock keeps two rollers (two servers) from
/// reading the same unit's rows before either writes; SQLite's writers are serialised by the
/// store's write lock.
macro_rules! fill_cohorts {
    ($conn:expr, $site:expr, $deltas:expr, $postgres:expr) => {{
        use $crate::aggregate::units::cohort_deltas;
        let deltas: &mut $crate::aggregate::Aggregates = $deltas;
        if !deltas.units.is_empty() {
            if $postgres {
                ::sqlx::query("SELECT pg_advisory_xact_lock(hashtext('reshelf-units:' || $1))")
                    .bind($site)
                    .execute(&mut *$conn)
                    .await?;
            }
            let touched: ::std::collections::BTreeSet<i64> =
                deltas.units.keys().map(|k| k.unit).collect();
            let touched: Vec<i64> = touched.into_iter().collect();
            let mut stored = ::std::collections::BTreeMap::new();
            for chunk in touched.chunks($crate::store::rollups::CHUNK) {
                let sql = format!(
                    "SELECT {} FROM rollup_unit_days WHERE site = $1 AND unit IN ({})",
                    $crate::store::units::UNIT_DAY_COLUMNS,
                    $crate::store::rows::placeholders(2, chunk.len())
                );
                // Planned at each execution on PostgreSQL (see `Store::upsert`'s lookup).
                let mut q = ::sqlx::query(&sql).persistent(!$postgres).bind($site);
                for u in chunk {
                    q = q.bind(*u);
                }
                for row in q.fetch_all(&mut *$conn).await? {
                    let (key, values) = $crate::store::units::unit_day!(row);
                    stored.insert(key, values);
                }
            }
            deltas.cohorts = cohort_deltas(&stored, &deltas.units);
        }
    }};
}
pub(crate) use fill_cohorts;
