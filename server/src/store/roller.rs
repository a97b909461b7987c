//! The roller: folds the rollup log into the rollup tables, adds rows stored before a
//! migration that added or redefined a table, and applies retention.

use std::collections::BTreeMap;

use reshelf_core::summary::Summary;
use sqlx::{Connection, Row};

use super::columns::{bind_typed, typed, TYPED};
use super::rollups::{write_deltas, write_table};
use super::rows::{placeholders, CHUNK, LOG_FORMAT};
use super::units::{fill_cohorts, unit_day, UNIT_DAY_COLUMNS};
use super::{on_pool, on_writer, Store, StoreError};
use crate::aggregate::{day_of, Aggregates};

/// Which part of a summary's aggregates a backfill adds.
type Part = fn(Aggregates) -> Aggregates;

/// Summaries waiting to be added to the rollups after a migration, and what of them to add.
const BACKFILLS: [(&str, Part); 2] = [
    // 0002: everything, for rows stored before the rollups existed.
    ("rollup_backfill", |a| a),
    // 0003: the unit tables and calibration, for rows not waiting in the one above.
    ("rollup_refill", Aggregates::refill_part),
];

/// Deletes a site's `sids` from the list `$table` (`site`, `sid`) once they are done,
/// [`CHUNK`] per statement.
macro_rules! forget_listed {
    ($tx:expr, $table:expr, $site:expr, $sids:expr) => {
        for chunk in $sids.chunks(CHUNK) {
            let sql = format!(
                "DELETE FROM {} WHERE site = $1 AND sid IN ({})",
                $table,
                placeholders(2, chunk.len())
            );
            let mut q = sqlx::query(&sql).bind($site.as_str());
            for sid in chunk {
                q = q.bind(sid.as_str());
            }
            q.execute(&mut *$tx).await?;
        }
    };
}

impl Store {
    /// The query of a pass over a list of rows to fill (`table`, keyed by site and session
    /// id): the next `$1` listed rows with their stored bodies (`NULL` when the row is gone).
    /// On PostgreSQL, rows another server is filling are skipped.
    fn listed_rows_sql(&self, table: &str) -> String {
        let lock = match self {
            Store::Postgres(_) => " FOR UPDATE OF b SKIP LOCKED",
            Store::Sqlite(..) => "",
        };
        format!(
            "SELECT b.site, b.sid, s.body FROM {table} b \
             LEFT JOIN summaries s ON s.site = b.site AND s.sid = b.sid \
             ORDER BY b.site, b.sid LIMIT $1{lock}"
        )
    }

    /// Folds up to `limit` rows of the rollup log into the rollup tables in one transaction,
    /// merged per key first (a pass over same-day traffic writes a few rollup rows), and
    /// deletes them. Returns how many log rows it folded; fewer than `limit` means none were
    /// left (on PostgreSQL, rows another server is folding are skipped).
    pub async fn roll_up(&self, limit: usize) -> Result<usize, StoreError> {
        let lock = match self {
            Store::Postgres(_) => " FOR UPDATE SKIP LOCKED",
            Store::Sqlite(..) => "",
        };
        let limit = limit.max(1);
        let postgres = matches!(self, Store::Postgres(_));
        let done = on_writer!(self, db => {
            let mut tx = db.begin().await?;
            let sql = format!("SELECT id, site, deltas, format FROM rollup_log ORDER BY id LIMIT $1{lock}");
            let rows = sqlx::query(&sql)
                .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                .fetch_all(&mut *tx)
                .await?;
            let mut per_site: BTreeMap<String, Aggregates> = BTreeMap::new();
            let mut ids: Vec<String> = Vec::with_capacity(rows.len());
            for row in &rows {
                let (id, site, deltas): (String, String, String) =
                    (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                let mut deltas: Aggregates = serde_json::from_str(&deltas)
                    .map_err(|e| StoreError::Failed(format!("rollup log row {id}: {e}")))?;
                if row.try_get::<i64, _>(3)? < LOG_FORMAT {
                    // Logged before migration 0003, which refills calibration from the
                    // stored rows (an older row's calibration followed the last checkpoint).
                    deltas.calibration.clear();
                }
                per_site.entry(site).or_default().merge(deltas);
                ids.push(id);
            }
            for (site, deltas) in per_site {
                let mut deltas = deltas.without_zeros();
                fill_cohorts!(tx, site.as_str(), &mut deltas, postgres);
                write_deltas!(tx, site.as_str(), &deltas);
            }
            for chunk in ids.chunks(CHUNK) {
                let sql = format!(
                    "DELETE FROM rollup_log WHERE id IN ({})",
                    placeholders(1, chunk.len())
                );
                let mut q = sqlx::query(&sql);
                for id in chunk {
                    q = q.bind(id.as_str());
                }
                q.execute(&mut *tx).await?;
            }
            tx.commit().await?;
            rows.len()
        });
        Ok(done)
    }

    /// Folds the whole rollup log, `batch` rows per transaction. Returns how many rows.
    pub async fn roll_up_all(&self, batch: usize) -> Result<u64, StoreError> {
        let mut total = 0;
        loop {
            let n = self.roll_up(batch).await?;
            total += n as u64;
            if n < batch.max(1) {
                return Ok(total);
            }
        }
    }

    /// Adds summaries stored before a migration to the rollups it added or redefined
    /// (`rollup_backfill`, `rollup_refill`), `batch` per transaction, and forgets them.
    /// Returns how many.
    pub async fn backfill(&self, batch: usize) -> Result<u64, StoreError> {
        let mut total = 0;
        for (table, part) in BACKFILLS {
            total += self.backfill_from(table, part, batch).await?;
        }
        Ok(total)
    }

    async fn backfill_from(
        &self,
        table: &str,
        part: Part,
        batch: usize,
    ) -> Result<u64, StoreError> {
        let postgres = matches!(self, Store::Postgres(_));
        let sql = self.listed_rows_sql(table);
        let batch = batch.max(1);
        let mut total = 0;
        loop {
            let done = on_writer!(self, db => {
                let mut tx = db.begin().await?;
                let rows = sqlx::query(&sql)
                    .bind(i64::try_from(batch).unwrap_or(i64::MAX))
                    .fetch_all(&mut *tx)
                    .await?;
                let mut per_site: BTreeMap<String, (Aggregates, Vec<String>)> = BTreeMap::new();
                for row in &rows {
                    let (site, sid): (String, String) = (row.try_get(0)?, row.try_get(1)?);
                    let body: Option<String> = row.try_get(2)?;
                    let entry = per_site.entry(site).or_default();
                    if let Some(Ok(s)) = body.map(|b| serde_json::from_str::<Summary>(&b)) {
                        entry.0.add(&s, 1);
                    }
                    entry.1.push(sid);
                }
                for (site, (deltas, sids)) in per_site {
                    let mut deltas = part(deltas).without_zeros();
                    fill_cohorts!(tx, site.as_str(), &mut deltas, postgres);
                    write_deltas!(tx, site.as_str(), &deltas);
                    forget_listed!(tx, table, site, sids);
                }
                tx.commit().await?;
                rows.len()
            });
            total += done as u64;
            if done < batch {
                return Ok(total);
            }
        }
    }

    /// Fills the typed columns of up to `batch` rows stored before they existed
    /// (`typed_backfill`, migration 0005) in one transaction. Returns how many rows it took
    /// off the list; fewer than `batch` means none are left. Run in the background: reads do
    /// not use the typed columns.
    pub async fn fill_typed(&self, batch: usize) -> Result<usize, StoreError> {
        let sql = self.listed_rows_sql("typed_backfill");
        let batch = batch.max(1);
        let sets: Vec<String> = TYPED
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{c} = ${}", i + 3))
            .collect();
        let update = format!(
            "UPDATE summaries SET {} WHERE site = $1 AND sid = $2",
            sets.join(", ")
        );
        let done = on_writer!(self, db => {
            let mut tx = db.begin().await?;
            let rows = sqlx::query(&sql)
                .bind(i64::try_from(batch).unwrap_or(i64::MAX))
                .fetch_all(&mut *tx)
                .await?;
            let mut per_site: BTreeMap<String, Vec<String>> = BTreeMap::new();
            for row in &rows {
                let (site, sid): (String, String) = (row.try_get(0)?, row.try_get(1)?);
                let body: Option<String> = row.try_get(2)?;
                // A row gone (retention) or undecodable (hand-edited) keeps NULL columns.
                if let Some(Ok(s)) = body.map(|b| serde_json::from_str::<Summary>(&b)) {
                    let mut q = sqlx::query(&update).bind(site.as_str()).bind(sid.as_str());
                    for value in typed(&s) {
                        q = bind_typed!(q, bind, value);
                    }
                    q.execute(&mut *tx).await?;
                }
                per_site.entry(site).or_default().push(sid);
            }
            for (site, sids) in per_site {
                forget_listed!(tx, "typed_backfill", site, sids);
            }
            tx.commit().await?;
            rows.len()
        });
        Ok(done)
    }

    /// Deletes raw summaries of sessions that started before `horizon` (unix seconds);
    /// their contribution stays in the rollups. The unit-day rows of days before the
    /// horizon's go too: a unit then counts from its first day kept, so its cohort moves
    /// (see [`Store::expire_unit_days`]). Returns how many summaries were deleted.
    pub async fn expire(&self, horizon: u64) -> Result<u64, StoreError> {
        let first_kept = i64::try_from(horizon).unwrap_or(i64::MAX);
        // Site by site, so each delete walks the (site, started_at) index: a global index on
        // the start time would cost every insert another B-tree write.
        let sites: Vec<String> = on_pool!(self, pool => {
            sqlx::query("SELECT DISTINCT site FROM summaries UNION SELECT DISTINCT site FROM rollup_unit_days")
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?
        });
        // PostgreSQL: whole months past the horizon go at once; the rest row by row below.
        let mut n = match self {
            Store::Postgres(pool) => super::partitions::drop_expired(pool, first_kept).await?,
            Store::Sqlite(..) => 0,
        };
        for site in sites {
            n += on_writer!(self, db => {
                sqlx::query("DELETE FROM summaries WHERE site = $1 AND started_at < $2")
                    .bind(site.as_str())
                    .bind(first_kept)
                    .execute(db)
                    .await?
                    .rows_affected()
            });
            self.expire_unit_days(&site, day_of(horizon)).await?;
        }
        Ok(n)
    }

    /// Takes a site's unit-day rows before `first_day` out, [`CHUNK`] units per
    /// transaction: each unit's cohort sums are recomputed from the days it keeps.
    async fn expire_unit_days(&self, site: &str, first_day: i64) -> Result<(), StoreError> {
        let postgres = matches!(self, Store::Postgres(_));
        loop {
            let done = on_writer!(self, db => {
                let mut tx = db.begin().await?;
                let units: Vec<i64> = sqlx::query(
                    "SELECT DISTINCT unit FROM rollup_unit_days WHERE site = $1 AND day < $2 \
                     ORDER BY unit LIMIT $3",
                )
                .bind(site)
                .bind(first_day)
                .bind(CHUNK as i64)
                .fetch_all(&mut *tx)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
                if !units.is_empty() {
                    let sql = format!(
                        "SELECT {UNIT_DAY_COLUMNS} FROM rollup_unit_days \
                         WHERE site = $1 AND day < $2 AND unit IN ({})",
                        placeholders(3, units.len())
                    );
                    let mut q = sqlx::query(&sql).bind(site).bind(first_day);
                    for u in &units {
                        q = q.bind(*u);
                    }
                    let mut deltas = Aggregates::default();
                    for row in q.fetch_all(&mut *tx).await? {
                        let (key, gone) = unit_day!(row);
                        deltas.units.insert(key, gone.map(|v| -v));
                    }
                    fill_cohorts!(tx, site, &mut deltas, postgres);
                    write_table!(tx, site, deltas.cohorts);
                    let sql = format!(
                        "DELETE FROM rollup_unit_days WHERE site = $1 AND day < $2 AND unit IN ({})",
                        placeholders(3, units.len())
                    );
                    let mut q = sqlx::query(&sql).bind(site).bind(first_day);
                    for u in &units {
                        q = q.bind(*u);
                    }
                    q.execute(&mut *tx).await?;
                }
                tx.commit().await?;
                units.len()
            });
            if done < CHUNK {
                return Ok(());
            }
        }
    }
}
