//! Storing a batch of summaries, and logging what it adds to the rollups in the same
//! transaction.
//!
//! A stored session is replaced only by a higher sequence number, so a batch first looks up
//! the versions its sessions have stored. On SQLite, whose writers queue on one lock, that
//! lookup (and the decoding of the versions it finds) runs before the lock, and the writes
//! check that what was read is still what is stored: a replaced row is deleted only at the
//! sequence number read, and a session read as new is inserted only if no row appeared. A
//! batch that loses that race (another batch of the same session got in between) is undone
//! and done again with the lookup under the lock. On PostgreSQL the lookup runs in the
//! transaction, after the sessions' rows in `summary_sessions` are locked.

use std::collections::HashMap;

use reshelf_core::summary::Summary;
use sqlx::{Connection, QueryBuilder, Row};

use super::columns::{bind_typed, typed, TYPED};
use super::rows::{placeholders, Drops, NewSummary, StoreOutcome, CHUNK, LOG_FORMAT};
use super::{on_writer, Store, StoreError};
use crate::aggregate::Aggregates;

/// `INSERT INTO summaries (…)` with the typed columns.
fn insert_head() -> String {
    format!(
        "INSERT INTO summaries (site, sid, seq, started_at, received_at, control, purchase, body, {}) ",
        TYPED.join(", ")
    )
}

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

/// Appends the batch's rollup log row, `INSERT INTO rollup_log (…) VALUES (…)`, with its
/// deltas `$encoded` (JSON), to `$q`.
macro_rules! push_log {
    ($q:expr, $site:expr, $encoded:expr) => {
        $q.push("INSERT INTO rollup_log (id, site, deltas, format) VALUES (")
            .push_bind(log_id())
            .push(", ")
            .push_bind($site)
            .push(", ")
            .push_bind($encoded)
            .push(", ")
            .push_bind(LOG_FORMAT)
            .push(")")
    };
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

/// A stored version of a session: sequence number, body, start (unix seconds).
type Stored = (i64, String, i64);

/// The stored versions of a chunk's sessions, by sid, read through `$exec`. `$starts` (the
/// months on PostgreSQL) narrows the read to rows starting at those times when not empty.
macro_rules! stored_versions {
    ($exec:expr, $site:expr, $chunk:expr, $starts:expr, $postgres:expr) => {{
        let (chunk, starts): (&[&NewSummary], &[i64]) = ($chunk, $starts);
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
        // Planned at each execution on PostgreSQL, not once per connection: a plan cached
        // while a month partition was empty scans it whole later.
        let mut select = sqlx::query(&sql).persistent(!$postgres).bind($site);
        for s in chunk {
            select = select.bind(s.sid.as_str());
        }
        for t in starts {
            select = select.bind(*t);
        }
        let mut found: HashMap<String, Stored> = HashMap::new();
        for row in select.fetch_all($exec).await? {
            found.insert(
                row.try_get(0)?,
                (row.try_get(1)?, row.try_get(2)?, row.try_get(3)?),
            );
        }
        found
    }};
}

/// Locks a chunk's sessions' rows in `summary_sessions` (PostgreSQL), inserting the rows of
/// sessions not stored yet, and returns the months (start times) of those already stored.
/// Rows are taken in sid order, so concurrent batches lock in one order and cannot deadlock;
/// a row another batch holds is waited for. (`xmax = 0` marks a row this statement
/// inserted: PostgreSQL's idiom for telling an upsert's inserts from its updates.)
macro_rules! lock_sessions {
    ($exec:expr, $site:expr, $chunk:expr) => {{
        let chunk: &[&NewSummary] = $chunk;
        let mut q = QueryBuilder::new("INSERT INTO summary_sessions (site, sid, started_at) ");
        q.push_values(chunk, |mut b, s| {
            b.push_bind($site)
                .push_bind(s.sid.as_str())
                .push_bind(i64::try_from(s.started_at).unwrap_or(i64::MAX));
        });
        q.push(
            " ON CONFLICT (site, sid) DO UPDATE SET started_at = summary_sessions.started_at \
             RETURNING started_at, xmax = 0",
        );
        let mut starts: Vec<i64> = Vec::new();
        for row in q.build().fetch_all($exec).await? {
            let inserted: bool = row.try_get(1)?;
            if !inserted {
                starts.push(row.try_get(0)?);
            }
        }
        starts.sort_unstable();
        starts.dedup();
        starts
    }};
}

/// The batch's rollup log row: what is left in `deltas` once every chunk is planned, as
/// JSON, or `None` when it adds nothing.
fn encode_log(deltas: &mut Aggregates) -> Result<Option<String>, StoreError> {
    let deltas = std::mem::take(deltas).without_zeros();
    if deltas.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(&deltas)
        .map(Some)
        .map_err(|e| StoreError::Failed(e.to_string()))
}

/// What a chunk does, given its sessions' stored versions: the summaries to write, and the
/// stored versions they replace as (sid, seq, start).
struct Plan<'a> {
    writes: Vec<&'a NewSummary>,
    replaced: Vec<(&'a str, i64, i64)>,
}

/// Plans a chunk and takes out of `deltas` (which holds every summary of the batch added
/// once) the summaries not newer than their stored version and the versions replaced.
fn plan<'a>(
    chunk: &[&'a NewSummary],
    stored: &HashMap<String, Stored>,
    deltas: &mut Aggregates,
) -> Plan<'a> {
    let mut plan = Plan {
        writes: Vec::with_capacity(chunk.len()),
        replaced: Vec::new(),
    };
    for &s in chunk {
        match stored.get(&s.sid) {
            None => {}
            Some((seq, _, _)) if *seq >= i64::try_from(s.seq).unwrap_or(i64::MAX) => {
                deltas.add(&s.summary, -1);
                continue;
            }
            Some((seq, body, started)) => {
                // Bodies were validated and re-encoded on the way in; one that no longer
                // decodes (a hand-edited row) took nothing into the rollups.
                if let Ok(old) = serde_json::from_str::<Summary>(body) {
                    deltas.add(&old, -1);
                }
                plan.replaced.push((s.sid.as_str(), *seq, *started));
            }
        }
        plan.writes.push(s);
    }
    plan
}

/// Whether an error is a unique-key violation: on SQLite's optimistic path, a session read
/// as new was stored by another batch in between.
fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
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
        let mut done = None;
        if let Store::Sqlite(pool, _) = self {
            let mut read = HashMap::new();
            for chunk in latest.chunks(CHUNK) {
                read.extend(stored_versions!(pool, site, chunk, &[], false));
            }
            done = self
                .write(site, &latest, Some(read), drops, received_at_ms)
                .await?;
        }
        let retried = done.is_none() && matches!(self, Store::Sqlite(..));
        let (stored, dropped) = match done {
            Some(done) => done,
            None => self
                .write(site, &latest, None, drops, received_at_ms)
                .await?
                .ok_or_else(|| {
                    StoreError::Failed("a batch's stored versions changed under its locks".into())
                })?,
        };
        if let Store::Sqlite(pool, _) = self {
            super::checkpoint::after_commit(pool, stored).await;
        }
        Ok(StoreOutcome {
            stored,
            stale: batch.len() as u64 - stored,
            dropped: dropped.max(0) as u64,
            retried: u64::from(retried),
        })
    }

    /// Writes `latest` (one summary per session, in sid order) in one transaction. With
    /// `read` (the stored versions read before the transaction, SQLite only), the writes
    /// check they are still stored and `None` is returned, with nothing written, when one
    /// is not; without, they are read in the transaction under its locks. Returns the rows
    /// stored and what the batch added to the site's dropped count.
    async fn write(
        &self,
        site: &str,
        latest: &[&NewSummary],
        read: Option<HashMap<String, Stored>>,
        drops: &Drops,
        received_at_ms: i64,
    ) -> Result<Option<(u64, i64)>, StoreError> {
        let postgres = matches!(self, Store::Postgres(_));
        let optimistic = read.is_some();
        // What the batch adds to the rollups if all of it is stored, computed before the
        // write lock; corrected by each chunk's plan.
        let mut deltas = Aggregates::default();
        for s in latest {
            deltas.add(&s.summary, 1);
        }
        let mut plans: Vec<Plan> = match &read {
            Some(read) => latest
                .chunks(CHUNK)
                .map(|chunk| plan(chunk, read, &mut deltas))
                .collect(),
            None => Vec::new(),
        };
        // The batch's rollup log row, once encoded and until written. Planned before the
        // lock on SQLite's optimistic path, so encoded there too; otherwise with the last
        // chunk's plan.
        let mut log = if optimistic {
            encode_log(&mut deltas)?
        } else {
            None
        };
        let done = on_writer!(self, db => {
            let mut tx = db.begin().await?;
            let mut stored = 0;
            let mut lost_race = false;
            let chunks = latest.len().div_ceil(CHUNK);
            for (i, chunk) in latest.chunks(CHUNK).enumerate() {
                if !optimistic {
                    let found = if postgres {
                        // Writers of the same session take turns on its row in
                        // `summary_sessions`, locked to the commit, so the read below sees
                        // what a concurrent batch stored. (A partitioned table cannot keep
                        // (site, sid) unique by itself: its key has the start time too.)
                        let starts = lock_sessions!(&mut *tx, site, chunk);
                        if starts.is_empty() {
                            HashMap::new()
                        } else {
                            stored_versions!(&mut *tx, site, chunk, &starts, postgres)
                        }
                    } else {
                        // SQLite: the write lock serialises every writer.
                        stored_versions!(&mut *tx, site, chunk, &[], postgres)
                    };
                    plans.push(plan(chunk, &found, &mut deltas));
                }
                // The batch's log row goes with the last chunk, once every chunk is planned.
                if !optimistic && i == chunks - 1 {
                    log = encode_log(&mut deltas)?;
                }
                let Plan { writes, replaced } = &plans[i];
                if !replaced.is_empty() {
                    // Deleted and inserted again: the new version may start in another
                    // month's partition (a corrected device clock). Only at the sequence
                    // number read: on the optimistic path a version replaced since is kept.
                    let mut starts: Vec<i64> = replaced.iter().map(|r| r.2).collect();
                    starts.sort_unstable();
                    starts.dedup();
                    // The sid list is what the index is searched by; the (sid, seq) pairs
                    // are the check.
                    let n = replaced.len();
                    let pairs: Vec<String> = (0..n)
                        .map(|k| format!("(${}, ${})", 2 + n + 2 * k, 3 + n + 2 * k))
                        .collect();
                    let sql = format!(
                        "DELETE FROM summaries WHERE site = $1 AND sid IN ({}) AND (sid, seq) IN (VALUES {}) \
                         AND started_at IN ({})",
                        placeholders(2, n),
                        pairs.join(", "),
                        placeholders(2 + 3 * n, starts.len())
                    );
                    let mut q = sqlx::query(&sql).persistent(!postgres).bind(site);
                    for (sid, _, _) in replaced {
                        q = q.bind(*sid);
                    }
                    for (sid, seq, _) in replaced {
                        q = q.bind(*sid).bind(*seq);
                    }
                    for t in &starts {
                        q = q.bind(*t);
                    }
                    let deleted = q.execute(&mut *tx).await?.rows_affected();
                    if deleted != replaced.len() as u64 {
                        lost_race = true;
                        break;
                    }
                }
                if !writes.is_empty() {
                    let mut q = QueryBuilder::new(if postgres { "WITH stored AS (" } else { "" });
                    q.push(insert_head());
                    push_rows!(q, site, writes, received_at_ms);
                    if postgres {
                        // One round trip on PostgreSQL (data-modifying CTEs): the rows, the
                        // month of a replaced session that moved (a corrected device clock),
                        // and the batch's log row with the last chunk. New sessions' months
                        // were recorded when their rows in `summary_sessions` were locked.
                        q.push(" RETURNING site, sid, started_at)");
                        if !replaced.is_empty() {
                            q.push(
                                ", moved AS (UPDATE summary_sessions AS s SET started_at = stored.started_at \
                                 FROM stored WHERE s.site = stored.site AND s.sid = stored.sid \
                                 AND s.started_at <> stored.started_at)",
                            );
                        }
                        if let Some(encoded) = log.take() {
                            q.push(", logged AS (");
                            push_log!(q, site, encoded).push(")");
                        }
                        q.push(" SELECT COUNT(*) FROM stored");
                        let n: i64 = q.build().fetch_one(&mut *tx).await?.try_get(0)?;
                        stored += n.max(0) as u64;
                    } else {
                        // SQLite runs the statements of one query in turn: the log row
                        // rides with the rows, one call to the connection fewer.
                        let logged = log.take().map(|encoded| {
                            q.push("; ");
                            push_log!(q, site, encoded);
                        });
                        match q.build().execute(&mut *tx).await {
                            Ok(done) => {
                                stored += done.rows_affected() - u64::from(logged.is_some())
                            }
                            Err(e) if optimistic && is_unique_violation(&e) => {
                                lost_race = true;
                                break;
                            }
                            Err(e) => return Err(e.into()),
                        }
                    }
                }
            }
            if lost_race {
                tx.rollback().await?;
                None
            } else {
                if let Some(encoded) = log {
                    // No insert carried it: none ran once it was encoded.
                    let mut q = QueryBuilder::new("");
                    push_log!(q, site, encoded);
                    q.build().execute(&mut *tx).await?;
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
                Some((stored, dropped))
            }
        });
        Ok(done)
    }
}
