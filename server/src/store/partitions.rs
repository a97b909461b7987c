//! On PostgreSQL, raw summaries are partitioned by the month their session started
//! (`started_at`, unix seconds): retention drops whole months instead of deleting row by row,
//! and a read of recent sessions scans recent months only. The migrations create one plain
//! table for both stores; opening a PostgreSQL store turns it into a partitioned one (once,
//! keeping its rows) and keeps a partition ready for every month a valid summary can fall
//! in: from [`MAX_AGE_SECS`] back to two months ahead. A default partition catches anything
//! else, so an insert never fails for want of a month.

use reshelf_core::features::Date;
use reshelf_core::summary::MAX_AGE_SECS;
use sqlx::{PgPool, Row};

use super::StoreError;

/// Months ahead kept ready (a summary may start up to a day in the future, and the hourly
/// task must never fall behind a month boundary).
const MONTHS_AHEAD: i64 = 2;

/// Unix seconds of the first instant of month `m` (months since January 1970).
fn month_start(m: i64) -> i64 {
    let first = Date {
        year: (1970 + m.div_euclid(12)) as i32,
        month: (m.rem_euclid(12) + 1) as u8,
        day: 1,
    };
    first.days() * 86_400
}

/// The month (since January 1970) a unix time falls in.
fn month_of(unix: i64) -> i64 {
    let d = Date::from_days(unix.div_euclid(86_400));
    (i64::from(d.year) - 1970) * 12 + i64::from(d.month) - 1
}

fn partition_name(m: i64) -> String {
    format!(
        "summaries_m{}_{:02}",
        1970 + m.div_euclid(12),
        m.rem_euclid(12) + 1
    )
}

/// Turns a plain `summaries` table into one partitioned by month (rows kept), once; then
/// makes sure every month from `now` − [`MAX_AGE_SECS`] to two months ahead has its
/// partition. Idempotent, and safe with several servers opening the store at once.
pub async fn ensure(pool: &PgPool, now: i64) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('reshelf-partitions', 0))")
        .execute(&mut *tx)
        .await?;
    let kind: String = sqlx::query(
        "SELECT c.relkind::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
         WHERE c.relname = 'summaries' AND n.nspname = current_schema()",
    )
    .fetch_one(&mut *tx)
    .await?
    .try_get(0)?;
    let mut first = month_of(now - MAX_AGE_SECS as i64);
    if kind != "p" {
        let oldest: Option<i64> = sqlx::query("SELECT MIN(started_at) FROM summaries")
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
        if let Some(oldest) = oldest {
            first = first.min(month_of(oldest));
        }
        for sql in [
            "ALTER TABLE summaries RENAME TO summaries_flat",
            "ALTER TABLE summaries_flat RENAME CONSTRAINT summaries_pkey TO summaries_flat_pkey",
            "ALTER INDEX summaries_site_started RENAME TO summaries_flat_site_started",
            "CREATE TABLE summaries (LIKE summaries_flat INCLUDING DEFAULTS) PARTITION BY RANGE (started_at)",
            // The key must hold the partition column; a session's rows stay one per (site,
            // sid) because its writers take turns on its row in `summary_sessions`
            // (`Store::upsert`). The session id leads both indexes' choice for ingest's
            // lookup by sid: with an index led by `site`, a plan made while a month
            // partition was empty (and kept by the prepared statement) filters every row of
            // the site by sid.
            "ALTER TABLE summaries ADD PRIMARY KEY (sid, site, started_at)",
            "CREATE INDEX summaries_started_site ON summaries (started_at, site)",
            "CREATE TABLE summaries_default PARTITION OF summaries DEFAULT",
        ] {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
        create_months(&mut tx, first, month_of(now) + MONTHS_AHEAD).await?;
        for sql in [
            "INSERT INTO summaries SELECT * FROM summaries_flat",
            "DROP TABLE summaries_flat",
            // Where each session's row is: one B-tree lookup per sid for ingest, and the
            // (site, sid) uniqueness the partitioned key cannot give.
            "DROP TABLE IF EXISTS summary_sessions",
            "CREATE TABLE summary_sessions (site TEXT NOT NULL, sid TEXT NOT NULL, \
             started_at BIGINT NOT NULL, PRIMARY KEY (site, sid))",
            "INSERT INTO summary_sessions (site, sid, started_at) SELECT site, sid, started_at FROM summaries",
        ] {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
    } else {
        create_months(&mut tx, first, month_of(now) + MONTHS_AHEAD).await?;
    }
    // Stores converted by earlier releases indexed `summary_sessions` by start for
    // retention, which now deletes by the rows of the months it drops: one index fewer for
    // every ingested row to update.
    sqlx::query("DROP INDEX IF EXISTS summary_sessions_started")
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

async fn create_months(
    tx: &mut sqlx::Transaction<'_, sqlx::Postgres>,
    first: i64,
    last: i64,
) -> Result<(), StoreError> {
    for m in first..=last {
        let sql = format!(
            "CREATE TABLE IF NOT EXISTS {} PARTITION OF summaries FOR VALUES FROM ({}) TO ({})",
            partition_name(m),
            month_start(m),
            month_start(m + 1)
        );
        sqlx::query(&sql).execute(&mut **tx).await?;
    }
    Ok(())
}

/// Drops the month partitions that end at or before `horizon` (unix seconds): every row in
/// them is past retention. Returns how many rows they held.
pub async fn drop_expired(pool: &PgPool, horizon: i64) -> Result<u64, StoreError> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('reshelf-partitions', 0))")
        .execute(&mut *tx)
        .await?;
    let names: Vec<String> = sqlx::query(
        "SELECT c.relname::text FROM pg_inherits i \
         JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent \
         JOIN pg_namespace n ON n.oid = p.relnamespace \
         WHERE p.relname = 'summaries' AND n.nspname = current_schema() AND c.relname LIKE 'summaries_m%'",
    )
    .fetch_all(&mut *tx)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<Result<_, _>>()?;
    let mut rows = 0u64;
    for name in names {
        let Some(m) = month_of_name(&name) else {
            continue;
        };
        if month_start(m + 1) <= horizon {
            let n: i64 = sqlx::query(&format!("SELECT COUNT(*) FROM {name}"))
                .fetch_one(&mut *tx)
                .await?
                .try_get(0)?;
            // The sessions whose rows go with the month: looked up by (site, sid), the
            // key of `summary_sessions`, from the partition's rows.
            sqlx::query(&format!(
                "DELETE FROM summary_sessions AS s USING {name} AS p \
                 WHERE s.site = p.site AND s.sid = p.sid AND s.started_at = p.started_at"
            ))
            .execute(&mut *tx)
            .await?;
            sqlx::query(&format!("DROP TABLE {name}"))
                .execute(&mut *tx)
                .await?;
            rows += n.max(0) as u64;
        }
    }
    tx.commit().await?;
    Ok(rows)
}

/// The month of a partition's name (`summaries_m2026_11`).
fn month_of_name(name: &str) -> Option<i64> {
    let rest = name.strip_prefix("summaries_m")?;
    let (y, m) = rest.split_once('_')?;
    let (y, m): (i64, i64) = (y.parse().ok()?, m.parse().ok()?);
    Some((y - 1970) * 12 + m - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_start_on_the_first_at_midnight_utc() {
        assert_eq!(month_start(0), 0);
        // 2026-11-01T00:00:00Z and 2027-01-01T00:00:00Z.
        assert_eq!(month_start((2026 - 1970) * 12 + 10), 1_793_491_200);
        assert_eq!(month_start((2027 - 1970) * 12), 1_798_761_600);
        // 2024-02-29 is in February of a leap year.
        assert_eq!(month_of(1_709_164_800), (2024 - 1970) * 12 + 1);
        assert_eq!(
            month_of_name("summaries_m2026_11"),
            Some((2026 - 1970) * 12 + 10)
        );
        for m in 600..700 {
            assert_eq!(month_of(month_start(m)), m);
            assert_eq!(month_of(month_start(m + 1) - 1), m);
        }
    }
}
