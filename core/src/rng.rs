//! A tiny seeded PRNG (SplitMix64) for identifiers. The browser seeds it from
//! `crypto.getRandomValues`; tests seed it with constants, which keeps the core deterministic.

#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// 128 random bits as 32 lowercase hex digits.
    pub fn next_id(&mut self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(32);
        for word in [self.next_u64(), self.next_u64()] {
            for shift in (0..16).rev() {
                out.push(HEX[((word >> (shift * 4)) & 0xf) as usize] as char);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_hex_and_distinct() {
        let mut rng = SplitMix64::new(7);
        let a = rng.next_id();
        let b = rng.next_id();
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(SplitMix64::new(7).next_id(), a, "same seed, same id");
    }
}
