//! The session summary: the only thing that leaves the device. One versioned type, encoded
//! by the SDK and decoded by the server. Compact (short JSON keys, hashed pages, quantised
//! scores, bounded lists) and free of PII: no URLs, no query strings, no free text.

mod classify;
mod features;
mod json;
mod types;
mod validate;

pub use classify::{browser_family, device_class, traffic_source};
pub use types::{
    BrowserFamily, DecisionDigest, DeviceClass, Outcome, Summary, SummaryContext, TrafficSource,
    CATEGORY_BYTES, MAX_CATEGORIES, MAX_CHECKPOINTS, MAX_DECISIONS, MAX_PAGES, MAX_RANK_EXAMPLES,
    MAX_SEQ, SUMMARY_VERSION,
};
pub use validate::{Invalid, MAX_AGE_SECS, MAX_FUTURE_SECS, MAX_SECONDS, MAX_SID_LEN, MAX_VIEWS};
