//! Clicks, resolved to the nearest reshelf item and action. Listens in the capture phase so an
//! app calling `stopPropagation()` does not hide clicks, and passively: it never cancels one.
//!
//! The item and action are found on the event's composed path, which runs through open shadow
//! roots: a tile inside a web component counts like one in the page (at the document the
//! event's target is the component itself).

use std::cell::RefCell;
use std::rc::Weak;

use gloo_events::{EventListener, EventListenerOptions};
use js_sys::Array;
use reshelf_core::EventKind;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, MouseEvent};

use crate::clock::now;
use crate::dom::{has_attr, Name};
use crate::markup::{action, item_ref};
use crate::rank_examples::note_slot_click;
use crate::runtime::{dispatch_at, Runtime, Shared};

pub fn listen(document: &Document, rt: Weak<RefCell<Runtime>>) -> EventListener {
    EventListener::new_with_options(
        document,
        "click",
        EventListenerOptions::run_in_capture_phase(),
        move |e| {
            let Some(rt) = rt.upgrade() else { return };
            // No instanceof checks on the hot path: a click event is a MouseEvent (a synthetic
            // plain Event reads as 0, 0), and `closest` on a non-element target fails softly.
            let mouse: &MouseEvent = e.unchecked_ref();
            let (x, y) = (f64::from(mouse.client_x()), f64::from(mouse.client_y()));
            record(&rt, &e.composed_path(), x, y, now());
        },
    )
}

/// Records a click from its composed path and viewport position (CSS px) at `t` (epoch ms):
/// as the listener hears it, or as heard by reshelf.js before this module was running.
pub fn record(rt: &Shared, path: &Array, x: f64, y: f64, t: f64) {
    let (item_el, action_el) = marked_on_path(path);
    let item = item_el.as_ref().and_then(item_ref);
    if let Some(el) = item_el.as_ref().filter(|_| item.is_some()) {
        note_slot_click(rt, el);
    }
    let action_name = action_el.and_then(|el| action(&el));
    let kind = EventKind::Click {
        x,
        y,
        item,
        action: action_name,
    };
    dispatch_at(rt, vec![kind], t);
}

/// The innermost elements on the event's composed path carrying `data-reshelf-item` and
/// `data-reshelf-event`.
fn marked_on_path(path: &Array) -> (Option<Element>, Option<Element>) {
    let (mut item, mut action) = (None, None);
    for node in path.iter() {
        let Ok(el) = node.dyn_into::<Element>() else {
            continue; // the shadow roots, the document and the window on the way up
        };
        if item.is_none() && has_attr(&el, Name::ItemAttr) {
            item = Some(el.clone());
        }
        if action.is_none() && has_attr(&el, Name::EventAttr) {
            action = Some(el);
        }
        if item.is_some() && action.is_some() {
            break;
        }
    }
    (item, action)
}
