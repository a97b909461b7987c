//! What every handler shares.

use std::sync::Arc;

use crate::config::{Access, Limits};
use crate::insight::cache::PageStatsCache;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimiter;
use crate::store::Store;

#[derive(Clone)]
pub struct AppState(pub Arc<Shared>);

pub struct Shared {
    pub access: Access,
    pub limits: Limits,
    pub store: Store,
    pub metrics: Metrics,
    pub limiter: RateLimiter,
    pub page_stats: PageStatsCache,
}

impl std::ops::Deref for AppState {
    type Target = Shared;

    fn deref(&self) -> &Shared {
        &self.0
    }
}
