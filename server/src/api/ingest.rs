//! `POST /v1/summaries`: a batch of session summaries from the SDK's queue.
//!
//! The envelope (site, key, counts) is checked whole: a bad envelope stores nothing. Each
//! summary is then checked on its own: the valid ones are written in one transaction and the
//! answer lists the refused ones with the reason (`refused: [{index, sid, error}]`), so one bad
//! summary never costs the valid ones beside it; a batch with none valid is refused whole
//! (422). A device clock that is off is corrected rather than refused: the batch's `sent_at`
//! (the device's clock when sending) against the server's receive time gives the device's
//! offset, which moves each session's start — the collector-side correction mature trackers
//! make (Snowplow's `derived_tstamp`: collector time − (device sent − device created)).

use std::sync::atomic::Ordering::Relaxed;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use reshelf_core::summary::{Summary, SUMMARY_VERSION};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::auth::site_for_key;
use super::body::{check_content_type, read_text};
use super::error::ApiError;
use crate::state::AppState;
use crate::store::{Drops, NewSummary};

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
    let envelope = parse_envelope(&text)?;
    let site_id = params.site.or_else(|| envelope.site.and_then(raw_as));
    let key_in_url = params.key.is_some();
    let key = params.key.or_else(|| envelope.key.and_then(raw_as));
    let site = site_for_key(&app.access, site_id.as_deref(), key.as_deref())?;
    if !key_in_url {
        // Keys in the URL were already metered by the rate-limit layer.
        app.limiter
            .take(&site.key, site.rate_per_second, site.burst, Instant::now())
            .map_err(ApiError::rate_limited)?;
    }
    let dropped = match envelope.dropped {
        None => 0,
        Some(v) => raw_as::<u64>(v)
            .filter(|&d| d <= 1_000_000)
            .ok_or_else(|| ApiError::schema("dropped: a count 0..=1000000"))?,
    };
    let drops = match envelope.outbox {
        None if dropped == 0 => Drops::None,
        None => Drops::Count(dropped),
        Some(v) => {
            let outbox = raw_as::<String>(v)
                .filter(|id| {
                    (1..=64).contains(&id.len())
                        && id
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                })
                .ok_or_else(|| ApiError::schema("outbox: 1 to 64 characters of [A-Za-z0-9_-]"))?;
            Drops::Total {
                outbox,
                total: dropped,
            }
        }
    };
    let items: Vec<&RawValue> = envelope
        .summaries
        .and_then(raw_as)
        .ok_or_else(|| ApiError::schema("summaries: an array is required"))?;
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
    let skew = match envelope.sent_at {
        None => 0,
        Some(v) => {
            let sent = raw_as::<u64>(v)
                .filter(|&ms| ms > 0)
                .ok_or_else(|| ApiError::schema("sent_at: epoch milliseconds"))?;
            clock_skew_secs(now.as_millis() as i64, sent as i64)
        }
    };
    let mut batch = Vec::with_capacity(items.len());
    let mut refused = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match decode(item, now.as_secs(), skew) {
            Ok(s) => batch.push(s),
            Err(e) => refused.push((i, sid_of(item), e)),
        }
    }
    if batch.is_empty() {
        if let Some((i, _, e)) = refused.first() {
            return Err(ApiError::schema(format!("summaries[{i}]: {e}")));
        }
    }
    let outcome = app
        .store
        .upsert(
            &site.id,
            &batch,
            &drops,
            now.as_millis() as i64,
            app.limits.retention_horizon(now.as_secs()),
        )
        .await?;
    app.metrics.received.fetch_add(batch.len() as u64, Relaxed);
    app.metrics.stored.fetch_add(outcome.stored, Relaxed);
    app.metrics.stale.fetch_add(outcome.stale, Relaxed);
    app.metrics
        .client_dropped
        .fetch_add(outcome.dropped, Relaxed);
    app.metrics.retried.fetch_add(outcome.retried, Relaxed);
    tracing::info!(
        site = %site.id,
        received = batch.len(),
        stored = outcome.stored,
        stale = outcome.stale,
        refused = refused.len(),
        skew,
        dropped = outcome.dropped,
        "summaries ingested"
    );
    let refused: Vec<Value> = refused
        .into_iter()
        .map(|(index, sid, error)| json!({ "index": index, "sid": sid, "error": error }))
        .collect();
    Ok(Json(json!({
        "accepted": batch.len(),
        "stored": outcome.stored,
        "stale": outcome.stale,
        "refused": refused,
        "clock_skew_secs": skew,
    })))
}

/// A device clock this far off (either way) is corrected; below it, the difference is
/// network and queueing delay, not a wrong clock.
pub const SKEW_TOLERANCE_SECS: i64 = 300;

/// How far the device's clock is ahead of the server's (negative: behind), in seconds, from
/// the batch's `sent_at` and the receive time (both epoch ms); 0 within the tolerance.
fn clock_skew_secs(received_ms: i64, sent_ms: i64) -> i64 {
    let skew = (sent_ms - received_ms) / 1000;
    if skew.abs() <= SKEW_TOLERANCE_SECS {
        0
    } else {
        skew
    }
}

/// The batch's envelope, its fields left as JSON text until each is checked (a `null` field
/// reads as absent). Borrowed from the request body: the summaries are decoded straight from
/// their text, with no intermediate JSON tree.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(borrow, default)]
    site: Option<&'a RawValue>,
    #[serde(borrow, default)]
    key: Option<&'a RawValue>,
    #[serde(borrow, default)]
    dropped: Option<&'a RawValue>,
    #[serde(borrow, default)]
    outbox: Option<&'a RawValue>,
    #[serde(borrow, default)]
    sent_at: Option<&'a RawValue>,
    #[serde(borrow, default)]
    summaries: Option<&'a RawValue>,
}

/// Errors: 400 `malformed` for text that is not JSON, 422 `schema` for JSON that is not an
/// object (or repeats a field).
fn parse_envelope(text: &str) -> Result<Envelope<'_>, ApiError> {
    match serde_json::from_str::<Envelope>(text) {
        Ok(envelope) if is_object(text) => Ok(envelope),
        Ok(_) => Err(ApiError::schema("the body must be a JSON object")),
        Err(e) if e.is_data() => Err(ApiError::schema(format!(
            "the body must be a JSON object: {e}"
        ))),
        Err(e) => Err(ApiError::malformed(format!("bad JSON: {e}"))),
    }
}

/// A field's value when it is JSON of type `T` (a string, a count, an array of raw values).
fn raw_as<'a, T: Deserialize<'a>>(raw: &'a RawValue) -> Option<T> {
    serde_json::from_str(raw.get()).ok()
}

/// Whether JSON text is an object. Checked before a derived struct reads it, since such a
/// struct also reads a JSON array (by position).
fn is_object(json: &str) -> bool {
    json.trim_start().starts_with('{')
}

/// The two fields of a summary read before the rest: its schema version and (for the
/// answer's list of refused summaries) its session id.
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow, default)]
    v: Option<&'a RawValue>,
    #[serde(borrow, default)]
    sid: Option<&'a RawValue>,
}

fn head(item: &RawValue) -> Option<Head<'_>> {
    is_object(item.get()).then(|| raw_as(item)).flatten()
}

/// A refused summary's `sid` as it was sent, whatever its type.
fn sid_of(item: &RawValue) -> Option<Value> {
    head(item)?.sid.and_then(raw_as)
}

/// One summary: the version first (so a future schema gets a clear answer), then the type,
/// then the ranges. The version is read on its own only when the summary does not decode,
/// so a valid summary's text is parsed once.
fn decode(item: &RawValue, now: u64, skew: i64) -> Result<NewSummary, String> {
    let version_error = |v: Option<u64>| match v {
        Some(v) if v == u64::from(SUMMARY_VERSION) => None,
        Some(v) => Some(format!(
            "unknown schema version {v}; this server reads {SUMMARY_VERSION}"
        )),
        None => Some("v: the schema version is required".into()),
    };
    let parsed = if is_object(item.get()) {
        serde_json::from_str::<Summary>(item.get()).map_err(|e| e.to_string())
    } else {
        Err(String::new())
    };
    let mut s = match parsed {
        Ok(s) => match version_error(Some(u64::from(s.v))) {
            Some(e) => return Err(e),
            None => s,
        },
        Err(e) => {
            let version = head(item).and_then(|h| h.v).and_then(raw_as::<u64>);
            return Err(version_error(version).unwrap_or(e));
        }
    };
    if skew != 0 {
        // The device saw the session start within the hour from `ts`; on the server's clock
        // that hour is `skew` seconds earlier. The start is taken as the middle of that hour,
        // so a skew a second either side of whole hours lands on the same hour.
        let middle = (s.ts as i64 - skew + 1800).max(0) as u64;
        s.ts = middle - middle % 3600;
    }
    s.validate(now).map_err(|e| e.to_string())?;
    NewSummary::new(s).map_err(|e| e.to_string())
}

/// `OPTIONS /v1/summaries`: the CORS layer answers preflights for allowed origins; this is
/// what a preflight from elsewhere (or without an Origin) gets.
pub async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}
