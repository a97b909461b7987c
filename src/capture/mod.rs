//! DOM capture: each submodule owns one kind of listener and releases it on drop, so dropping
//! [`Capture`] leaves the page exactly as it was before `init()`.

mod click;
mod dwell;
mod early;
mod lifecycle;
mod route;
mod scroll;

use std::rc::Rc;

use web_sys::{Document, Window};

pub use dwell::Dwell;
pub use early::{replay as replay_early, since as early_since};
pub use route::page_key;
pub use scroll::Scroll;

use crate::runtime::Shared;

/// Every listener, observer, patch and timer the SDK holds on the page.
pub struct Capture {
    _click: gloo_events::EventListener,
    _lifecycle: lifecycle::Lifecycle,
    _route: route::Route,
    _dwell: Rc<Dwell>,
    _scroll: Rc<Scroll>,
}

impl Capture {
    pub fn install(
        window: &Window,
        document: &Document,
        rt: &Shared,
        hash_routes: bool,
    ) -> Result<Self, wasm_bindgen::JsValue> {
        let weak = Rc::downgrade(rt);
        let dwell = Dwell::install(document, weak.clone())?;
        let scroll = Scroll::install(window, weak.clone());
        Ok(Self {
            _click: click::listen(document, weak.clone()),
            _lifecycle: lifecycle::Lifecycle::install(
                window,
                document,
                weak.clone(),
                dwell.clone(),
                scroll.clone(),
                hash_routes,
            ),
            _route: route::Route::install(
                window,
                weak,
                dwell.clone(),
                scroll.clone(),
                hash_routes,
            )?,
            _dwell: dwell,
            _scroll: scroll,
        })
    }
}
