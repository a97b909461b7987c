//! Shared by the server's integration tests: a router over a real store (SQLite always,
//! PostgreSQL when reachable), requests without a socket, and valid summaries to send.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use reshelf_server::{app, Access, Config, Limits, Site, Store};
use serde_json::{json, Value};
use tower::ServiceExt;

pub const SITE: &str = "shop";
pub const KEY: &str = "pk_shop";
pub const ADMIN: &str = "admin-secret";

/// The PostgreSQL server tests use; `.ci/run` sets `RESHELF_REQUIRE_POSTGRES=1` so a missing
/// server fails the run instead of skipping.
pub fn postgres_url() -> String {
    std::env::var("RESHELF_TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

pub struct Backend {
    pub name: &'static str,
    pub store: Store,
    pub dir: tempfile::TempDir,
    pub schema: Option<String>,
}

impl Backend {
    /// Drops the PostgreSQL schema the test used.
    pub async fn finish(self) {
        if let (Some(schema), Store::Postgres(pool)) = (&self.schema, &self.store) {
            let _ = sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(pool)
                .await;
        }
        self.store.close().await;
    }
}

/// SQLite alone in a temporary directory, for what does not depend on the store (no
/// PostgreSQL schema is created, so none is left behind).
pub async fn sqlite_backend() -> Backend {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_sqlite(dir.path()).await.unwrap();
    Backend {
        name: "sqlite",
        store,
        dir,
        schema: None,
    }
}

/// SQLite in a temporary directory, and PostgreSQL in a fresh schema when reachable.
pub async fn backends() -> Vec<Backend> {
    static N: AtomicU32 = AtomicU32::new(0);
    let mut out = vec![sqlite_backend().await];
    let schema = format!(
        "reshelf_t{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    match Store::open_postgres(&postgres_url(), Some(&schema)).await {
        Ok(store) => out.push(Backend {
            name: "postgres",
            store,
            dir: tempfile::tempdir().unwrap(),
            schema: Some(schema),
        }),
        Err(e) if std::env::var("RESHELF_REQUIRE_POSTGRES").as_deref() == Ok("1") => {
            panic!("PostgreSQL is required (RESHELF_REQUIRE_POSTGRES=1) but not reachable: {e}")
        }
        Err(e) => eprintln!("PostgreSQL not reachable, testing SQLite only: {e}"),
    }
    out
}

pub fn config(www: PathBuf) -> Config {
    let mut access = Access {
        admin_token: Some(ADMIN.into()),
        ..Access::default()
    };
    access
        .add_site(Site {
            id: SITE.into(),
            key: KEY.into(),
            origins: vec!["https://shop.example".into()],
            rate_per_second: 1000.0,
            burst: 1000.0,
            holdout: 0.5,
        })
        .unwrap();
    Config {
        pkg: www.clone(),
        www,
        access,
        limits: Limits::default(),
        storefront_csp: None,
    }
}

pub fn router(b: &Backend) -> Router {
    router_with(b, |_| {})
}

pub fn router_with(b: &Backend, tweak: impl FnOnce(&mut Config)) -> Router {
    let mut c = config(b.dir.path().to_path_buf());
    tweak(&mut c);
    app(&c, b.store.clone())
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

pub async fn call(router: &Router, req: Request<Body>) -> Answer {
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    Answer {
        status,
        headers,
        body,
    }
}

pub fn ingest_uri() -> String {
    format!("/v1/summaries?site={SITE}&key={KEY}")
}

pub fn post_json(uri: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(uri)
        .header("content-type", "application/json")
        .body(body.into())
        .unwrap()
}

pub fn admin_get(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header("authorization", format!("Bearer {ADMIN}"))
        .body(Body::empty())
        .unwrap()
}

pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A valid summary as the SDK would send it.
pub fn summary(sid: &str, seq: u32) -> Value {
    let ts = unix_now() / 3600 * 3600 - 3600;
    json!({
        "v": 1, "sid": sid, "seq": seq, "ctl": false, "model": "intent-test",
        "pv": [1, 0, 4], "secs": [20, 0, 180],
        "pages": "0000000a0000000b0000000c", "cats": [["shoes", 100], ["bags", 40]],
        "intent": "102080", "ipc": 32, "dec": ["s3f00a1b212"],
        "out": { "c": 1, "p": false, "vb": 0 },
        "dev": "d", "br": "c", "src": "s", "hr": 14, "wd": 2, "mo": 10,
        "ts": ts, "ret": false, "sd": 0
    })
}

pub fn batch(summaries: &[Value]) -> String {
    json!({ "site": SITE, "summaries": summaries }).to_string()
}

/// Every stored row of the test site as (sid, seq, body), to compare before and after.
pub async fn rows(store: &Store) -> Vec<String> {
    let mut bodies = Vec::new();
    let mut after = None;
    loop {
        let page = store.bodies_page(SITE, 0, after, 1_000).await.unwrap();
        let Some((start, sid, _)) = page.last() else {
            break;
        };
        after = Some((*start, sid.clone()));
        bodies.extend(page.into_iter().map(|(_, _, body)| body));
    }
    bodies.sort();
    bodies
}
