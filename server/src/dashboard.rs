//! `GET /dashboard`: the insight dashboard. Its files are compiled into the binary so a
//! production server needs nothing beside it; its data comes from `/v1/insights` with the
//! admin token the page asks for, so the page itself holds nothing secret.

use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

const INDEX: &str = include_str!("../../www/dashboard/index.html");
const STYLE: &str = include_str!("../../www/dashboard/dashboard.css");

/// The dashboard's ES modules: the page, shared helpers, and one module per card.
const SCRIPTS: [(&str, &str); 8] = [
    (
        "dashboard.js",
        include_str!("../../www/dashboard/dashboard.js"),
    ),
    ("format.js", include_str!("../../www/dashboard/format.js")),
    ("dom.js", include_str!("../../www/dashboard/dom.js")),
    (
        "cards/lift.js",
        include_str!("../../www/dashboard/cards/lift.js"),
    ),
    (
        "cards/calibration.js",
        include_str!("../../www/dashboard/cards/calibration.js"),
    ),
    (
        "cards/bars.js",
        include_str!("../../www/dashboard/cards/bars.js"),
    ),
    (
        "cards/drivers.js",
        include_str!("../../www/dashboard/cards/drivers.js"),
    ),
    (
        "cards/trend.js",
        include_str!("../../www/dashboard/cards/trend.js"),
    ),
];

/// No inline script or style anywhere in the dashboard, so it runs under a strict policy.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'";

fn asset(body: &'static str, content_type: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CSP),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
}

pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    let index = || async { asset(INDEX, "text/html; charset=utf-8") };
    let mut router = Router::new()
        .route("/dashboard", get(index))
        .route("/dashboard/", get(index))
        .route(
            "/dashboard/dashboard.css",
            get(|| async { asset(STYLE, "text/css; charset=utf-8") }),
        );
    for (name, body) in SCRIPTS {
        router = router.route(
            &format!("/dashboard/{name}"),
            get(move || async move { asset(body, "text/javascript; charset=utf-8") }),
        );
    }
    router
}
