//! The page-stats feed is fetched on every storefront visit: it is computed at most once a
//! minute per site and served with an ETag.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const FEED_TTL: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct Feed {
    pub body: Arc<String>,
    pub etag: String,
}

#[derive(Default)]
pub struct PageStatsCache {
    feeds: Mutex<HashMap<String, (Instant, Feed)>>,
}

impl PageStatsCache {
    pub fn get(&self, site: &str, now: Instant) -> Option<Feed> {
        let feeds = self.feeds.lock().unwrap_or_else(|e| e.into_inner());
        feeds
            .get(site)
            .filter(|(at, _)| now.saturating_duration_since(*at) < FEED_TTL)
            .map(|(_, f)| f.clone())
    }

    pub fn put(&self, site: &str, feed: Feed, now: Instant) {
        let mut feeds = self.feeds.lock().unwrap_or_else(|e| e.into_inner());
        feeds.insert(site.to_string(), (now, feed));
    }
}
