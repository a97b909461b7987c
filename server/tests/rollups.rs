//! The rollups kept at ingest equal a full recomputation over the stored summaries, on
//! SQLite and PostgreSQL, whatever the order summaries arrive in: replays, late versions
//! that replace earlier ones, sessions whose versions move between days, a kiosk's backlog
//! from weeks ago. And retention deletes raw rows past the horizon and nothing else.

mod common;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use common::*;
use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use reshelf_core::summary::Summary;
use reshelf_server::aggregate::tables::Table;
use reshelf_server::aggregate::{cohorts_of, Aggregates};
use reshelf_server::store::{Drops, NewSummary};
use reshelf_server::Store;
use serde_json::json;
use tokio::runtime::Runtime;

fn runtime() -> &'static Runtime {
    static RT: OnceLock<Runtime> = OnceLock::new();
    RT.get_or_init(|| Runtime::new().unwrap())
}

const DAY: u64 = 86_400;

/// One version of a session, drawn from a small space so keys collide across sessions.
#[derive(Clone, Debug)]
struct Version {
    sid: u8,
    seq: u8,
    /// Days before today the session started (21: a kiosk's backlog).
    days_ago: u8,
    control: bool,
    ranker: Option<&'static str>,
    purchase: bool,
    band: u8,
    cart: u8,
    pages: Vec<u8>,
    cats: Vec<u8>,
    intent: Vec<u8>,
    pv: [u8; 3],
    returning: bool,
    source: &'static str,
    device: &'static str,
}

fn version() -> impl Strategy<Value = Version> {
    (
        (
            0u8..10,
            1u8..5,
            prop::sample::select(vec![0u8, 0, 1, 2, 21]),
        ),
        (
            any::<bool>(),
            prop::option::of(prop::sample::select(vec!["lr-1", "lr-2"])),
        ),
        (any::<bool>(), 0u8..6, 0u8..3),
        (
            prop::collection::vec(0u8..6, 0..11),
            prop::collection::vec(0u8..4, 0..3),
            prop::collection::vec(any::<u8>(), 0..4),
        ),
        ([0u8..3, 0u8..3, 0u8..9], any::<bool>()),
        (
            prop::sample::select(vec!["d", "s", "so"]),
            prop::sample::select(vec!["d", "m", "t"]),
        ),
    )
        .prop_map(
            |(
                (sid, seq, days_ago),
                (control, ranker),
                (purchase, band, cart),
                (pages, cats, intent),
                (pv, returning),
                (source, device),
            )| {
                Version {
                    sid,
                    seq,
                    days_ago,
                    control,
                    ranker,
                    purchase,
                    band: if purchase { band.max(1) } else { 0 },
                    cart,
                    pages,
                    cats,
                    intent,
                    pv,
                    returning,
                    source,
                    device,
                }
            },
        )
}

fn summary_of(v: &Version, today: u64) -> Summary {
    let mut pages = String::new();
    for p in &v.pages {
        // Distinct pages only, as the SDK lists them.
        let h = format!("{:08x}", 0xa0 + u32::from(*p));
        if !pages.as_bytes().chunks(8).any(|c| c == h.as_bytes()) {
            pages.push_str(&h);
        }
    }
    let mut cats: Vec<String> = v.cats.iter().map(|c| format!("cat{c}")).collect();
    cats.dedup();
    // Sessions 0..8 belong to three visitors (units), so a unit's totals and cohort change
    // as its sessions arrive, are replaced and move between days; 8 and 9 carry no unit.
    let unit = (v.sid < 8).then_some(u32::from(v.sid / 3));
    // The checkpoint before the cart: the first one, when the session carted or bought.
    let ipc = (v.cart > 0 || v.purchase)
        .then(|| v.intent.first().copied())
        .flatten();
    let body = json!({
        "v": 1, "sid": format!("s{}", v.sid), "seq": v.seq, "ctl": v.control,
        "model": "intent-test", "rk": v.ranker,
        "pv": v.pv, "secs": [u32::from(v.pv[0]) * 7, 3, u32::from(v.pv[2]) * 31],
        "pages": pages,
        "cats": cats.iter().map(|c| json!([c, 10])).collect::<Vec<_>>(),
        "intent": v.intent.iter().map(|q| format!("{q:02x}")).collect::<String>(),
        "dec": [],
        "out": { "c": v.cart, "p": v.purchase, "vb": v.band },
        "dev": v.device, "br": "c", "src": v.source, "hr": 14, "wd": 2, "mo": 10,
        "ts": (today - u64::from(v.days_ago)) * DAY + 3600, "ret": v.returning, "sd": 3,
        "u": unit, "ipc": ipc,
    });
    serde_json::from_value(body).unwrap()
}

/// What the store should hold: the highest sequence number of each session.
fn latest(versions: &[Summary]) -> Vec<Summary> {
    let mut out: Vec<Summary> = Vec::new();
    for s in versions {
        match out.iter_mut().find(|o| o.sid == s.sid) {
            Some(o) if o.seq < s.seq => *o = s.clone(),
            Some(_) => {}
            None => out.push(s.clone()),
        }
    }
    out
}

/// Ingests `arrivals` in batches of `batch`, folding into the rollups after every
/// `roll_every`-th batch (0: only at the end), then once more at the end.
async fn ingest(store: &Store, site: &str, arrivals: &[Summary], batch: usize, roll_every: usize) {
    let now_ms = (reshelf_server::insight::unix_now() * 1000) as i64;
    for (i, chunk) in arrivals.chunks(batch.max(1)).enumerate() {
        let rows: Vec<NewSummary> = chunk
            .iter()
            .map(|s| NewSummary::new(s.clone()).unwrap())
            .collect();
        store
            .upsert(site, &rows, &Drops::None, now_ms, 0)
            .await
            .unwrap();
        if roll_every > 0 && (i + 1) % roll_every == 0 {
            // A small pass: some rows folded, the rest left dirty for later.
            store.roll_up(3).await.unwrap();
        }
    }
    store.roll_up_all(7).await.unwrap();
}

/// What a read of the days from `since` on returns: each table's keys summed over those
/// days, with day 0.
fn window_of(days: &Aggregates, since: i64) -> Aggregates {
    fn sum<K: Table, const W: usize>(
        map: &BTreeMap<K, [i64; W]>,
        since: i64,
    ) -> BTreeMap<K, [i64; W]> {
        let mut out: BTreeMap<K, [i64; W]> = BTreeMap::new();
        for (key, values) in map.iter().filter(|(k, _)| k.day() >= since) {
            let sums = out.entry(K::from_parts(0, key.parts())).or_insert([0; W]);
            for (s, v) in sums.iter_mut().zip(values) {
                *s += v;
            }
        }
        out
    }
    Aggregates {
        arms: sum(&days.arms, since),
        drivers: sum(&days.drivers, since),
        calibration: sum(&days.calibration, since),
        categories: sum(&days.categories, since),
        pages: sum(&days.pages, since),
        units: sum(&days.units, since),
        cohorts: sum(&days.cohorts, since),
    }
    .without_zeros()
}

/// Window starts around the span boundaries the scenario's days (today to 21 days ago) cross.
fn window_starts(today: u64) -> impl Iterator<Item = i64> {
    let today = today as i64;
    let boundary = reshelf_server::aggregate::spans::span_start(today);
    [
        0,
        today - 22,
        boundary - 16,
        boundary - 15,
        boundary - 1,
        boundary,
        boundary + 1,
        today,
    ]
    .into_iter()
}

#[test]
fn rollups_equal_a_full_recomputation() {
    let stores = runtime().block_on(backends());
    let today = reshelf_server::insight::unix_now() / DAY;
    let case = std::cell::Cell::new(0u32);
    let mut runner = TestRunner::new(ProptestConfig {
        cases: 48,
        ..ProptestConfig::default()
    });
    let scenario = (
        prop::collection::vec(version(), 1..40),
        prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        1usize..7,
        0usize..4,
    );
    let result = runner.run(&scenario, |(versions, replays, batch, roll_every)| {
        let mut arrivals: Vec<Summary> = versions.iter().map(|v| summary_of(v, today)).collect();
        // Replays: a version sent again, later in the stream.
        for i in &replays {
            let again = arrivals[i.index(arrivals.len())].clone();
            arrivals.push(again);
        }
        let expected = Aggregates::of(&latest(&arrivals)).without_zeros();
        for b in &stores {
            case.set(case.get() + 1);
            let site = format!("p{}", case.get());
            let (got, windows) = runtime().block_on(async {
                ingest(&b.store, &site, &arrivals, batch, roll_every).await;
                let mut windows = Vec::new();
                for since in window_starts(today) {
                    windows.push(b.store.rollups(&site, since, false, true).await.unwrap());
                }
                (
                    b.store.rollups(&site, 0, true, true).await.unwrap(),
                    windows,
                )
            });
            prop_assert_eq!(&got, &expected, "{}", b.name);
            // Windows read as days before a span boundary plus spans equal the days summed.
            for (since, window) in window_starts(today).zip(&windows) {
                prop_assert_eq!(
                    window,
                    &window_of(&expected, since),
                    "{} from day {}",
                    b.name,
                    since
                );
            }
        }
        Ok(())
    });
    runtime().block_on(async {
        for b in stores {
            b.finish().await;
        }
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn rows_stored_before_the_rollups_are_rolled_up_when_the_store_opens() {
    runtime().block_on(async {
        let today = reshelf_server::insight::unix_now() / DAY;
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite(dir.path()).await.unwrap();
        let arrivals: Vec<Summary> = (0..25u8)
            .map(|i| {
                let mut v = summary_of(&sample(i), today);
                v.sid = format!("old{i}");
                v
            })
            .collect();
        ingest(&store, SITE, &arrivals, 10, 0).await;
        // As a store written before the rollups existed: rows not rolled up, tables empty.
        if let Store::Sqlite(pool, _) = &store {
            for table in [
                "rollup_arms",
                "rollup_drivers",
                "rollup_calibration",
                "rollup_categories",
                "rollup_pages",
                "rollup_unit_days",
                "rollup_cohorts",
                "rollup_arms_spans",
                "rollup_drivers_spans",
                "rollup_calibration_spans",
                "rollup_categories_spans",
                "rollup_pages_spans",
                "rollup_cohorts_spans",
            ] {
                sqlx::query(&format!("DELETE FROM {table}"))
                    .execute(pool)
                    .await
                    .unwrap();
            }
            // What migration 0002 does to the rows it finds.
            sqlx::query("INSERT INTO rollup_backfill (site, sid) SELECT site, sid FROM summaries")
                .execute(pool)
                .await
                .unwrap();
        }
        assert!(store.rollups(SITE, 0, true, true).await.unwrap().is_empty());
        store.close().await;
        let store = Store::open_sqlite(dir.path()).await.unwrap();
        let got = store.rollups(SITE, 0, true, true).await.unwrap();
        assert_eq!(got, Aggregates::of(&arrivals).without_zeros());
        store.close().await;
    });
}

fn sample(i: u8) -> Version {
    Version {
        sid: i,
        seq: 1,
        days_ago: i % 3,
        control: i.is_multiple_of(4),
        ranker: (i.is_multiple_of(2)).then_some("lr-1"),
        purchase: i.is_multiple_of(5),
        band: if i.is_multiple_of(5) { 2 } else { 0 },
        cart: u8::from(i.is_multiple_of(3)),
        pages: vec![i % 4, (i + 1) % 4],
        cats: vec![i % 2],
        intent: vec![i.wrapping_mul(37)],
        pv: [1, 0, i % 5],
        returning: i % 2 == 1,
        source: "s",
        device: "m",
    }
}

#[test]
fn retention_deletes_raw_rows_past_the_horizon_and_keeps_their_rollups() {
    runtime().block_on(async {
        let today = reshelf_server::insight::unix_now() / DAY;
        for b in backends().await {
            let arrivals: Vec<Summary> = (0..12u8)
                .map(|i| {
                    let mut v = sample(i);
                    v.days_ago = if i < 5 { 21 } else { 1 };
                    summary_of(&v, today)
                })
                .collect();
            ingest(&b.store, SITE, &arrivals, 4, 1).await;
            let before = b.store.rollups(SITE, 0, true, true).await.unwrap();
            let horizon = (today - 10) * DAY;
            assert_eq!(b.store.expire(horizon).await.unwrap(), 5, "{}", b.name);
            assert_eq!(rows(&b.store).await.len(), 7, "{}", b.name);
            // Every rollup stays but the unit days before the horizon's: a unit counts from
            // its first day kept.
            let mut kept = before.clone();
            kept.units.retain(|k, _| k.day >= (horizon / DAY) as i64);
            kept.cohorts = cohorts_of(&kept.units);
            let kept = kept.without_zeros();
            assert_eq!(
                b.store.rollups(SITE, 0, true, true).await.unwrap(),
                kept,
                "{}",
                b.name
            );
            // A late version of an expired session is not stored: its old contribution can no
            // longer be taken out, so storing it would count the session twice.
            let mut late = arrivals[0].clone();
            late.seq += 1;
            let now_ms = (reshelf_server::insight::unix_now() * 1000) as i64;
            let outcome = b
                .store
                .upsert(
                    SITE,
                    &[NewSummary::new(late).unwrap()],
                    &Drops::None,
                    now_ms,
                    horizon,
                )
                .await
                .unwrap();
            assert_eq!((outcome.stored, outcome.stale), (0, 1), "{}", b.name);
            assert_eq!(
                b.store.rollups(SITE, 0, true, true).await.unwrap(),
                kept,
                "{}",
                b.name
            );
            b.finish().await;
        }
    });
}

/// Batches carrying versions of the same sessions stored side by side. SQLite reads the
/// stored versions before its write lock and checks them under it (a batch that lost the
/// race is written again under the lock); PostgreSQL takes each session's advisory lock.
/// Either way each session keeps its highest version and the rollups equal a recomputation.
#[test]
fn concurrent_batches_of_the_same_sessions_keep_the_rollups_exact() {
    runtime().block_on(async {
        let today = reshelf_server::insight::unix_now() / DAY;
        // 12 sessions, 6 versions each; a version's start and outcome change with its seq,
        // so a replacement moves the session between days and keys.
        let versions: Vec<Summary> = (0..12u8)
            .flat_map(|i| {
                (1..=6u8).map(move |seq| {
                    let mut v = sample(i.wrapping_add(seq));
                    v.sid = i;
                    v.seq = seq;
                    summary_of(&v, today)
                })
            })
            .collect();
        let expected = Aggregates::of(&latest(&versions)).without_zeros();
        for b in backends().await {
            let now_ms = (reshelf_server::insight::unix_now() * 1000) as i64;
            // Six writers, each with every version in its own order, in batches of three.
            let writers = (0..6usize).map(|w| {
                let store = b.store.clone();
                let mut mine = versions.clone();
                mine.rotate_left(w * 11);
                if w % 2 == 1 {
                    mine.reverse();
                }
                tokio::spawn(async move {
                    let mut retried = 0;
                    for chunk in mine.chunks(3) {
                        let rows: Vec<NewSummary> = chunk
                            .iter()
                            .map(|s| NewSummary::new(s.clone()).unwrap())
                            .collect();
                        let outcome = store
                            .upsert(SITE, &rows, &Drops::None, now_ms, 0)
                            .await
                            .unwrap();
                        retried += outcome.retried;
                    }
                    retried
                })
            });
            let mut retried = 0;
            for w in writers.collect::<Vec<_>>() {
                retried += w.await.unwrap();
            }
            b.store.roll_up_all(50).await.unwrap();
            let got = b.store.rollups(SITE, 0, true, true).await.unwrap();
            assert_eq!(got, expected, "{}", b.name);
            let stored = rows(&b.store).await;
            assert_eq!(stored.len(), 12, "{}", b.name);
            assert!(
                stored.iter().all(|body| body.contains("\"seq\":6")),
                "{}: {stored:?}",
                b.name
            );
            if b.name == "sqlite" {
                assert!(
                    retried > 0,
                    "no batch lost a race: the test did not test it"
                );
            } else {
                assert_eq!(retried, 0, "{}", b.name);
            }
            b.finish().await;
        }
    });
}
