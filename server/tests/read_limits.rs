//! Read routes under load: the public page-stats feed is computed once however many
//! storefront visits ask at the same time, and each read route sheds requests beyond its own
//! concurrency limit and times out slow ones with 503 and Retry-After, without holding up
//! the other read routes.

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use futures_util::future::join_all;
use reshelf_server::Store;
use serde_json::json;

async fn seed(r: &axum::Router) {
    let batch: Vec<_> = (0..20).map(|i| summary(&format!("r{i}"), 1)).collect();
    let a = call(
        r,
        post_json(
            &ingest_uri(),
            json!({ "site": SITE, "summaries": batch }).to_string(),
        ),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text());
}

fn page_stats() -> Request<Body> {
    Request::get(format!("/v1/page-stats?site={SITE}"))
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn concurrent_page_stats_requests_compute_the_feed_once() {
    for b in backends().await {
        // Room for all 40 at once: what is measured is the cache, not the route's limit.
        let r = router_with(&b, |c| c.limits.read_concurrency = 64);
        seed(&r).await;
        let answers = join_all((0..40).map(|_| call(&r, page_stats()))).await;
        assert!(
            answers.iter().all(|a| a.status == StatusCode::OK),
            "{}",
            b.name
        );
        let etag = answers[0].headers["etag"].clone();
        assert!(
            answers.iter().all(|a| a.headers["etag"] == etag),
            "{}",
            b.name
        );
        let m = call(&r, Request::get("/metrics").body(Body::empty()).unwrap()).await;
        assert!(
            m.text().contains("reshelf_page_stats_computed_total 1\n"),
            "{}: {}",
            b.name,
            m.text()
        );
        b.finish().await;
    }
}

#[tokio::test]
async fn a_read_route_sheds_and_times_out_on_its_own() {
    for b in backends().await {
        // A table lock held by another connection is a real slow query; PostgreSQL only (a
        // SQLite reader in WAL mode is never blocked by a writer).
        let Store::Postgres(pool) = &b.store else {
            continue;
        };
        let r = router_with(&b, |c| {
            c.limits.read_concurrency = 1;
            c.limits.read_timeout = Duration::from_millis(800);
        });
        seed(&r).await;
        // Fold the log now: the reads below must not need the locked table to write.
        b.store.roll_up_all(500).await.unwrap();
        let mut lock = pool.begin().await.unwrap();
        sqlx::query("LOCK TABLE rollup_pages IN ACCESS EXCLUSIVE MODE")
            .execute(&mut *lock)
            .await
            .unwrap();
        let slow = call(&r, page_stats());
        let shed = async {
            // While the first request holds the route's only slot.
            tokio::time::sleep(Duration::from_millis(200)).await;
            let shed = call(&r, page_stats()).await;
            // Insights do not read the pages table and have their own limit.
            let insights = call(&r, admin_get(&format!("/v1/insights?site={SITE}"))).await;
            (shed, insights)
        };
        let (slow, (shed, insights)) = tokio::join!(slow, shed);
        lock.rollback().await.unwrap();
        assert_eq!(
            slow.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "timed out: {}",
            slow.text()
        );
        assert_eq!(
            shed.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "shed: {}",
            shed.text()
        );
        assert!(
            slow.headers.contains_key("retry-after") && shed.headers.contains_key("retry-after")
        );
        assert_eq!(insights.status, StatusCode::OK, "{}", insights.text());
        // With the lock gone the route answers again.
        assert_eq!(call(&r, page_stats()).await.status, StatusCode::OK);
        b.finish().await;
    }
}
