//! Reading an ingest body: content type, size before and after gzip (the bomb guard), UTF-8.

use std::io::Read;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap};
use flate2::read::GzDecoder;

use super::error::ApiError;
use axum::http::StatusCode;

/// `application/json`, or `text/plain` which `navigator.sendBeacon` and no-preflight
/// cross-origin `fetch` must use; either way the body is JSON.
pub fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let ct = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence == "application/json" || essence == "text/plain" {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "content_type",
            format!("content type {ct:?}: send application/json or text/plain"),
        ))
    }
}

/// The body as text, at most `max_body` bytes on the wire and `max_decompressed` after
/// `Content-Encoding: gzip`.
pub async fn read_text(
    headers: &HeaderMap,
    body: Body,
    max_body: usize,
    max_decompressed: usize,
) -> Result<String, ApiError> {
    let raw: Bytes = axum::body::to_bytes(body, max_body)
        .await
        .map_err(|_| ApiError::too_large(format!("body over {max_body} bytes")))?;
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity")
        .trim()
        .to_ascii_lowercase();
    let bytes = match encoding.as_str() {
        "identity" | "" => raw.to_vec(),
        "gzip" => gunzip(&raw, max_decompressed)?,
        other => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "content_encoding",
                format!("content encoding {other:?}: send gzip or none"),
            ))
        }
    };
    String::from_utf8(bytes).map_err(|e| ApiError::malformed(format!("body is not UTF-8: {e}")))
}

/// Decompresses at most `cap` bytes; a body that would inflate beyond is refused without
/// inflating the rest.
fn gunzip(raw: &[u8], cap: usize) -> Result<Vec<u8>, ApiError> {
    let mut out = Vec::new();
    GzDecoder::new(raw)
        .take(cap as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| ApiError::malformed(format!("bad gzip: {e}")))?;
    if out.len() > cap {
        return Err(ApiError::too_large(format!(
            "body inflates to more than {cap} bytes"
        )));
    }
    Ok(out)
}
