//! Time and randomness from the browser.

/// Wall-clock epoch milliseconds: sessions span page loads, so `performance.now()` (which
/// restarts with each document) cannot be used.
pub fn now() -> f64 {
    js_sys::Date::now()
}

/// 64 random bits for session ids, from `crypto.getRandomValues`; `Math.random` only when the
/// page has no Web Crypto (ids then are merely unlikely to collide, which is all they need).
pub fn random_seed() -> u64 {
    let mut bytes = [0u8; 8];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if filled {
        return u64::from_le_bytes(bytes);
    }
    let hi = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    let lo = (js_sys::Math::random() * 4_294_967_296.0) as u64;
    (hi << 32) ^ lo ^ (now() as u64)
}
