//! The read side over real stores: insights with the lift and its interval, page
//! statistics with ETags, and an export the trainer reads.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use reshelf_core::features::{parse_csv, PageStats, PageStatsFeed};
use serde_json::{json, Value};

/// 100 treatment sessions (20 buy) and 100 control sessions (10 buy); buyers view more
/// product pages and carry higher intent.
fn population() -> Vec<Value> {
    let mut out = Vec::new();
    for i in 0..200u32 {
        let control = i >= 100;
        let buys = if control { i - 100 < 10 } else { i < 20 };
        let mut s = summary(&format!("p{i}"), 1);
        s["ctl"] = json!(control);
        s["pv"] = json!([1, 0, if buys { 12 } else { 3 + i % 3 }]);
        s["intent"] = json!(if buys { "20c0" } else { "1010" });
        // Buyers were at 0x99 when they first added to cart (0xc0 came after).
        s["ipc"] = if buys { json!(0x99) } else { Value::Null };
        s["out"] = json!({ "c": u8::from(buys), "p": buys, "vb": if buys { 3 } else { 0 } });
        // Everyone enters on page a; buyers leave from c, the others bounce half the time.
        s["pages"] = json!(if buys {
            "0000000a0000000c"
        } else if i % 2 == 0 {
            "0000000a"
        } else {
            "0000000a0000000b"
        });
        if !buys && i % 2 == 0 {
            s["pv"] = json!([0, 0, 1]);
        }
        out.push(s);
    }
    out
}

async fn seeded(b: &Backend) -> axum::Router {
    let r = router(b);
    for chunk in population().chunks(50) {
        let a = call(&r, post_json(&ingest_uri(), batch(chunk))).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
    }
    r
}

#[tokio::test]
async fn insights_report_lift_with_its_interval_and_drivers() {
    for b in backends().await {
        let r = seeded(&b).await;
        let a = call(&r, admin_get(&format!("/v1/insights?site={SITE}"))).await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", b.name, a.text());
        let v = a.json();
        assert_eq!(v["sessions"], 200);
        assert_eq!(v["arms"]["treatment"]["purchases"], 20);
        assert_eq!(v["arms"]["control"]["purchases"], 10);
        let lift = &v["lift"];
        assert!((lift["absolute"].as_f64().unwrap() - 0.10).abs() < 1e-9);
        // Newcombe's interval for 20/100 − 10/100 (Wilson 0.1333–0.2888 and 0.0552–0.1744):
        // 0.0001 to 0.1995 — just excludes zero.
        let ci = lift["absolute_ci95"].as_array().unwrap();
        assert!((ci[0].as_f64().unwrap() - 0.000_149).abs() < 1e-5, "{ci:?}");
        assert!((ci[1].as_f64().unwrap() - 0.199_474).abs() < 1e-5, "{ci:?}");
        assert!((lift["relative"].as_f64().unwrap() - 1.0).abs() < 1e-9);
        assert_eq!(lift["enough_data"], true);
        // Buyers' checkpoint before the cart is 0x99 (0.6: the 6th tenth), the others' last
        // one 0x10 (the 1st).
        let cal = v["calibration"].as_array().unwrap();
        assert_eq!(cal.len(), 2, "{cal:?}");
        assert_eq!(
            (cal[0]["bin"].as_i64(), cal[1]["bin"].as_i64()),
            (Some(1), Some(6))
        );
        assert_eq!(
            (cal[0]["sessions"].as_i64(), cal[1]["sessions"].as_i64()),
            (Some(170), Some(30))
        );
        assert_eq!(
            (cal[0]["observed"].as_f64(), cal[1]["observed"].as_f64()),
            (Some(0.0), Some(1.0))
        );
        assert!((cal[1]["predicted"].as_f64().unwrap() - 153.0 / 255.0).abs() < 1e-12);
        let top = &v["drivers"][0];
        assert_eq!(top["feature"], "product_pages", "{}", v["drivers"]);
        assert!(top["effect_size"].as_f64().unwrap() > 1.0);
        assert_eq!(v["funnel"]["purchases"], 30);
        // Every session engaged both categories: a tie, broken by name.
        assert_eq!(v["top_categories"][0]["category"], "bags");
        assert_eq!(v["top_categories"][1]["sessions"], 200);
        assert_eq!(v["trend"].as_array().unwrap().len(), 1);
        b.finish().await;
    }
}

#[tokio::test]
async fn insights_and_export_need_the_admin_token() {
    for b in backends().await {
        let r = router(&b);
        for path in ["/v1/insights", "/v1/export"] {
            let uri = format!("{path}?site={SITE}");
            let none = call(&r, Request::get(&uri).body(Body::empty()).unwrap()).await;
            assert_eq!(none.status, StatusCode::UNAUTHORIZED, "{path}");
            let wrong = Request::get(&uri)
                .header("authorization", "Bearer nope")
                .body(Body::empty())
                .unwrap();
            assert_eq!(
                call(&r, wrong).await.status,
                StatusCode::FORBIDDEN,
                "{path}"
            );
            let unknown = call(&r, admin_get(&format!("{path}?site=other"))).await;
            assert_eq!(unknown.status, StatusCode::NOT_FOUND);
        }
        let empty = call(&r, admin_get(&format!("/v1/insights?site={SITE}")))
            .await
            .json();
        assert_eq!(
            (
                empty["sessions"].clone(),
                empty["lift"]["enough_data"].clone()
            ),
            (json!(0), json!(false))
        );
        assert!(empty["lift"]["absolute"].is_null());
        b.finish().await;
    }
}

#[tokio::test]
async fn page_stats_feed_is_cacheable_and_reads_into_the_sdk_type() {
    for b in backends().await {
        let r = seeded(&b).await;
        let uri = format!("/v1/page-stats?site={SITE}");
        let a = call(&r, Request::get(&uri).body(Body::empty()).unwrap()).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
        let etag = a.headers["etag"].to_str().unwrap().to_string();
        assert!(a.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age"));
        let feed: PageStatsFeed = serde_json::from_slice(&a.body).unwrap();
        let mut stats = PageStats::default();
        assert_eq!(feed.apply_to(&mut stats), Ok(3));
        let entry = stats.pages[&0xa];
        // 85 non-buyers bounce of 200 entries on page a; 30 buyers exit from c.
        assert!((entry.bounce_rate - 85.0 / 200.0).abs() < 1e-4, "{entry:?}");
        assert!((stats.pages[&0xc].exit_rate - 1.0).abs() < 1e-6);
        assert!((stats.pages[&0xc].page_value - 75.0).abs() < 1e-3);
        let again = Request::get(&uri)
            .header("if-none-match", &etag)
            .body(Body::empty())
            .unwrap();
        let a = call(&r, again).await;
        assert_eq!(a.status, StatusCode::NOT_MODIFIED);
        assert!(a.body.is_empty());
        b.finish().await;
    }
}

#[tokio::test]
async fn export_rows_are_what_the_trainer_reads() {
    for b in backends().await {
        let r = seeded(&b).await;
        let a = call(&r, admin_get(&format!("/v1/export?site={SITE}"))).await;
        assert_eq!(a.status, StatusCode::OK);
        assert!(a.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"));
        let rows = parse_csv(&a.text()).expect("the trainer's parser reads the export");
        assert_eq!(rows.len(), 200);
        assert_eq!(rows.iter().filter(|r| r.revenue).count(), 30);
        assert!(rows.iter().any(|r| r.features.product_related == 12.0));
        // Page statistics leave the row's own session out. Every session entered on page a;
        // the 30 buyers (order value band 3: 75.00) also saw page c. A buyer's page a has
        // the 29 other buyers' value over 199 sessions and its page c 29 × 75 over 29; a
        // non-buyer's page a has all 30 buyers' over 199.
        let buyer = (29.0 * 75.0 / 199.0 + 75.0) / 2.0;
        let only_a = 30.0 * 75.0 / 199.0;
        let close = |x: f32, y: f64| (f64::from(x) - y).abs() < 1e-4;
        assert!(rows
            .iter()
            .filter(|r| r.revenue)
            .all(|r| close(r.features.page_value, buyer)));
        assert!(rows
            .iter()
            .filter(|r| !r.revenue && r.features.product_related == 1.0)
            .all(|r| close(r.features.page_value, only_a)));
        b.finish().await;
    }
}

#[tokio::test]
async fn export_pages_walk_every_row_once_in_order() {
    for b in backends().await {
        let _r = seeded(&b).await;
        let (mut seen, mut after) = (Vec::new(), None);
        loop {
            let page = b
                .store
                .bodies_page(SITE, 0, after.clone(), 7)
                .await
                .unwrap();
            seen.extend(page.iter().map(|(t, sid, _)| (*t, sid.clone())));
            if page.len() < 7 {
                break;
            }
            after = page.last().map(|(t, sid, _)| (*t, sid.clone()));
        }
        let mut sorted = seen.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(seen, sorted, "{}", b.name);
        assert_eq!(seen.len(), 200, "{}", b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn dashboard_is_served_under_a_strict_policy() {
    let b = sqlite_backend().await;
    let r = router(&b);
    let a = call(&r, Request::get("/dashboard").body(Body::empty()).unwrap()).await;
    assert_eq!(a.status, StatusCode::OK);
    assert!(a.text().contains("/dashboard/dashboard.js"));
    let csp = a.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    let js = call(
        &r,
        Request::get("/dashboard/dashboard.js")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(js.headers["content-type"]
        .to_str()
        .unwrap()
        .contains("javascript"));
}
