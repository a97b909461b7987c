//! Per-page bounce rate, exit rate and page value from stored summaries, in the training
//! data's sense (Google Analytics' definitions) as far as a summary allows:
//! - bounce rate: of sessions that entered on the page, the share with one page view;
//! - exit rate: of sessions that viewed the page, the share that ended on it;
//! - page value: purchase value of sessions that viewed the page, per session viewing it,
//!   with the order value band's midpoint standing in for the amount.
//!
//! A summary lists a session's last 10 distinct pages, so a page counts once per session
//! and the entry page is known only when the list was not cut.

use std::collections::HashMap;

use reshelf_core::features::{PageStat, PageStatsFeed, FEED_VERSION};
use reshelf_core::summary::{Summary, MAX_PAGES};

/// Pages seen in fewer sessions are left to the SDK's priors: a rate of 1 sample is noise.
pub const MIN_SESSIONS: u64 = 5;
/// The feed is fetched by every storefront visit: the busiest pages only.
pub const MAX_FEED_PAGES: usize = 2_000;

/// Midpoints of the summary's order value bands 1..=5 (0 is no order).
const BAND_VALUE: [f32; 6] = [0.0, 12.5, 37.5, 75.0, 150.0, 300.0];

#[derive(Default, Clone, Copy)]
struct Tally {
    sessions: u64,
    entries: u64,
    bounces: u64,
    exits: u64,
    value: f64,
}

pub fn page_stats(summaries: &[Summary]) -> HashMap<u32, (u64, PageStat)> {
    let mut pages: HashMap<u32, Tally> = HashMap::new();
    for s in summaries {
        let hashes = s.page_hashes();
        let views: u64 = s.pv.iter().map(|&v| u64::from(v)).sum();
        let value = if s.out.purchase {
            f64::from(BAND_VALUE[usize::from(s.out.value_band.min(5))])
        } else {
            0.0
        };
        for (i, h) in hashes.iter().enumerate() {
            let t = pages.entry(*h).or_default();
            t.sessions += 1;
            t.value += value;
            if i + 1 == hashes.len() {
                t.exits += 1;
            }
            if i == 0 && hashes.len() < MAX_PAGES {
                t.entries += 1;
                t.bounces += u64::from(views <= 1);
            }
        }
    }
    pages
        .into_iter()
        .filter(|(_, t)| t.sessions >= MIN_SESSIONS)
        .map(|(h, t)| {
            let n = t.sessions as f64;
            let stat = PageStat {
                bounce_rate: if t.entries > 0 {
                    (t.bounces as f64 / t.entries as f64) as f32
                } else {
                    0.0
                },
                exit_rate: (t.exits as f64 / n) as f32,
                page_value: (t.value / n) as f32,
            };
            (h, (t.sessions, stat))
        })
        .collect()
}

/// The busiest pages as the SDK's feed, values rounded (4 decimals for rates, cents for
/// value) to keep it small.
pub fn feed(stats: &HashMap<u32, (u64, PageStat)>) -> PageStatsFeed {
    let mut rows: Vec<_> = stats.iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(b.0)));
    let round = |x: f32, k: f32| (x * k).round() / k;
    let mut feed = PageStatsFeed {
        v: FEED_VERSION,
        ..Default::default()
    };
    for (h, (_, s)) in rows.into_iter().take(MAX_FEED_PAGES) {
        feed.insert(
            *h,
            PageStat {
                bounce_rate: round(s.bounce_rate, 1e4),
                exit_rate: round(s.exit_rate, 1e4),
                page_value: round(s.page_value, 1e2),
            },
        );
    }
    feed
}
