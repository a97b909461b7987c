//! Writing and reading summary rows.

use std::collections::HashMap;

use reshelf_core::summary::Summary;
use sqlx::{QueryBuilder, Row};

use super::columns::{bind_typed, typed, TYPED};
use super::{on_pool, Store, StoreError};
use crate::aggregate::Aggregates;

/// A validated summary ready to store.
#[derive(Clone, Debug, PartialEq)]
pub struct NewSummary {
    pub sid: String,
    pub seq: u64,
    pub started_at: u64,
    pub control: bool,
    pub purchase: bool,
    /// The summary re-encoded by the server (canonical, unknown fields dropped).
    pub body: String,
    /// The summary the body encodes, for its contribution to the rollups.
    pub summary: Summary,
}

impl NewSummary {
    /// Encodes `summary` as the stored body. Errors: the JSON encoder's (not expected for a
    /// validated summary).
    pub fn new(summary: Summary) -> Result<Self, serde_json::Error> {
        Ok(NewSummary {
            body: serde_json::to_string(&summary)?,
            sid: summary.sid.clone(),
            seq: summary.seq,
            started_at: summary.ts,
            control: summary.ctl,
            purchase: summary.out.purchase,
            summary,
        })
    }
}

/// What a batch did to the table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreOutcome {
    /// Rows inserted or replaced by a higher sequence number.
    pub stored: u64,
    /// Summaries not newer than what was stored (replays, reordering), or of sessions that
    /// started before the retention horizon: nothing changed.
    pub stale: u64,
    /// What the batch added to the site's count of summaries clients dropped.
    pub dropped: u64,
}

/// What a batch says of the summaries its client had to drop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Drops {
    None,
    /// A count since the client's last report (SDKs before outbox ids): added as it is.
    Count(u64),
    /// The running total of one outbox: the largest reported is kept, so a batch delivered
    /// twice adds nothing the second time.
    Total {
        outbox: String,
        total: u64,
    },
}

/// `INSERT INTO summaries (…)` with the typed columns.
fn insert_head() -> String {
    format!(
        "INSERT INTO summaries (site, sid, seq, started_at, received_at, control, purchase, body, {}) ",
        TYPED.join(", ")
    )
}

/// Rows per statement (24 bound values each: within SQLite's 32,766 and PostgreSQL's 65,535).
pub(crate) const CHUNK: usize = 1_000;

/// The rollup log's row format: 1 since migration 0003 (unit tallies, calibration before
/// the cart); rows written before it read as 0.
pub(crate) const LOG_FORMAT: i64 = 1;

/// Appends `VALUES (…), (…)` for `rows` to an insert into summaries.
macro_rules! push_rows {
    ($q:expr, $site:expr, $rows:expr, $received:expr) => {
        $q.push_values($rows, |mut b, s: &&NewSummary| {
            b.push_bind($site)
                .push_bind(s.sid.as_str())
                .push_bind(i64::try_from(s.seq).unwrap_or(i64::MAX))
                .push_bind(i64::try_from(s.started_at).unwrap_or(i64::MAX))
                .push_bind($received)
                .push_bind(s.control)
                .push_bind(s.purchase)
                .push_bind(s.body.as_str());
            for value in typed(&s.summary) {
                bind_typed!(b, push_bind, value);
            }
        })
    };
}

/// `n` numbered placeholders from `$first` on: `$first, $first+1, …`.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A key for a rollup log row, unique across processes: time, process, a counter and the
/// process's random hasher seed.
fn log_id() -> String {
    use std::hash::{BuildHasher, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SEED: OnceLock<u64> = OnceLock::new();
    let seed = *SEED.get_or_init(|| RandomState::new().hash_one(std::process::id()));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{nanos:032x}-{seed:016x}-{n:x}")
}

impl Store {
    /// Stores a batch in one transaction: all of it or, on any error, none of it. Within a
    /// batch a session keeps its highest sequence number; a stored session is replaced only
    /// by a higher one. The same transaction logs the batch's contribution to the rollups
    /// (new versions in, the versions they replace out), which the roller folds in
    /// ([`Store::roll_up`]). Sessions that started before `horizon` (unix seconds, the
    /// retention limit) are counted stale: their stored row may be gone already, so a
    /// replacement could not take the old version out. Rows are written in sid order, so
    /// concurrent batches on PostgreSQL lock in one order. `drops` updates the site's count
    /// of summaries clients had to drop.
    pub async fn upsert(
        &self,
        site: &str,
        batch: &[NewSummary],
        drops: &Drops,
        received_at_ms: i64,
        horizon: u64,
    ) -> Result<StoreOutcome, StoreError> {
        let mut latest: Vec<&NewSummary> = Vec::with_capacity(batch.len());
        for s in batch.iter().filter(|s| s.started_at >= horizon) {
            match latest.iter_mut().find(|l| l.sid == s.sid) {
                Some(l) if l.seq < s.seq => *l = s,
                Some(_) => {}
                None => latest.push(s),
            }
        }
        latest.sort_by(|a, b| a.sid.cmp(&b.sid));
        let postgres = matches!(self, Store::Postgres(_));
        let _writing = self.write_lock().await;
        let (stored, dropped) = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut deltas = Aggregates::default();
            let mut stored = 0;
            for chunk in latest.chunks(CHUNK) {
                // Writers of the same session take turns: on SQLite the write lock serialises
                // every writer; on PostgreSQL each session's advisory lock, taken in sid
                // order (no deadlock between batches), is held to the commit, so the read
                // below sees what a concurrent batch stored. (A partitioned table cannot
                // keep (site, sid) unique by itself: its key has the start time too.)
                if postgres {
                    let values: Vec<String> =
                        (2..2 + chunk.len()).map(|i| format!("(${i}::text)")).collect();
                    let sql = format!(
                        "SELECT pg_advisory_xact_lock(k) FROM (SELECT hashtextextended($1 || chr(31) || sid, 0) AS k \
                         FROM (VALUES {}) AS v(sid) ORDER BY sid) AS locks",
                        values.join(", ")
                    );
                    let mut q = sqlx::query(&sql).bind(site);
                    for s in chunk {
                        q = q.bind(s.sid.as_str());
                    }
                    q.execute(&mut *tx).await?;
                }
                // On PostgreSQL the month partitions a chunk's stored sessions live in come
                // from `summary_sessions` first, so the lookup below reads those partitions
                // only instead of probing every month's index for every sid.
                let months = if postgres {
                    let sql = format!(
                        "SELECT DISTINCT started_at FROM summary_sessions WHERE site = $1 AND sid IN ({})",
                        placeholders(2, chunk.len())
                    );
                    // Planned at each execution (see the lookup below).
                    let mut q = sqlx::query(&sql).persistent(false).bind(site);
                    for s in chunk {
                        q = q.bind(s.sid.as_str());
                    }
                    let starts: Vec<i64> = q
                        .fetch_all(&mut *tx)
                        .await?
                        .iter()
                        .map(|r| r.try_get(0))
                        .collect::<Result<_, _>>()?;
                    Some(starts)
                } else {
                    None
                };
                let mut stored_versions: HashMap<String, (i64, String, i64)> = HashMap::new();
                if months.as_ref().is_none_or(|m| !m.is_empty()) {
                    let starts = months.as_deref().unwrap_or_default();
                    let in_months = if starts.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " AND started_at IN ({})",
                            placeholders(2 + chunk.len(), starts.len())
                        )
                    };
                    let sql = format!(
                        "SELECT sid, seq, body, started_at FROM summaries WHERE site = $1 AND sid IN ({}){in_months}",
                        placeholders(2, chunk.len())
                    );
                    // Planned at each execution on PostgreSQL, not once per connection: a
                    // plan cached while a month partition was empty scans it whole later.
                    let mut select = sqlx::query(&sql).persistent(!postgres).bind(site);
                    for s in chunk {
                        select = select.bind(s.sid.as_str());
                    }
                    for t in starts {
                        select = select.bind(*t);
                    }
                    for row in select.fetch_all(&mut *tx).await? {
                        stored_versions.insert(
                            row.try_get(0)?,
                            (row.try_get(1)?, row.try_get(2)?, row.try_get(3)?),
                        );
                    }
                }
                let (mut writes, mut replaced): (Vec<&NewSummary>, Vec<(&str, i64)>) = (Vec::new(), Vec::new());
                for s in chunk {
                    match stored_versions.get(&s.sid) {
                        None => {}
                        Some((seq, _, _)) if *seq >= i64::try_from(s.seq).unwrap_or(i64::MAX) => {
                            continue
                        }
                        Some((_, body, started)) => {
                            // Bodies were validated and re-encoded on the way in; one that no
                            // longer decodes (a hand-edited row) took nothing into the rollups.
                            if let Ok(old) = serde_json::from_str::<Summary>(body) {
                                deltas.add(&old, -1);
                            }
                            replaced.push((s.sid.as_str(), *started));
                        }
                    }
                    deltas.add(&s.summary, 1);
                    writes.push(s);
                }
                if !replaced.is_empty() {
                    // Deleted and inserted again: the new version may start in another
                    // month's partition (a corrected device clock).
                    let mut starts: Vec<i64> = replaced.iter().map(|r| r.1).collect();
                    starts.sort_unstable();
                    starts.dedup();
                    let sql = format!(
                        "DELETE FROM summaries WHERE site = $1 AND sid IN ({}) AND started_at IN ({})",
                        placeholders(2, replaced.len()),
                        placeholders(2 + replaced.len(), starts.len())
                    );
                    let mut q = sqlx::query(&sql).persistent(!postgres).bind(site);
                    for (sid, _) in &replaced {
                        q = q.bind(*sid);
                    }
                    for t in &starts {
                        q = q.bind(*t);
                    }
                    q.execute(&mut *tx).await?;
                }
                if !writes.is_empty() {
                    let mut q = QueryBuilder::new(insert_head());
                    push_rows!(q, site, &writes, received_at_ms);
                    stored += q.build().execute(&mut *tx).await?.rows_affected();
                    if postgres {
                        let mut q = QueryBuilder::new(
                            "INSERT INTO summary_sessions (site, sid, started_at) ",
                        );
                        q.push_values(&writes, |mut b, s| {
                            b.push_bind(site)
                                .push_bind(s.sid.as_str())
                                .push_bind(i64::try_from(s.started_at).unwrap_or(i64::MAX));
                        });
                        q.push(" ON CONFLICT (site, sid) DO UPDATE SET started_at = excluded.started_at");
                        q.build().execute(&mut *tx).await?;
                    }
                }
            }
            let deltas = deltas.without_zeros();
            if !deltas.is_empty() {
                let encoded = serde_json::to_string(&deltas)
                    .map_err(|e| StoreError::Failed(e.to_string()))?;
                sqlx::query(
                    "INSERT INTO rollup_log (id, site, deltas, format) VALUES ($1, $2, $3, $4)",
                )
                .bind(log_id())
                .bind(site)
                .bind(encoded)
                .bind(LOG_FORMAT)
                    .execute(&mut *tx)
                    .await?;
            }
            let dropped: i64 = match drops {
                Drops::None => 0,
                Drops::Count(n) => {
                    let n = i64::try_from(*n).unwrap_or(i64::MAX);
                    if n > 0 {
                        sqlx::query(
                            "INSERT INTO client_drops (site, dropped) VALUES ($1, $2) \
                             ON CONFLICT (site) DO UPDATE SET dropped = client_drops.dropped + excluded.dropped",
                        )
                        .bind(site)
                        .bind(n)
                        .execute(&mut *tx)
                        .await?;
                    }
                    n
                }
                Drops::Total { outbox, total } => {
                    let total = i64::try_from(*total).unwrap_or(i64::MAX);
                    let lock = if postgres { " FOR UPDATE" } else { "" };
                    let sql = format!("SELECT dropped FROM outbox_drops WHERE site = $1 AND outbox = $2{lock}");
                    let before: i64 = sqlx::query(&sql)
                        .bind(site)
                        .bind(outbox.as_str())
                        .fetch_optional(&mut *tx)
                        .await?
                        .map(|r| r.try_get(0))
                        .transpose()?
                        .unwrap_or(0);
                    if total > before {
                        // The larger of the two, also when a concurrent batch of the same
                        // outbox got here first (PostgreSQL: no row to lock yet).
                        sqlx::query(
                            "INSERT INTO outbox_drops (site, outbox, dropped) VALUES ($1, $2, $3) \
                             ON CONFLICT (site, outbox) DO UPDATE SET dropped = CASE \
                             WHEN excluded.dropped > outbox_drops.dropped THEN excluded.dropped \
                             ELSE outbox_drops.dropped END",
                        )
                        .bind(site)
                        .bind(outbox.as_str())
                        .bind(total)
                        .execute(&mut *tx)
                        .await?;
                    }
                    (total - before).max(0)
                }
            };
            tx.commit().await?;
            (stored, dropped)
        });
        Ok(StoreOutcome {
            stored,
            stale: batch.len() as u64 - stored,
            dropped: dropped.max(0) as u64,
        })
    }

    /// Summary bodies of a site's sessions that started at or after `since` (unix seconds).
    pub async fn bodies(&self, site: &str, since: u64) -> Result<Vec<String>, StoreError> {
        let since = i64::try_from(since).unwrap_or(i64::MAX);
        let rows = on_pool!(self, pool => {
            sqlx::query("SELECT body FROM summaries WHERE site = $1 AND started_at >= $2 ORDER BY started_at, sid")
                .bind(site)
                .bind(since)
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| r.try_get::<String, _>(0))
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// One page of a site's summaries that started at or after `since` (unix seconds), in
    /// (start, sid) order after `after` (the last row of the previous page): at most `limit`
    /// rows of (started_at, sid, body). Keyset pages, so an export walks the table without
    /// holding a transaction or every row.
    pub async fn bodies_page(
        &self,
        site: &str,
        since: u64,
        after: Option<(i64, String)>,
        limit: usize,
    ) -> Result<Vec<(i64, String, String)>, StoreError> {
        let since = i64::try_from(since).unwrap_or(i64::MAX);
        let (after_start, after_sid) = after.unwrap_or((i64::MIN, String::new()));
        let rows = on_pool!(self, pool => {
            sqlx::query(
                "SELECT started_at, sid, body FROM summaries WHERE site = $1 AND started_at >= $2 \
                 AND (started_at > $3 OR (started_at = $3 AND sid > $4)) \
                 ORDER BY started_at, sid LIMIT $5",
            )
            .bind(site)
            .bind(since)
            .bind(after_start)
            .bind(after_sid)
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?
        });
        Ok(rows)
    }

    /// How many summaries of a site are stored, and how many clients reported dropping.
    pub async fn counts(&self, site: &str) -> Result<(u64, u64), StoreError> {
        let (n, d) = on_pool!(self, pool => {
            let n: i64 = sqlx::query("SELECT COUNT(*) FROM summaries WHERE site = $1")
                .bind(site)
                .fetch_one(pool)
                .await?
                .try_get(0)?;
            let d: Option<i64> = sqlx::query("SELECT dropped FROM client_drops WHERE site = $1")
                .bind(site)
                .fetch_optional(pool)
                .await?
                .map(|r| r.try_get(0))
                .transpose()?;
            let per_outbox: Option<i64> = sqlx::query(
                "SELECT CAST(SUM(dropped) AS BIGINT) FROM outbox_drops WHERE site = $1",
            )
            .bind(site)
            .fetch_one(pool)
            .await?
            .try_get(0)?;
            (n, d.unwrap_or(0) + per_outbox.unwrap_or(0))
        });
        Ok((n.max(0) as u64, d.max(0) as u64))
    }
}
