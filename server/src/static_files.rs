//! Static files: the SDK build and the storefront. MIME types come from the file extension
//! (`.wasm` is `application/wasm`, which browsers require for streaming compilation).

use std::path::Path;

use axum::http::{header, HeaderValue};
use tower::Layer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::{SetResponseHeader, SetResponseHeaderLayer};

/// `pkg/`: revalidated on every load so a rebuilt SDK is picked up at once; versioned,
/// immutable URLs for production CDNs are the deployer's choice.
/// `Service-Worker-Allowed: /` lets the kiosk worker served from `/reshelf/` control the
/// kiosk's pages outside that directory.
pub fn sdk(dir: &Path) -> SetResponseHeader<SetResponseHeader<ServeDir, HeaderValue>, HeaderValue> {
    let no_cache = SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-cache"),
    );
    let worker_scope = SetResponseHeaderLayer::overriding(
        header::HeaderName::from_static("service-worker-allowed"),
        HeaderValue::from_static("/"),
    );
    worker_scope.layer(no_cache.layer(ServeDir::new(dir)))
}

/// `www/`: directories serve their `index.html`; unknown paths get the site's 404 page.
pub fn site(dir: &Path) -> ServeDir<tower_http::set_status::SetStatus<ServeFile>> {
    ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .not_found_service(ServeFile::new(dir.join("404.html")))
}

/// The SPA example: every path under `/spa/` that is not a file renders the app's shell, so
/// deep links and reloads work like the app's own routes.
pub fn spa(dir: &Path) -> ServeDir<ServeFile> {
    ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")))
}

/// Adds a Content-Security-Policy header to the storefront's HTML pages (the policy a
/// retailer's pages would carry; reshelf must work under it).
pub fn with_csp(router: axum::Router, policy: &str) -> axum::Router {
    let Ok(value) = HeaderValue::from_str(policy) else {
        tracing::warn!("--storefront-csp is not a valid header value; not applied");
        return router;
    };
    router.layer(axum::middleware::map_response(
        move |mut res: axum::response::Response| {
            let value = value.clone();
            async move {
                let html = res
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|t| t.starts_with("text/html"));
                if html {
                    res.headers_mut()
                        .insert(header::CONTENT_SECURITY_POLICY, value);
                }
                res
            }
        },
    ))
}
