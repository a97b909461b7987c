//! The live picture of one shopping session, folded from events.
//!
//! The state is serialisable because a session spans page loads: the browser shell stores it
//! first-party between documents and resumes it on the next page.

use serde::{Deserialize, Serialize};

use crate::engagement::{
    band_of, Decayed, PRICE_BANDS, W_CART, W_CLICK, W_DWELL_MAX, W_DWELL_PER_S,
};
use crate::events::{Event, EventKind, ItemRef};
use crate::experiment::{Decision, MAX_DECISIONS};
use crate::limits::{
    MAX_CATEGORIES, MAX_CLICK_PRICES, MAX_CUSTOM_NAMES, MAX_ID_BYTES, MAX_ITEMS, MAX_PAGE_HISTORY,
    SEEN_AFTER_MS,
};
use crate::page::{PageKind, PageType};
use crate::rage::RageWindow;
use crate::sorted_map::SortedMap;
use crate::text::clean_id;

/// Bumped whenever the persisted shape changes; a stored state of another version is not
/// resumed (a fresh session starts instead of misreading old data).
pub const STATE_VERSION: u32 = 3;

/// A count or duration per page kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PerKind<T> {
    pub administrative: T,
    pub informational: T,
    pub product_related: T,
    pub unmarked: T,
}

impl<T> PerKind<T> {
    pub fn get_mut(&mut self, kind: PageKind) -> &mut T {
        match kind {
            PageKind::Administrative => &mut self.administrative,
            PageKind::Informational => &mut self.informational,
            PageKind::ProductRelated => &mut self.product_related,
            PageKind::Unmarked => &mut self.unmarked,
        }
    }
}

/// Engagement with one item.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemStats {
    pub category: Option<String>,
    #[serde(default)]
    pub brand: Option<String>,
    pub price: Option<f64>,
    pub clicks: u32,
    pub add_to_cart: u32,
    /// Closed visible time, ms.
    pub dwell_ms: f64,
    /// Seen: at least one visible stretch of [`SEEN_AFTER_MS`].
    pub seen: bool,
    /// Start of the current visible stretch, if the item is visible now.
    pub visible_since: Option<f64>,
    /// Elements with this id currently visible (markup may repeat an id).
    pub visible_count: u32,
    /// Visible stretches of at least [`SEEN_AFTER_MS`].
    #[serde(default)]
    pub seen_count: u32,
    /// Bought in this session (it was in the cart at a purchase).
    #[serde(default)]
    pub purchased: bool,
}

/// Engagement with one category.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CategoryStats {
    pub clicks: u32,
    pub add_to_cart: u32,
    pub dwell_ms: f64,
    pub items_seen: u32,
    /// Recency-weighted engagement (see [`crate::engagement`]).
    #[serde(default)]
    pub affinity: Decayed,
    /// When an item of the category was last clicked (epoch ms).
    #[serde(default)]
    pub last_click_t: Option<f64>,
}

/// The item clicked most recently, as the ranking features compare candidates with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LastClick {
    pub id: String,
    pub category: Option<String>,
    pub brand: Option<String>,
    pub price: Option<f64>,
    /// Epoch ms.
    pub t: f64,
}

/// The page being viewed now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenPage {
    pub page: PageType,
    pub path_hash: u32,
    pub opened_at: f64,
    /// Time on the page before the current visible stretch.
    pub accrued_ms: f64,
    /// Start of the current visible stretch; `None` while the page is hidden.
    pub visible_since: Option<f64>,
    pub max_scroll_depth: f64,
}

/// A page the session has left.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PageRecord {
    pub page: PageType,
    pub path_hash: u32,
    pub duration_ms: f64,
    pub max_scroll_depth: f64,
}

/// One of a session's recent distinct pages (see [`SessionState::recent_pages`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecentPage {
    /// The type of its latest view.
    pub page: PageType,
    pub path_hash: u32,
    /// Views of it in the session's history, 1..=[`MAX_VIEWS_PER_PAGE`](crate::limits::MAX_VIEWS_PER_PAGE).
    pub views: u32,
}

/// Everything reshelf knows about the session so far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    pub version: u32,
    pub session_id: String,
    pub started_at: f64,
    /// Last moment the shopper did something; the idle timeout runs from here.
    pub last_activity: f64,
    /// Latest timestamp seen; earlier timestamps are clamped to it (wall clocks step back).
    pub last_t: f64,
    pub events: u64,
    pub clicks: u64,
    pub item_clicks: u64,
    pub rage_clicks: u64,
    pub add_to_cart: u64,
    pub purchases: u64,
    pub purchase_value: f64,
    pub page_views: PerKind<u32>,
    /// Closed time per page kind, ms (the open page's current stretch is added on snapshot).
    pub time_ms: PerKind<f64>,
    pub current_page: Option<OpenPage>,
    pub pages: Vec<PageRecord>,
    pub items: SortedMap<ItemStats>,
    pub categories: SortedMap<CategoryStats>,
    pub custom: SortedMap<u64>,
    /// Keys refused because a cap was reached.
    pub dropped: u64,
    /// Recency-weighted engagement per price band (see [`crate::engagement`]).
    #[serde(default)]
    pub price_bands: [Decayed; PRICE_BANDS],
    /// Rearrangement decisions taken (or, in the control arm, withheld), most recent last.
    #[serde(default)]
    pub decisions: Vec<Decision>,
    /// Intent scores over the session (oldest first, bounded), for its summary.
    #[serde(default)]
    pub intent_checkpoints: Vec<f32>,
    /// The latest intent checkpoint when the session first added to cart or purchased
    /// (`None` before that, or when nothing had been scored by then): what calibration
    /// compares with the outcome, since checkpoints taken on cart and checkout pages already
    /// know it.
    #[serde(default)]
    pub intent_before_cart: Option<f32>,
    /// The item clicked most recently.
    #[serde(default)]
    pub last_click: Option<LastClick>,
    /// Item clicks per brand (at most [`MAX_CATEGORIES`] brands).
    #[serde(default)]
    pub brand_clicks: SortedMap<u32>,
    /// Prices of the most recently clicked priced items (at most [`MAX_CLICK_PRICES`]),
    /// oldest first: the session's price level.
    #[serde(default)]
    pub click_prices: Vec<f64>,
    /// Compact ranking examples from clicks on slot items, for the summary (bounded).
    #[serde(default)]
    pub rank_examples: Vec<crate::features::RankExample>,
    /// Where the session came from, classified on its first page.
    #[serde(default)]
    pub source: Option<crate::visit::TrafficSource>,
    pub(crate) rage: RageWindow,
}

impl SessionState {
    pub fn new(session_id: String, now: f64) -> Self {
        Self {
            version: STATE_VERSION,
            session_id,
            started_at: now,
            last_activity: now,
            last_t: now,
            events: 0,
            clicks: 0,
            item_clicks: 0,
            rage_clicks: 0,
            add_to_cart: 0,
            purchases: 0,
            purchase_value: 0.0,
            page_views: PerKind::default(),
            time_ms: PerKind::default(),
            current_page: None,
            pages: Vec::new(),
            items: SortedMap::new(),
            categories: SortedMap::new(),
            custom: SortedMap::new(),
            dropped: 0,
            price_bands: Default::default(),
            decisions: Vec::new(),
            intent_checkpoints: Vec::new(),
            intent_before_cart: None,
            last_click: None,
            brand_clicks: SortedMap::new(),
            click_prices: Vec::new(),
            rank_examples: Vec::new(),
            source: None,
            rage: RageWindow::default(),
        }
    }

    /// Folds one event into the state. Never panics; non-finite or out-of-range numbers are
    /// ignored or clamped, and no counter ever goes down.
    pub fn apply(&mut self, event: &Event) {
        let t = self.clamp_time(event.t);
        self.events += 1;
        if event.kind.is_activity() {
            self.last_activity = t;
        }
        match &event.kind {
            EventKind::PageView { page, path_hash }
            | EventKind::RouteChange { page, path_hash } => self.open_page(t, *page, *path_hash),
            EventKind::Click { x, y, item, action } => self.click(t, *x, *y, item, action),
            EventKind::Scroll { depth } => self.scroll(*depth),
            EventKind::ItemVisible { item } => self.item_visible(t, item),
            EventKind::ItemHidden { id } => self.item_hidden(t, id),
            EventKind::AddToCart { item } => self.add_to_cart(t, item.as_ref()),
            EventKind::Purchase { value } => self.purchase(*value),
            EventKind::Custom { name } => self.custom(name),
            EventKind::PageHide => self.hide(t),
            EventKind::PageShow => {
                if let Some(p) = self.current_page.as_mut() {
                    p.visible_since.get_or_insert(t);
                }
            }
        }
    }

    /// `now` as the session reads it: never before its latest event, and the latest event's
    /// time when `now` is not a number.
    pub fn clamp_now(&self, now: f64) -> f64 {
        if now.is_finite() {
            now.max(self.last_t)
        } else {
            self.last_t
        }
    }

    /// Gives the open page its type once the page's markup could be read (the SDK started
    /// before `<body data-reshelf-page>` existed and counted the view as unmarked): the view
    /// moves to the right kind. Its time is counted by kind when the page closes, so it follows.
    pub fn reclassify_open_page(&mut self, page: PageType) {
        let Some(open) = self.current_page.as_mut() else {
            return;
        };
        if open.page == page {
            return;
        }
        let old = open.page.kind();
        open.page = page;
        let was = self.page_views.get_mut(old);
        *was = was.saturating_sub(1);
        *self.page_views.get_mut(page.kind()) += 1;
    }

    /// The session's last [`MAX_PAGES`](crate::limits::MAX_PAGES) distinct pages, oldest
    /// first, each with the type of its latest view and how often it was viewed (in the
    /// kept history, at most [`MAX_VIEWS_PER_PAGE`](crate::limits::MAX_VIEWS_PER_PAGE)):
    /// what the summary lists and what the live features average page statistics over.
    pub fn recent_pages(&self) -> Vec<RecentPage> {
        let visited: Vec<(PageType, u32)> = self
            .pages
            .iter()
            .map(|p| (p.page, p.path_hash))
            .chain(self.current_page.iter().map(|p| (p.page, p.path_hash)))
            .collect();
        let mut recent: Vec<RecentPage> = Vec::new();
        for &(page, path_hash) in visited.iter().rev() {
            if let Some(r) = recent.iter_mut().find(|r| r.path_hash == path_hash) {
                r.views = (r.views + 1).min(crate::limits::MAX_VIEWS_PER_PAGE);
            } else if recent.len() < crate::limits::MAX_PAGES {
                recent.push(RecentPage {
                    page,
                    path_hash,
                    views: 1,
                });
            }
        }
        recent.reverse();
        recent
    }

    /// Visible time per page kind as of `now`, the open page's current stretch included.
    pub fn time_ms_at(&self, now: f64) -> PerKind<f64> {
        let mut time_ms = self.time_ms;
        if let Some(p) = &self.current_page {
            if let Some(since) = p.visible_since {
                *time_ms.get_mut(p.page.kind()) += self.clamp_now(now) - since;
            }
        }
        time_ms
    }

    fn clamp_time(&mut self, t: f64) -> f64 {
        if t.is_finite() && t > self.last_t {
            self.last_t = t;
        }
        self.last_t
    }

    fn open_page(&mut self, t: f64, page: PageType, path_hash: u32) {
        self.close_page(t);
        *self.page_views.get_mut(page.kind()) += 1;
        self.current_page = Some(OpenPage {
            page,
            path_hash,
            opened_at: t,
            accrued_ms: 0.0,
            visible_since: Some(t),
            max_scroll_depth: 0.0,
        });
    }

    /// Ends the current page: its time is added to its kind and it joins the history. Items of
    /// the old page stop dwelling; the shell reports the new page's visible items afresh.
    fn close_page(&mut self, t: f64) {
        self.hide(t);
        if let Some(p) = self.current_page.take() {
            if self.pages.len() == MAX_PAGE_HISTORY {
                self.pages.remove(0);
            }
            self.pages.push(PageRecord {
                page: p.page,
                path_hash: p.path_hash,
                duration_ms: p.accrued_ms,
                max_scroll_depth: p.max_scroll_depth,
            });
        }
    }

    /// Pauses the page timer and every visible item's dwell.
    fn hide(&mut self, t: f64) {
        if let Some(p) = self.current_page.as_mut() {
            if let Some(since) = p.visible_since.take() {
                let span = t - since;
                p.accrued_ms += span;
                *self.time_ms.get_mut(p.page.kind()) += span;
            }
        }
        let visible: Vec<String> = self
            .items
            .iter()
            .filter(|(_, s)| s.visible_since.is_some())
            .map(|(id, _)| id.clone())
            .collect();
        for id in visible {
            self.end_dwell(t, &id, true);
        }
    }

    fn click(&mut self, t: f64, x: f64, y: f64, item: &Option<ItemRef>, action: &Option<String>) {
        self.clicks += 1;
        if x.is_finite() && y.is_finite() && self.rage.click(t, x, y) {
            self.rage_clicks += 1;
        }
        let action = action.as_deref().and_then(clean_id);
        match action.as_deref() {
            Some("add_to_cart") => return self.add_to_cart(t, item.as_ref()),
            Some("purchase") => return self.purchase(None),
            Some(name) => self.custom(name),
            None => {}
        }
        if let Some(item) = item {
            self.item_clicks += 1;
            if let Some((stats, category)) = self.item_entry(item) {
                stats.clicks += 1;
                let price = stats.price;
                let brand = stats.brand.clone();
                if let Some(c) = &category {
                    let cat = self.categories.entry(c.clone()).or_default();
                    cat.clicks += 1;
                    cat.affinity.add(t, W_CLICK);
                    cat.last_click_t = Some(t);
                }
                self.engage_band(t, price, W_CLICK);
                self.note_click(t, item, category, brand, price);
            }
        }
    }

    /// Remembers the clicked item, its brand and its price for the ranking features.
    fn note_click(
        &mut self,
        t: f64,
        item: &ItemRef,
        category: Option<String>,
        brand: Option<String>,
        price: Option<f64>,
    ) {
        if let Some(b) = &brand {
            if let Some(n) = self.brand_clicks.get_mut(b) {
                *n += 1;
            } else if self.brand_clicks.len() < MAX_CATEGORIES {
                self.brand_clicks.insert(b.clone(), 1);
            } else {
                self.dropped += 1;
            }
        }
        if let Some(p) = price.filter(|p| *p > 0.0) {
            if self.click_prices.len() >= MAX_CLICK_PRICES {
                self.click_prices.remove(0);
            }
            self.click_prices.push(p);
        }
        self.last_click = clean_id(&item.id).map(|id| LastClick {
            id,
            category,
            brand,
            price,
            t,
        });
    }

    /// Keeps a ranking example for the summary: the first few clicks on slot items (a
    /// session's early clicks are its least predictable, so they teach the most), then the
    /// latest replaces the last kept.
    pub fn record_rank_example(&mut self, example: crate::features::RankExample) {
        if self.rank_examples.len() >= crate::limits::MAX_RANK_EXAMPLES {
            self.rank_examples.pop();
        }
        self.rank_examples.push(example);
    }

    /// Keeps the intent in force before the session's first add to cart or purchase.
    fn note_commerce(&mut self) {
        if self.add_to_cart == 0 && self.purchases == 0 {
            self.intent_before_cart = self.intent_checkpoints.last().copied();
        }
    }

    fn purchase(&mut self, value: Option<f64>) {
        self.note_commerce();
        self.mark_cart_purchased();
        self.purchases += 1;
        if let Some(v) = value.filter(|v| v.is_finite() && *v > 0.0) {
            self.purchase_value += v;
        }
    }

    fn add_to_cart(&mut self, t: f64, item: Option<&ItemRef>) {
        self.note_commerce();
        self.add_to_cart += 1;
        if let Some((stats, category)) = item.and_then(|i| self.item_entry(i)) {
            stats.add_to_cart += 1;
            let price = stats.price;
            if let Some(c) = category {
                let cat = self.categories.entry(c).or_default();
                cat.add_to_cart += 1;
                cat.affinity.add(t, W_CART);
            }
            self.engage_band(t, price, W_CART);
        }
    }

    fn engage_band(&mut self, t: f64, price: Option<f64>, weight: f64) {
        if let Some(band) = price.map(band_of) {
            self.price_bands[band].add(t, weight);
        }
    }

    fn mark_cart_purchased(&mut self) {
        for stats in self.items.values_mut().filter(|s| s.add_to_cart > 0) {
            stats.purchased = true;
        }
    }

    /// Appends a decision to the log (bounded: the oldest go first).
    pub fn record_decision(&mut self, decision: Decision) {
        if self.decisions.len() >= MAX_DECISIONS {
            self.decisions.remove(0);
        }
        self.decisions.push(decision);
    }

    /// Keeps an intent score for the summary when it moved by at least 0.02 since the last
    /// one kept; the first score and the latest ones survive the bound.
    pub fn record_intent(&mut self, score: f32) {
        if !score.is_finite() {
            return;
        }
        if let Some(last) = self.intent_checkpoints.last_mut() {
            if (*last - score).abs() < 0.02 {
                return;
            }
        }
        if self.intent_checkpoints.len() >= crate::limits::MAX_CHECKPOINTS {
            self.intent_checkpoints.remove(1);
        }
        self.intent_checkpoints.push(score);
    }

    fn scroll(&mut self, depth: f64) {
        if !depth.is_finite() {
            return;
        }
        if let Some(p) = self.current_page.as_mut() {
            p.max_scroll_depth = p.max_scroll_depth.max(depth.clamp(0.0, 1.0));
        }
    }

    fn item_visible(&mut self, t: f64, item: &ItemRef) {
        if let Some((stats, _)) = self.item_entry(item) {
            stats.visible_count = stats.visible_count.saturating_add(1);
            stats.visible_since.get_or_insert(t);
        }
    }

    fn item_hidden(&mut self, t: f64, raw_id: &str) {
        let Some(id) = clean_id(raw_id) else { return };
        if let Some(stats) = self.items.get_mut(&id) {
            stats.visible_count = stats.visible_count.saturating_sub(1);
            if stats.visible_count == 0 {
                self.end_dwell(t, &id, false);
            }
        }
    }

    /// Closes an item's visible stretch, crediting its dwell to the item and its category.
    fn end_dwell(&mut self, t: f64, id: &str, reset_count: bool) {
        let Some(stats) = self.items.get_mut(id) else {
            return;
        };
        if reset_count {
            stats.visible_count = 0;
        }
        let Some(since) = stats.visible_since.take() else {
            return;
        };
        let span = t - since;
        stats.dwell_ms += span;
        let newly_seen = !stats.seen && span >= SEEN_AFTER_MS;
        stats.seen |= newly_seen;
        stats.seen_count += u32::from(span >= SEEN_AFTER_MS);
        let weight = (span / 1000.0 * W_DWELL_PER_S).min(W_DWELL_MAX);
        let price = stats.price;
        if let Some(c) = stats.category.clone() {
            if let Some(cat) = self.categories.get_mut(&c) {
                cat.dwell_ms += span;
                cat.items_seen += u32::from(newly_seen);
                if span >= SEEN_AFTER_MS {
                    cat.affinity.add(t, weight);
                }
            }
        }
        if span >= SEEN_AFTER_MS {
            self.engage_band(t, price, weight);
        }
    }

    fn custom(&mut self, raw: &str) {
        let Some(name) = clean_id(raw) else { return };
        if let Some(n) = self.custom.get_mut(&name) {
            *n += 1;
        } else if self.custom.len() < MAX_CUSTOM_NAMES {
            self.custom.insert(name, 1);
        } else {
            self.dropped += 1;
        }
    }

    /// The stats entry for an item (created within the caps), with its cleaned category, whose
    /// entry is created too. `None` when the id is empty or the item cap is reached.
    fn item_entry(&mut self, item: &ItemRef) -> Option<(&mut ItemStats, Option<String>)> {
        let price = item.price.filter(|p| p.is_finite() && *p >= 0.0);
        // Fast path: a known item needs no normalising allocations.
        let key = item.id.trim();
        if key.len() <= MAX_ID_BYTES && !key.is_empty() && self.items.contains_key(key) {
            let needs_category = self.items.get(key).is_some_and(|s| s.category.is_none());
            let category = if needs_category {
                self.known_category(item)
            } else {
                None
            };
            let brand = self.known_brand(item);
            let stats = self.items.get_mut(key)?;
            if needs_category {
                stats.category = category;
            }
            if brand.is_some() {
                stats.brand = brand;
            }
            if price.is_some() {
                stats.price = price;
            }
            let category = stats.category.clone();
            return Some((stats, category));
        }
        let id = clean_id(&item.id)?;
        let category = self.known_category(item);
        if self.items.len() >= MAX_ITEMS {
            self.dropped += 1;
            return None;
        }
        let brand = self.known_brand(item);
        let stats = self.items.entry(id).or_default();
        stats.category = category.clone();
        stats.price = price;
        stats.brand = brand;
        Some((stats, category))
    }

    /// The item's cleaned brand, if it has one.
    fn known_brand(&self, item: &ItemRef) -> Option<String> {
        item.brand.as_deref().and_then(clean_id)
    }

    /// The item's cleaned category, with its entry created within the cap; `None` when the
    /// item has none or the category table is full.
    fn known_category(&mut self, item: &ItemRef) -> Option<String> {
        let c = item.category.as_deref().and_then(clean_id)?;
        if !self.categories.contains_key(&c) {
            if self.categories.len() >= MAX_CATEGORIES {
                self.dropped += 1;
                return None;
            }
            self.categories.insert(c.clone(), CategoryStats::default());
        }
        Some(c)
    }
}
