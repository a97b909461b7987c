//! Events reshelf.js heard between `init()` and this module running (see `src/js/early.js`),
//! folded into the session as if the module's own listeners had heard them. On a slow network
//! the module takes seconds to arrive; clicks and scrolling meanwhile are the shopper's first
//! moves on the page and must not be lost.
//!
//! The record is one flat array, which is cheap to fill in JS and to read here:
//! `[since, depth, depth_at, (t, x, y, path)*]` — `since` is when `init()` ran (epoch ms),
//! `depth` the deepest window scroll depth seen (0..=1, NaN when the window did not scroll),
//! `depth_at` when it was reached, then each click's time (epoch ms), viewport position (CSS
//! px) and composed path (an array of the nodes it went through).

use js_sys::Array;
use reshelf_core::EventKind;
use wasm_bindgen::{JsCast, JsValue};

use crate::clock::now;
use crate::runtime::{dispatch_at, Shared};

/// The fields before the first click.
const HEAD: u32 = 3;
/// The fields of one click.
const CLICK: u32 = 4;

/// When the page view began: `init()`'s time from the record, never later than now. Without a
/// record, now.
pub fn since(early: Option<&Array>) -> f64 {
    let t = now();
    early
        .and_then(|a| a.get(0).as_f64())
        .filter(|s| s.is_finite())
        .map_or(t, |s| s.min(t))
}

/// Folds the record's clicks, then its scroll depth, into the session, each at its own time
/// (kept between `since` and now; the session keeps its times from going back). Entries of the
/// wrong shape are skipped: the record comes from reshelf.js, but the page owns the objects in
/// it.
pub fn replay(rt: &Shared, early: &Array, since: f64) {
    let end = now();
    // max/min, not clamp: f64::clamp's panic message formats floats, which would link the
    // float formatter into this module.
    let at = |v: JsValue| v.as_f64().map_or(end, |t| t.max(since).min(end));
    let mut i = HEAD;
    while i + CLICK <= early.length() {
        let (x, y) = (early.get(i + 1).as_f64(), early.get(i + 2).as_f64());
        if let (Some(x), Some(y), Ok(path)) = (x, y, early.get(i + 3).dyn_into::<Array>()) {
            super::click::record(rt, &path, x, y, at(early.get(i)));
        }
        i += CLICK;
    }
    if let Some(depth) = early.get(1).as_f64().filter(|d| (0.0..=1.0).contains(d)) {
        dispatch_at(rt, vec![EventKind::Scroll { depth }], at(early.get(2)));
    }
}
