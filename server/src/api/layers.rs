//! Tower layers in front of ingest: metrics, CORS per site, rate limit per key, and the
//! overload policy (timeout, concurrency limit with load shedding → 503).

use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::BoxError;

use super::error::ApiError;
use crate::state::AppState;

/// Counts every answer of the ingest route, whichever layer gave it.
pub async fn record_metrics(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let start = Instant::now();
    app.metrics.in_flight.fetch_add(1, Relaxed);
    let res = next.run(req).await;
    app.metrics.in_flight.fetch_sub(1, Relaxed);
    app.metrics.observe(res.status().as_u16(), start.elapsed());
    res
}

fn query_param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Same-origin: the Origin names the host the request was sent to.
fn same_origin(origin: &str, headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let bare = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    matches!((bare, host), (Some(o), Some(h)) if o.eq_ignore_ascii_case(h))
}

/// Browsers send `Origin` on cross-origin posts and on same-origin POSTs; a site's
/// allowlist decides. Requests without one (servers, curl) are not browser-bound and pass.
pub async fn cors(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let Some(origin) = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_string)
    else {
        return next.run(req).await;
    };
    let site = query_param(req.uri().query(), "site").and_then(|s| app.access.sites.get(s));
    let allowed = site.is_some_and(|s| {
        s.origins.iter().any(|o| o == "*" || o == &origin) || same_origin(&origin, req.headers())
    });
    if !allowed {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "origin_refused",
            format!("origin {origin} is not allowed for this site"),
        )
        .into_response();
    }
    let preflight = req.method() == Method::OPTIONS;
    let mut res = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(req).await
    };
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&origin) {
        h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
    }
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    h.insert(
        header::ACCESS_CONTROL_EXPOSE_HEADERS,
        HeaderValue::from_static("Retry-After"),
    );
    if preflight {
        h.insert(
            header::ACCESS_CONTROL_ALLOW_METHODS,
            HeaderValue::from_static("POST"),
        );
        h.insert(
            header::ACCESS_CONTROL_ALLOW_HEADERS,
            HeaderValue::from_static("content-type, content-encoding"),
        );
        h.insert(
            header::ACCESS_CONTROL_MAX_AGE,
            HeaderValue::from_static("86400"),
        );
    }
    res
}

/// One token per request from the bucket of the key in the URL, when it is a configured
/// site's key (anything else is refused by the handler, unmetered but cheap).
pub async fn rate_limit(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let q = req.uri().query();
    let site = query_param(q, "site").and_then(|s| app.access.sites.get(s));
    if let (Some(site), Some(key)) = (site, query_param(q, "key")) {
        if key == site.key {
            if let Err(wait) =
                app.limiter
                    .take(&site.key, site.rate_per_second, site.burst, Instant::now())
            {
                return ApiError::rate_limited(wait).into_response();
            }
        }
    }
    next.run(req).await
}

/// Overload and timeouts become 503 with Retry-After: the client keeps the batch and retries.
pub async fn overloaded(err: BoxError) -> ApiError {
    if err.is::<tower::timeout::error::Elapsed>() {
        ApiError::unavailable("request timed out")
    } else if err.is::<tower::load_shed::error::Overloaded>() {
        ApiError::unavailable("server busy")
    } else {
        ApiError::unavailable(format!("unhandled: {err}"))
    }
}
