//! A stored summary as the intent model's feature row: what the server's export writes for
//! retraining. It goes through the same code as the SDK's live features
//! ([`crate::features::from_session`]), so for the same session and page statistics both
//! give the same row, but for durations: the summary carries whole seconds, the live
//! features the fraction too (special day is in tenths in both).

use super::types::parse_page_kinds;
use super::Summary;
use crate::features::{page_averages, Month, PageStats, SessionFeatures, VisitorType};
use crate::page::PageKind;

impl Summary {
    /// Visited pages as (kind, path hash, views), oldest first. A summary without kinds
    /// (from an SDK before they were sent) gives every page as unmarked and viewed once, so
    /// only its own statistics count.
    pub fn pages_with_kinds(&self) -> Vec<(PageKind, u32, u32)> {
        let kinds = parse_page_kinds(&self.pk).unwrap_or_default();
        let kinds = kinds
            .into_iter()
            .chain(std::iter::repeat((PageKind::Unmarked, 1)));
        kinds
            .zip(self.page_hashes())
            .map(|((kind, views), hash)| (kind, hash, views))
            .collect()
    }

    /// The session's feature row with page statistics from `stats` (the server passes the
    /// statistics of the other sessions and the shipped model's priors).
    pub fn features(&self, stats: &PageStats) -> SessionFeatures {
        let page = page_averages(self.pages_with_kinds(), stats);
        SessionFeatures {
            administrative: self.pv[0] as f32,
            administrative_duration: self.secs[0] as f32,
            informational: self.pv[1] as f32,
            informational_duration: self.secs[1] as f32,
            product_related: self.pv[2] as f32,
            product_related_duration: self.secs[2] as f32,
            bounce_rate: page.bounce_rate,
            exit_rate: page.exit_rate,
            page_value: page.page_value,
            special_day: f32::from(self.sd.min(10)) / 10.0,
            month: Month(self.mo.min(11)),
            weekend: matches!(self.wd, 0 | 6),
            visitor: if self.ret {
                VisitorType::Returning
            } else {
                VisitorType::New
            },
        }
    }
}
