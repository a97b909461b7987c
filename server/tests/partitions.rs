//! Raw summaries on PostgreSQL are partitioned by month: a session keeps one row when a
//! later version starts in another month (a corrected device clock), a store written before
//! the partitions is converted with its rows when opened, and retention drops whole months.

mod common;

use common::*;
use reshelf_core::summary::Summary;
use reshelf_server::store::{Drops, NewSummary};
use reshelf_server::Store;
use serde_json::json;
use sqlx::Row;

fn version(sid: &str, seq: u32, ts: u64) -> NewSummary {
    let mut v = summary(sid, seq);
    v["ts"] = json!(ts);
    NewSummary::new(serde_json::from_value::<Summary>(v).unwrap()).unwrap()
}

/// (sid, started_at, the table the row lives in) of every row, by sid.
async fn placed(store: &Store) -> Vec<(String, i64, String)> {
    const SQL: &str =
        "SELECT sid, started_at, tableoid::regclass::text FROM summaries ORDER BY sid";
    match store {
        Store::Postgres(pool) => sqlx::query(SQL)
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect(),
        Store::Sqlite(..) => Vec::new(),
    }
}

#[tokio::test]
async fn a_session_moved_to_another_month_keeps_one_row() {
    let now = reshelf_server::insight::unix_now();
    let this_month = now - now % 3600;
    let last_month = this_month - 35 * 86_400;
    for b in backends().await {
        let now_ms = (now * 1000) as i64;
        for (seq, ts) in [(1, last_month), (2, this_month), (3, last_month)] {
            b.store
                .upsert(SITE, &[version("moved", seq, ts)], &Drops::None, now_ms, 0)
                .await
                .unwrap();
        }
        let rows = rows(&b.store).await;
        assert_eq!(rows.len(), 1, "{}: {rows:?}", b.name);
        assert!(rows[0].contains("\"seq\":3"), "{}", b.name);
        if let Store::Postgres(pool) = &b.store {
            let placed = placed(&b.store).await;
            assert_eq!(placed.len(), 1);
            assert!(
                placed[0].2.starts_with("summaries_m"),
                "in a month partition: {placed:?}"
            );
            // The session index points at the row where it is now.
            let index: Vec<(String, i64)> =
                sqlx::query_as("SELECT sid, started_at FROM summary_sessions")
                    .fetch_all(pool)
                    .await
                    .unwrap();
            assert_eq!(index, [("moved".to_string(), placed[0].1)]);
        }
        b.finish().await;
    }
}

#[tokio::test]
async fn retention_drops_months_past_the_horizon_and_keeps_the_rest() {
    let now = reshelf_server::insight::unix_now();
    for b in backends().await {
        let Store::Postgres(_) = &b.store else {
            continue;
        };
        let now_ms = (now * 1000) as i64;
        let old: Vec<NewSummary> = (0..3)
            .map(|i| version(&format!("old{i}"), 1, now - 200 * 86_400))
            .collect();
        let recent = vec![version("recent", 1, now - 3600)];
        for batch in [&old, &recent] {
            b.store
                .upsert(SITE, batch, &Drops::None, now_ms, 0)
                .await
                .unwrap();
        }
        let horizon = (now - 100 * 86_400) as u64;
        assert_eq!(b.store.expire(horizon).await.unwrap(), 3);
        let placed = placed(&b.store).await;
        assert_eq!(
            placed.iter().map(|p| p.0.as_str()).collect::<Vec<_>>(),
            ["recent"]
        );
        if let Store::Postgres(pool) = &b.store {
            let index: Vec<(String,)> = sqlx::query_as("SELECT sid FROM summary_sessions")
                .fetch_all(pool)
                .await
                .unwrap();
            assert_eq!(
                index,
                [("recent".to_string(),)],
                "expired sessions leave the index"
            );
        }
        let months: i64 = match &b.store {
            Store::Postgres(pool) => sqlx::query(
                "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND c.relname LIKE 'summaries_m%' \
                 AND c.relkind = 'r'",
            )
            .fetch_one(pool)
            .await
            .unwrap()
            .get(0),
            Store::Sqlite(..) => 0,
        };
        // The 200-day-old month is gone; from the horizon's month to two months ahead stay.
        assert!(months >= 4, "{months} month partitions");
        b.finish().await;
    }
}

#[tokio::test]
async fn a_store_written_before_the_partitions_is_converted_with_its_rows() {
    let now = reshelf_server::insight::unix_now();
    for b in backends().await {
        let Some(schema) = b.schema.clone() else {
            continue;
        };
        let Store::Postgres(pool) = &b.store else {
            continue;
        };
        let batch: Vec<NewSummary> = (0..5)
            .map(|i| version(&format!("c{i}"), 1, now - i * 40 * 86_400))
            .collect();
        b.store
            .upsert(SITE, &batch, &Drops::None, (now * 1000) as i64, 0)
            .await
            .unwrap();
        let before = rows(&b.store).await;
        // Back to the plain table the migrations make.
        for sql in [
            "CREATE TABLE summaries_plain (LIKE summaries INCLUDING DEFAULTS)",
            "INSERT INTO summaries_plain SELECT * FROM summaries",
            "DROP TABLE summaries",
            "ALTER TABLE summaries_plain RENAME TO summaries",
            "ALTER TABLE summaries ADD CONSTRAINT summaries_pkey PRIMARY KEY (site, sid)",
            "CREATE INDEX summaries_site_started ON summaries (site, started_at)",
        ] {
            sqlx::query(sql).execute(pool).await.unwrap();
        }
        assert!(placed(&b.store).await.iter().all(|p| p.2 == "summaries"));
        let reopened = Store::open_postgres(&postgres_url(), Some(&schema))
            .await
            .unwrap();
        assert_eq!(rows(&reopened).await, before);
        let placed = placed(&reopened).await;
        assert!(
            placed.iter().all(|p| p.2.starts_with("summaries_m")),
            "{placed:?}"
        );
        reopened.close().await;
        b.finish().await;
    }
}
