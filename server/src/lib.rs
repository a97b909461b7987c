//! reshelf-server: the thin backend. Today it serves the SDK build and the demo storefront
//! and answers health checks; ingest and insight grow on the same router.
#![forbid(unsafe_code)]

mod health;
mod static_files;

use std::path::PathBuf;

use axum::Router;
use tower_http::trace::TraceLayer;

/// Where the server finds what it serves.
#[derive(Clone, Debug)]
pub struct Config {
    /// The storefront (the demo in `www/`), served at `/`.
    pub www: PathBuf,
    /// The SDK build (`pkg/`), served at `/reshelf/`.
    pub pkg: PathBuf,
}

/// The whole HTTP surface, as a router that tests drive without a socket.
pub fn app(config: &Config) -> Router {
    Router::new()
        .merge(health::routes())
        .nest_service("/reshelf", static_files::sdk(&config.pkg))
        .nest_service("/spa", static_files::spa(&config.www.join("spa")))
        .fallback_service(static_files::site(&config.www))
        .layer(TraceLayer::new_for_http())
}
