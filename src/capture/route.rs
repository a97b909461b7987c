//! SPA route changes: `history.pushState` / `replaceState` are wrapped (and unwrapped on
//! drop) and `popstate` is heard. The page type is read a tick later, after the app has
//! rendered the new route and updated `data-reshelf-page`.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use js_sys::{Function, Reflect};
use reshelf_core::hash::path_hash;
use reshelf_core::EventKind;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{History, Window};

use super::{Dwell, Scroll};
use crate::markup::page_type;
use crate::runtime::{dispatch, Runtime};

pub struct Route {
    _push: HistoryPatch,
    _replace: HistoryPatch,
    _popstate: EventListener,
    _watch: Rc<RouteWatch>,
}

/// Notices path changes and reports them once per change.
struct RouteWatch {
    window: Window,
    last_path: Cell<u32>,
    pending: RefCell<Option<Timeout>>,
    rt: Weak<RefCell<Runtime>>,
    dwell: Rc<Dwell>,
    scroll: Rc<Scroll>,
}

impl Route {
    pub fn install(
        window: &Window,
        rt: Weak<RefCell<Runtime>>,
        dwell: Rc<Dwell>,
        scroll: Rc<Scroll>,
    ) -> Result<Self, JsValue> {
        let watch = Rc::new(RouteWatch {
            window: window.clone(),
            last_path: Cell::new(current_path_hash(window)),
            pending: RefCell::new(None),
            rt,
            dwell,
            scroll,
        });
        let history = window.history()?;
        let w = Rc::downgrade(&watch);
        let notify = move || {
            if let Some(w) = w.upgrade() {
                RouteWatch::schedule(&w);
            }
        };
        let popstate = {
            let notify = notify.clone();
            EventListener::new(window, "popstate", move |_| notify())
        };
        Ok(Self {
            _push: HistoryPatch::install(&history, "pushState", notify.clone())?,
            _replace: HistoryPatch::install(&history, "replaceState", notify)?,
            _popstate: popstate,
            _watch: watch,
        })
    }
}

impl RouteWatch {
    fn schedule(me: &Rc<Self>) {
        let w = Rc::downgrade(me);
        *me.pending.borrow_mut() = Some(Timeout::new(0, move || {
            if let Some(w) = w.upgrade() {
                w.check();
            }
        }));
    }

    fn check(&self) {
        let path = current_path_hash(&self.window);
        if path == self.last_path.replace(path) {
            return; // replaceState of state only, or a hash change: same page
        }
        let Some(rt) = self.rt.upgrade() else { return };
        let Some(doc) = self.window.document() else {
            return;
        };
        dispatch(
            &rt,
            vec![EventKind::RouteChange {
                page: page_type(&doc),
                path_hash: path,
            }],
        );
        self.dwell.refresh();
        self.scroll.request();
    }
}

fn current_path_hash(window: &Window) -> u32 {
    path_hash(&window.location().pathname().unwrap_or_default())
}

/// `history.pushState(state, title, url)` as a Rust closure; errors are rethrown to the caller.
type HistoryFn = dyn FnMut(JsValue, JsValue, JsValue) -> Result<JsValue, JsValue>;

/// Replaces `history[method]` with a wrapper that calls the original and then notifies.
/// On drop the original is put back if ours is still the installed one; if the app wrapped
/// it again meanwhile, ours stays in its chain as a pure pass-through (never a dead closure).
struct HistoryPatch {
    history: History,
    method: &'static str,
    original: Function,
    active: Rc<Cell<bool>>,
    wrapper: Option<Closure<HistoryFn>>,
}

impl HistoryPatch {
    fn install(
        history: &History,
        method: &'static str,
        notify: impl Fn() + 'static,
    ) -> Result<Self, JsValue> {
        let original: Function = Reflect::get(history, &method.into())?.dyn_into()?;
        let active = Rc::new(Cell::new(true));
        let (orig, h, on) = (original.clone(), history.clone(), active.clone());
        let wrapper =
            Closure::<HistoryFn>::new(move |state: JsValue, title: JsValue, url: JsValue| {
                // Errors (e.g. a cross-origin URL) reach the app exactly as without reshelf.
                let out = orig.call3(&h, &state, &title, &url)?;
                if on.get() {
                    notify();
                }
                Ok(out)
            });
        Reflect::set(history, &method.into(), wrapper.as_ref())?;
        Ok(Self {
            history: history.clone(),
            method,
            original,
            active,
            wrapper: Some(wrapper),
        })
    }
}

impl Drop for HistoryPatch {
    fn drop(&mut self) {
        self.active.set(false);
        let Some(wrapper) = self.wrapper.take() else {
            return;
        };
        let installed = Reflect::get(&self.history, &self.method.into()).ok();
        let ours: &JsValue = wrapper.as_ref();
        if installed.as_ref() == Some(ours) {
            let _ = Reflect::set(&self.history, &self.method.into(), &self.original);
        } else {
            wrapper.forget();
        }
    }
}
