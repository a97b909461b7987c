//! The plain-data view of a session that `state()` returns to the page: totals as of `now`,
//! with open stretches (current page, visible items) counted up to that moment.

use serde::Serialize;

use crate::experiment::Decision;
use crate::limits::SEEN_AFTER_MS;
use crate::page::PageType;
use crate::session::{CategoryStats, PageRecord, PerKind, SessionState};
use crate::sorted_map::SortedMap;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategorySnapshot {
    pub clicks: u32,
    pub add_to_cart: u32,
    pub dwell_ms: f64,
    pub items_seen: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    pub session_id: String,
    pub started_at: f64,
    pub last_activity: f64,
    pub events: u64,
    pub clicks: u64,
    pub item_clicks: u64,
    pub rage_clicks: u64,
    pub add_to_cart: u64,
    pub purchases: u64,
    pub page_views: PerKind<u32>,
    pub time_ms: PerKind<f64>,
    /// Page type of the page being viewed.
    pub page: Option<PageType>,
    /// Deepest scroll on the current page, 0..=1.
    pub max_scroll_depth: f64,
    /// Pages left so far (most recent last, capped).
    pub pages: Vec<PageRecord>,
    pub item_dwell_ms: SortedMap<f64>,
    pub item_clicks_by_id: SortedMap<u32>,
    pub items_seen: Vec<String>,
    pub categories: SortedMap<CategorySnapshot>,
    pub custom_events: SortedMap<u64>,
    pub dropped: u64,
    pub decisions: Vec<Decision>,
}

impl SessionState {
    /// The session as of `now` (which is clamped like any event time).
    pub fn snapshot(&self, now: f64) -> Snapshot {
        let now = self.clamp_now(now);
        let time_ms = self.time_ms_at(now);
        let max_scroll_depth = self
            .current_page
            .as_ref()
            .map_or(0.0, |p| p.max_scroll_depth);
        let page = self.current_page.as_ref().map(|p| p.page);
        let mut categories: SortedMap<CategorySnapshot> = self
            .categories
            .iter()
            .map(|(k, c)| (k.clone(), category(c)))
            .collect();
        let mut item_dwell_ms = SortedMap::new();
        let mut item_clicks_by_id = SortedMap::new();
        let mut items_seen = Vec::new();
        for (id, s) in &self.items {
            let open = s.visible_since.map_or(0.0, |since| now - since);
            item_dwell_ms.insert(id.clone(), s.dwell_ms + open);
            if s.clicks > 0 {
                item_clicks_by_id.insert(id.clone(), s.clicks);
            }
            let seen_now = !s.seen && open >= SEEN_AFTER_MS;
            if s.seen || seen_now {
                items_seen.push(id.clone());
            }
            if let Some(c) = s.category.as_ref().and_then(|c| categories.get_mut(c)) {
                c.dwell_ms += open;
                c.items_seen += u32::from(seen_now);
            }
        }
        Snapshot {
            session_id: self.session_id.clone(),
            started_at: self.started_at,
            last_activity: self.last_activity,
            events: self.events,
            clicks: self.clicks,
            item_clicks: self.item_clicks,
            rage_clicks: self.rage_clicks,
            add_to_cart: self.add_to_cart,
            purchases: self.purchases,
            page_views: self.page_views,
            time_ms,
            page,
            max_scroll_depth,
            pages: self.pages.clone(),
            item_dwell_ms,
            item_clicks_by_id,
            items_seen,
            categories,
            custom_events: self.custom.clone(),
            dropped: self.dropped,
            decisions: self.decisions.clone(),
        }
    }
}

fn category(c: &CategoryStats) -> CategorySnapshot {
    CategorySnapshot {
        clicks: c.clicks,
        add_to_cart: c.add_to_cart,
        dwell_ms: c.dwell_ms,
        items_seen: c.items_seen,
    }
}
