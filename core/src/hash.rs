//! Stable, dependency-free hashing for identifiers that must not leave the device in clear.

/// 32-bit FNV-1a. Used for page paths: the session keeps which pages were visited (the backend
/// needs that for page statistics) without keeping URLs.
pub fn fnv1a32(bytes: &[u8]) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for b in bytes {
        h ^= u32::from(*b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// Hash of a URL path with the query string and fragment removed, so `/p/1?utm=x` and `/p/1`
/// are the same page and nothing from the query is ever kept.
pub fn path_hash(path: &str) -> u32 {
    let end = path.find(['?', '#']).unwrap_or(path.len());
    fnv1a32(&path.as_bytes()[..end])
}

/// Hash of a hash-router page: the path (as [`path_hash`]) and the route in the fragment
/// (`/shop/` + `#/product/1`), each with its query string removed.
pub fn route_hash(path: &str, route: &str) -> u32 {
    let p = &path.as_bytes()[..path.find(['?', '#']).unwrap_or(path.len())];
    let r = &route.as_bytes()[..route.find('?').unwrap_or(route.len())];
    fnv1a32(&[p, b"#", r].concat())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_fnv_vectors() {
        assert_eq!(fnv1a32(b""), 0x811c_9dc5);
        assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
    }

    #[test]
    fn query_and_fragment_do_not_change_the_page() {
        assert_eq!(path_hash("/p/1?utm=x"), path_hash("/p/1"));
        assert_eq!(path_hash("/p/1#reviews"), path_hash("/p/1"));
        assert_ne!(path_hash("/p/1"), path_hash("/p/2"));
    }

    #[test]
    fn hash_routes_are_pages_of_their_own() {
        assert_eq!(
            route_hash("/", "/product/1?ref=x"),
            route_hash("/?a=1", "/product/1")
        );
        assert_ne!(route_hash("/", "/product/1"), route_hash("/", "/product/2"));
        assert_ne!(route_hash("/", "/product/1"), path_hash("/"));
    }
}
