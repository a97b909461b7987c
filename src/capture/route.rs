//! SPA route changes: `history.pushState` / `replaceState` are wrapped (and unwrapped on
//! drop), and `popstate` and `hashchange` are heard. The page type is read a tick later,
//! after the app has rendered the new route and updated `data-reshelf-page`.
//!
//! Hash routers (`#/product/1`) change pages in the fragment. With `hashRoutes` on (the
//! default) a fragment is a page of its own unless it is an in-page anchor: one that names an
//! element on the page (`#reviews`), or `#top`.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_events::EventListener;
use gloo_timers::callback::Timeout;
use js_sys::{Function, Reflect};
use reshelf_core::hash::{path_hash, route_hash};
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
    _hashchange: Option<EventListener>,
    _watch: Rc<RouteWatch>,
}

/// Notices page changes and reports them once per change.
struct RouteWatch {
    window: Window,
    hash_routes: bool,
    last_key: Cell<u32>,
    /// The path alone, so a jump to an in-page anchor is told from a new page.
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
        hash_routes: bool,
    ) -> Result<Self, JsValue> {
        let here = place(window, hash_routes);
        let watch = Rc::new(RouteWatch {
            window: window.clone(),
            hash_routes,
            last_key: Cell::new(here.key),
            last_path: Cell::new(here.path),
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
        // popstate and hashchange both fire for one fragment change: they replace the same
        // pending check, so it runs once.
        let hashchange = hash_routes.then(|| {
            let notify = notify.clone();
            EventListener::new(window, "hashchange", move |_| notify())
        });
        Ok(Self {
            _push: HistoryPatch::install(&history, "pushState", notify.clone())?,
            _replace: HistoryPatch::install(&history, "replaceState", notify)?,
            _popstate: popstate,
            _hashchange: hashchange,
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
        let here = place(&self.window, self.hash_routes);
        let same_path = here.path == self.last_path.replace(here.path);
        if same_path && here.anchor {
            return; // a jump to an anchor within the page shown
        }
        let key = here.key;
        if key == self.last_key.replace(key) {
            return; // replaceState of state only: same page
        }
        let Some(rt) = self.rt.upgrade() else { return };
        let Some(doc) = self.window.document() else {
            return;
        };
        dispatch(
            &rt,
            vec![EventKind::RouteChange {
                page: page_type(&doc),
                path_hash: key,
            }],
        );
        self.dwell.refresh();
        self.scroll.refind();
    }
}

/// Where the URL points, read once: the hash of its path; the page's key (the path, plus the
/// route in its fragment when hash routes are on and the fragment is not an in-page anchor);
/// and whether the fragment is such an anchor.
struct Place {
    path: u32,
    key: u32,
    anchor: bool,
}

fn place(window: &Window, hash_routes: bool) -> Place {
    let location = window.location();
    let pathname = location.pathname().unwrap_or_default();
    let path = path_hash(&pathname);
    let fragment = if hash_routes {
        location.hash().unwrap_or_default()
    } else {
        String::new()
    };
    let route = fragment.strip_prefix('#').unwrap_or("");
    let anchor = !route.is_empty() && is_anchor(window, route);
    let key = if route.is_empty() || anchor {
        path
    } else {
        route_hash(&pathname, route)
    };
    Place { path, key, anchor }
}

/// The page the URL names, hashed (see [`Place`]).
pub fn page_key(window: &Window, hash_routes: bool) -> u32 {
    place(window, hash_routes).key
}

/// Whether a fragment is an in-page anchor: `top`, or the id of an element.
fn is_anchor(window: &Window, raw: &str) -> bool {
    let id = js_sys::decode_uri_component(raw)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_else(|| raw.to_string());
    id.eq_ignore_ascii_case("top")
        || window
            .document()
            .is_some_and(|d| d.get_element_by_id(&id).is_some())
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
