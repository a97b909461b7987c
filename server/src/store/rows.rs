//! Writing and reading summary rows.

use std::collections::{BTreeMap, HashSet};

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
    (site, sid, seq, started_at, received_at, control, purchase, body, rolled) ";

const REPLACE_TAIL: &str = " ON CONFLICT (site, sid) DO UPDATE SET \
    seq = excluded.seq, started_at = excluded.started_at, received_at = excluded.received_at, \
    control = excluded.control, purchase = excluded.purchase, body = excluded.body, rolled = excluded.rolled \
    WHERE summaries.seq < excluded.seq";

/// Rows per statement (9 bound values each).
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
                .push_bind(s.body.as_str())
                .push_bind(true);
        })
    };
}

/// `$1` for the site, then `$2…` for each sid: `IN ($2, $3, …)`.
fn sid_list(n: usize) -> String {
    (0..n)
        .map(|i| format!("${}", i + 2))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Stores a batch in one transaction, with its contribution to the rollups: all of it
    /// or, on any error, none of it. Within a batch a session keeps its highest sequence
    /// number. A session that replaces a stored one takes the stored version's contribution
    /// back out of the rollups. Sessions that started before `horizon` (unix seconds, the
    /// retention limit) are counted stale: their stored row may already be gone, so a
    /// replacement could not take the old version out. Rows are written in sid order and
    /// rollup rows in key order, so concurrent batches on PostgreSQL lock in one order.
    /// `dropped` adds to the site's count of summaries clients had to drop.
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
        let lock = match self {
            Store::Postgres(_) => " FOR UPDATE",
            Store::Sqlite(_) => "",
        };
        let stored = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut deltas = Aggregates::default();
            let mut stored = 0;
            for chunk in latest.chunks(CHUNK) {
                // New sessions first: the insert is the transaction's first write, so SQLite
                // takes its write lock before anything is read.
                let mut q = QueryBuilder::new(INSERT_HEAD);
                push_rows!(q, site, chunk, received_at_ms);
                q.push(" ON CONFLICT (site, sid) DO NOTHING RETURNING sid");
                let fresh: HashSet<String> = q
                    .build()
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(|r| r.try_get::<String, _>(0))
                    .collect::<Result<_, _>>()?;
                let known: Vec<&NewSummary> =
                    chunk.iter().copied().filter(|s| !fresh.contains(&s.sid)).collect();
                for s in chunk.iter().filter(|s| fresh.contains(&s.sid)) {
                    deltas.add(&s.summary, 1);
                }
                stored += fresh.len() as u64;
                if known.is_empty() {
                    continue;
                }
                let sql = format!(
                    "SELECT sid, seq, rolled, body FROM summaries WHERE site = $1 AND sid IN ({}) ORDER BY sid{lock}",
                    sid_list(known.len())
                );
                let mut select = sqlx::query(&sql).bind(site);
                for s in &known {
                    select = select.bind(s.sid.as_str());
                }
                let mut replaced: Vec<&NewSummary> = Vec::new();
                for row in select.fetch_all(&mut *tx).await? {
                    let sid: String = row.try_get(0)?;
                    let seq: i64 = row.try_get(1)?;
                    let Some(new) = known.iter().find(|s| s.sid == sid) else { continue };
                    if seq >= i64::try_from(new.seq).unwrap_or(i64::MAX) {
                        continue;
                    }
                    if row.try_get::<bool, _>(2)? {
                        let body: String = row.try_get(3)?;
                        // Bodies were validated and re-encoded on the way in; one that no
                        // longer decodes was never rolled up as anything else.
                        if let Ok(old) = serde_json::from_str::<Summary>(&body) {
                            deltas.add(&old, -1);
                        }
                    }
                    deltas.add(&new.summary, 1);
                    replaced.push(new);
                }
                if !replaced.is_empty() {
                    let mut q = QueryBuilder::new(INSERT_HEAD);
                    push_rows!(q, site, &replaced, received_at_ms);
                    q.push(REPLACE_TAIL);
                    stored += q.build().execute(&mut *tx).await?.rows_affected();
                }
            }
            let deltas = deltas.without_zeros();
            write_deltas!(tx, site, &deltas);
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

    /// Rolls up stored summaries whose contribution is not in the rollups yet (rows stored
    /// before the rollup tables existed), `batch` rows per transaction, oldest first.
    /// Returns how many were rolled up.
    pub async fn roll_up_backlog(&self, batch: usize) -> Result<u64, StoreError> {
        let lock = match self {
            Store::Postgres(_) => " FOR UPDATE SKIP LOCKED",
            Store::Sqlite(_) => "",
        };
        let mut total = 0;
        loop {
            let done = on_pool!(self, pool => {
                let mut tx = pool.begin().await?;
                // A write first, so SQLite holds its write lock for the read that follows.
                sqlx::query("UPDATE summaries SET rolled = FALSE WHERE 1 = 0")
                    .execute(&mut *tx)
                    .await?;
                let sql = format!(
                    "SELECT site, sid, body FROM summaries WHERE rolled = FALSE ORDER BY site, sid LIMIT $1{lock}"
                );
                let rows = sqlx::query(&sql)
                    .bind(i64::try_from(batch.max(1)).unwrap_or(i64::MAX))
                    .fetch_all(&mut *tx)
                    .await?;
                let mut per_site: BTreeMap<String, (Aggregates, Vec<String>)> = BTreeMap::new();
                for row in &rows {
                    let (site, sid, body): (String, String, String) =
                        (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
                    let entry = per_site.entry(site).or_default();
                    if let Ok(s) = serde_json::from_str::<Summary>(&body) {
                        entry.0.add(&s, 1);
                    }
                    entry.1.push(sid);
                }
                for (site, (deltas, sids)) in &per_site {
                    let deltas = deltas.clone().without_zeros();
                    write_deltas!(tx, site.as_str(), &deltas);
                    for chunk in sids.chunks(CHUNK) {
                        let sql = format!(
                            "UPDATE summaries SET rolled = TRUE WHERE site = $1 AND sid IN ({})",
                            sid_list(chunk.len())
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
            if done < batch.max(1) {
                return Ok(total);
            }
        }
    }

    /// Deletes raw summaries of sessions that started before `horizon` (unix seconds);
    /// their contribution stays in the rollups. Returns how many rows were deleted.
    pub async fn expire(&self, horizon: u64) -> Result<u64, StoreError> {
        let horizon = i64::try_from(horizon).unwrap_or(i64::MAX);
        let n = on_pool!(self, pool => {
            sqlx::query("DELETE FROM summaries WHERE started_at < $1")
                .bind(horizon)
                .execute(pool)
                .await?
                .rows_affected()
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
