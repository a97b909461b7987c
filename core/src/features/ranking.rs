//! Ranking features: the one mapping from (session, candidate item of a slot) to the ranking
//! model's input, used by the SDK, `reshelf-train replay`, `fit-ranker` and `eval-ranker`.
//!
//! Every feature is relational — how this session relates to the candidate — so a model
//! trained on one store's shoppers carries over to another: no item, category or brand id is
//! ever an input (ids are only compared for equality with the session's own history).
//! Each feature is a number in `0..=1` except the two signed price ratios (`-1..=1`); see
//! [`FEATURES`] for the unit and range of each. Missing data (no price, no category, no brand,
//! no popularity) reads 0 together with a flag that says it is missing.

use std::collections::BTreeMap;

use crate::engagement::HALF_LIFE_MS;
use crate::events::ItemRef as SlotItem;
use crate::session::SessionState;
use crate::text::clean_id;

/// Number of ranking features per candidate.
pub const RANK_FEATURES: usize = 22;

/// Log price ratios are clamped to ±this (e^3 ≈ 20×) and scaled to -1..=1.
const PRICE_RATIO_CLAMP: f32 = 3.0;
/// Session length is log(1 + item clicks) over log(1 + this), clamped to 1.
const SESSION_CLICKS_SCALE: f32 = 50.0;
/// Item clicks count up to this many.
const ITEM_CLICKS_CAP: u32 = 3;

/// What each feature is: name, unit and range, in input order.
pub const FEATURES: [(&str, &str); RANK_FEATURES] = [
    ("cat_affinity_share", "recency-weighted engagement with the candidate's category (clicks, carts, dwell; half-life 10 min) over the session's total, 0..1"),
    ("cat_click_share", "item clicks in the candidate's category over the session's item clicks, 0..1"),
    ("cat_cart_share", "adds to cart in the candidate's category over the session's, 0..1"),
    ("cat_dwell_share", "visible tile dwell in the candidate's category over all categories', 0..1"),
    ("is_last_category", "1 when the candidate's category is the last clicked item's, else 0"),
    ("cat_click_recency", "2^(-minutes since the last click in the candidate's category / 10), 0..1 (0: never, 1: now)"),
    ("item_seen", "1 when this item was at least half visible for a second earlier in the session"),
    ("item_clicks", "clicks on this item earlier in the session, capped at 3, over 3, 0..1"),
    ("item_carted", "1 when this item was added to the cart earlier in the session"),
    ("is_last_item", "1 when this item is the one clicked last"),
    ("price_vs_last", "ln(price / last clicked item's price), clamped to ±3, over 3, -1..1; 0 when unknown"),
    ("price_distance_last", "|price_vs_last|, 0..1"),
    ("price_vs_median", "ln(price / median price of the session's recent clicks), clamped to ±3, over 3, -1..1"),
    ("price_known", "1 when the candidate has a positive price and the session a clicked price"),
    ("brand_click_share", "item clicks on the candidate's brand over the session's item clicks, 0..1"),
    ("is_last_brand", "1 when the candidate's brand is the last clicked item's"),
    ("position", "the retailer's position i / n (0 = first), 0..1"),
    ("popularity", "ln(1 + views) over the slot's largest, from the page-stats feed, 0..1"),
    ("popularity_known", "1 when the page-stats feed gave the item's popularity"),
    ("intent", "the intent model's purchase probability, 0..1 (0 before the first score)"),
    ("session_length", "ln(1 + session item clicks) / ln(51), 0..1"),
    ("category_known", "1 when the candidate has a category"),
];

/// Indices of the features that are signed (-1..=1); all others are 0..=1.
pub const SIGNED: [usize; 2] = [10, 12];

/// What the features need beyond the session and the slot.
#[derive(Clone, Copy, Debug, Default)]
pub struct RankContext<'a> {
    /// Epoch ms (the session's clock; earlier than its last event reads as that event).
    pub now: f64,
    /// The session's latest intent score.
    pub intent: Option<f32>,
    /// Views per item id from the backend's page-stats feed, when it serves them.
    pub popularity: Option<&'a BTreeMap<String, u32>>,
}

/// Whether the session has shown anything a ranking could follow: an item click, an add to
/// cart, or a tile seen. Without it every order is a guess, so the page's order stands.
pub fn has_signal(state: &SessionState) -> bool {
    state.item_clicks > 0 || state.add_to_cart > 0 || state.items.values().any(|s| s.seen)
}

/// The features of every item of a slot, row-major `[items.len(), RANK_FEATURES]`, in the
/// slot's order. Never panics; non-finite prices read as unknown.
pub fn rank_features(state: &SessionState, items: &[SlotItem], ctx: &RankContext) -> Vec<f32> {
    rank_features_at(state, items, 0, items.len(), ctx)
}

/// The features of `items`, those at positions `first..first + items.len()` of a slot of
/// `slot_len` items: the rows [`rank_features`] gives those items when ranking the whole
/// slot, without reading the rest of it (a ranking example needs the clicked item and the
/// few above it, and must describe them as the ranker saw them). Only the popularity share
/// (feature 17) is relative to `items` rather than the slot; examples are built without
/// popularity. `slot_len` below `first + items.len()` is taken as that.
pub fn rank_features_at(
    state: &SessionState,
    items: &[SlotItem],
    first: usize,
    slot_len: usize,
    ctx: &RankContext,
) -> Vec<f32> {
    let now = state.clamp_now(ctx.now);
    let totals = Totals::of(state, now);
    let last = state.last_click.as_ref();
    let last_price = last.and_then(|l| l.price).filter(|p| *p > 0.0);
    let median = median(&state.click_prices);
    let pops: Vec<Option<u32>> = items
        .iter()
        .map(|it| ctx.popularity.and_then(|m| m.get(it.id.trim()).copied()))
        .collect();
    let top_pop = pops.iter().flatten().copied().max().unwrap_or(0);
    let n = slot_len.max(first + items.len()).max(1) as f32;
    let session_length =
        ((1.0 + state.item_clicks as f32).ln() / (1.0 + SESSION_CLICKS_SCALE).ln()).min(1.0);
    let intent = ctx
        .intent
        .filter(|p| p.is_finite())
        .map_or(0.0, |p| p.clamp(0.0, 1.0));
    let mut out = Vec::with_capacity(items.len() * RANK_FEATURES);
    for (i, item) in items.iter().enumerate() {
        let mut f = [0.0f32; RANK_FEATURES];
        let category = item.category.as_deref().and_then(clean_id);
        if let Some(c) = category.as_deref() {
            f[21] = 1.0;
            if let Some(cs) = state.categories.get(c) {
                f[0] = share(cs.affinity.at(now), totals.affinity);
                f[1] = share(f64::from(cs.clicks), state.item_clicks as f64);
                f[2] = share(f64::from(cs.add_to_cart), totals.carts);
                f[3] = share(cs.dwell_ms, totals.dwell_ms);
                f[5] = cs.last_click_t.map_or(0.0, |t| {
                    0.5f64.powf((now - t).max(0.0) / HALF_LIFE_MS) as f32
                });
            }
            f[4] = flag(last.and_then(|l| l.category.as_deref()) == Some(c));
        }
        let id = clean_id(&item.id);
        if let Some(s) = id.as_deref().and_then(|id| state.items.get(id)) {
            f[6] = flag(s.seen);
            f[7] = s.clicks.min(ITEM_CLICKS_CAP) as f32 / ITEM_CLICKS_CAP as f32;
            f[8] = flag(s.add_to_cart > 0);
        }
        f[9] = flag(id.is_some() && last.map(|l| &l.id) == id.as_ref());
        if let Some(p) = item.price.filter(|p| p.is_finite() && *p > 0.0) {
            if let Some(lp) = last_price {
                f[10] = log_ratio(p, lp);
                f[11] = f[10].abs();
            }
            if let Some(m) = median {
                f[12] = log_ratio(p, m);
                f[13] = 1.0;
            }
        }
        if let Some(b) = item.brand.as_deref().and_then(clean_id) {
            let clicks = state.brand_clicks.get(&b).copied().unwrap_or(0);
            f[14] = share(f64::from(clicks), state.item_clicks as f64);
            f[15] = flag(last.and_then(|l| l.brand.as_deref()) == Some(b.as_str()));
        }
        f[16] = (first + i) as f32 / n;
        if let Some(p) = pops[i] {
            f[17] = if top_pop > 0 {
                ((1.0 + p as f32).ln() / (1.0 + top_pop as f32).ln()).min(1.0)
            } else {
                0.0
            };
            f[18] = 1.0;
        }
        f[19] = intent;
        f[20] = session_length;
        out.extend_from_slice(&f);
    }
    out
}

/// Session-wide totals the shares divide by.
struct Totals {
    affinity: f64,
    carts: f64,
    dwell_ms: f64,
}

impl Totals {
    fn of(state: &SessionState, now: f64) -> Self {
        let mut t = Totals {
            affinity: 0.0,
            carts: 0.0,
            dwell_ms: 0.0,
        };
        for c in state.categories.values() {
            t.affinity += c.affinity.at(now);
            t.carts += f64::from(c.add_to_cart);
            t.dwell_ms += c.dwell_ms.max(0.0);
        }
        t
    }
}

fn share(part: f64, total: f64) -> f32 {
    if total > 0.0 && part.is_finite() {
        (part / total).clamp(0.0, 1.0) as f32
    } else {
        0.0
    }
}

fn flag(b: bool) -> f32 {
    f32::from(u8::from(b))
}

fn log_ratio(p: f64, reference: f64) -> f32 {
    // f32 `ln`: the SDK links one logarithm (f32) rather than two.
    ((p / reference) as f32)
        .ln()
        .clamp(-PRICE_RATIO_CLAMP, PRICE_RATIO_CLAMP)
        / PRICE_RATIO_CLAMP
}

fn median(prices: &[f64]) -> Option<f64> {
    let mut p: Vec<f64> = prices
        .iter()
        .copied()
        .filter(|p| p.is_finite() && *p > 0.0)
        .collect();
    if p.is_empty() {
        return None;
    }
    // At most MAX_CLICK_PRICES values: an insertion sort, rather than linking another
    // instance of the standard sort into the SDK.
    for i in 1..p.len() {
        let mut j = i;
        while j > 0 && p[j - 1] > p[j] {
            p.swap(j - 1, j);
            j -= 1;
        }
    }
    let m = p.len() / 2;
    Some(if p.len().is_multiple_of(2) {
        (p[m - 1] + p[m]) / 2.0
    } else {
        p[m]
    })
}

/// A feature as one byte: `0..=1` onto `0..=255`, signed features `-1..=1` onto `0..=255`
/// (so 0 is 127.5, stored as 128). The error is at most 1/510 (1/255 for signed).
pub fn quantise(index: usize, value: f32) -> u8 {
    let v = if value.is_finite() { value } else { 0.0 };
    let unit = if SIGNED.contains(&index) {
        (v.clamp(-1.0, 1.0) + 1.0) / 2.0
    } else {
        v.clamp(0.0, 1.0)
    };
    (unit * 255.0).round() as u8
}

/// The feature a byte stands for (the inverse of [`quantise`] up to its rounding).
pub fn dequantise(index: usize, byte: u8) -> f32 {
    let unit = f32::from(byte) / 255.0;
    if SIGNED.contains(&index) {
        unit * 2.0 - 1.0
    } else {
        unit
    }
}
