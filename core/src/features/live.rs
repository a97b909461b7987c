//! Features of a live session, as the SDK sees it.

use serde::{Deserialize, Serialize};

use super::calendar::{Calendar, Date};
use super::input::{Month, SessionFeatures, VisitorType};
use crate::page::PageKind;
use crate::session::SessionState;
use crate::sorted_map::SortedMap;

/// Per-page statistics across all visitors (what the training data's `BounceRates`,
/// `ExitRates` and `PageValues` average over a session's pages).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageStat {
    pub bounce_rate: f32,
    pub exit_rate: f32,
    pub page_value: f32,
}

/// Per-kind fallbacks for pages the backend has no statistics for yet, estimated from the
/// training data and shipped with the model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PagePriors {
    pub administrative: PageStat,
    pub informational: PageStat,
    pub product_related: PageStat,
}

impl PagePriors {
    /// Floats in [`PagePriors::to_flat`].
    pub const FLAT: usize = 9;

    /// The priors as floats, kind by kind (administrative, informational, product-related),
    /// each `[bounce_rate, exit_rate, page_value]`: how the model engine hands them to the
    /// capture module.
    pub fn to_flat(&self) -> [f32; Self::FLAT] {
        let mut out = [0.0; Self::FLAT];
        for (chunk, s) in out.chunks_exact_mut(3).zip([
            self.administrative,
            self.informational,
            self.product_related,
        ]) {
            chunk.copy_from_slice(&[s.bounce_rate, s.exit_rate, s.page_value]);
        }
        out
    }

    /// The inverse of [`PagePriors::to_flat`]; `None` unless `flat` holds exactly
    /// [`PagePriors::FLAT`] finite floats.
    pub fn from_flat(flat: &[f32]) -> Option<Self> {
        if flat.len() != Self::FLAT || !flat.iter().all(|x| x.is_finite()) {
            return None;
        }
        let stat = |i: usize| PageStat {
            bounce_rate: flat[i],
            exit_rate: flat[i + 1],
            page_value: flat[i + 2],
        };
        Some(Self {
            administrative: stat(0),
            informational: stat(3),
            product_related: stat(6),
        })
    }

    fn for_kind(&self, kind: PageKind) -> Option<PageStat> {
        match kind {
            PageKind::Administrative => Some(self.administrative),
            PageKind::Informational => Some(self.informational),
            PageKind::ProductRelated => Some(self.product_related),
            PageKind::Unmarked => None,
        }
    }
}

/// Statistics by page (hashed path), as served by the backend, over the shipped priors.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageStats {
    pub priors: PagePriors,
    /// By path hash. A sorted map rather than a `BTreeMap`, whose node code would be linked
    /// into the SDK's capture module for this one key type.
    pub pages: SortedMap<PageStat, u32>,
}

/// What the device knows about the moment and the visitor.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct LiveContext {
    pub month: Month,
    pub weekend: bool,
    pub special_day: f32,
    pub visitor: VisitorType,
}

impl LiveContext {
    /// The context on `today` (local date of the shopper) for a visitor.
    pub fn on_day(today: Date, calendar: &Calendar, visitor: VisitorType) -> Self {
        LiveContext {
            month: Month(today.month.clamp(1, 12) - 1),
            weekend: matches!(today.weekday(), 0 | 6),
            // Tenths, as the summary carries it (the training data's steps are fifths).
            special_day: (calendar.closeness(today) * 10.0).round() / 10.0,
            visitor,
        }
    }
}

/// Averages of per-page statistics over page views: `pages` are (kind, path hash, views),
/// each page's statistic is its own when `stats` has one, else the prior for its kind, and
/// counts once per view (the training data averages over the pages a session viewed);
/// unmarked pages without a statistic are left out. The one definition of the training
/// data's `BounceRates`, `ExitRates` and `PageValues` columns for a reshelf session, used by
/// the live features and by the server's export (through `Summary::features`).
pub fn page_averages(
    pages: impl IntoIterator<Item = (PageKind, u32, u32)>,
    stats: &PageStats,
) -> PageStat {
    let (mut sum, mut n) = (PageStat::default(), 0.0f32);
    for (kind, hash, views) in pages {
        let Some(stat) = stats
            .pages
            .get(&hash)
            .copied()
            .or_else(|| stats.priors.for_kind(kind))
        else {
            continue;
        };
        let w = views as f32;
        sum.bounce_rate += w * stat.bounce_rate;
        sum.exit_rate += w * stat.exit_rate;
        sum.page_value += w * stat.page_value;
        n += w;
    }
    let avg = |x: f32| if n > 0.0 { x / n } else { 0.0 };
    PageStat {
        bounce_rate: avg(sum.bounce_rate),
        exit_rate: avg(sum.exit_rate),
        page_value: avg(sum.page_value),
    }
}

/// The session's features as of `now` (open page time counts up to `now`), with page
/// statistics averaged over its [recent pages](SessionState::recent_pages). Unmarked pages
/// are not counted: the model knows only the three kinds.
pub fn from_session(
    state: &SessionState,
    stats: &PageStats,
    ctx: &LiveContext,
    now: f64,
) -> SessionFeatures {
    // Only the per-kind totals are needed, not a whole snapshot: this runs on every scoring.
    let time_ms = state.time_ms_at(now);
    let views = state.page_views;
    let pages = state
        .recent_pages()
        .into_iter()
        .map(|r| (r.page.kind(), r.path_hash, r.views));
    let page = page_averages(pages, stats);
    let secs = |ms: f64| (ms / 1000.0).max(0.0) as f32;
    SessionFeatures {
        administrative: views.administrative as f32,
        administrative_duration: secs(time_ms.administrative),
        informational: views.informational as f32,
        informational_duration: secs(time_ms.informational),
        product_related: views.product_related as f32,
        product_related_duration: secs(time_ms.product_related),
        bounce_rate: page.bounce_rate,
        exit_rate: page.exit_rate,
        page_value: page.page_value,
        special_day: ctx.special_day,
        month: ctx.month,
        weekend: ctx.weekend,
        visitor: ctx.visitor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Event, EventKind};
    use crate::page::PageType;
    use crate::Tracker;

    #[test]
    fn live_features_count_pages_time_and_average_stats() {
        let mut tr = Tracker::new(1, 0.0);
        tr.apply(&Event::new(
            0.0,
            EventKind::PageView {
                page: PageType::Home,
                path_hash: 1,
            },
        ));
        tr.apply(&Event::new(
            10_000.0,
            EventKind::PageView {
                page: PageType::Info,
                path_hash: 2,
            },
        ));
        tr.apply(&Event::new(
            15_000.0,
            EventKind::PageView {
                page: PageType::Cart,
                path_hash: 3,
            },
        ));
        let mut stats = PageStats::default();
        stats.priors.informational = PageStat {
            bounce_rate: 0.1,
            exit_rate: 0.2,
            page_value: 0.0,
        };
        stats.priors.administrative = PageStat {
            bounce_rate: 0.0,
            exit_rate: 0.1,
            page_value: 3.0,
        };
        stats.pages.insert(
            1,
            PageStat {
                bounce_rate: 0.2,
                exit_rate: 0.3,
                page_value: 30.0,
            },
        );
        let ctx = LiveContext {
            month: Month(10),
            weekend: false,
            special_day: 0.0,
            visitor: VisitorType::New,
        };
        let f = from_session(tr.state(), &stats, &ctx, 20_000.0);
        assert_eq!(
            (f.product_related, f.informational, f.administrative),
            (1.0, 1.0, 1.0)
        );
        assert_eq!(
            (
                f.product_related_duration,
                f.informational_duration,
                f.administrative_duration
            ),
            (10.0, 5.0, 5.0)
        );
        assert!((f.bounce_rate - 0.1).abs() < 1e-6);
        assert!((f.exit_rate - 0.2).abs() < 1e-6);
        assert!((f.page_value - 11.0).abs() < 1e-5);
    }
}
