//! `POST /v1/summaries` against real SQLite and PostgreSQL: stored, idempotent, and every
//! kind of bad input refused whole with its documented status and the database unchanged.

mod common;

use std::io::Write;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::*;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde_json::{json, Value};

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[tokio::test]
async fn a_batch_is_stored_and_a_session_keeps_its_highest_sequence() {
    for b in backends().await {
        let r = router(&b);
        let a = call(
            &r,
            post_json(&ingest_uri(), batch(&[summary("s1", 3), summary("s2", 1)])),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", b.name, a.text());
        assert_eq!(a.json()["stored"], 2);
        // An older sequence does not replace a newer one; a newer one does.
        let mut newer = summary("s1", 9);
        newer["pv"] = json!([2, 1, 8]);
        let a = call(
            &r,
            post_json(&ingest_uri(), batch(&[summary("s1", 2), newer])),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(
            (a.json()["stored"].clone(), a.json()["stale"].clone()),
            (json!(1), json!(1))
        );
        let rows = rows(&b.store).await;
        assert_eq!(rows.len(), 2, "{}", b.name);
        assert!(rows
            .iter()
            .any(|r| r.contains("\"sid\":\"s1\"") && r.contains("\"seq\":9")));
        // A replayed batch changes nothing and says so.
        let before = rows.clone();
        let a = call(
            &r,
            post_json(&ingest_uri(), batch(&[summary("s1", 9), summary("s2", 1)])),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.json()["stale"], 2);
        assert_eq!(common::rows(&b.store).await, before);
        b.finish().await;
    }
}

#[tokio::test]
async fn key_in_the_body_and_text_plain_as_sendbeacon_sends_it() {
    for b in backends().await {
        let r = router(&b);
        let body =
            json!({ "site": SITE, "key": KEY, "summaries": [summary("beacon", 1)] }).to_string();
        let req = Request::post("/v1/summaries")
            .header("content-type", "text/plain;charset=UTF-8")
            .body(Body::from(body))
            .unwrap();
        let a = call(&r, req).await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", b.name, a.text());
        let req = Request::post(ingest_uri())
            .header("content-type", "application/json")
            .header("content-encoding", "gzip")
            .body(Body::from(gzip(batch(&[summary("zipped", 1)]).as_bytes())))
            .unwrap();
        assert_eq!(call(&r, req).await.status, StatusCode::OK);
        assert_eq!(rows(&b.store).await.len(), 2);
        b.finish().await;
    }
}

/// One bad request: what is sent and the status it must get.
struct Case {
    name: &'static str,
    status: StatusCode,
    request: Box<dyn Fn() -> Request<Body>>,
}

fn case(
    name: &'static str,
    status: StatusCode,
    request: impl Fn() -> Request<Body> + 'static,
) -> Case {
    Case {
        name,
        status,
        request: Box::new(request),
    }
}

/// A batch of one summary whose `field` is `value` (a batch with a valid summary beside it
/// stores that one: see `one_invalid_summary_never_costs_the_valid_ones_beside_it`).
fn with(field: &str, value: Value) -> String {
    let mut s = summary("bad", 1);
    s[field] = value;
    batch(&[s])
}

fn without(field: &str) -> String {
    let mut s = summary("bad", 1);
    s.as_object_mut().unwrap().remove(field);
    batch(&[s])
}

fn bad_cases() -> Vec<Case> {
    use StatusCode as S;
    let uri = ingest_uri();
    let post = move |body: String| {
        let uri = uri.clone();
        move || post_json(&uri, body.clone())
    };
    let future = unix_now() + 30 * 86_400;
    let bomb = gzip(&vec![b' '; 50 * 1024 * 1024]);
    let many: Vec<Value> = (0..201).map(|i| summary(&format!("m{i}"), 1)).collect();
    vec![
        case(
            "malformed JSON",
            S::BAD_REQUEST,
            post("{\"summaries\": [".into()),
        ),
        case(
            "not an object",
            S::UNPROCESSABLE_ENTITY,
            post("[1,2]".into()),
        ),
        case(
            "summaries missing",
            S::UNPROCESSABLE_ENTITY,
            post(json!({"site": SITE}).to_string()),
        ),
        case(
            "summaries not an array",
            S::UNPROCESSABLE_ENTITY,
            post(json!({"summaries": "x"}).to_string()),
        ),
        case(
            "wrong type",
            S::UNPROCESSABLE_ENTITY,
            post(with("pv", json!("many"))),
        ),
        case(
            "missing field",
            S::UNPROCESSABLE_ENTITY,
            post(without("sid")),
        ),
        case(
            "missing version",
            S::UNPROCESSABLE_ENTITY,
            post(without("v")),
        ),
        case(
            "unknown schema version",
            S::UNPROCESSABLE_ENTITY,
            post(with("v", json!(2))),
        ),
        case(
            "negative number",
            S::UNPROCESSABLE_ENTITY,
            post(with("seq", json!(-1))),
        ),
        case(
            "huge number",
            S::UNPROCESSABLE_ENTITY,
            post(with("pv", json!([1e300, 0, 0]))),
        ),
        case(
            "NaN spelled out",
            S::BAD_REQUEST,
            post(with("seq", json!(1)).replace("\"seq\":1", "\"seq\":NaN")),
        ),
        case(
            "out of range",
            S::UNPROCESSABLE_ENTITY,
            post(with("hr", json!(24))),
        ),
        case(
            "too many views",
            S::UNPROCESSABLE_ENTITY,
            post(with("pv", json!([100001, 0, 0]))),
        ),
        case(
            "bad page hashes",
            S::UNPROCESSABLE_ENTITY,
            post(with("pages", json!("/checkout?email=a@b"))),
        ),
        case(
            "bad session id",
            S::UNPROCESSABLE_ENTITY,
            post(with("sid", json!("a b"))),
        ),
        case(
            "future timestamp",
            S::UNPROCESSABLE_ENTITY,
            post(with("ts", json!(future))),
        ),
        case(
            "negative dropped",
            S::UNPROCESSABLE_ENTITY,
            post(json!({"dropped": -3, "summaries": [summary("d", 1)]}).to_string()),
        ),
        case("201 summaries", S::PAYLOAD_TOO_LARGE, post(batch(&many))),
        case("10 MB body", S::PAYLOAD_TOO_LARGE, {
            let uri = ingest_uri();
            move || post_json(&uri, vec![b' '; 10 * 1024 * 1024])
        }),
        case("10 MB body without a length", S::PAYLOAD_TOO_LARGE, {
            let uri = ingest_uri();
            move || {
                let chunks = (0..160).map(|_| Ok::<_, std::io::Error>(vec![b' '; 64 * 1024]));
                post_json(&uri, Body::from_stream(futures_stream(chunks.collect())))
            }
        }),
        case("gzip bomb", S::PAYLOAD_TOO_LARGE, {
            let uri = ingest_uri();
            move || {
                Request::post(&uri)
                    .header("content-type", "application/json")
                    .header("content-encoding", "gzip")
                    .body(Body::from(bomb.clone()))
                    .unwrap()
            }
        }),
        case("broken gzip", S::BAD_REQUEST, {
            let uri = ingest_uri();
            move || {
                Request::post(&uri)
                    .header("content-type", "application/json")
                    .header("content-encoding", "gzip")
                    .body(Body::from("not gzip"))
                    .unwrap()
            }
        }),
        case("invalid UTF-8", S::BAD_REQUEST, {
            let uri = ingest_uri();
            move || post_json(&uri, b"{\"summaries\": [\"\xff\xfe\"]}".to_vec())
        }),
        case("wrong content type", S::UNSUPPORTED_MEDIA_TYPE, {
            let uri = ingest_uri();
            move || {
                Request::post(&uri)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(Body::from(batch(&[summary("f", 1)])))
                    .unwrap()
            }
        }),
        case("no content type", S::UNSUPPORTED_MEDIA_TYPE, {
            let uri = ingest_uri();
            move || {
                Request::post(&uri)
                    .body(Body::from(batch(&[summary("f", 1)])))
                    .unwrap()
            }
        }),
        case("missing key", S::UNAUTHORIZED, || {
            post_json(
                &format!("/v1/summaries?site={SITE}"),
                batch(&[summary("k", 1)]),
            )
        }),
        case("wrong key", S::FORBIDDEN, || {
            post_json(
                &format!("/v1/summaries?site={SITE}&key=nope"),
                batch(&[summary("k", 1)]),
            )
        }),
        case("unknown site", S::FORBIDDEN, || {
            post_json(
                &format!("/v1/summaries?site=other&key={KEY}"),
                batch(&[summary("k", 1)]),
            )
        }),
        // A replay is accepted (the client may resend after a lost answer) and changes nothing.
        case(
            "replayed batch",
            S::OK,
            post(batch(&[summary("existing", 5)])),
        ),
        case("origin not allowed", S::FORBIDDEN, || {
            let mut r = post_json(&ingest_uri(), batch(&[summary("o", 1)]));
            r.headers_mut()
                .insert("origin", "https://evil.example".parse().unwrap());
            r
        }),
    ]
}

/// A body that arrives in chunks with no Content-Length, as a streaming client sends it.
fn futures_stream(
    chunks: Vec<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    struct Chunks(std::vec::IntoIter<Result<Vec<u8>, std::io::Error>>);
    impl futures_core::Stream for Chunks {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    Chunks(chunks.into_iter())
}

#[tokio::test]
async fn bad_input_gets_its_documented_status_and_changes_nothing() {
    for b in backends().await {
        let r = router(&b);
        let seed = call(
            &r,
            post_json(&ingest_uri(), batch(&[summary("existing", 5)])),
        )
        .await;
        assert_eq!(seed.status, StatusCode::OK);
        let before = rows(&b.store).await;
        let drops_before = b.store.counts(SITE).await.unwrap();
        for c in bad_cases() {
            let a = call(&r, (c.request)()).await;
            assert_eq!(a.status, c.status, "{} / {}: {}", b.name, c.name, a.text());
            if a.status.is_client_error() {
                // Every refusal says why, as JSON; only the body-limit layer's early 413 (on
                // Content-Length, before any handler runs) answers in plain text.
                match serde_json::from_slice::<Value>(&a.body) {
                    Ok(v) => assert!(v["detail"].is_string(), "{}: {}", c.name, a.text()),
                    Err(_) => assert_eq!(a.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", c.name),
                }
            }
            assert_eq!(
                rows(&b.store).await,
                before,
                "{} / {} changed the store",
                b.name,
                c.name
            );
            assert_eq!(
                b.store.counts(SITE).await.unwrap(),
                drops_before,
                "{}",
                c.name
            );
        }
        b.finish().await;
    }
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    for b in backends().await {
        let r = router_with(&b, |c| {
            let s = c.access.sites.get_mut(SITE).unwrap();
            s.rate_per_second = 0.5;
            s.burst = 2.0;
        });
        let statuses: Vec<StatusCode> = {
            let mut v = Vec::new();
            for i in 0..3 {
                let a = call(
                    &r,
                    post_json(&ingest_uri(), batch(&[summary(&format!("r{i}"), 1)])),
                )
                .await;
                if a.status == StatusCode::TOO_MANY_REQUESTS {
                    assert_eq!(a.headers["retry-after"], "2");
                }
                v.push(a.status);
            }
            v
        };
        assert_eq!(
            statuses,
            [
                StatusCode::OK,
                StatusCode::OK,
                StatusCode::TOO_MANY_REQUESTS
            ],
            "{}",
            b.name
        );
        assert_eq!(rows(&b.store).await.len(), 2);
        b.finish().await;
    }
}

#[tokio::test]
async fn cors_allows_listed_and_same_origins_and_answers_preflight() {
    for b in backends().await {
        let r = router(&b);
        let mut req = post_json(&ingest_uri(), batch(&[summary("c1", 1)]));
        req.headers_mut()
            .insert("origin", "https://shop.example".parse().unwrap());
        let a = call(&r, req).await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(
            a.headers["access-control-allow-origin"],
            "https://shop.example"
        );
        let mut req = post_json(&ingest_uri(), batch(&[summary("c2", 1)]));
        req.headers_mut()
            .insert("origin", "http://localhost:8080".parse().unwrap());
        req.headers_mut()
            .insert("host", "localhost:8080".parse().unwrap());
        assert_eq!(call(&r, req).await.status, StatusCode::OK);
        let pre = Request::options(ingest_uri())
            .header("origin", "https://shop.example")
            .header("access-control-request-method", "POST")
            .body(Body::empty())
            .unwrap();
        let a = call(&r, pre).await;
        assert_eq!(a.status, StatusCode::NO_CONTENT);
        assert_eq!(a.headers["access-control-allow-methods"], "POST");
        b.finish().await;
    }
}

#[tokio::test]
async fn an_outbox_running_total_of_drops_counts_once_however_often_it_arrives() {
    for b in backends().await {
        let r = router(&b);
        let send = |outbox: Option<&str>, dropped: u64, sid: &str| {
            let mut body = json!({ "dropped": dropped, "summaries": [summary(sid, 1)] });
            if let Some(o) = outbox {
                body["outbox"] = json!(o);
            }
            post_json(&ingest_uri(), body.to_string())
        };
        // The same batch twice (its first answer lost), a later total, then an older one late.
        for (outbox, dropped, sid) in [
            (Some("o1"), 3, "d1"),
            (Some("o1"), 3, "d1"),
            (Some("o1"), 5, "d2"),
            (Some("o1"), 4, "d3"),
            (Some("o2"), 2, "d4"),
            // An SDK without an outbox id reports a count since its last report.
            (None, 1, "d5"),
        ] {
            let a = call(&r, send(outbox, dropped, sid)).await;
            assert_eq!(a.status, StatusCode::OK, "{}: {}", b.name, a.text());
        }
        assert_eq!(
            b.store.counts(SITE).await.unwrap(),
            (5, 5 + 2 + 1),
            "{}",
            b.name
        );
        let m = call(&r, Request::get("/metrics").body(Body::empty()).unwrap()).await;
        assert!(
            m.text().contains("reshelf_client_dropped_total 8"),
            "{}",
            m.text()
        );
        let bad = call(
            &r,
            post_json(
                &ingest_uri(),
                json!({ "dropped": 1, "outbox": "no spaces", "summaries": [summary("d6", 1)] })
                    .to_string(),
            ),
        )
        .await;
        assert_eq!(
            bad.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            bad.text()
        );
        b.finish().await;
    }
}

#[tokio::test]
async fn client_drops_are_counted_and_metrics_report_ingest() {
    for b in backends().await {
        let r = router(&b);
        let body = json!({ "dropped": 7, "summaries": [summary("m1", 1)] }).to_string();
        assert_eq!(
            call(&r, post_json(&ingest_uri(), body)).await.status,
            StatusCode::OK
        );
        assert_eq!(b.store.counts(SITE).await.unwrap(), (1, 7));
        call(&r, post_json(&ingest_uri(), "nope")).await;
        let m = call(&r, Request::get("/metrics").body(Body::empty()).unwrap()).await;
        let text = m.text();
        assert!(
            text.contains("reshelf_ingest_requests_total{status=\"200\"} 1"),
            "{text}"
        );
        assert!(text.contains("reshelf_ingest_requests_total{status=\"400\"} 1"));
        assert!(text.contains("reshelf_client_dropped_total 7"));
        assert!(text.contains(&format!("reshelf_store_info{{backend=\"{}\"}} 1", b.name)));
        let h = call(&r, Request::get("/healthz").body(Body::empty()).unwrap()).await;
        assert_eq!(h.json()["store"], b.name);
        b.finish().await;
    }
}

#[tokio::test]
async fn storage_unavailable_is_503_for_the_client_to_retry() {
    let b = sqlite_backend().await;
    let r = router(&b);
    b.store.close().await;
    let a = call(&r, post_json(&ingest_uri(), batch(&[summary("x", 1)]))).await;
    assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(a.headers.contains_key("retry-after"));
    let h = call(&r, Request::get("/healthz").body(Body::empty()).unwrap()).await;
    assert_eq!(h.status, StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn one_invalid_summary_never_costs_the_valid_ones_beside_it() {
    for b in backends().await {
        let r = router(&b);
        let mut bad = summary("bad", 1);
        bad["pv"] = json!("many");
        let mut future = summary("future", 1);
        future["ts"] = json!(unix_now() + 30 * 86_400);
        let body = batch(&[summary("good-1", 1), bad, summary("good-2", 1), future]);
        let a = call(&r, post_json(&ingest_uri(), body)).await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", b.name, a.text());
        let v = a.json();
        assert_eq!(v["accepted"], 2);
        assert_eq!(v["stored"], 2);
        let refused = v["refused"].as_array().unwrap();
        assert_eq!(refused.len(), 2, "{v}");
        assert_eq!(
            (refused[0]["index"].clone(), refused[0]["sid"].clone()),
            (json!(1), json!("bad"))
        );
        assert!(
            refused[0]["error"]
                .as_str()
                .unwrap()
                .contains("expected an array"),
            "{v}"
        );
        assert_eq!(refused[1]["index"], 3);
        assert!(
            refused[1]["error"].as_str().unwrap().contains("future"),
            "{v}"
        );
        let stored = rows(&b.store).await.join("\n");
        assert!(stored.contains("good-1") && stored.contains("good-2"));
        assert!(!stored.contains("\"bad\"") && !stored.contains("\"future\""));
        b.finish().await;
    }
}

#[tokio::test]
async fn a_device_clock_days_off_is_corrected_from_sent_at_not_refused() {
    for b in backends().await {
        let r = router(&b);
        let now_ms = unix_now() * 1000;
        let fast = 48 * 3600;
        // The device's clock is 48 h fast: its session started "in the future".
        let mut s = summary("fast-clock", 1);
        let real_start = s["ts"].as_u64().unwrap();
        s["ts"] = json!(real_start + fast);
        let body =
            json!({ "site": SITE, "sent_at": now_ms + fast * 1000, "summaries": [s] }).to_string();
        let a = call(&r, post_json(&ingest_uri(), body)).await;
        assert_eq!(a.status, StatusCode::OK, "{}: {}", b.name, a.text());
        let v = a.json();
        assert_eq!(v["stored"], 1, "{v}");
        assert!(
            (v["clock_skew_secs"].as_i64().unwrap() - fast as i64).abs() <= 2,
            "{v}"
        );
        let stored: Value = serde_json::from_str(
            rows(&b.store)
                .await
                .iter()
                .find(|r| r.contains("fast-clock"))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            stored["ts"].as_u64().unwrap(),
            real_start,
            "the start moved back to the server's clock"
        );
        // A few seconds of difference is network delay, not a wrong clock: nothing moves.
        let s = summary("on-time", 1);
        let body = json!({ "site": SITE, "sent_at": now_ms - 4000, "summaries": [s] }).to_string();
        let v = call(&r, post_json(&ingest_uri(), body)).await.json();
        assert_eq!(v["clock_skew_secs"], 0);
        // sent_at that is not a time is a bad envelope.
        let body =
            json!({ "site": SITE, "sent_at": "soon", "summaries": [summary("x", 1)] }).to_string();
        assert_eq!(
            call(&r, post_json(&ingest_uri(), body)).await.status,
            StatusCode::UNPROCESSABLE_ENTITY
        );
        b.finish().await;
    }
}
