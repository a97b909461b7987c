//! Ranking examples end to end on the server: summaries carry them, a batch with a damaged one
//! is refused whole (nothing of it stored), and `GET /v1/export?kind=ranking` streams them as
//! the JSON Lines `reshelf-train fit-ranker --data` reads — feature bytes only, no ids.

mod common;

use axum::http::StatusCode;
use common::*;
use reshelf_core::features::{RankExample, RANK_FEATURES};
use serde_json::{json, Value};

fn example(seed: u8) -> RankExample {
    RankExample::from_rows(
        (0..3u8)
            .map(|r| std::array::from_fn(|j| seed.wrapping_mul(31).wrapping_add(r * 17 + j as u8)))
            .collect(),
    )
    .unwrap()
}

#[tokio::test]
async fn ranking_examples_are_stored_and_exported_without_ids() {
    for b in backends().await {
        let r = router(&b);
        let mut with = Vec::new();
        for i in 0..6u8 {
            let mut s = summary(&format!("rk{i}"), 1);
            s["rk"] = json!("ranker-1.0.0");
            s["rx"] = json!([String::from(example(i)), String::from(example(i + 100))]);
            with.push(s);
        }
        // One summary without examples: it exports nothing.
        with.push(summary("plain", 1));
        let a = call(&r, post_json(&ingest_uri(), batch(&with))).await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", b.name, a.text());

        let mut bad = summary("bad", 1);
        bad["rx"] = json!(["not*base64"]);
        let a = call(
            &r,
            post_json(&ingest_uri(), batch(&[bad, summary("beside", 1)])),
        )
        .await;
        // A damaged example is refused by the schema; the summary beside it is stored.
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
        assert_eq!(a.json()["refused"][0]["sid"], "bad");
        let mut three = summary("three", 1);
        three["rx"] = json!([
            String::from(example(1)),
            String::from(example(2)),
            String::from(example(3))
        ]);
        let a = call(&r, post_json(&ingest_uri(), batch(&[three]))).await;
        assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text());

        let a = call(
            &r,
            admin_get(&format!("/v1/export?site={SITE}&kind=ranking")),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text());
        assert!(a.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/x-ndjson"));
        let text = a.text();
        assert!(!text.contains("rk0") && !text.contains("bad") && !text.contains("beside"));
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 12, "two examples from each of six sessions");
        let mut got: Vec<Vec<Vec<u64>>> = Vec::new();
        for l in &lines {
            assert_eq!(l["rk"], "ranker-1.0.0");
            assert_eq!(l["ctl"], false);
            let rows: Vec<Vec<u64>> = serde_json::from_value(l["rows"].clone()).unwrap();
            assert_eq!(rows.len(), 3);
            assert!(rows.iter().all(|r| r.len() == RANK_FEATURES));
            got.push(rows);
        }
        let want: Vec<Vec<Vec<u64>>> = (0..6u8)
            .flat_map(|i| [example(i), example(i + 100)])
            .map(|e| {
                e.rows()
                    .iter()
                    .map(|r| r.iter().map(|b| u64::from(*b)).collect())
                    .collect()
            })
            .collect();
        got.sort();
        let mut want = want;
        want.sort();
        assert_eq!(got, want);

        let a = call(
            &r,
            admin_get(&format!("/v1/export?site={SITE}&kind=clicks")),
        )
        .await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text());
        b.finish().await;
    }
}
