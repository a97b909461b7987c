//! Per-page bounce rate, exit rate and page value from stored summaries, in the training
//! data's sense (Google Analytics' definitions) as far as a summary allows:
//! - bounce rate: of sessions that entered on the page, the share with one page view;
//! - exit rate: of sessions that viewed the page, the share that ended on it;
//! - page value: purchase value of sessions that viewed the page, per session viewing it,
//!   with the order value band's midpoint standing in for the amount.
//!
//! A summary lists a session's last 10 distinct pages, so a page counts once per session
//! and the entry page is known only when the list was not cut. The tallies are kept per day
//! by ingest (`crate::aggregate`); this module turns their sums into rates.

use std::collections::{BTreeMap, HashMap};

use reshelf_core::features::{PageStat, PageStatsFeed, FEED_VERSION};

use crate::aggregate::{page, PageKey};

/// Pages seen in fewer sessions are left to the SDK's priors: a rate of 1 sample is noise.
pub const MIN_SESSIONS: u64 = 5;
/// The feed is fetched by every storefront visit: the busiest pages only.
pub const MAX_FEED_PAGES: usize = 2_000;

/// A page's rates from its tally (`crate::aggregate::page`); `None` below [`MIN_SESSIONS`].
pub fn stat(t: &[i64; page::WIDTH]) -> Option<PageStat> {
    let sessions = t[page::SESSIONS];
    if sessions < MIN_SESSIONS as i64 {
        return None;
    }
    let n = sessions as f64;
    let entries = t[page::ENTRIES];
    Some(PageStat {
        bounce_rate: if entries > 0 {
            (t[page::BOUNCES] as f64 / entries as f64) as f32
        } else {
            0.0
        },
        exit_rate: (t[page::EXITS] as f64 / n) as f32,
        page_value: (t[page::VALUE] as f64 / 100.0 / n) as f32,
    })
}

/// Page statistics of every page with enough sessions, from per-page sums (the day of each
/// key is ignored): path hash → (sessions, rates).
pub fn page_stats(sums: &BTreeMap<PageKey, [i64; page::WIDTH]>) -> HashMap<u32, (u64, PageStat)> {
    sums.iter()
        .filter_map(|(key, t)| {
            let stat = stat(t)?;
            Some((key.page as u32, (t[page::SESSIONS] as u64, stat)))
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
