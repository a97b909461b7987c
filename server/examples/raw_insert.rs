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
use reshelf_server::store::NewSummary;
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
                    .upsert(&site, batch, 0, now.as_millis() as i64, 0)
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
