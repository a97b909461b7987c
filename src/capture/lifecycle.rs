//! Page lifecycle: hiding pauses time and dwell and saves the session at once (the last
//! reliable moment before unload); showing again resumes them.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use js_sys::Reflect;
use reshelf_core::EventKind;
use web_sys::{Document, VisibilityState, Window};

use super::{Dwell, Scroll};
use crate::markup::page_type;
use crate::runtime::{dispatch, Runtime};
use reshelf_core::hash::path_hash;

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
    ) -> Self {
        let (rt_hide, dwell_hide) = (rt.clone(), dwell.clone());
        let pagehide = EventListener::new(window, "pagehide", move |_| hide(&rt_hide, &dwell_hide));

        let (rt_vis, dwell_vis, scroll_vis, doc) =
            (rt.clone(), dwell.clone(), scroll.clone(), document.clone());
        let visibility = EventListener::new(document, "visibilitychange", move |_| {
            if doc.visibility_state() == VisibilityState::Hidden {
                hide(&rt_vis, &dwell_vis);
            } else {
                show(&rt_vis, &dwell_vis, &scroll_vis, &doc, false);
            }
        });

        let doc = document.clone();
        let pageshow = EventListener::new(window, "pageshow", move |e| {
            // A page restored from the back/forward cache is viewed again; a first load is
            // already counted by init().
            let restored = Reflect::get(e, &"persisted".into())
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false);
            if restored {
                show(&rt, &dwell, &scroll, &doc, true);
            }
        });
        Self {
            _listeners: [pagehide, visibility, pageshow],
        }
    }
}

fn hide(rt: &Weak<RefCell<Runtime>>, dwell: &Dwell) {
    let Some(rt) = rt.upgrade() else { return };
    dispatch(&rt, vec![EventKind::PageHide]);
    dwell.clear_visible();
    if let Ok(mut r) = rt.try_borrow_mut() {
        r.persist_now();
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
) {
    let Some(rt) = rt.upgrade() else { return };
    let adopted = rt
        .try_borrow_mut()
        .map(|mut r| r.adopt_newer_stored())
        .unwrap_or(false);
    let event = if restored || adopted {
        let path = doc
            .location()
            .and_then(|l| l.pathname().ok())
            .unwrap_or_default();
        EventKind::PageView {
            page: page_type(doc),
            path_hash: path_hash(&path),
        }
    } else {
        EventKind::PageShow
    };
    dispatch(&rt, vec![event]);
    dwell.refresh();
    scroll.request();
}
