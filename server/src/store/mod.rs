//! Where summaries live: an embedded SQLite file by default, PostgreSQL in production (any
//! number of stateless servers in front of one database). The SQL is the same for both; a
//! small macro runs one body of code against whichever pool is open.

mod checkpoint;
mod columns;
mod partitions;
mod roller;
pub(crate) mod rollups;
mod rows;
mod units;
mod upsert;

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection, PgPool, SqlitePool};

pub use rows::{Drops, NewSummary, StoreOutcome};

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a request waits for a connection before the server answers 503.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

/// Log rows (ingest batches) the roller folds per transaction: large enough that same-day
/// traffic merges into a few rollup rows, small enough that SQLite's write lock is not held
/// long against ingest.
pub const ROLL_UP_BATCH: usize = 500;

#[derive(Clone, Debug)]
pub enum Store {
    /// The pool readers share, and the writer: SQLite has one writer at a time.
    Sqlite(SqlitePool, Arc<Writer>),
    Postgres(PgPool),
}

/// SQLite's writer: one connection behind an async mutex. SQLite has one writer at a time,
/// and a writer that finds the file locked sleeps in SQLite's busy handler (1, 2, 5, 10… ms)
/// instead of waking when the lock is free, so writes queue on the mutex instead; holding
/// the connection itself, the writer never waits under the lock for a pooled connection
/// (readers' connections, or one still on its way back to the pool).
#[derive(Debug)]
pub struct Writer {
    /// `None` once the store is closed.
    conn: tokio::sync::Mutex<Option<SqliteConnection>>,
}

/// Runs `$body`, which writes, with `$db` bound on SQLite to the writer's connection, held
/// (and with it SQLite's one writer slot) until `$body` ends, and on PostgreSQL to the pool,
/// whose row locks let writers run side by side. The enclosing function returns
/// [`StoreError::Unavailable`] when the store is closed.
macro_rules! on_writer {
    ($store:expr, $db:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite(_, writer) => {
                let mut held = writer.lock().await;
                let Some($db) = held.as_mut() else {
                    return Err($crate::store::StoreError::Unavailable(
                        "the store is closed".into(),
                    ));
                };
                $body
            }
            $crate::store::Store::Postgres($db) => $body,
        }
    };
}
pub(crate) use on_writer;

/// Runs `$body` with `$pool` bound to the open pool, whichever backend it is.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match $store {
            $crate::store::Store::Sqlite($pool, _) => $body,
            $crate::store::Store::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Why a store call failed, split by what the caller should do about it.
#[derive(Clone, Debug)]
pub enum StoreError {
    /// The database is out of reach or busy for now (no connection within the acquire
    /// timeout, a dropped connection, a deadlock or serialization failure, SQLite busy):
    /// the same request may succeed later. The API answers 503 with Retry-After.
    Unavailable(String),
    /// The request cannot succeed as it is (a constraint, a bad schema, undecodable data,
    /// a failed migration): retrying does not help. The API answers 500.
    Failed(String),
}

impl StoreError {
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Unavailable(_))
    }
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Unavailable(e) => write!(f, "store unavailable: {e}"),
            StoreError::Failed(e) => write!(f, "store error: {e}"),
        }
    }
}

impl std::error::Error for StoreError {}

/// SQLSTATEs (PostgreSQL) and result codes (SQLite) that pass: serialization failure,
/// deadlock, too many connections, admin or crash shutdown, cannot connect now; SQLite
/// BUSY and LOCKED (with their extended codes).
fn transient_code(code: &str) -> bool {
    matches!(
        code,
        "40001" | "40P01" | "53300" | "57P01" | "57P02" | "57P03"
    ) || code.starts_with("08")
        || matches!(code.parse::<i32>().map(|c| c & 0xff), Ok(5 | 6))
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        use sqlx::Error as E;
        let transient = match &e {
            E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::Tls(_) | E::WorkerCrashed => true,
            E::Database(db) => db.code().is_some_and(|c| transient_code(&c)),
            _ => false,
        };
        if transient {
            StoreError::Unavailable(e.to_string())
        } else {
            StoreError::Failed(e.to_string())
        }
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> Self {
        StoreError::Failed(e.to_string())
    }
}

impl Store {
    /// `reshelf.db` in `data_dir` (created if missing), in WAL mode. `synchronous = NORMAL`
    /// keeps every committed batch through a crash of the process (SIGKILL); only a power
    /// loss can lose the last commits, which is the usual trade for an embedded store.
    pub async fn open_sqlite(data_dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError::Failed(format!("cannot create {}: {e}", data_dir.display()))
        })?;
        let options = SqliteConnectOptions::new()
            .filename(data_dir.join("reshelf.db"))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .pragma(
                "wal_autocheckpoint",
                checkpoint::AUTOCHECKPOINT_PAGES.to_string(),
            )
            .busy_timeout(Duration::from_secs(5));
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options.clone())
            .await?;
        MIGRATOR.run(&pool).await?;
        let writer = Arc::new(Writer {
            conn: tokio::sync::Mutex::new(Some(options.connect().await?)),
        });
        let store = Store::Sqlite(pool, writer);
        store.finish_upgrade().await?;
        Ok(store)
    }

    /// A PostgreSQL database, e.g. `postgres://user@host/db`. `schema`, when given, is
    /// created if missing and used as the search path (tests isolate themselves this way).
    pub async fn open_postgres(url: &str, schema: Option<&str>) -> Result<Self, StoreError> {
        let mut options = PgConnectOptions::from_str(url)?;
        if let Some(schema) = schema {
            if !schema
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Err(StoreError::Failed(format!("bad schema name {schema:?}")));
            }
            let admin = PgPoolOptions::new()
                .max_connections(1)
                .acquire_timeout(ACQUIRE_TIMEOUT)
                .connect_with(options.clone())
                .await?;
            sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                .execute(&admin)
                .await?;
            admin.close().await;
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await?;
        MIGRATOR.run(&pool).await?;
        partitions::ensure(&pool, unix_now()).await?;
        let store = Store::Postgres(pool);
        store.finish_upgrade().await?;
        Ok(store)
    }

    /// Whether the database runs without autovacuum (PostgreSQL; always `false` on SQLite).
    /// The roller updates the rollup rows of the current day and span in place; without
    /// autovacuum, PostgreSQL reclaims their old row versions only by pruning pages it
    /// happens to touch, so those tables, and the reads over them, grow with every pass.
    pub async fn autovacuum_off(&self) -> Result<bool, StoreError> {
        match self {
            Store::Postgres(pool) => {
                let setting: String = sqlx::query_scalar("SHOW autovacuum")
                    .fetch_one(pool)
                    .await?;
                Ok(setting == "off")
            }
            Store::Sqlite(..) => Ok(false),
        }
    }

    /// Keeps a month partition ready for every month a valid summary can start in
    /// (PostgreSQL; nothing on SQLite). Run at open and hourly.
    pub async fn prepare_months(&self) -> Result<(), StoreError> {
        match self {
            Store::Postgres(pool) => partitions::ensure(pool, unix_now()).await,
            Store::Sqlite(..) => Ok(()),
        }
    }

    /// Adds rows stored before the rollup tables existed and folds what a stopped server's
    /// roller left in the log, so every read after opening sees them.
    async fn finish_upgrade(&self) -> Result<(), StoreError> {
        let n = self.backfill(ROLL_UP_BATCH).await? + self.roll_up_all(ROLL_UP_BATCH).await?;
        if n > 0 {
            tracing::info!(rolled_up = n, "stored summaries added to the rollups");
        }
        Ok(())
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Store::Sqlite(..) => "sqlite",
            Store::Postgres(_) => "postgres",
        }
    }

    /// Answers when the database does.
    pub async fn ping(&self) -> Result<(), StoreError> {
        on_pool!(self, pool => sqlx::query("SELECT 1").execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn close(&self) {
        if let Store::Sqlite(_, writer) = self {
            if let Some(conn) = writer.lock().await.take() {
                // Closing flushes nothing a commit has not: an error here loses no data.
                let _ = conn.close().await;
            }
        }
        on_pool!(self, pool => pool.close().await);
    }
}

impl Writer {
    pub(crate) async fn lock(&self) -> tokio::sync::MutexGuard<'_, Option<SqliteConnection>> {
        self.conn.lock().await
    }
}

/// Seconds since the Unix epoch by the server's clock.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}
