//! `POST /v1/summaries`: a batch of session summaries from the SDK's queue. The batch is
//! checked whole before anything is written, and written in one transaction, so a rejected
//! request leaves the database as it was.

use std::sync::atomic::Ordering::Relaxed;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use reshelf_core::summary::{Summary, SUMMARY_VERSION};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::site_for_key;
use super::body::{check_content_type, read_text};
use super::error::ApiError;
use crate::state::AppState;
use crate::store::NewSummary;

/// Where the site and write key may travel: `sendBeacon` cannot set headers, so the URL.
#[derive(Debug, Default, Deserialize)]
pub struct KeyParams {
    pub site: Option<String>,
    pub key: Option<String>,
}

pub async fn ingest(
    State(app): State<AppState>,
    Query(params): Query<KeyParams>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Value>, ApiError> {
    check_content_type(&headers)?;
    let text = read_text(
        &headers,
        body,
        app.limits.max_body,
        app.limits.max_decompressed,
    )
    .await?;
    let doc: Value =
        serde_json::from_str(&text).map_err(|e| ApiError::malformed(format!("bad JSON: {e}")))?;
    let Value::Object(obj) = doc else {
        return Err(ApiError::schema("the body must be a JSON object"));
    };
    let field = |name: &str| obj.get(name).and_then(Value::as_str).map(str::to_string);
    let site_id = params.site.or_else(|| field("site"));
    let key_in_url = params.key.is_some();
    let key = params.key.or_else(|| field("key"));
    let site = site_for_key(&app.access, site_id.as_deref(), key.as_deref())?;
    if !key_in_url {
        // Keys in the URL were already metered by the rate-limit layer.
        app.limiter
            .take(&site.key, site.rate_per_second, site.burst, Instant::now())
            .map_err(ApiError::rate_limited)?;
    }
    let dropped = match obj.get("dropped") {
        None | Some(Value::Null) => 0,
        Some(v) => v
            .as_u64()
            .filter(|&d| d <= 1_000_000)
            .ok_or_else(|| ApiError::schema("dropped: a count 0..=1000000"))?,
    };
    let Some(Value::Array(items)) = obj.get("summaries") else {
        return Err(ApiError::schema("summaries: an array is required"));
    };
    if items.len() > app.limits.max_batch {
        return Err(ApiError::too_large(format!(
            "{} summaries in one batch; at most {}",
            items.len(),
            app.limits.max_batch
        )));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let batch = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            decode(item, now.as_secs())
                .map_err(|e| ApiError::schema(format!("summaries[{i}]: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let outcome = app
        .store
        .upsert(&site.id, &batch, dropped, now.as_millis() as i64)
        .await?;
    app.metrics.received.fetch_add(batch.len() as u64, Relaxed);
    app.metrics.stored.fetch_add(outcome.stored, Relaxed);
    app.metrics.stale.fetch_add(outcome.stale, Relaxed);
    app.metrics.client_dropped.fetch_add(dropped, Relaxed);
    tracing::info!(
        site = %site.id,
        received = batch.len(),
        stored = outcome.stored,
        stale = outcome.stale,
        dropped,
        "summaries ingested"
    );
    Ok(Json(json!({
        "accepted": batch.len(),
        "stored": outcome.stored,
        "stale": outcome.stale,
    })))
}

/// One summary: the version first (so a future schema gets a clear answer), then the type,
/// then the ranges.
fn decode(item: &Value, now: u64) -> Result<NewSummary, String> {
    match item.get("v").and_then(Value::as_u64) {
        Some(v) if v == u64::from(SUMMARY_VERSION) => {}
        Some(v) => {
            return Err(format!(
                "unknown schema version {v}; this server reads {SUMMARY_VERSION}"
            ))
        }
        None => return Err("v: the schema version is required".into()),
    }
    let s: Summary = serde_json::from_value(item.clone()).map_err(|e| e.to_string())?;
    s.validate(now).map_err(|e| e.to_string())?;
    let body = serde_json::to_string(&s).map_err(|e| e.to_string())?;
    Ok(NewSummary {
        sid: s.sid,
        seq: s.seq,
        started_at: s.ts,
        control: s.ctl,
        purchase: s.out.purchase,
        body,
    })
}

/// `OPTIONS /v1/summaries`: the CORS layer answers preflights for allowed origins; this is
/// what a preflight from elsewhere (or without an Origin) gets.
pub async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}
