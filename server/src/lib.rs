//! reshelf-server: the thin backend. Ingests session summaries into SQLite or PostgreSQL,
//! turns them into insight, page statistics and training rows, serves the dashboard, and
//! (for the demo) the SDK build and the storefront.
#![forbid(unsafe_code)]

pub mod aggregate;
pub mod api;
pub mod config;
mod dashboard;
mod health;
pub mod insight;
pub mod metrics;
pub mod rate_limit;
pub mod state;
mod static_files;
pub mod store;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use tower_http::trace::TraceLayer;

pub use config::{Access, Limits, Site};
pub use state::AppState;
pub use store::Store;

/// Where the server finds what it serves, and who may do what.
#[derive(Clone, Debug)]
pub struct Config {
    /// The storefront (the demo in `www/`), served at `/`.
    pub www: PathBuf,
    /// The SDK build (`pkg/`), served at `/reshelf/`.
    pub pkg: PathBuf,
    pub access: Access,
    pub limits: Limits,
    /// A Content-Security-Policy for the storefront's pages (HTML under `www/`), e.g.
    /// `script-src 'self' 'wasm-unsafe-eval'`, the strictest policy the SDK runs under.
    pub storefront_csp: Option<String>,
}

/// The whole HTTP surface over an open store, as a router tests drive without a socket.
pub fn app(config: &Config, store: Store) -> Router {
    let metrics = metrics::Metrics::default();
    let state = AppState(Arc::new(state::Shared {
        access: config.access.clone(),
        limits: config.limits.clone(),
        page_stats: insight::cache::PageStatsCache::new(
            store.clone(),
            metrics.page_stats_computed.clone(),
        ),
        store,
        metrics,
        limiter: rate_limit::RateLimiter::default(),
    }));
    let storefront = Router::new()
        .nest_service("/spa", static_files::spa(&config.www.join("spa")))
        .fallback_service(static_files::site(&config.www));
    let storefront = match &config.storefront_csp {
        Some(policy) => static_files::with_csp(storefront, policy),
        None => storefront,
    };
    Router::new()
        .merge(health::routes())
        .merge(api::routes(&state))
        .merge(dashboard::routes())
        .with_state(state)
        .nest("/reshelf", static_files::sdk(&config.pkg))
        .merge(storefront)
        .layer(TraceLayer::new_for_http())
}
