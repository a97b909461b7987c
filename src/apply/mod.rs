//! Applying decisions to the page without moving what the shopper is looking at.
//!
//! Before the first paint everything may move. After it, an item moves only if it lies
//! entirely below the viewport and is neither hovered, focused nor holding an open menu;
//! items on screen or above it keep their DOM node and their position, so nothing the shopper
//! can see shifts. Rounds run on the SDK's own schedule (start, and after each re-scoring),
//! never in response to DOM mutations, so an app re-rendering a slot is never fought.

mod guard;
mod policy_source;
mod slots;
mod variants;

pub use guard::painted;
pub use policy_source::read_policy;
pub use slots::{apply_slot, read_around, read_slot, MAX_SLOT_ITEMS};
pub use variants::{apply_variant, offered_variants};
