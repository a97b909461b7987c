//! Scroll depth. The passive scroll handler only asks for an animation frame; the position is
//! read once per frame, when layout is fresh anyway, so scrolling never forces extra layout.
//!
//! Depth follows what actually scrolls. Usually that is the window; app-shell layouts
//! (`html, body { overflow: hidden }` and a `main { overflow: auto }`) scroll an element
//! instead, so when the window cannot scroll, the largest scrolling element is found (once, and
//! again after a route change) and its position is read. Scroll events of elements are heard
//! in the capture phase, as they do not bubble.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use gloo_events::EventListenerOptions;
use reshelf_core::EventKind;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Element, Window};

use crate::runtime::{dispatch, Runtime};

pub struct Scroll {
    window: Window,
    pending: Cell<Option<i32>>,
    frame: RefCell<Option<Closure<dyn FnMut()>>>,
    listener: RefCell<Option<EventListener>>,
    /// The element that scrolls when the window does not: `None` until looked for,
    /// `Some(None)` when there is none.
    scroller: RefCell<Option<Option<Element>>>,
    /// The element whose scroll event asked for the pending frame (judged in the frame, where
    /// reading its size forces no layout).
    target: RefCell<Option<Element>>,
}

/// Elements looked at when searching for the page's scroller, at most.
const MAX_SCAN: u32 = 5000;

impl Scroll {
    pub fn install(window: &Window, rt: Weak<RefCell<Runtime>>) -> Rc<Self> {
        let scroll = Rc::new(Self {
            window: window.clone(),
            pending: Cell::new(None),
            frame: RefCell::new(None),
            listener: RefCell::new(None),
            scroller: RefCell::new(None),
            target: RefCell::new(None),
        });
        let me = Rc::downgrade(&scroll);
        let rt_frame = rt.clone();
        *scroll.frame.borrow_mut() = Some(Closure::new(move || {
            let Some(me) = me.upgrade() else { return };
            me.pending.set(None);
            if let Some(el) = me.target.take() {
                me.scrolled(el);
            }
            if let (Some(rt), Some(depth)) = (rt_frame.upgrade(), me.depth()) {
                dispatch(&rt, vec![EventKind::Scroll { depth }]);
            }
        }));
        let me = Rc::downgrade(&scroll);
        *scroll.listener.borrow_mut() = Some(EventListener::new_with_options(
            window,
            "scroll",
            EventListenerOptions::run_in_capture_phase(),
            move |e| {
                if let Some(me) = me.upgrade() {
                    if let Some(el) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                        me.target.replace(Some(el));
                    }
                    me.request();
                }
            },
        ));
        // The first frame records how much of the page is visible before any scrolling.
        scroll.request();
        scroll
    }

    /// Measures on the next animation frame (once, however many scroll events arrive).
    pub fn request(&self) {
        if self.pending.get().is_some() {
            return;
        }
        let frame = self.frame.borrow();
        let Some(cb) = frame.as_ref() else { return };
        if let Ok(id) = self
            .window
            .request_animation_frame(cb.as_ref().unchecked_ref())
        {
            self.pending.set(Some(id));
        }
    }

    /// Looks for the page's scroller again on the next measurement (the route changed).
    pub fn refind(&self) {
        self.scroller.replace(None);
        self.request();
    }

    /// An element scrolled: it becomes the scroller if it is larger than the current one.
    fn scrolled(&self, el: Element) {
        if el.scroll_height() <= el.client_height() + 1 {
            return;
        }
        let area = |e: &Element| i64::from(e.client_width()) * i64::from(e.client_height());
        let bigger = match &*self.scroller.borrow() {
            Some(Some(current)) => current != &el && area(&el) > area(current),
            _ => true,
        };
        if bigger {
            self.scroller.replace(Some(Some(el)));
        }
    }

    /// Bottom of the visible part over the height of what scrolls, 0..=1.
    fn depth(&self) -> Option<f64> {
        let doc = self.window.document()?.document_element()?;
        let height = f64::from(doc.scroll_height());
        let viewport = self.window.inner_height().ok()?.as_f64()?;
        if height <= 0.0 {
            return None;
        }
        if height <= viewport + 1.0 {
            // The window cannot scroll: an element may.
            if self.scroller.borrow().is_none() {
                let found = self.find_scroller(&doc);
                self.scroller.replace(Some(found));
            }
            if let Some(Some(el)) = &*self.scroller.borrow() {
                let total = f64::from(el.scroll_height());
                if total > 0.0 && el.is_connected() {
                    let bottom = f64::from(el.scroll_top()) + f64::from(el.client_height());
                    return Some((bottom / total).clamp(0.0, 1.0));
                }
            }
        }
        let bottom = self.window.scroll_y().ok()? + viewport;
        Some((bottom / height).clamp(0.0, 1.0))
    }

    /// The largest element whose content overflows it and that scrolls (overflow-y auto or
    /// scroll). Runs inside an animation frame, so the layout reads are not forced.
    fn find_scroller(&self, root: &Element) -> Option<Element> {
        let list = root.query_selector_all("body *").ok()?;
        let mut best: Option<(i64, Element)> = None;
        for i in 0..list.length().min(MAX_SCAN) {
            let Some(el) = list.item(i).map(JsCast::unchecked_into::<Element>) else {
                continue;
            };
            let (client, scroll) = (el.client_height(), el.scroll_height());
            if client <= 0 || scroll <= client + 1 {
                continue;
            }
            let area = i64::from(el.client_width()) * i64::from(client);
            if best.as_ref().is_some_and(|(a, _)| *a >= area) {
                continue;
            }
            let scrolls = self
                .window
                .get_computed_style(&el)
                .ok()
                .flatten()
                .and_then(|style| style.get_property_value("overflow-y").ok())
                .is_some_and(|o| o == "auto" || o == "scroll");
            if scrolls {
                best = Some((area, el));
            }
        }
        best.map(|(_, el)| el)
    }
}

impl Drop for Scroll {
    fn drop(&mut self) {
        if let Some(id) = self.pending.take() {
            let _ = self.window.cancel_animation_frame(id);
        }
    }
}
