//! The typed columns beside each stored summary: written at ingest with the version that is
//! stored (a replacement rewrites them), and filled in the background for rows stored
//! before they existed.

mod common;

use axum::http::StatusCode;
use common::*;
use reshelf_server::Store;
use serde_json::json;

type Row = (String, i64, i64, String, i64, i64, Option<i64>, bool);

/// (sid, day, unit, ranker, pv_product, cart, intent_bin, returning_visitor) of every row.
async fn typed_rows(store: &Store) -> Vec<Row> {
    const SQL: &str =
        "SELECT sid, day, unit, ranker, pv_product, cart, intent_bin, returning_visitor \
                       FROM summaries WHERE site = $1 ORDER BY sid";
    match store {
        Store::Sqlite(pool, _) => sqlx::query_as(SQL).bind(SITE).fetch_all(pool).await,
        Store::Postgres(pool) => sqlx::query_as(SQL).bind(SITE).fetch_all(pool).await,
    }
    .unwrap()
}

async fn execute(store: &Store, sql: &str) {
    match store {
        Store::Sqlite(pool, _) => sqlx::query(sql).execute(pool).await.map(|_| ()),
        Store::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|_| ()),
    }
    .unwrap();
}

#[tokio::test]
async fn typed_columns_follow_the_stored_version_and_are_filled_for_older_rows() {
    for b in backends().await {
        let r = router(&b);
        let mut first = summary("t1", 1);
        first["u"] = json!(77);
        first["rk"] = json!("lr-1");
        let mut newer = first.clone();
        newer["seq"] = json!(2);
        newer["pv"] = json!([1, 0, 9]);
        newer["ret"] = json!(true);
        let mut other = summary("t2", 1);
        // No cart, no purchase: calibrated on its last checkpoint, 0x80 (the 6th tenth).
        other["out"] = json!({ "c": 0, "p": false, "vb": 0 });
        for batch in [vec![first], vec![newer.clone(), other]] {
            let a = call(&r, post_json(&ingest_uri(), batch_json(&batch))).await;
            assert_eq!(a.status, StatusCode::OK, "{}", a.text());
        }
        let day = (newer["ts"].as_u64().unwrap() / 86_400) as i64;
        let rows = typed_rows(&b.store).await;
        assert_eq!(
            rows[0],
            ("t1".into(), day, 77, "lr-1".into(), 9, 1, Some(1), true),
            "{}",
            b.name
        );
        let t2_unit = i64::from(reshelf_core::hash::fnv1a32(b"t2"));
        assert_eq!(
            rows[1],
            (
                "t2".into(),
                day,
                t2_unit,
                String::new(),
                4,
                0,
                Some(5),
                false
            ),
            "{}",
            b.name
        );

        // As rows stored before migration 0005: columns empty, listed for the backfill.
        let cleared: Vec<String> = [
            "day",
            "unit",
            "ranker",
            "pv_product",
            "cart",
            "intent_bin",
            "returning_visitor",
        ]
        .iter()
        .map(|c| format!("{c} = NULL"))
        .collect();
        execute(
            &b.store,
            &format!("UPDATE summaries SET {}", cleared.join(", ")),
        )
        .await;
        execute(
            &b.store,
            "INSERT INTO typed_backfill (site, sid) SELECT site, sid FROM summaries",
        )
        .await;
        assert_eq!(b.store.fill_typed(1).await.unwrap(), 1);
        assert_eq!(b.store.fill_typed(10).await.unwrap(), 1);
        assert_eq!(b.store.fill_typed(10).await.unwrap(), 0);
        assert_eq!(typed_rows(&b.store).await, rows, "{}", b.name);
        b.finish().await;
    }
}

fn batch_json(summaries: &[serde_json::Value]) -> String {
    batch(summaries)
}
