//! reshelf-core: the pure-Rust heart of reshelf.
//!
//! Everything here is deterministic and free of I/O so that the browser shell, the trainer and
//! the server share one definition of each thing and it can be tested natively, fast.
#![forbid(unsafe_code)]

pub mod engagement;
pub mod events;
pub mod experiment;
pub mod features;
pub mod hash;
pub mod limits;
#[cfg(feature = "inference")]
pub mod model;
pub mod page;
pub mod policy;
mod rage;
pub mod rng;
pub mod session;
pub mod snapshot;
pub mod sorted_map;
pub mod stored;
pub mod summary;
mod text;
pub mod tracker;
pub mod visit;

pub use events::{Event, EventKind, ItemRef};
pub use page::{PageKind, PageType};
pub use session::SessionState;
pub use snapshot::Snapshot;
pub use text::{decimal, find_bytes, hex, parse_price};
pub use tracker::{Applied, Tracker};
