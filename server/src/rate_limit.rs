//! A token bucket per write key. Only configured keys get a bucket, so the table stays as
//! small as the site list however many forged keys arrive.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

#[derive(Default)]
pub struct RateLimiter {
    buckets: Mutex<HashMap<String, Bucket>>,
}

struct Bucket {
    tokens: f64,
    last: Instant,
}

impl RateLimiter {
    /// Takes one token from `key`'s bucket, or says how many seconds until one is there.
    pub fn take(&self, key: &str, rate: f64, burst: f64, now: Instant) -> Result<(), u64> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let b = buckets.entry(key.to_string()).or_insert(Bucket {
            tokens: burst,
            last: now,
        });
        let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * rate).min(burst);
        b.last = now;
        if b.tokens >= 1.0 {
            b.tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - b.tokens) / rate).ceil() as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn bucket_allows_burst_then_refills_at_rate() {
        let l = RateLimiter::default();
        let t0 = Instant::now();
        for _ in 0..3 {
            assert!(l.take("k", 1.0, 3.0, t0).is_ok());
        }
        assert_eq!(l.take("k", 1.0, 3.0, t0), Err(1));
        assert!(l.take("other", 1.0, 3.0, t0).is_ok());
        assert!(l
            .take("k", 1.0, 3.0, t0 + Duration::from_millis(1000))
            .is_ok());
        assert!(l
            .take("k", 1.0, 3.0, t0 + Duration::from_millis(1000))
            .is_err());
    }
}
