//! Static files: the SDK build and the storefront. MIME types come from the file extension
//! (`.wasm` is `application/wasm`, which browsers require for streaming compilation).

use std::path::Path;

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::services::{ServeDir, ServeFile};

/// A year: what `immutable` files are kept for (RFC 8246 pairs it with a long max-age).
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// The SDK's other files, `reshelf.js` first (its URL is in the stores' pages): fresh for five
/// minutes, then for a day used once more while the browser revalidates it in the background
/// (RFC 5861 `stale-while-revalidate`), so a repeat page load never waits on a round trip for
/// it and a rebuilt SDK reaches a returning shopper within minutes. A copy that old may still
/// ask for files of the build before; `src/js/build.mjs` keeps those for a week.
const ENTRY: &str = "public, max-age=300, stale-while-revalidate=86400";

/// `pkg/`. The SDK's modules and the scripts `reshelf.js` loads carry their content's hash in
/// their name (`reshelf_capture.<hash>.wasm`, `reshelf-sync.<hash>.js`, see
/// `src/js/build.mjs`) and are served `immutable`: a repeat page load takes them, and the
/// code the browser compiled from them, from its cache without asking. Everything else is
/// served as [`ENTRY`], and a miss (404) is not cached at all. `Service-Worker-Allowed: /`
/// lets the kiosk worker served from `/reshelf/` control the kiosk's pages outside that
/// directory. The build writes brotli and gzip copies beside each file (`src/js/build.mjs`); a
/// browser that accepts them gets those bytes, with `Content-Encoding`, instead of the raw
/// file.
pub fn sdk(dir: &Path) -> axum::Router {
    axum::Router::new()
        .fallback_service(ServeDir::new(dir).precompressed_br().precompressed_gzip())
        .layer(axum::middleware::from_fn(sdk_headers))
}

async fn sdk_headers(req: Request, next: Next) -> Response {
    let immutable = is_fingerprinted(req.uri().path());
    let mut res = next.run(req).await;
    let cache = match (res.status().is_success(), immutable) {
        (true, true) => IMMUTABLE,
        (true, false) => ENTRY,
        (false, _) => "no-cache",
    };
    let headers = res.headers_mut();
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    headers.insert(
        header::HeaderName::from_static("service-worker-allowed"),
        HeaderValue::from_static("/"),
    );
    res
}

/// `<name>.<10 or more lowercase hex>.wasm` or `.js`: a file named for its content.
fn is_fingerprinted(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let Some(stem) = file
        .strip_suffix(".wasm")
        .or_else(|| file.strip_suffix(".js"))
    else {
        return false;
    };
    let Some((name, hash)) = stem.rsplit_once('.') else {
        return false;
    };
    !name.is_empty()
        && hash.len() >= 10
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
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

#[cfg(test)]
mod tests {
    use super::is_fingerprinted;

    #[test]
    fn only_content_named_files_are_immutable() {
        assert!(is_fingerprinted("/reshelf_capture.0123456789.wasm"));
        assert!(is_fingerprinted("/reshelf-sync.0123456789.js"));
        assert!(is_fingerprinted("/reshelf-engine-worker.abcdef0123.js"));
        assert!(!is_fingerprinted("/reshelf-sync.js"));
        assert!(!is_fingerprinted("/reshelf-sync.0123.js"));
        assert!(!is_fingerprinted("/reshelf.js.0123456789"));
        assert!(is_fingerprinted("/reshelf_engine.abcdef0123.wasm"));
        assert!(!is_fingerprinted("/reshelf_capture.wasm"));
        assert!(!is_fingerprinted("/reshelf_capture.ABCDEF0123.wasm"));
        assert!(!is_fingerprinted("/reshelf_capture.0123.wasm"));
        assert!(!is_fingerprinted("/reshelf.js"));
        assert!(!is_fingerprinted("/.0123456789.wasm"));
    }
}
