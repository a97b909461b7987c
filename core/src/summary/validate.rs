//! What a well-formed summary looks like, checked by the server before anything is stored.
//! The SDK only ever produces summaries that pass; anything else is a client bug or forged.

use super::types::parse_page_kinds;
use super::types::MAX_SEQ;
use super::types::{
    Summary, CATEGORY_BYTES, MAX_CATEGORIES, MAX_CHECKPOINTS, MAX_DECISIONS, MAX_PAGES,
    MAX_RANK_EXAMPLES,
};
use super::SUMMARY_VERSION;

/// Longest session id accepted (the SDK's ids are 16 hex digits plus a prefix).
pub const MAX_SID_LEN: usize = 64;
/// Page views per kind beyond this are not a shopper.
pub const MAX_VIEWS: u32 = 100_000;
/// Seconds per kind: a session idles out after 30 minutes, a kiosk may run all day.
pub const MAX_SECONDS: u32 = 7 * 24 * 3600;
/// A session may start at most this far in the future of the server's clock (clock skew).
pub const MAX_FUTURE_SECS: u64 = 24 * 3600;
/// Or this far in the past (kiosks offline for weeks still deliver).
pub const MAX_AGE_SECS: u64 = 400 * 24 * 3600;

/// Why a summary was refused: the field and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub reason: String,
}

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

fn invalid(field: &'static str, reason: impl Into<String>) -> Invalid {
    Invalid {
        field,
        reason: reason.into(),
    }
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn printable(s: &str) -> bool {
    !s.chars().any(char::is_control)
}

impl Summary {
    /// Checks every field against what the SDK can produce, with `now` the receiver's unix
    /// time in seconds.
    pub fn validate(&self, now: u64) -> Result<(), Invalid> {
        if self.v != SUMMARY_VERSION {
            return Err(invalid("v", format!("unknown schema version {}", self.v)));
        }
        let sid_ok = !self.sid.is_empty()
            && self.sid.len() <= MAX_SID_LEN
            && self
                .sid
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !sid_ok {
            return Err(invalid("sid", "1 to 64 characters of [A-Za-z0-9_-]"));
        }
        if self.seq > MAX_SEQ {
            return Err(invalid("seq", "at most 2^53 - 1"));
        }
        if let Some(m) = &self.model {
            if m.len() > 32 || !printable(m) {
                return Err(invalid("model", "at most 32 printable bytes"));
            }
        }
        if let Some(r) = &self.rk {
            if r.is_empty() || r.len() > 32 || !printable(r) {
                return Err(invalid("rk", "1 to 32 printable bytes"));
            }
        }
        if self.rx.len() > MAX_RANK_EXAMPLES {
            return Err(invalid(
                "rx",
                format!("at most {MAX_RANK_EXAMPLES} ranking examples"),
            ));
        }
        if self.pv.iter().any(|&v| v > MAX_VIEWS) {
            return Err(invalid("pv", format!("page views above {MAX_VIEWS}")));
        }
        if self.secs.iter().any(|&s| s > MAX_SECONDS) {
            return Err(invalid("secs", format!("seconds above {MAX_SECONDS}")));
        }
        if !self.pages.len().is_multiple_of(8)
            || self.pages.len() > 8 * MAX_PAGES
            || !is_hex(&self.pages)
        {
            return Err(invalid("pages", "up to 10 hashes of 8 hex digits"));
        }
        let kinds_ok = self.pk.is_empty()
            || parse_page_kinds(&self.pk).is_some_and(|k| k.len() * 8 == self.pages.len());
        if !kinds_ok {
            return Err(invalid(
                "pk",
                "one of a, i, p, u per page, each followed by its views when 2..=9, or empty",
            ));
        }
        if self.cats.len() > MAX_CATEGORIES {
            return Err(invalid("cats", "at most 3 categories"));
        }
        if let Some((name, _)) = self
            .cats
            .iter()
            .find(|(n, e)| n.is_empty() || n.len() > CATEGORY_BYTES || !printable(n) || *e > 100)
        {
            return Err(invalid(
                "cats",
                format!("{name:?}: 1 to {CATEGORY_BYTES} printable bytes, engagement 0..=100"),
            ));
        }
        if !self.intent.len().is_multiple_of(2)
            || self.intent.len() > 2 * MAX_CHECKPOINTS
            || !is_hex(&self.intent)
        {
            return Err(invalid("intent", "up to 8 checkpoints of 2 hex digits"));
        }
        if self.dec.len() > MAX_DECISIONS {
            return Err(invalid("dec", "at most 4 decisions"));
        }
        if self.out.value_band > 5 {
            return Err(invalid("out.vb", "value band 0..=5"));
        }
        if self.hr > 23 || self.wd > 6 || self.mo > 11 || self.sd > 10 {
            return Err(invalid(
                "hr/wd/mo/sd",
                "hour 0..=23, weekday 0..=6, month 0..=11, sd 0..=10",
            ));
        }
        if self.ts > now.saturating_add(MAX_FUTURE_SECS) {
            return Err(invalid("ts", "session starts in the future"));
        }
        if self.ts.saturating_add(MAX_AGE_SECS) < now {
            return Err(invalid("ts", "session older than 400 days"));
        }
        Ok(())
    }

    /// Intent checkpoints as stored, quantised to 0..=255, oldest first.
    pub fn intent_quanta(&self) -> Vec<u8> {
        self.intent
            .as_bytes()
            .chunks(2)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .filter_map(|h| u8::from_str_radix(h, 16).ok())
            .collect()
    }

    /// Intent checkpoints as probabilities, oldest first.
    pub fn intent_checkpoints(&self) -> Vec<f32> {
        self.intent_quanta()
            .into_iter()
            .map(|q| f32::from(q) / 255.0)
            .collect()
    }

    /// Visited pages' hashes, oldest first.
    pub fn page_hashes(&self) -> Vec<u32> {
        self.pages
            .as_bytes()
            .chunks(8)
            .filter_map(|c| std::str::from_utf8(c).ok())
            .filter_map(|h| u32::from_str_radix(h, 16).ok())
            .collect()
    }
}
