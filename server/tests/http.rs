//! The router driven in-process (no socket): health, SDK MIME types, storefront pages.

mod common;

use std::fs;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use reshelf_server::{app, Config, Store};
use tower::ServiceExt;

fn fixture() -> (tempfile::TempDir, Config) {
    let dir = tempfile::tempdir().unwrap();
    let www = dir.path().join("www");
    let pkg = dir.path().join("pkg");
    fs::create_dir_all(www.join("category")).unwrap();
    fs::create_dir_all(&pkg).unwrap();
    fs::write(www.join("index.html"), "<h1>home</h1>").unwrap();
    fs::write(www.join("category/index.html"), "<h1>shoes</h1>").unwrap();
    fs::write(www.join("404.html"), "<h1>not here</h1>").unwrap();
    fs::write(pkg.join("reshelf.js"), "/* sdk */").unwrap();
    fs::write(pkg.join("reshelf-sync.0123456789.js"), "/* sync */").unwrap();
    fs::write(
        pkg.join("reshelf_capture.0123456789.wasm"),
        b"\0asm\x01\0\0\0",
    )
    .unwrap();
    fs::write(
        pkg.join("reshelf_capture.0123456789.wasm.br"),
        b"brotli bytes",
    )
    .unwrap();
    let mut config = common::config(www);
    config.pkg = pkg;
    (dir, config)
}

async fn respond(config: &Config, uri: &str) -> axum::response::Response {
    respond_with(config, Request::get(uri).body(Body::empty()).unwrap()).await
}

async fn respond_with(config: &Config, req: Request<Body>) -> axum::response::Response {
    let store = Store::open_sqlite(&config.www.join("../data"))
        .await
        .unwrap();
    app(config, store).oneshot(req).await.unwrap()
}

async fn get(config: &Config, uri: &str) -> (StatusCode, String, Vec<u8>) {
    let res = respond(config, uri).await;
    let status = res.status();
    let ctype = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, ctype, body)
}

#[tokio::test]
async fn healthz_answers_ok() {
    let (_d, c) = fixture();
    let (status, ctype, body) = get(&c, "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("application/json"));
    let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["status"], "ok");
}

#[tokio::test]
async fn wasm_is_served_as_application_wasm() {
    let (_d, c) = fixture();
    let (status, ctype, body) = get(&c, "/reshelf/reshelf_capture.0123456789.wasm").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ctype, "application/wasm");
    assert_eq!(&body[..4], b"\0asm");
    let (_, ctype, _) = get(&c, "/reshelf/reshelf.js").await;
    assert!(ctype.contains("javascript"), "{ctype}");
}

#[tokio::test]
async fn fingerprinted_files_are_immutable_and_the_script_is_briefly_fresh() {
    let (_d, c) = fixture();
    let cache_control = |path: &'static str| {
        let c = &c;
        async move {
            let res = respond(c, path).await;
            let v = res
                .headers()
                .get("cache-control")
                .map(|v| v.to_str().unwrap().to_string());
            (res.status(), v)
        }
    };
    let (status, cc) = cache_control("/reshelf/reshelf_capture.0123456789.wasm").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cc.as_deref(), Some("public, max-age=31536000, immutable"));
    let (status, cc) = cache_control("/reshelf/reshelf-sync.0123456789.js").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cc.as_deref(), Some("public, max-age=31536000, immutable"));
    let (_, cc) = cache_control("/reshelf/reshelf.js").await;
    assert_eq!(
        cc.as_deref(),
        Some("public, max-age=300, stale-while-revalidate=86400")
    );
    let (status, cc) = cache_control("/reshelf/reshelf_capture.9999999999.wasm").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        cc.as_deref(),
        Some("no-cache"),
        "a missing module is not cached for a year"
    );
}

#[tokio::test]
async fn storefront_pages_and_directory_indexes() {
    let (_d, c) = fixture();
    let (status, ctype, body) = get(&c, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(ctype.starts_with("text/html"));
    assert_eq!(body, b"<h1>home</h1>");
    let (status, _, body) = get(&c, "/category/").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body, b"<h1>shoes</h1>");
}

#[tokio::test]
async fn unknown_paths_are_404_with_the_site_page() {
    let (_d, c) = fixture();
    let (status, _, body) = get(&c, "/no/such/page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body, b"<h1>not here</h1>");
    let (status, _, _) = get(&c, "/reshelf/missing.wasm").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn path_traversal_is_refused() {
    let (_d, c) = fixture();
    let (status, _, _) = get(&c, "/reshelf/../www/index.html").await;
    assert_ne!(status, StatusCode::OK);
}

#[tokio::test]
async fn the_sdk_is_served_precompressed_to_browsers_that_accept_it() {
    let (_d, c) = fixture();
    let path = "/reshelf/reshelf_capture.0123456789.wasm";
    let req = Request::get(path)
        .header("accept-encoding", "gzip, deflate, br")
        .body(Body::empty())
        .unwrap();
    let res = respond_with(&c, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let header = |name: &str| {
        res.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    assert_eq!(header("content-encoding").as_deref(), Some("br"));
    assert_eq!(header("content-type").as_deref(), Some("application/wasm"));
    assert_eq!(
        header("cache-control").as_deref(),
        Some("public, max-age=31536000, immutable")
    );
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"brotli bytes");
    // Without Accept-Encoding: the raw file.
    let (status, _, body) = get(&c, path).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(&body[..4], b"\0asm");
}
