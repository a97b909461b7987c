//! The read side: insights and export (admin token), and the public page-stats feed.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::auth::require_admin;
use super::error::ApiError;
use crate::config::DEFAULT_HOLDOUT;
use crate::insight::cache::STATS_DAYS;
use crate::insight::{catch_up, export, report, since_day, unix_now};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct SiteParams {
    site: Option<String>,
    days: Option<u32>,
    /// `/v1/export` only: `sessions` (default, the intent model's CSV) or `ranking`.
    kind: Option<String>,
}

impl SiteParams {
    fn site<'a>(&'a self, app: &AppState) -> Result<&'a str, ApiError> {
        let site = self
            .site
            .as_deref()
            .ok_or_else(|| ApiError::malformed("site is required (?site=)"))?;
        if !app.access.sites.contains_key(site) {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "unknown_site",
                format!("no site {site:?} is configured"),
            ));
        }
        Ok(site)
    }

    fn days(&self) -> Result<u32, ApiError> {
        match self.days {
            None => Ok(STATS_DAYS),
            Some(d @ 1..=400) => Ok(d),
            Some(d) => Err(ApiError::malformed(format!("days={d}: 1 to 400"))),
        }
    }
}

pub async fn insights_handler(
    State(app): State<AppState>,
    Query(params): Query<SiteParams>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    require_admin(&app.access, &headers)?;
    let (site, days) = (params.site(&app)?, params.days()?);
    let holdout = app
        .access
        .sites
        .get(site)
        .map_or(DEFAULT_HOLDOUT, |s| s.holdout);
    Ok(Json(report(&app.store, site, days, holdout).await?))
}

pub async fn export_handler(
    State(app): State<AppState>,
    Query(params): Query<SiteParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    require_admin(&app.access, &headers)?;
    let (site, days) = (params.site(&app)?, params.days()?);
    let ranking = match params.kind.as_deref() {
        None | Some("sessions") => false,
        Some("ranking") => true,
        Some(other) => {
            return Err(ApiError::malformed(format!(
                "kind={other}: sessions or ranking"
            )))
        }
    };
    let since = unix_now().saturating_sub(u64::from(days) * 86_400);
    let (format, content_type, file) = if ranking {
        let file = format!("reshelf-{site}-ranking.jsonl");
        (export::Format::Ranking, "application/x-ndjson", file)
    } else {
        catch_up(&app.store).await?;
        let page_sums = app.store.page_sums(site, since_day(days)).await?;
        let format = export::Format::Sessions(std::sync::Arc::new(page_sums));
        (
            format,
            "text/csv; charset=utf-8",
            format!("reshelf-{site}.csv"),
        )
    };
    let stream = export::stream(app.store.clone(), site.to_string(), since, format);
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response())
}

/// Public and cacheable: the feed holds only hashed paths and rates.
pub async fn page_stats_handler(
    State(app): State<AppState>,
    Query(params): Query<SiteParams>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let site = params.site(&app)?;
    let feed = app.page_stats.get(site).await?;
    let cache = HeaderValue::from_static("public, max-age=300");
    let etag =
        HeaderValue::from_str(&feed.etag).map_err(|e| ApiError::unavailable(e.to_string()))?;
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == feed.etag || t.trim() == "*")
        });
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, cache),
        (
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ),
    ];
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    Ok((
        common,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        feed.body.as_str().to_string(),
    )
        .into_response())
}
