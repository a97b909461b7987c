//! Clicks, resolved to the nearest reshelf item and action. Listens in the capture phase so an
//! app calling `stopPropagation()` does not hide clicks, and passively: it never cancels one.

use std::cell::RefCell;
use std::rc::Weak;

use gloo_events::{EventListener, EventListenerOptions};
use reshelf_core::EventKind;
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, MouseEvent};

use crate::markup::{closest, item_ref, EVENT_SELECTOR, ITEM_SELECTOR};
use crate::runtime::{dispatch, Runtime};

pub fn listen(document: &Document, rt: Weak<RefCell<Runtime>>) -> EventListener {
    EventListener::new_with_options(
        document,
        "click",
        EventListenerOptions::run_in_capture_phase(),
        move |e| {
            let Some(rt) = rt.upgrade() else { return };
            let Some(mouse) = e.dyn_ref::<MouseEvent>() else {
                return;
            };
            let target = e.target().and_then(|t| t.dyn_into::<Element>().ok());
            let item = target
                .as_ref()
                .and_then(|el| closest(el, ITEM_SELECTOR))
                .and_then(|el| item_ref(&el));
            let action = target
                .as_ref()
                .and_then(|el| closest(el, EVENT_SELECTOR))
                .and_then(|el| el.get_attribute("data-reshelf-event"));
            let kind = EventKind::Click {
                x: f64::from(mouse.client_x()),
                y: f64::from(mouse.client_y()),
                item,
                action,
            };
            dispatch(&rt, vec![kind]);
        },
    )
}
