//! New or returning visitor, from a first-party flag: the id of the visitor's first session,
//! kept in localStorage. A visitor is returning once they are in a later session than that.

use reshelf_core::features::VisitorType;

fn key(site: &str) -> String {
    format!("reshelf:first-session:{site}")
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
