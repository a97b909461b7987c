//! The baseline of the ingest benchmark (`bench/ingest.mjs`): the store's insert, without
//! HTTP or validation. Builds `--rows` copies of a summary (a unique `sid` each, the body
//! re-encoded as the server would store it) before the clock starts, then writes them with
//! `Store::upsert` in batches of `--batch`, from `--concurrency` tasks sharing the store's
//! pool, into a fresh SQLite directory or a PostgreSQL schema. Prints one JSON line:
//! `{"rows":…,"secs":…,"per_sec":…}`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;
use reshelf_core::summary::Summary;
use reshelf_server::store::{Drops, NewSummary, ROLL_UP_BATCH};
use reshelf_server::Store;
use serde_json::json;

#[derive(Parser, Debug)]
struct Args {
    /// SQLite directory (fresh); used unless --database-url is given.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// PostgreSQL URL.
    #[arg(long)]
    database_url: Option<String>,
    /// PostgreSQL schema (created if missing; the caller drops it).
    #[arg(long)]
    database_schema: Option<String>,
    /// A summary as JSON; every row is a copy with its own sid.
    #[arg(long)]
    template: PathBuf,
    #[arg(long, default_value_t = 40_000)]
    rows: usize,
    #[arg(long, default_value_t = 50)]
    batch: usize,
    /// Tasks inserting at once (each inserts its batches one after another).
    #[arg(long, default_value_t = 1)]
    concurrency: usize,
    #[arg(long, default_value = "bench")]
    site: String,
    /// The insights benchmark's generator: with D > 0, sessions start over the last D days
    /// and vary (arm, ranker, device, source, pages from a pool of 5,000, categories from 50,
    /// about 4% buying), built batch by batch so 10M rows fit in memory.
    #[arg(long, default_value_t = 0)]
    spread_days: u64,
}

/// Row `i` of `rows` of the spread generator: the template varied deterministically by `i`,
/// starting on day `i·days/rows` of the span (sessions arrive in the order they happened).
fn spread(template: &Summary, run: u32, i: u64, rows: u64, days: u64, today: u64) -> Summary {
    use reshelf_core::summary::{DeviceClass, TrafficSource};
    // A cheap integer mix, so neighbouring rows differ in every field.
    let h = i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
    let mut s = template.clone();
    s.sid = format!("gen-{run}-{i}");
    s.ts = (today + 1 - days + i * days / rows.max(1)) * 86_400 + (h % 24) * 3600;
    s.ctl = h.is_multiple_of(10);
    s.rk = (!s.ctl).then(|| ["lr-1", "lr-2"][(h >> 8) as usize % 2].to_string());
    let purchase = (h >> 12).is_multiple_of(25);
    s.out.purchase = purchase;
    s.out.value_band = if purchase {
        1 + ((h >> 16) % 5) as u8
    } else {
        0
    };
    s.out.cart = u16::from(purchase || (h >> 20).is_multiple_of(7));
    s.pv = [
        (h >> 24) as u32 % 3,
        (h >> 26) as u32 % 2,
        1 + (h >> 28) as u32 % 8,
    ];
    s.secs = [s.pv[0] * 20, s.pv[1] * 30, s.pv[2] * 45];
    s.pages = (0..3)
        .map(|k| format!("{:08x}", (h >> (k * 13)) % 5_000 + 1))
        .fold(String::new(), |mut acc, p| {
            if !acc.as_bytes().chunks(8).any(|c| c == p.as_bytes()) {
                acc.push_str(&p);
            }
            acc
        });
    s.cats = vec![(format!("cat{}", (h >> 32) % 50), 60)];
    s.intent = format!("{:02x}{:02x}", (h >> 40) % 256, (h >> 48) % 256);
    s.ret = (h >> 36).is_multiple_of(3);
    s.dev = [
        DeviceClass::Desktop,
        DeviceClass::Mobile,
        DeviceClass::Tablet,
    ][(h >> 44) as usize % 3];
    s.src = [
        TrafficSource::Direct,
        TrafficSource::Search,
        TrafficSource::Social,
    ][(h >> 52) as usize % 3];
    s
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let template: Summary = serde_json::from_str(&std::fs::read_to_string(&args.template)?)?;
    let store = match (&args.database_url, &args.data_dir) {
        (Some(url), _) => Store::open_postgres(url, args.database_schema.as_deref()).await?,
        (None, Some(dir)) => Store::open_sqlite(dir).await?,
        (None, None) => return Err("--data-dir or --database-url is required".into()),
    };
    let run = std::process::id();
    if args.spread_days > 0 {
        return generate(&args, &template, &store, run).await;
    }
    let rows = (0..args.rows)
        .map(|i| {
            let mut s = template.clone();
            s.sid = format!("raw-{run}-{i}");
            NewSummary::new(s)
        })
        .collect::<Result<Vec<_>, serde_json::Error>>()?;
    let batches: Arc<Vec<Vec<NewSummary>>> =
        Arc::new(rows.chunks(args.batch.max(1)).map(<[_]>::to_vec).collect());
    let tasks = args.concurrency.max(1);
    let site = Arc::new(args.site.clone());
    let start = Instant::now();
    let mut handles = Vec::with_capacity(tasks);
    for k in 0..tasks {
        let (store, batches, site) = (store.clone(), batches.clone(), site.clone());
        handles.push(tokio::spawn(async move {
            let mut stored = 0;
            for batch in batches.iter().skip(k).step_by(tasks) {
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                stored += store
                    .upsert(&site, batch, &Drops::None, now.as_millis() as i64, 0)
                    .await?
                    .stored;
            }
            Ok::<u64, reshelf_server::store::StoreError>(stored)
        }));
    }
    let mut stored = 0;
    for h in handles {
        stored += h.await??;
    }
    let secs = start.elapsed().as_secs_f64();
    store.close().await;
    if stored != args.rows as u64 {
        return Err(format!("stored {stored} of {} rows", args.rows).into());
    }
    println!(
        "{}",
        json!({
            "rows": args.rows,
            "batch": args.batch,
            "concurrency": tasks,
            "backend": store.backend(),
            "secs": secs,
            "per_sec": args.rows as f64 / secs,
        })
    );
    Ok(())
}

/// `--spread-days`: writes the varied rows batch by batch from `--concurrency` tasks.
async fn generate(
    args: &Args,
    template: &Summary,
    store: &Store,
    run: u32,
) -> Result<(), Box<dyn std::error::Error>> {
    let today = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs() / 86_400;
    let tasks = args.concurrency.max(1) as u64;
    let (rows, batch, days) = (args.rows as u64, args.batch.max(1) as u64, args.spread_days);
    let start = Instant::now();
    let mut handles = Vec::new();
    for k in 0..tasks {
        let (store, site, template) = (store.clone(), args.site.clone(), template.clone());
        handles.push(tokio::spawn(async move {
            let mut first = k * batch;
            while first < rows {
                let chunk: Vec<NewSummary> = (first..(first + batch).min(rows))
                    .map(|i| NewSummary::new(spread(&template, run, i, rows, days, today)))
                    .collect::<Result<_, _>>()
                    .map_err(|e| reshelf_server::store::StoreError::Failed(e.to_string()))?;
                let now = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .unwrap_or_default();
                store
                    .upsert(&site, &chunk, &Drops::None, now.as_millis() as i64, 0)
                    .await?;
                // As the server's roller does, folded as it goes.
                store.roll_up_all(ROLL_UP_BATCH).await?;
                first += tasks * batch;
            }
            Ok::<(), reshelf_server::store::StoreError>(())
        }));
    }
    for h in handles {
        h.await??;
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "{}",
        json!({ "rows": rows, "spread_days": days, "backend": store.backend(), "secs": secs, "per_sec": rows as f64 / secs })
    );
    store.close().await;
    Ok(())
}
