//! Writing and reading summary rows.

use std::collections::{BTreeMap, HashMap, HashSet};

use reshelf_core::summary::Summary;
use sqlx::{QueryBuilder, Row};

use super::rollups::write_deltas;
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
}

const INSERT_HEAD: &str = "INSERT INTO summaries \
    (site, sid, seq, started_at, received_at, control, purchase, body) ";

const REPLACE_TAIL: &str = " ON CONFLICT (site, sid) DO UPDATE SET \
    seq = excluded.seq, started_at = excluded.started_at, received_at = excluded.received_at, \
    control = excluded.control, purchase = excluded.purchase, body = excluded.body \
    WHERE summaries.seq < excluded.seq";

/// Rows per statement (8 bound values each).
const CHUNK: usize = 1_000;

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
        })
    };
}

/// `n` numbered placeholders from `$first` on: `$first, $first+1, …`.
fn placeholders(first: usize, n: usize) -> String {
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
    /// concurrent batches on PostgreSQL lock in one order. `dropped` adds to the site's
    /// count of summaries clients had to drop.
    pub async fn upsert(
        &self,
        site: &str,
        batch: &[NewSummary],
        dropped: u64,
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
        let dropped = i64::try_from(dropped).unwrap_or(i64::MAX);
        let (lock, serialised) = match self {
            Store::Postgres(_) => (" FOR UPDATE", false),
            Store::Sqlite(..) => ("", true),
        };
        let _writing = self.write_lock().await;
        let stored = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut deltas = Aggregates::default();
            let mut stored = 0;
            for chunk in latest.chunks(CHUNK) {
                // Which sessions are new. On SQLite the write lock serialises writers, so
                // reading the stored versions first is enough. On PostgreSQL the new ones
                // are inserted first: a concurrent insert of the same session makes that
                // wait for it, so the locking select below sees it committed.
                let fresh: HashSet<String> = if serialised {
                    HashSet::new()
                } else {
                    let mut q = QueryBuilder::new(INSERT_HEAD);
                    push_rows!(q, site, chunk, received_at_ms);
                    q.push(" ON CONFLICT (site, sid) DO NOTHING RETURNING sid");
                    q.build()
                        .fetch_all(&mut *tx)
                        .await?
                        .iter()
                        .map(|r| r.try_get::<String, _>(0))
                        .collect::<Result<_, _>>()?
                };
                stored += fresh.len() as u64;
                let known: Vec<&NewSummary> = chunk
                    .iter()
                    .copied()
                    .filter(|s| !fresh.contains(&s.sid))
                    .collect();
                let mut stored_versions: HashMap<String, (i64, String)> = HashMap::new();
                if !known.is_empty() {
                    let sql = format!(
                        "SELECT sid, seq, body FROM summaries WHERE site = $1 AND sid IN ({}) ORDER BY sid{lock}",
                        placeholders(2, known.len())
                    );
                    let mut select = sqlx::query(&sql).bind(site);
                    for s in &known {
                        select = select.bind(s.sid.as_str());
                    }
                    for row in select.fetch_all(&mut *tx).await? {
                        stored_versions
                            .insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
                    }
                }
                let mut writes: Vec<&NewSummary> = Vec::new();
                for s in chunk {
                    if fresh.contains(&s.sid) {
                        deltas.add(&s.summary, 1);
                        continue;
                    }
                    match stored_versions.get(&s.sid) {
                        // Not stored (SQLite), or gone since the insert above (PostgreSQL:
                        // deleted by retention in between): stored now.
                        None => {}
                        Some((seq, _)) if *seq >= i64::try_from(s.seq).unwrap_or(i64::MAX) => {
                            continue
                        }
                        Some((_, body)) => {
                            // Bodies were validated and re-encoded on the way in; one that no
                            // longer decodes (a hand-edited row) took nothing into the rollups.
                            if let Ok(old) = serde_json::from_str::<Summary>(body) {
                                deltas.add(&old, -1);
                            }
                        }
                    }
                    deltas.add(&s.summary, 1);
                    writes.push(s);
                }
                if !writes.is_empty() {
                    let mut q = QueryBuilder::new(INSERT_HEAD);
                    push_rows!(q, site, &writes, received_at_ms);
                    q.push(REPLACE_TAIL);
                    stored += q.build().execute(&mut *tx).await?.rows_affected();
                }
            }
            let deltas = deltas.without_zeros();
            if !deltas.is_empty() {
                let encoded = serde_json::to_string(&deltas)
                    .map_err(|e| StoreError::Failed(e.to_string()))?;
                sqlx::query("INSERT INTO rollup_log (id, site, deltas) VALUES ($1, $2, $3)")
                    .bind(log_id())
                    .bind(site)
                    .bind(encoded)
                    .execute(&mut *tx)
                    .await?;
            }
            if dropped > 0 {
                sqlx::query(
                    "INSERT INTO client_drops (site, dropped) VALUES ($1, $2) \
                     ON CONFLICT (site) DO UPDATE SET dropped = client_drops.dropped + excluded.dropped",
                )
                .bind(site)
                .bind(dropped)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            stored
        });
        Ok(StoreOutcome {
            stored,
            stale: batch.len() as u64 - stored,
        })
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
        let _writing = self.write_lock().await;
        let done = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let sql = format!("SELECT id, site, deltas FROM rollup_log ORDER BY id LIMIT $1{lock}");
            let rows = sqlx::query(&sql)
                .bind(i64::try_from(limit).unwrap_or(i64::MAX))
                .fetch_all(&mut *tx)
                .await?;
            let mut per_site: BTreeMap<String, Aggregates> = BTreeMap::new();
            let mut ids: Vec<String> = Vec::with_capacity(rows.len());
            for row in &rows {
                let (id, site, deltas): (String, String, String) =
                    (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                let deltas: Aggregates = serde_json::from_str(&deltas)
                    .map_err(|e| StoreError::Failed(format!("rollup log row {id}: {e}")))?;
                per_site.entry(site).or_default().merge(deltas);
                ids.push(id);
            }
            for (site, deltas) in per_site {
                let deltas = deltas.without_zeros();
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

    /// Adds summaries stored before the rollups existed (`rollup_backfill`) to the
    /// rollups, `batch` per transaction, and forgets them. Returns how many.
    pub async fn backfill(&self, batch: usize) -> Result<u64, StoreError> {
        let lock = match self {
            Store::Postgres(_) => " FOR UPDATE OF b SKIP LOCKED",
            Store::Sqlite(..) => "",
        };
        let batch = batch.max(1);
        let mut total = 0;
        loop {
            let _writing = self.write_lock().await;
            let done = on_pool!(self, pool => {
                let mut tx = pool.begin().await?;
                let sql = format!(
                    "SELECT b.site, b.sid, s.body FROM rollup_backfill b \
                     LEFT JOIN summaries s ON s.site = b.site AND s.sid = b.sid \
                     ORDER BY b.site, b.sid LIMIT $1{lock}"
                );
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
                    let deltas = deltas.without_zeros();
                    write_deltas!(tx, site.as_str(), &deltas);
                    for chunk in sids.chunks(CHUNK) {
                        let sql = format!(
                            "DELETE FROM rollup_backfill WHERE site = $1 AND sid IN ({})",
                            placeholders(2, chunk.len())
                        );
                        let mut q = sqlx::query(&sql).bind(site.as_str());
                        for sid in chunk {
                            q = q.bind(sid.as_str());
                        }
                        q.execute(&mut *tx).await?;
                    }
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

    /// Deletes raw summaries of sessions that started before `horizon` (unix seconds);
    /// their contribution stays in the rollups. Returns how many rows were deleted.
    pub async fn expire(&self, horizon: u64) -> Result<u64, StoreError> {
        let horizon = i64::try_from(horizon).unwrap_or(i64::MAX);
        // Site by site, so each delete walks the (site, started_at) index: a global index on
        // the start time would cost every insert another B-tree write.
        let _writing = self.write_lock().await;
        let n = on_pool!(self, pool => {
            let sites: Vec<String> = sqlx::query("SELECT DISTINCT site FROM summaries")
                .fetch_all(pool)
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
            let mut n = 0;
            for site in sites {
                n += sqlx::query("DELETE FROM summaries WHERE site = $1 AND started_at < $2")
                    .bind(site)
                    .bind(horizon)
                    .execute(pool)
                    .await?
                    .rows_affected();
            }
            n
        });
        Ok(n)
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
            (n, d.unwrap_or(0))
        });
        Ok((n.max(0) as u64, d.max(0) as u64))
    }
}
