//! The HTTP API under `/v1`, as documented in the README: ingest, page statistics,
//! insights and export.

mod auth;
mod body;
pub mod error;
mod ingest;
mod layers;
mod read;

use std::time::Duration;

use axum::error_handling::HandleErrorLayer;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use axum::Router;
use tower::ServiceBuilder;
use tower_http::limit::RequestBodyLimitLayer;

use crate::state::AppState;

pub fn routes(state: &AppState) -> Router<AppState> {
    let limits = &state.limits;
    // Outermost last: metrics see every answer; CORS and the rate limit answer before a
    // body is read; the overload policy wraps the handler itself.
    let ingest = Router::new().route(
        "/v1/summaries",
        post(ingest::ingest).options(ingest::preflight),
    );
    let ingest = overload_policy(ingest, limits.concurrency, limits.timeout)
        .layer(RequestBodyLimitLayer::new(limits.max_body))
        .layer(from_fn_with_state(state.clone(), layers::rate_limit))
        .layer(from_fn_with_state(state.clone(), layers::cors))
        .layer(from_fn_with_state(state.clone(), layers::record_metrics));
    // Each read route gets its own limit (a layer on a router wraps each route apart): a
    // slow export cannot shed the storefronts' page-stats requests.
    let reads = Router::new()
        .route("/v1/page-stats", get(read::page_stats_handler))
        .route("/v1/insights", get(read::insights_handler))
        .route("/v1/export", get(read::export_handler));
    let reads = overload_policy(reads, limits.read_concurrency, limits.read_timeout);
    Router::new().merge(ingest).merge(reads)
}

/// Sheds requests beyond `concurrency` in flight and times out those slower than `timeout`,
/// both answered 503 with Retry-After (`layers::overloaded`).
fn overload_policy(
    routes: Router<AppState>,
    concurrency: usize,
    timeout: Duration,
) -> Router<AppState> {
    routes.layer(
        ServiceBuilder::new()
            .layer(HandleErrorLayer::new(layers::overloaded))
            .load_shed()
            .concurrency_limit(concurrency)
            .timeout(timeout),
    )
}
