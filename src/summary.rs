//! The session's summary as it leaves the device: the core type filled in with what only
//! the browser knows (user agent classes, local time, the holdout arm).

use reshelf_core::summary::{browser_family, device_class, Summary, SummaryContext, TrafficSource};

use crate::clock::now;
use crate::runtime::Runtime;
use reshelf_core::features::VisitorType;

/// The summary of the current session as of now.
pub fn current(rt: &mut Runtime) -> Summary {
    let t = now();
    let session_id = rt.tracker.state().session_id.clone();
    let visitor = rt.intent.visitor_for(&session_id);
    let state = rt.tracker.state();
    let started = js_sys::Date::new(&state.started_at.into());
    let ua = user_agent();
    let ctx_day = rt.intent.special_day_at(state.started_at);
    let ctx = SummaryContext {
        seq: Summary::sequence(state, t),
        arm: rt.decider.arm,
        model_version: rt.intent.version().map(str::to_string),
        intent_checkpoints: state.intent_checkpoints.clone(),
        device: device_class(&ua),
        browser: browser_family(&ua),
        source: state.source.unwrap_or(TrafficSource::Direct),
        hour: started.get_hours() as u8,
        weekday: started.get_day() as u8,
        month: started.get_month() as u8,
        returning: visitor == VisitorType::Returning,
        special_day: ctx_day,
        unit: Some(rt.decider.unit),
    };
    Summary::from_session(state, &ctx, t)
}

/// The traffic source of a page load from its referrer.
pub fn source_of_this_page(document: &web_sys::Document) -> TrafficSource {
    let referrer = document.referrer();
    let referrer_host = host_of(&referrer);
    let own = document
        .location()
        .and_then(|l| l.host().ok())
        .unwrap_or_default();
    reshelf_core::summary::traffic_source(referrer_host, &own)
}

fn host_of(url: &str) -> &str {
    // Not `split_once("://")`, which links the two-way string searcher.
    let rest = reshelf_core::find_bytes(url, "://")
        .and_then(|i| url.get(i + 3..))
        .unwrap_or("");
    rest.split(['/', '?', '#']).next().unwrap_or("")
}

/// `navigator.userAgent`, read through Reflect (one string is all the summary needs from
/// the navigator).
fn user_agent() -> String {
    let Some(w) = web_sys::window() else {
        return String::new();
    };
    js_sys::Reflect::get(&w, &"navigator".into())
        .and_then(|n| js_sys::Reflect::get(&n, &"userAgent".into()))
        .ok()
        .and_then(|ua| ua.as_string())
        .unwrap_or_default()
}
