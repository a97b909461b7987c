//! First-party persistence of the session between page loads (localStorage).
//!
//! Storage is outside input: a missing, blocked, full or corrupted store never breaks the SDK;
//! the session then simply lives in memory for this document.
//!
//! The stored text is [`reshelf_core::stored`]'s binary encoding, one char per byte: no
//! `JSON` or prototype of the page is involved, and no deserializer is linked.

use std::cell::Cell;

use reshelf_core::hash::fnv1a32;
use reshelf_core::{stored, SessionState};
use web_sys::Storage;

pub struct Store {
    storage: Storage,
    key: String,
    /// Hash of the text this document last read or wrote: tells whether another document
    /// (the page restored from the bfcache, another tab) has written since.
    seen: Cell<u32>,
}

impl Store {
    /// The store for a site, or `None` where localStorage is unavailable (blocked cookies,
    /// sandboxed iframes).
    pub fn open(site: &str) -> Option<Self> {
        let storage = web_sys::window()?.local_storage().ok()??;
        Some(Self {
            storage,
            key: key_for(site),
            seen: Cell::new(0),
        })
    }

    /// The stored session, if one is there and decodes.
    pub fn load(&self) -> Option<SessionState> {
        let text = self.storage.get_item(&self.key).ok()??;
        self.seen.set(fnv1a32(text.as_bytes()));
        stored::decode(&stored::from_text(&text)?)
    }

    /// Writes the session; false when the browser refused (quota, private mode).
    pub fn save(&self, state: &SessionState) -> bool {
        let text = stored::to_text(&stored::encode(state));
        let written = self.storage.set_item(&self.key, &text).is_ok();
        if written {
            self.seen.set(fnv1a32(text.as_bytes()));
        }
        written
    }

    /// Writes the session unless another document wrote since this one last read or wrote:
    /// a page leaving for the bfcache must not overwrite the page the shopper went to, which
    /// may already have been shown (browsers run the new page's `pageshow` before the old
    /// page's `pagehide` finishes).
    pub fn save_unless_moved_on(&self, state: &SessionState) -> bool {
        !self.moved_on() && self.save(state)
    }

    /// Whether another document wrote the session since this one last read or wrote it.
    pub fn moved_on(&self) -> bool {
        let current = self.storage.get_item(&self.key).ok().flatten();
        current.is_some_and(|t| fnv1a32(t.as_bytes()) != self.seen.get())
    }

    pub fn clear(&self) {
        let _ = self.storage.remove_item(&self.key);
    }
}

/// The localStorage key for a site's session.
pub fn key_for(site: &str) -> String {
    ["reshelf:session:", site].concat()
}
