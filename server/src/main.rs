//! `reshelf-server`: ingest, insight, dashboard, and the demo storefront.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use reshelf_server::{app, Access, Config, Limits, Store};
use tracing_subscriber::EnvFilter;

/// mimalloc instead of glibc's malloc: ingest allocates and frees many small values per
/// summary across tokio's threads, where glibc's arenas spent a fifth of the server's CPU
/// time (perf, closed-loop ingest).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(
    version,
    about = "reshelf's backend: summary ingest on SQLite or PostgreSQL, insights, page statistics, export, the dashboard, and the storefront"
)]
struct Args {
    /// Address to listen on; port 0 picks a free port (printed on start).
    #[arg(long, default_value = "127.0.0.1:8080", env = "RESHELF_ADDR")]
    addr: SocketAddr,
    /// Storefront directory served at /.
    #[arg(long, default_value = "www", env = "RESHELF_WWW")]
    www: PathBuf,
    /// SDK build directory served at /reshelf/.
    #[arg(long, default_value = "pkg", env = "RESHELF_PKG")]
    pkg: PathBuf,
    /// Directory of the embedded SQLite database (used unless --database-url is given).
    #[arg(long, default_value = "data", env = "RESHELF_DATA_DIR")]
    data_dir: PathBuf,
    /// PostgreSQL URL (postgres://user@host:5432/db): the production store, shared by any
    /// number of reshelf-server instances.
    #[arg(long, env = "RESHELF_DATABASE_URL")]
    database_url: Option<String>,
    /// PostgreSQL schema to use (created if missing); default: the URL's search path.
    #[arg(long, env = "RESHELF_DATABASE_SCHEMA")]
    database_schema: Option<String>,
    /// TOML file with `admin_token` and `[[sites]]` (id, key, origins, rate_per_second, burst).
    #[arg(long, env = "RESHELF_CONFIG")]
    config: Option<PathBuf>,
    /// A site and its public write key, ID=KEY (repeatable; same-origin browsers only).
    #[arg(long = "site", value_name = "ID=KEY")]
    sites: Vec<String>,
    /// Bearer token for /v1/insights, /v1/export and the dashboard's data.
    #[arg(long, env = "RESHELF_ADMIN_TOKEN")]
    admin_token: Option<String>,
    /// Ingest requests handled at once; more are shed with 503.
    #[arg(long, default_value_t = 256)]
    concurrency: usize,
    /// Ingest request timeout in milliseconds (503 after it).
    #[arg(long, default_value_t = 10_000)]
    timeout_ms: u64,
    /// Requests in flight per read route (insights, export, page-stats); more are shed with 503.
    #[arg(long, default_value_t = 8)]
    read_concurrency: usize,
    /// Read request timeout in milliseconds (503 after it).
    #[arg(long, default_value_t = 15_000)]
    read_timeout_ms: u64,
    /// Days raw summaries are kept; older ones are deleted hourly (insights keep them in
    /// their daily rollups).
    #[arg(long, default_value_t = reshelf_server::config::DEFAULT_RETENTION_DAYS, value_parser = clap::value_parser!(u32).range(1..=3650))]
    retention_days: u32,
    /// Content-Security-Policy header for the storefront's pages (demos and tests of the SDK
    /// under a strict policy), e.g. "script-src 'self' 'wasm-unsafe-eval'".
    #[arg(long)]
    storefront_csp: Option<String>,
    /// Log as JSON lines (for log collectors) instead of text.
    #[arg(long)]
    log_json: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if args.log_json {
        logs.json().init();
    } else {
        logs.init();
    }
    for (what, dir) in [("--www", &args.www), ("--pkg", &args.pkg)] {
        if !dir.is_dir() {
            return Err(format!(
                "{what} {} is not a directory (run `make build` for pkg/)",
                dir.display()
            )
            .into());
        }
    }
    let mut access = match &args.config {
        Some(path) => Access::from_file(path)?,
        None => Access::default(),
    };
    for flag in &args.sites {
        access.add_site(Access::parse_site_flag(flag)?)?;
    }
    if args.admin_token.is_some() {
        access.admin_token = args.admin_token.clone();
    }
    if access.sites.is_empty() {
        tracing::warn!(
            "no sites configured (--site ID=KEY or --config): ingest refuses everything"
        );
    }
    let store = match &args.database_url {
        Some(url) => Store::open_postgres(url, args.database_schema.as_deref()).await?,
        None => Store::open_sqlite(&args.data_dir).await?,
    };
    if store.autovacuum_off().await.unwrap_or(false) {
        tracing::warn!(
            "PostgreSQL's autovacuum is off: the rollup_* tables keep their dead row versions \
             until VACUUM runs; turn it on, or VACUUM those tables regularly"
        );
    }
    let limits = Limits {
        concurrency: args.concurrency.max(1),
        timeout: Duration::from_millis(args.timeout_ms.max(1)),
        read_concurrency: args.read_concurrency.max(1),
        read_timeout: Duration::from_millis(args.read_timeout_ms.max(1)),
        retention_days: args.retention_days,
        ..Limits::default()
    };
    tokio::spawn(expire_hourly(store.clone(), limits.clone()));
    tokio::spawn(roll_up_continuously(store.clone()));
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    // Tests and scripts read this line to learn the port.
    println!(
        "reshelf-server listening on http://{} (store: {})",
        listener.local_addr()?,
        store.backend()
    );
    let router = app(
        &Config {
            www: args.www,
            pkg: args.pkg,
            access,
            limits,
            storefront_csp: args.storefront_csp,
        },
        store.clone(),
    );
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    store.close().await;
    Ok(())
}

/// Folds newly stored summaries into the rollups every second, so ingest writes one
/// statement per batch and the rollups trail it by about a second (reads catch up the rest
/// first), and fills the typed columns of rows stored before they existed, a batch a tick.
/// A failure is logged and tried again on the next tick.
async fn roll_up_continuously(store: Store) {
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut typed_left = true;
    loop {
        every.tick().await;
        if let Err(e) = store
            .roll_up_all(reshelf_server::store::ROLL_UP_BATCH)
            .await
        {
            tracing::warn!(error = %e, "rolling up new summaries failed; trying again");
        }
        if typed_left {
            match store.fill_typed(reshelf_server::store::ROLL_UP_BATCH).await {
                Ok(n) => typed_left = n == reshelf_server::store::ROLL_UP_BATCH,
                Err(e) => tracing::warn!(error = %e, "filling typed columns failed; trying again"),
            }
        }
    }
}

/// Deletes raw summaries past retention, now and then every hour. A failure is logged and
/// tried again at the next hour: nothing is lost by waiting.
async fn expire_hourly(store: Store, limits: Limits) {
    let mut every = tokio::time::interval(Duration::from_secs(3600));
    loop {
        every.tick().await;
        let now = reshelf_server::insight::unix_now();
        if let Err(e) = store.prepare_months().await {
            tracing::warn!(error = %e, "preparing the coming months' partitions failed");
        }
        match store.expire(limits.retention_horizon(now)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                deleted = n,
                days = limits.retention_days,
                "raw summaries past retention deleted"
            ),
            Err(e) => tracing::warn!(error = %e, "retention: deleting old summaries failed"),
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
