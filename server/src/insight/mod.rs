//! Insight for the retailer and page statistics for the clients, from the daily rollups
//! (`crate::aggregate`); training rows for the trainer, from the stored summaries. The
//! figures are computed in Rust from integer sums, so SQLite and PostgreSQL give the same
//! answers.

pub mod cache;
pub mod design;
pub mod experiment;
pub mod export;
pub mod insights;
pub mod page_stats;
pub mod stats;

use std::time::{SystemTime, UNIX_EPOCH};

use crate::store::{Store, StoreError, ROLL_UP_BATCH};

pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Folds summaries stored since the roller's last pass (one pass, at most
/// [`ROLL_UP_BATCH`] rows), so a report reflects what was acknowledged before it was asked
/// for; the background roller keeps that pass short.
pub async fn catch_up(store: &Store) -> Result<(), StoreError> {
    store.roll_up(ROLL_UP_BATCH).await.map(|_| ())
}

/// The first day (day number, UTC) of a window of `days` days ending today.
pub fn since_day(days: u32) -> i64 {
    crate::aggregate::day_of(unix_now()) - i64::from(days) + 1
}

/// The insight report of a site's last `days` days, from the rollups.
pub async fn report(
    store: &Store,
    site: &str,
    days: u32,
    control_share: f64,
) -> Result<serde_json::Value, StoreError> {
    catch_up(store).await?;
    let since = since_day(days);
    let totals = store.rollups(site, since, false, false).await?;
    let trend_since = since.max(since_day(insights::TREND_DAYS as u32));
    let per_day = store.arm_days(site, trend_since).await?;
    Ok(insights::insights(
        site,
        &totals,
        &per_day,
        days,
        &rfc3339(unix_now()),
        control_share,
    ))
}

/// The page-stats feed of a site's last `days` days, as JSON, from the rollups.
pub async fn feed_json(store: &Store, site: &str, days: u32) -> Result<String, StoreError> {
    catch_up(store).await?;
    let sums = store.page_sums(site, since_day(days)).await?;
    serde_json::to_string(&page_stats::feed(&page_stats::page_stats(&sums)))
        .map_err(|e| StoreError::Failed(e.to_string()))
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
