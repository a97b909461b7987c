//! Scroll depth. The passive scroll handler only asks for an animation frame; the position is
//! read once per frame, when layout is fresh anyway, so scrolling never forces extra layout.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use reshelf_core::EventKind;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::Window;

use crate::runtime::{dispatch, Runtime};

pub struct Scroll {
    window: Window,
    pending: Cell<Option<i32>>,
    frame: RefCell<Option<Closure<dyn FnMut()>>>,
    listener: RefCell<Option<EventListener>>,
}

impl Scroll {
    pub fn install(window: &Window, rt: Weak<RefCell<Runtime>>) -> Rc<Self> {
        let scroll = Rc::new(Self {
            window: window.clone(),
            pending: Cell::new(None),
            frame: RefCell::new(None),
            listener: RefCell::new(None),
        });
        let me = Rc::downgrade(&scroll);
        let rt_frame = rt.clone();
        *scroll.frame.borrow_mut() = Some(Closure::new(move || {
            let Some(me) = me.upgrade() else { return };
            me.pending.set(None);
            if let (Some(rt), Some(depth)) = (rt_frame.upgrade(), me.depth()) {
                dispatch(&rt, vec![EventKind::Scroll { depth }]);
            }
        }));
        let me = Rc::downgrade(&scroll);
        *scroll.listener.borrow_mut() = Some(EventListener::new(window, "scroll", move |_| {
            if let Some(me) = me.upgrade() {
                me.request();
            }
        }));
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

    /// Bottom of the viewport over the document's height, 0..=1.
    fn depth(&self) -> Option<f64> {
        let doc = self.window.document()?.document_element()?;
        let height = f64::from(doc.scroll_height());
        if height <= 0.0 {
            return None;
        }
        let bottom = self.window.scroll_y().ok()? + self.window.inner_height().ok()?.as_f64()?;
        Some((bottom / height).clamp(0.0, 1.0))
    }
}

impl Drop for Scroll {
    fn drop(&mut self) {
        if let Some(id) = self.pending.take() {
            let _ = self.window.cancel_animation_frame(id);
        }
    }
}
