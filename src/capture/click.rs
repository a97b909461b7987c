//! Clicks, resolved to the nearest reshelf item and action. Listens in the capture phase so an
//! app calling `stopPropagation()` does not hide clicks, and passively: it never cancels one.

use std::cell::RefCell;
use std::rc::Weak;

use gloo_events::{EventListener, EventListenerOptions};
use reshelf_core::EventKind;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, MouseEvent};

use crate::markup::{action, closest, item_ref, Selector};
use crate::rank_examples::note_slot_click;
use crate::runtime::{dispatch, Runtime};

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
            let target = e.target().map(JsCast::unchecked_into::<Element>);
            let item_el = target
                .as_ref()
                .and_then(|el| closest(el, Selector::ItemSelector));
            let item = item_el.as_ref().and_then(item_ref);
            if let Some(el) = item_el.as_ref().filter(|_| item.is_some()) {
                note_slot_click(&rt, el);
            }
            let action_name = target
                .as_ref()
                .and_then(|el| closest(el, Selector::EventSelector))
                .and_then(|el| action(&el));
            let kind = EventKind::Click {
                x: f64::from(mouse.client_x()),
                y: f64::from(mouse.client_y()),
                item,
                action: action_name,
            };
            dispatch(&rt, vec![kind]);
        },
    )
}
