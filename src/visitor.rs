//! New or returning visitor, from a first-party flag: the id of the visitor's first session,
//! kept in localStorage. A visitor is returning once they are in a later session than that.

use reshelf_core::features::VisitorType;

fn key(site: &str) -> String {
    ["reshelf:first-session:", site].concat()
}

/// The visitor type for `session_id`, recording it as the first session when there is none.
/// Without storage every visitor is new.
pub fn visitor_type(site: &str, session_id: &str) -> VisitorType {
    let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) else {
        return VisitorType::New;
    };
    match storage.get_item(&key(site)).ok().flatten() {
        Some(first) if first != session_id => VisitorType::Returning,
        Some(_) => VisitorType::New,
        None => {
            let _ = storage.set_item(&key(site), session_id);
            VisitorType::New
        }
    }
}

/// A random first-party visitor id (created on first use), the key of the holdout arm.
pub fn visitor_id(site: &str) -> String {
    let key = ["reshelf:visitor:", site].concat();
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    if let Some(id) = storage
        .as_ref()
        .and_then(|s| s.get_item(&key).ok().flatten())
    {
        return id;
    }
    let id = reshelf_core::rng::SplitMix64::new(crate::clock::random_seed()).next_id();
    if let Some(s) = storage {
        let _ = s.set_item(&key, &id);
    }
    id
}
