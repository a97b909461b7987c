//! SQLite's WAL checkpoints, taken off the write lock. By default SQLite copies the
//! write-ahead log back into the database file (and syncs it) inside the commit that grows
//! the log past 1,000 pages, so under steady ingest a batch now and then held the write lock
//! for a whole checkpoint. Ingest instead runs a passive checkpoint after its commit, every
//! [`ROWS_PER_CHECKPOINT`] rows, with the lock released: it runs beside the writers, which
//! keep appending. SQLite's own checkpoint stays as a backstop at
//! [`AUTOCHECKPOINT_PAGES`], for long writes that are not ingest (a backfill at start-up).

use std::sync::atomic::{AtomicU64, Ordering};

use sqlx::SqlitePool;

/// `PRAGMA wal_autocheckpoint`: pages (4 KiB) of log after which a commit checkpoints.
pub(crate) const AUTOCHECKPOINT_PAGES: u32 = 10_000;

/// Rows stored between two passive checkpoints (about 1 MB of log at 500 B a row).
const ROWS_PER_CHECKPOINT: u64 = 2_000;

/// Rows stored by ingest in this process, across stores: only when a checkpoint is due
/// depends on it.
static STORED: AtomicU64 = AtomicU64::new(0);

/// Called by ingest after a commit of `rows` rows, with the write lock released: runs a
/// passive checkpoint when [`ROWS_PER_CHECKPOINT`] rows have been stored since the last. A
/// checkpoint that fails (a reader holds the log) is left to the next one.
pub(crate) async fn after_commit(pool: &SqlitePool, rows: u64) {
    let before = STORED.fetch_add(rows, Ordering::Relaxed);
    if (before + rows) / ROWS_PER_CHECKPOINT == before / ROWS_PER_CHECKPOINT {
        return;
    }
    if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .execute(pool)
        .await
    {
        tracing::debug!(error = %e, "passive WAL checkpoint failed; the next one retries");
    }
}
