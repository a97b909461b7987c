//! Who may write (a site's public key) and who may read insight (the admin token).

use axum::http::{header, HeaderMap, StatusCode};
use sha2::{Digest, Sha256};

use super::error::ApiError;
use crate::config::{Access, Site};

/// Compares secrets in time independent of where they differ (digests of equal length).
fn same_secret(a: &str, b: &str) -> bool {
    let (x, y) = (Sha256::digest(a.as_bytes()), Sha256::digest(b.as_bytes()));
    x.iter()
        .zip(y.iter())
        .fold(0u8, |acc, (p, q)| acc | (p ^ q))
        == 0
}

/// The site a write key belongs to: 401 when site or key is missing, 403 when they do not
/// match a configured site.
pub fn site_for_key<'a>(
    access: &'a Access,
    site: Option<&str>,
    key: Option<&str>,
) -> Result<&'a Site, ApiError> {
    let (Some(site), Some(key)) = (site, key) else {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "key_missing",
            "site and key are required (query string or body)",
        ));
    };
    match access.sites.get(site) {
        Some(s) if same_secret(&s.key, key) => Ok(s),
        _ => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "key_refused",
            "unknown site or wrong key",
        )),
    }
}

/// `Authorization: Bearer <admin token>`.
pub fn require_admin(access: &Access, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = access.admin_token.as_deref() else {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "admin_disabled",
            "no admin token is configured on this server (--admin-token)",
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        None => Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "token_missing",
            "send Authorization: Bearer <admin token>",
        )),
        Some(t) if same_secret(expected, t.trim()) => Ok(()),
        Some(_) => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "token_refused",
            "wrong admin token",
        )),
    }
}
