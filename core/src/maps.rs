//! Ordered maps built by inserting one entry at a time (string-keyed maps in the session
//! state are [`crate::sorted_map::SortedMap`]).
//!
//! `collect()` into a `BTreeMap` sorts the entries first with the standard
//! library's stable sort, which is instantiated anew for every key and value type: about
//! 4 KB of wasm each in the SDK's capture module. These maps hold at most a few hundred
//! entries, so inserting costs nothing noticeable and links only `insert`, which every map
//! here already uses.

use std::collections::BTreeMap;

/// The map of `entries`; a later entry replaces an earlier one with the same key, as
/// `collect()` does.
pub fn map_of<K: Ord, V>(entries: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    map.extend(entries);
    map
}
