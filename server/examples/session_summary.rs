//! For the summary-size comparison of the ingest benchmark (`bench/ingest.mjs`): folds a
//! scripted session, given as JSON lines on stdin, through the core tracker the SDK runs and
//! prints what the SDK would send for it, as one JSON line: `{"summary":"…","sent":["…",…]}`,
//! the summary at the end and the summary at each moment the SDK sends one, each as the exact
//! JSON text the SDK sends.
//!
//! Lines: `{"t":…,"view":"home","path":"/"}` (a page view), any core `Event`
//! (`{"t":…,"type":"click",…}`), `{"intent":0.12}` (an intent checkpoint), `{"decision":{…}}`
//! (a core `Decision`) and `{"send":t}` (the SDK sends the summary as of `t`).

use std::io::BufRead;

use reshelf_core::events::{Event, EventKind};
use reshelf_core::features::Date;
use reshelf_core::hash::path_hash;
use reshelf_core::policy::{randomisation_unit, Arm, Decision};
use reshelf_core::summary::{BrowserFamily, DeviceClass, Summary, SummaryContext, TrafficSource};
use reshelf_core::{PageType, Tracker};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
#[serde(untagged)]
enum Line {
    View {
        t: f64,
        view: PageType,
        path: String,
    },
    Intent {
        intent: f32,
    },
    Decision {
        decision: Decision,
    },
    Send {
        send: f64,
    },
    Event(Event),
}

fn summary_at(tr: &Tracker, t: f64) -> Summary {
    let state = tr.state();
    let secs = (state.started_at / 1000.0) as i64;
    let day = Date::from_days(secs.div_euclid(86_400));
    let ctx = SummaryContext {
        // As the SDK numbers them (src/summary.rs).
        seq: Summary::sequence(state, t),
        arm: Arm::Treatment,
        model_version: Some("intent-1.0.0".into()),
        intent_checkpoints: state.intent_checkpoints.clone(),
        device: DeviceClass::Desktop,
        browser: BrowserFamily::Chrome,
        source: state.source.unwrap_or(TrafficSource::Direct),
        hour: (secs.rem_euclid(86_400) / 3600) as u8,
        weekday: day.weekday(),
        month: day.month - 1,
        returning: false,
        special_day: 0.0,
        unit: Some(randomisation_unit(&state.session_id, "bench")),
    };
    Summary::from_session(state, &ctx, t)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut tracker: Option<Tracker> = None;
    let mut sent = Vec::new();
    let mut last_t = 0.0;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let event = match serde_json::from_str::<Line>(&line)? {
            Line::View { t, view, path } => Event::new(
                t,
                EventKind::PageView {
                    page: view,
                    path_hash: path_hash(&path),
                },
            ),
            Line::Event(e) => e,
            other => {
                let tr = tracker
                    .as_mut()
                    .ok_or("the session must start with a page view")?;
                match other {
                    Line::Intent { intent } => tr.record_intent(intent),
                    Line::Decision { decision } => tr.record_decision(decision),
                    Line::Send { send } => {
                        sent.push(serde_json::to_string(&summary_at(tr, send))?);
                        last_t = send;
                    }
                    Line::View { .. } | Line::Event(_) => unreachable!(),
                }
                continue;
            }
        };
        last_t = event.t;
        let tr = tracker.get_or_insert_with(|| Tracker::new(7, event.t));
        tr.note_source(|| TrafficSource::Search);
        tr.apply(&event);
    }
    let tr = tracker.ok_or("empty session")?;
    let summary = serde_json::to_string(&summary_at(&tr, last_t))?;
    println!("{}", json!({ "summary": summary, "sent": sent }));
    Ok(())
}
