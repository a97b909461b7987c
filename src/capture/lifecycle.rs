//! Page lifecycle: hiding pauses time and dwell and saves the session at once (the last
//! reliable moment before unload); showing again resumes them.
//!
//! A page restored from the back/forward cache fires both `visibilitychange` (visible) and
//! `pageshow` (persisted), in an order browsers do not agree on; the restore is one page view,
//! counted by `pageshow` alone.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use js_sys::Reflect;
use reshelf_core::EventKind;
use web_sys::{Document, VisibilityState, Window};

use super::route::page_key;
use super::{Dwell, Scroll};
use crate::markup::page_type;
use crate::runtime::{dispatch, Runtime};

pub struct Lifecycle {
    _listeners: [EventListener; 3],
}

impl Lifecycle {
    pub fn install(
        window: &Window,
        document: &Document,
        rt: Weak<RefCell<Runtime>>,
        dwell: Rc<Dwell>,
        scroll: Rc<Scroll>,
        hash_routes: bool,
    ) -> Self {
        // In the back/forward cache and not shown again yet.
        let frozen = Rc::new(Cell::new(false));
        let (rt_hide, dwell_hide, frozen_hide) = (rt.clone(), dwell.clone(), frozen.clone());
        let pagehide = EventListener::new(window, "pagehide", move |e| {
            frozen_hide.set(persisted(e));
            hide(&rt_hide, &dwell_hide, frozen_hide.get());
        });

        let (rt_vis, dwell_vis, scroll_vis, doc, frozen_vis) = (
            rt.clone(),
            dwell.clone(),
            scroll.clone(),
            document.clone(),
            frozen.clone(),
        );
        let visibility = EventListener::new(document, "visibilitychange", move |_| {
            if doc.visibility_state() == VisibilityState::Hidden {
                hide(&rt_vis, &dwell_vis, frozen_vis.get());
            } else if !frozen_vis.get() {
                show(&rt_vis, &dwell_vis, &scroll_vis, &doc, false, hash_routes);
            }
        });

        let doc = document.clone();
        let pageshow = EventListener::new(window, "pageshow", move |e| {
            // A page restored from the back/forward cache is viewed again; a first load is
            // already counted by init().
            if persisted(e) {
                frozen.set(false);
                show(&rt, &dwell, &scroll, &doc, true, hash_routes);
            }
        });
        Self {
            _listeners: [pagehide, visibility, pageshow],
        }
    }
}

/// `event.persisted` of a `pagehide` / `pageshow`: the page enters or leaves the bfcache.
fn persisted(e: &web_sys::Event) -> bool {
    Reflect::get(e, &"persisted".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

/// Pauses and saves. `frozen`: the page is entering the bfcache, so the page the shopper went
/// to owns the stored session; ours is written only if that page has not written yet.
fn hide(rt: &Weak<RefCell<Runtime>>, dwell: &Dwell, frozen: bool) {
    let Some(rt) = rt.upgrade() else { return };
    dispatch(&rt, vec![EventKind::PageHide]);
    dwell.clear_visible();
    if let Ok(mut r) = rt.try_borrow_mut() {
        if frozen {
            r.persist_leaving();
        } else {
            r.persist_now();
        }
    };
}

/// Resumes after hiding. When this document's copy of the session is stale (another page or
/// tab of the store moved it on meanwhile) or the page came back from the bfcache, the page is
/// viewed anew; otherwise its paused timers simply resume.
fn show(
    rt: &Weak<RefCell<Runtime>>,
    dwell: &Dwell,
    scroll: &Scroll,
    doc: &Document,
    restored: bool,
    hash_routes: bool,
) {
    let Some(rt) = rt.upgrade() else { return };
    let adopted = rt
        .try_borrow_mut()
        .map(|mut r| r.adopt_newer_stored())
        .unwrap_or(false);
    let event = if restored || adopted {
        let key = doc.default_view().map_or(0, |w| page_key(&w, hash_routes));
        EventKind::PageView {
            page: page_type(doc),
            path_hash: key,
        }
    } else {
        EventKind::PageShow
    };
    let viewed = matches!(event, EventKind::PageView { .. });
    dispatch(&rt, vec![event]);
    if viewed {
        // Stored at once, as a first page view is: the page the shopper returns to next may
        // be restored before this one's pagehide runs, and must find this view.
        if let Ok(mut r) = rt.try_borrow_mut() {
            r.persist_now();
        }
    }
    dwell.refresh();
    scroll.request();
}
