//! SQLite's write-ahead log is checkpointed by ingest itself, after its commits, rather than
//! inside whichever commit grows the log past SQLite's threshold (under the write lock).

mod common;

use common::*;
use reshelf_core::summary::Summary;
use reshelf_server::store::{Drops, NewSummary};
use reshelf_server::Store;

/// The log's checkpoint sequence number: the 4-byte big-endian integer at offset 12 of the
/// `-wal` file's header, which SQLite increments each time it starts the log over after a
/// complete checkpoint ("Database File Format", section 4.1).
fn checkpoint_sequence(wal: &std::path::Path) -> u32 {
    let header = std::fs::read(wal).unwrap();
    u32::from_be_bytes(header[12..16].try_into().unwrap())
}

#[tokio::test]
async fn ingest_checkpoints_the_log_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(dir.path()).await.unwrap();
    let wal = dir.path().join("reshelf.db-wal");
    let before = checkpoint_sequence(&wal);
    let now_ms = (unix_now() * 1000) as i64;
    // 4,100 rows in batches of 50: past two of ingest's checkpoints (one per 2,000 rows)
    // and far below the pages of log SQLite's own checkpoint waits for (10,000), so only
    // ingest's checkpoints can have started the log over.
    for b in 0..82 {
        let rows: Vec<NewSummary> = (0..50)
            .map(|i| {
                let v = summary(&format!("s-{b}-{i}"), 1);
                NewSummary::new(serde_json::from_value::<Summary>(v).unwrap()).unwrap()
            })
            .collect();
        store
            .upsert(SITE, &rows, &Drops::None, now_ms, 0)
            .await
            .unwrap();
    }
    let after = checkpoint_sequence(&wal);
    assert!(
        after > before,
        "the log was never started over: checkpoint sequence {before} → {after}"
    );
    assert_eq!(store.counts(SITE).await.unwrap().0, 4_100);
    store.close().await;
}
