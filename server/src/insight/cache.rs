//! The page-stats feed is fetched on every storefront visit. Each site's feed is computed
//! once however many requests arrive together (the first computes it, the others wait for
//! its answer: single flight), and once it is older than [`FEED_TTL`] the old feed is
//! served while one background task computes the next, so no visitor waits on the
//! database after the first.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use moka::future::Cache;
use sha2::{Digest, Sha256};

use super::feed_json;
use crate::store::{Store, StoreError};

pub const FEED_TTL: Duration = Duration::from_secs(60);

/// Page statistics look this far back (days).
pub const STATS_DAYS: u32 = 90;

/// Sites whose feeds are kept; beyond it the least used are computed again when asked.
const MAX_SITES: u64 = 10_000;

#[derive(Clone)]
pub struct Feed {
    pub body: Arc<String>,
    /// A strong ETag: the first 12 bytes of the body's SHA-256, quoted hex.
    pub etag: String,
}

impl Feed {
    pub fn new(body: String) -> Self {
        let digest = Sha256::digest(body.as_bytes());
        let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
        Feed {
            body: body.into(),
            etag: format!("\"{hex}\""),
        }
    }
}

struct Entry {
    feed: Feed,
    at: Instant,
    refreshing: AtomicBool,
}

impl Entry {
    fn new(feed: Feed) -> Arc<Self> {
        Arc::new(Entry {
            feed,
            at: Instant::now(),
            refreshing: AtomicBool::new(false),
        })
    }
}

#[derive(Clone)]
pub struct PageStatsCache {
    store: Store,
    feeds: Cache<String, Arc<Entry>>,
    /// Feeds computed from the store (`reshelf_page_stats_computed_total`).
    computed: Arc<AtomicU64>,
}

impl PageStatsCache {
    /// A cache over `store` that counts each computation in `computed`.
    pub fn new(store: Store, computed: Arc<AtomicU64>) -> Self {
        PageStatsCache {
            store,
            feeds: Cache::new(MAX_SITES),
            computed,
        }
    }

    async fn compute(&self, site: &str) -> Result<Feed, StoreError> {
        self.computed.fetch_add(1, Ordering::Relaxed);
        Ok(Feed::new(feed_json(&self.store, site, STATS_DAYS).await?))
    }

    /// The site's feed. Errors: the store's, only when no feed of the site was computed yet
    /// (a failed background refresh keeps the old feed and is tried again on a later request).
    pub async fn get(&self, site: &str) -> Result<Feed, StoreError> {
        let entry = self
            .feeds
            .try_get_with(site.to_string(), async {
                self.compute(site).await.map(Entry::new)
            })
            .await
            .map_err(|e| (*e).clone())?;
        if entry.at.elapsed() >= FEED_TTL && !entry.refreshing.swap(true, Ordering::AcqRel) {
            let (cache, site, stale) = (self.clone(), site.to_string(), entry.clone());
            tokio::spawn(async move {
                match cache.compute(&site).await {
                    Ok(feed) => cache.feeds.insert(site, Entry::new(feed)).await,
                    Err(e) => {
                        tracing::warn!(site, error = %e, "page-stats refresh failed; serving the previous feed");
                        stale.refreshing.store(false, Ordering::Release);
                    }
                }
            });
        }
        Ok(entry.feed.clone())
    }
}
