//! First-party persistence of the session between page loads (localStorage).
//!
//! Storage is outside input: a missing, blocked, full or corrupted store never breaks the SDK;
//! the session then simply lives in memory for this document.

use reshelf_core::SessionState;
use serde::Serialize;
use wasm_bindgen::JsValue;
use web_sys::Storage;

pub struct Store {
    storage: Storage,
    key: String,
}

impl Store {
    /// The store for a site, or `None` where localStorage is unavailable (blocked cookies,
    /// sandboxed iframes).
    pub fn open(site: &str) -> Option<Self> {
        let storage = web_sys::window()?.local_storage().ok()??;
        Some(Self {
            storage,
            key: key_for(site),
        })
    }

    /// The stored session, if one is there and decodes.
    pub fn load(&self) -> Option<SessionState> {
        let text = self.storage.get_item(&self.key).ok()??;
        let value = js_sys::JSON::parse(&text).ok()?;
        serde_wasm_bindgen::from_value(value).ok()
    }

    /// Writes the session; false when the browser refused (quota, private mode).
    pub fn save(&self, state: &SessionState) -> bool {
        let Ok(value) = to_js(state) else {
            return false;
        };
        let Ok(text) = js_sys::JSON::stringify(&value) else {
            return false;
        };
        let Some(text) = text.as_string() else {
            return false;
        };
        self.storage.set_item(&self.key, &text).is_ok()
    }

    pub fn clear(&self) {
        let _ = self.storage.remove_item(&self.key);
    }
}

/// The localStorage key for a site's session.
pub fn key_for(site: &str) -> String {
    format!("reshelf:session:{site}")
}

/// Plain JS data (objects, not `Map`s; numbers, not `BigInt`s) for anything serialisable.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}
