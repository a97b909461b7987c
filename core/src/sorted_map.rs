//! [`SortedMap`]: a map kept as a sorted key vector and a value vector, for the session
//! state's per-item, per-category, per-brand and custom tallies (string keys) and the page
//! statistics (path-hash keys).
//!
//! Each `BTreeMap` key and value type links its own copy of the B-tree's node code into the
//! SDK's capture module (about 4–5 KB of wasm per type). Here the key search works on the
//! key vector alone, so one copy per key type serves every value type; what is generic per
//! value type is `Vec`'s insert. The maps hold at most a few thousand entries
//! (`crate::limits`, the server's page-stats feed), where a binary search over a vector and
//! a shifting insert cost no more than a B-tree's. Iteration is in key order, and serde reads
//! and writes a map, as with a `BTreeMap`.

use std::fmt;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A [`SortedMap`]'s key: ordered, and looked up by a borrowed form (`str` for `String`), so
/// every lookup of one key type goes through one instance of the search.
pub trait Key: Ord {
    type Ref: Ord + ?Sized;
    fn as_ref(&self) -> &Self::Ref;
}

impl Key for String {
    type Ref = str;
    fn as_ref(&self) -> &str {
        self
    }
}

impl Key for u32 {
    type Ref = u32;
    fn as_ref(&self) -> &u32 {
        self
    }
}

/// Keys in ascending order, each with its value.
#[derive(Clone, PartialEq)]
pub struct SortedMap<V, K = String> {
    keys: Vec<K>,
    values: Vec<V>,
}

impl<V, K> Default for SortedMap<V, K> {
    fn default() -> Self {
        Self {
            keys: Vec::new(),
            values: Vec::new(),
        }
    }
}

/// Where `key` is in `keys`, or where it would be inserted. Generic over the key type only,
/// so the capture module links one copy per key type whatever the values.
fn search<K: Key>(keys: &[K], key: &K::Ref) -> Result<usize, usize> {
    keys.binary_search_by(|k| k.as_ref().cmp(key))
}

impl<V, K: Key> SortedMap<V, K> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn get(&self, key: &K::Ref) -> Option<&V> {
        search(&self.keys, key).ok().map(|i| &self.values[i])
    }

    pub fn get_mut(&mut self, key: &K::Ref) -> Option<&mut V> {
        search(&self.keys, key).ok().map(|i| &mut self.values[i])
    }

    pub fn contains_key(&self, key: &K::Ref) -> bool {
        search(&self.keys, key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaces, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match search(&self.keys, key.as_ref()) {
            Ok(i) => Some(std::mem::replace(&mut self.values[i], value)),
            Err(i) => {
                self.place(i, key, value);
                None
            }
        }
    }

    /// The entry for `key`, to fill in when it is missing.
    pub fn entry(&mut self, key: K) -> Entry<'_, V, K> {
        Entry { map: self, key }
    }

    /// Entries in key order.
    pub fn iter(&self) -> std::iter::Zip<std::slice::Iter<'_, K>, std::slice::Iter<'_, V>> {
        self.keys.iter().zip(self.values.iter())
    }

    pub fn keys(&self) -> impl Iterator<Item = &K> {
        self.keys.iter()
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.values.iter()
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        self.values.iter_mut()
    }

    /// Inserts `key` and `value` at `at`, where the search said `key` belongs.
    fn place(&mut self, at: usize, key: K, value: V) {
        self.keys.insert(at, key);
        self.values.insert(at, value);
    }
}

/// A key of a [`SortedMap`] and the map, from [`SortedMap::entry`].
pub struct Entry<'a, V, K = String> {
    map: &'a mut SortedMap<V, K>,
    key: K,
}

impl<'a, V, K: Key> Entry<'a, V, K> {
    /// The key's value, inserted from `make` first when missing.
    pub fn or_insert_with(self, make: impl FnOnce() -> V) -> &'a mut V {
        let map = self.map;
        let i = match search(&map.keys, self.key.as_ref()) {
            Ok(i) => i,
            Err(i) => {
                map.place(i, self.key, make());
                i
            }
        };
        &mut map.values[i]
    }

    /// The key's value, inserted as `V::default()` first when missing.
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
}

impl<'a, V, K: Key> IntoIterator for &'a SortedMap<V, K> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::iter::Zip<std::slice::Iter<'a, K>, std::slice::Iter<'a, V>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// A later entry replaces an earlier one with the same key, as `BTreeMap`'s `collect` does.
impl<V, K: Key> FromIterator<(K, V)> for SortedMap<V, K> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Self {
        let mut map = Self::new();
        for (k, v) in entries {
            map.insert(k, v);
        }
        map
    }
}

/// `map[key]`, which panics when `key` is missing, as a `BTreeMap`'s does.
impl<V, K: Key> std::ops::Index<&K::Ref> for SortedMap<V, K> {
    type Output = V;

    fn index(&self, key: &K::Ref) -> &V {
        self.get(key).expect("key in SortedMap")
    }
}

impl<V: fmt::Debug, K: Key + fmt::Debug> fmt::Debug for SortedMap<V, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V: Serialize, K: Key + Serialize> Serialize for SortedMap<V, K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (k, v) in self {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>, K: Key + Deserialize<'de>> Deserialize<'de> for SortedMap<V, K> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V, K>(std::marker::PhantomData<(V, K)>);

        impl<'de, V, K> Visitor<'de> for MapVisitor<V, K>
        where
            V: Deserialize<'de>,
            K: Key + Deserialize<'de>,
        {
            type Value = SortedMap<V, K>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = SortedMap::new();
                while let Some((k, v)) = access.next_entry::<K, V>()? {
                    map.insert(k, v);
                }
                Ok(map)
            }
        }

        deserializer.deserialize_map(MapVisitor(std::marker::PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn behaves_as_a_btree_map_under_the_same_operations() {
        let mut ours: SortedMap<u32> = SortedMap::new();
        let mut theirs: BTreeMap<String, u32> = BTreeMap::new();
        let mut x = 7u32;
        for step in 0..600u32 {
            // A cheap generator over a small key space, so keys repeat.
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let key = format!("k{}", (x >> 16) % 40);
            match step % 3 {
                0 => assert_eq!(ours.insert(key.clone(), step), theirs.insert(key, step)),
                1 => {
                    *ours.entry(key.clone()).or_default() += 1;
                    *theirs.entry(key).or_default() += 1;
                }
                _ => {
                    if let Some(v) = ours.get_mut(&key) {
                        *v += 2;
                    }
                    if let Some(v) = theirs.get_mut(&key) {
                        *v += 2;
                    }
                }
            }
        }
        assert_eq!(ours.len(), theirs.len());
        let ours_pairs: Vec<(&String, &u32)> = ours.iter().collect();
        let theirs_pairs: Vec<(&String, &u32)> = theirs.iter().collect();
        assert_eq!(ours_pairs, theirs_pairs);
        for k in 0..45 {
            let key = format!("k{k}");
            assert_eq!(ours.get(&key), theirs.get(&key));
            assert_eq!(ours.contains_key(&key), theirs.contains_key(&key));
        }
    }

    #[test]
    fn integer_keys_sort_numerically_and_serde_writes_them_as_a_btree_map_does() {
        let map: SortedMap<&str, u32> = [(10, "b"), (9, "a"), (10, "c")].into_iter().collect();
        assert_eq!(map.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [9, 10]);
        assert_eq!(map[&10], "c");
        let json = serde_json::to_string(&map).unwrap();
        let theirs: BTreeMap<u32, &str> = BTreeMap::from([(9, "a"), (10, "c")]);
        assert_eq!(json, serde_json::to_string(&theirs).unwrap());
        let back: SortedMap<String, u32> = serde_json::from_str(&json).unwrap();
        assert_eq!(back.get(&9).map(String::as_str), Some("a"));
    }

    #[test]
    fn serde_reads_and_writes_a_map_in_key_order_and_a_later_key_wins() {
        let map: SortedMap<u32> = serde_json::from_str(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        assert_eq!(map.get("a"), Some(&2));
        assert_eq!(map.get("b"), Some(&3));
        assert_eq!(serde_json::to_string(&map).unwrap(), r#"{"a":2,"b":3}"#);
    }
}
