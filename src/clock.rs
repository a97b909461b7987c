//! Time and randomness from the browser.

thread_local! {
    /// The last wall-clock reading and how far the clock has stepped back in total.
    static WALL: std::cell::Cell<(f64, f64)> = const { std::cell::Cell::new((0.0, 0.0)) };
}

/// Epoch milliseconds that never step back within a document. When the wall clock steps back
/// (a kiosk's clock corrected by NTP), the step is absorbed into an offset and time goes on
/// from where it was at the real pace; steps forward pass through, as they are
/// indistinguishable from the device having slept. Across page loads the session state clamps
/// times that went back.
pub fn now() -> f64 {
    let wall = js_sys::Date::now();
    WALL.with(|cell| {
        let (last, mut offset) = cell.get();
        if wall.is_finite() && wall < last {
            offset += last - wall;
        }
        cell.set((wall.max(0.0), offset));
        wall + offset
    })
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
