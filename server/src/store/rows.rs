//! Summary rows: what a batch stores (see `upsert` for how), and reading them back.

use reshelf_core::summary::Summary;
use sqlx::Row;

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
    /// 1 when the batch was written a second time, under the write lock, because another
    /// batch of one of its sessions was stored between its lookup and its writes (SQLite).
    pub retried: u64,
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

/// Rows per statement (24 bound values each: within SQLite's 32,766 and PostgreSQL's 65,535).
pub(crate) const CHUNK: usize = 1_000;

/// The rollup log's row format: 1 since migration 0003 (unit tallies, calibration before
/// the cart); rows written before it read as 0.
pub(crate) const LOG_FORMAT: i64 = 1;

/// `n` numbered placeholders from `$first` on: `$first, $first+1, …`.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
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
