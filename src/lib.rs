//! reshelf's browser shell: translates between the page and `reshelf-core`.
//!
//! The wasm boundary is deliberately small: [`start`] and the [`Session`] handle it returns.
//! Plain data crosses it field by field (`plain` reads options and payloads, `objects` builds
//! what the page gets back, core writes the summary's JSON text): a serde JS-value bridge was
//! the largest part of this module. The JS facade in `src/js/`
//! wraps these exports so that nothing the SDK does can throw into the page.
#![forbid(unsafe_code)]

mod apply;
mod capture;
mod clock;
mod decide;
mod dom;
mod emitter;
pub mod engine;
mod errors;
mod intent;
pub mod markup;
mod objects;
mod options;
mod plain;
mod rank_examples;
pub mod ranker;
mod runtime;
mod session;
pub mod store;
mod summary;
mod track;
mod visitor;

pub use errors::Error;
pub use session::{start, Session};
pub use track::parse_track;

/// Talc instead of the standard library's dlmalloc: less code in the module (see Cargo.toml).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
