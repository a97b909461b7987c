//! Writing and reading summary rows.

use sqlx::{QueryBuilder, Row};

use super::{on_pool, Store, StoreError};

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
}

/// What a batch did to the table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreOutcome {
    /// Rows inserted or replaced by a higher sequence number.
    pub stored: u64,
    /// Summaries not newer than what was stored (replays, reordering): nothing changed.
    pub stale: u64,
}

const UPSERT_TAIL: &str = " ON CONFLICT (site, sid) DO UPDATE SET \
    seq = excluded.seq, started_at = excluded.started_at, received_at = excluded.received_at, \
    control = excluded.control, purchase = excluded.purchase, body = excluded.body \
    WHERE summaries.seq < excluded.seq";

impl Store {
    /// Stores a batch in one transaction: all of it or, on any error, none of it. Within a
    /// batch a session keeps its highest sequence number (one statement may not touch a row
    /// twice). `dropped` adds to the site's count of summaries clients had to drop.
    pub async fn upsert(
        &self,
        site: &str,
        batch: &[NewSummary],
        dropped: u64,
        received_at_ms: i64,
    ) -> Result<StoreOutcome, StoreError> {
        let mut latest: Vec<&NewSummary> = Vec::with_capacity(batch.len());
        for s in batch {
            match latest.iter_mut().find(|l| l.sid == s.sid) {
                Some(l) if l.seq < s.seq => *l = s,
                Some(_) => {}
                None => latest.push(s),
            }
        }
        let dropped = i64::try_from(dropped).unwrap_or(i64::MAX);
        let stored = on_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut stored = 0;
            if !latest.is_empty() {
                let mut q = QueryBuilder::new(
                    "INSERT INTO summaries (site, sid, seq, started_at, received_at, control, purchase, body) ",
                );
                q.push_values(&latest, |mut b, s| {
                    b.push_bind(site)
                        .push_bind(s.sid.as_str())
                        .push_bind(i64::try_from(s.seq).unwrap_or(i64::MAX))
                        .push_bind(i64::try_from(s.started_at).unwrap_or(i64::MAX))
                        .push_bind(received_at_ms)
                        .push_bind(s.control)
                        .push_bind(s.purchase)
                        .push_bind(s.body.as_str());
                });
                q.push(UPSERT_TAIL);
                stored = q.build().execute(&mut *tx).await?.rows_affected();
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
