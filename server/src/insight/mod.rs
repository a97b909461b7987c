//! Aggregates over stored summaries: insight for the retailer, page statistics for the
//! clients, training rows for the trainer. Computed in Rust over the decoded summaries, so
//! SQLite and PostgreSQL give the same answers.

pub mod cache;
pub mod export;
pub mod insights;
pub mod page_stats;
pub mod stats;

use std::time::{SystemTime, UNIX_EPOCH};

use reshelf_core::summary::Summary;

use crate::store::{Store, StoreError};

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The site's sessions that started in the last `days` days.
pub async fn load(store: &Store, site: &str, days: u32) -> Result<Vec<Summary>, StoreError> {
    let since = unix_now().saturating_sub(u64::from(days) * 86_400);
    let bodies = store.bodies(site, since).await?;
    // Bodies were validated and re-encoded on the way in; one that no longer decodes (a
    // hand-edited row) is skipped rather than failing the whole report.
    Ok(bodies
        .iter()
        .filter_map(|b| serde_json::from_str(b).ok())
        .collect())
}

/// RFC 3339 UTC timestamp of a unix time, for `generated_at`.
pub fn rfc3339(unix: u64) -> String {
    let (day, secs) = (unix / 86_400, unix % 86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        insights::iso_day(day),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}
