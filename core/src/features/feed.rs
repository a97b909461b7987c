//! The page-statistics feed: what `GET /v1/page-stats` sends and the SDK reads into
//! [`PageStats`]. One type on both ends, like the summary.

use serde::{Deserialize, Serialize};

use super::live::{PageStat, PageStats};
use crate::sorted_map::SortedMap;
use crate::text::decimal;

pub const FEED_VERSION: u8 = 1;

/// Pages keyed by their path hash in 8 hex digits, each `[bounce rate, exit rate, page
/// value]` — arrays rather than objects keep a feed of a few thousand pages small.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageStatsFeed {
    pub v: u8,
    pub pages: SortedMap<[f32; 3]>,
}

impl PageStatsFeed {
    pub fn insert(&mut self, path_hash: u32, stat: PageStat) {
        self.pages.insert(
            crate::text::hex(u64::from(path_hash), 8),
            [stat.bounce_rate, stat.exit_rate, stat.page_value],
        );
    }

    /// Replaces `stats.pages` with the feed's pages; malformed entries (bad keys, values
    /// that are not finite and non-negative) are skipped, so a bad feed degrades to priors.
    pub fn apply_to(&self, stats: &mut PageStats) -> Result<usize, String> {
        if self.v != FEED_VERSION {
            return Err([
                "page-stats feed version ",
                &decimal(u64::from(self.v)),
                " is not ",
                &decimal(u64::from(FEED_VERSION)),
            ]
            .concat());
        }
        stats.pages = self
            .pages
            .iter()
            .filter_map(|(k, [b, e, v])| {
                let hash = u32::from_str_radix(k, 16).ok().filter(|_| k.len() == 8)?;
                let ok = |x: f32| x.is_finite() && x >= 0.0;
                (ok(*b) && ok(*e) && ok(*v)).then_some((
                    hash,
                    PageStat {
                        bounce_rate: *b,
                        exit_rate: *e,
                        page_value: *v,
                    },
                ))
            })
            .collect();
        Ok(stats.pages.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feed_round_trips_and_skips_bad_entries() {
        let mut feed = PageStatsFeed {
            v: FEED_VERSION,
            ..Default::default()
        };
        feed.insert(
            0xdead_beef,
            PageStat {
                bounce_rate: 0.1,
                exit_rate: 0.2,
                page_value: 12.0,
            },
        );
        feed.pages.insert("zz".into(), [0.0, 0.0, 0.0]);
        feed.pages.insert("00000001".into(), [f32::NAN, 0.0, 0.0]);
        let mut stats = PageStats::default();
        assert_eq!(feed.apply_to(&mut stats), Ok(1));
        assert_eq!(stats.pages[&0xdead_beef].page_value, 12.0);
        feed.v = 9;
        assert!(feed.apply_to(&mut stats).is_err());
    }
}
