//! Slots built around real next clicks — the protocol `fit-ranker` trains on and
//! `eval-ranker` measures with.
//!
//! A click log is replayed in time order through the same core code the SDK runs: every
//! product view is a click on its tile, then a product page on which that tile stays visible
//! until the session's next view (its dwell). Immediate repeats of a view are collapsed. For
//! each view after a session's first whose product was already in the catalogue (viewed by
//! any session before, so its popularity is honest), three 24-item slots are built: the
//! clicked item plus 23 others drawn from the catalogue seen so far —
//!  * **popularity**: drawn with probability proportional to views so far;
//!  * **same category**: drawn from the clicked item's category (topped up by popularity
//!    when the category holds fewer);
//!  * **uniform**: drawn uniformly.
//!
//! Each slot is in the retailer's order (catalogue popularity, then first seen), and carries
//! the session's ranking features and every baseline's order as of just before the click.

use std::collections::{BTreeMap, HashMap, HashSet};

use reshelf_core::events::{Event, EventKind, ItemRef};
use reshelf_core::features::{from_session, rank_features, PageStats, RankContext};
use reshelf_core::hash::path_hash;
use reshelf_core::model::IntentModel;
use reshelf_core::policy::{order_by_scores, personalisation_strength, rank, Interest, SlotItem};
use reshelf_core::rng::SplitMix64;
use reshelf_core::{PageType, SessionState, Tracker};

use super::clicks::{Action, Click};
use crate::replay::context;

/// Items per slot.
pub const SLOT_SIZE: usize = 24;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SlotKind {
    Popularity,
    SameCategory,
    Uniform,
}

impl SlotKind {
    pub const ALL: [SlotKind; 3] = [
        SlotKind::Popularity,
        SlotKind::SameCategory,
        SlotKind::Uniform,
    ];

    pub fn name(self) -> &'static str {
        match self {
            SlotKind::Popularity => "popularity",
            SlotKind::SameCategory => "same_category",
            SlotKind::Uniform => "uniform",
        }
    }
}

/// One slot around one real click.
#[derive(Clone, Debug)]
pub struct Case {
    pub kind: SlotKind,
    /// When the click's session started (epoch ms): the time split is by session.
    pub session_start: f64,
    /// Index of the clicked item in the slot (retailer order).
    pub clicked: usize,
    /// Ranking features, `[SLOT_SIZE, RANK_FEATURES]`, with the catalogue's popularity.
    pub features: Vec<f32>,
    /// The same without popularity (as the SDK computes them while the page-stats feed
    /// serves no popularity).
    pub features_no_pop: Vec<f32>,
    /// Orders of the baselines, as indices into the slot.
    pub category_counts: Vec<usize>,
    pub heuristic: Vec<usize>,
    pub item_knn: Vec<usize>,
    /// Item clicks of the session before this one.
    pub session_clicks: u64,
}

struct Live {
    tracker: Tracker,
    start: f64,
    last: Option<String>,
    distinct: Vec<String>,
}

/// The catalogue as seen so far.
#[derive(Default)]
struct Catalogue {
    views: HashMap<String, u32>,
    /// Every view's product, so a uniform draw from it is a popularity-weighted draw.
    view_log: Vec<String>,
    /// Distinct products in first-seen order, and each one's index there.
    order: Vec<String>,
    first_seen: HashMap<String, usize>,
    info: HashMap<String, SlotItem>,
    by_category: HashMap<String, Vec<String>>,
    /// Sessions that viewed both (item-kNN's co-occurrence counts).
    cooc: HashMap<String, HashMap<String, u32>>,
}

/// Replays `clicks` and returns every slot built, in time order.
pub fn build(clicks: &[Click], intent: &IntentModel, seed: u64) -> Vec<Case> {
    let mut rng = SplitMix64::new(seed);
    let mut cat = Catalogue::default();
    let mut live: HashMap<String, Live> = HashMap::new();
    let stats = PageStats {
        priors: intent.priors,
        ..PageStats::default()
    };
    let mut cases = Vec::new();
    for (n, c) in clicks.iter().enumerate() {
        let s = live.entry(c.session.clone()).or_insert_with(|| Live {
            tracker: Tracker::new(n as u64 + 1, c.t),
            start: c.t,
            last: None,
            distinct: Vec::new(),
        });
        let item = ItemRef {
            id: c.product.clone(),
            category: c.category.clone(),
            price: c.price,
            brand: c.brand.clone(),
        };
        match c.action {
            Action::View => {
                if s.last.as_deref() == Some(c.product.as_str()) {
                    continue;
                }
                let known = cat.views.get(&c.product).copied().unwrap_or(0) > 0;
                if s.last.is_some() && known && cat.order.len() >= SLOT_SIZE {
                    let state = s.tracker.state();
                    let p =
                        intent.score(&from_session(state, &stats, &context(c.t), c.t).to_input());
                    for kind in SlotKind::ALL {
                        let items = cat.draw(kind, c, &mut rng);
                        cases.push(case(kind, items, c, state, s, &cat, p));
                    }
                }
                let t = c.t;
                s.tracker.apply(&Event::new(
                    t,
                    EventKind::Click {
                        x: 0.0,
                        y: 0.0,
                        item: Some(item.clone()),
                        action: None,
                    },
                ));
                s.tracker.apply(&Event::new(
                    t,
                    EventKind::PageView {
                        page: PageType::Product,
                        path_hash: path_hash(&c.product),
                    },
                ));
                s.tracker.apply(&Event::new(
                    t,
                    EventKind::ItemVisible { item: item.clone() },
                ));
                s.last = Some(c.product.clone());
                cat.view(c, item, &s.distinct);
                if !s.distinct.contains(&c.product) {
                    s.distinct.push(c.product.clone());
                }
            }
            Action::Cart => {
                s.tracker
                    .apply(&Event::new(c.t, EventKind::AddToCart { item: Some(item) }));
            }
            Action::Purchase => {
                s.tracker
                    .apply(&Event::new(c.t, EventKind::Purchase { value: c.price }));
            }
            Action::Other => {}
        }
    }
    cases
}

fn case(
    kind: SlotKind,
    items: Vec<SlotItem>,
    c: &Click,
    state: &SessionState,
    s: &Live,
    cat: &Catalogue,
    intent: f32,
) -> Case {
    let clicked = items
        .iter()
        .position(|i| i.id == c.product)
        .unwrap_or_default();
    let pops: BTreeMap<String, u32> = items
        .iter()
        .map(|i| (i.id.clone(), cat.views.get(&i.id).copied().unwrap_or(0)))
        .collect();
    let ctx = RankContext {
        now: c.t,
        intent: Some(intent),
        popularity: Some(&pops),
    };
    let features = rank_features(state, &items, &ctx);
    let features_no_pop = rank_features(
        state,
        &items,
        &RankContext {
            popularity: None,
            ..ctx
        },
    );
    let category_scores: Vec<f32> = items
        .iter()
        .map(|i| {
            i.category
                .as_ref()
                .and_then(|k| state.categories.get(k))
                .map_or(0.0, |k| k.clicks as f32)
        })
        .collect();
    let heuristic = rank(
        &items,
        &Interest::from_session(state, c.t),
        personalisation_strength(Some(intent)),
    );
    let knn_scores: Vec<f32> = items
        .iter()
        .map(|i| cat.knn_score(&s.distinct, &i.id))
        .collect();
    Case {
        kind,
        session_start: s.start,
        clicked,
        features,
        features_no_pop,
        category_counts: order_by_scores(&category_scores, items.len()),
        heuristic,
        item_knn: order_by_scores(&knn_scores, items.len()),
        session_clicks: state.item_clicks,
    }
}

impl Catalogue {
    fn view(&mut self, c: &Click, item: ItemRef, session_items: &[String]) {
        let id = c.product.clone();
        *self.views.entry(id.clone()).or_default() += 1;
        self.view_log.push(id.clone());
        if !self.first_seen.contains_key(&id) {
            self.first_seen.insert(id.clone(), self.order.len());
            self.order.push(id.clone());
            if let Some(k) = &c.category {
                self.by_category
                    .entry(k.clone())
                    .or_default()
                    .push(id.clone());
            }
        }
        if !session_items.contains(&id) {
            for other in session_items {
                *self
                    .cooc
                    .entry(id.clone())
                    .or_default()
                    .entry(other.clone())
                    .or_default() += 1;
                *self
                    .cooc
                    .entry(other.clone())
                    .or_default()
                    .entry(id.clone())
                    .or_default() += 1;
            }
        }
        self.info.insert(
            id.clone(),
            SlotItem {
                id,
                category: item.category,
                price: item.price,
                brand: item.brand,
            },
        );
    }

    /// Co-occurrence of `candidate` with the session's items, cosine-normalised by views.
    fn knn_score(&self, session_items: &[String], candidate: &str) -> f32 {
        let Some(row) = self.cooc.get(candidate) else {
            return 0.0;
        };
        let pc = f64::from(self.views.get(candidate).copied().unwrap_or(1).max(1));
        session_items
            .iter()
            .filter(|j| j.as_str() != candidate)
            .map(|j| {
                let pj = f64::from(self.views.get(j).copied().unwrap_or(1).max(1));
                f64::from(row.get(j).copied().unwrap_or(0)) / (pc * pj).sqrt()
            })
            .sum::<f64>() as f32
    }

    /// The slot for a click of `kind`: the clicked item and 23 others, in the retailer's order.
    fn draw(&self, kind: SlotKind, c: &Click, rng: &mut SplitMix64) -> Vec<SlotItem> {
        let mut chosen: HashSet<&str> = HashSet::from([c.product.as_str()]);
        let mut ids: Vec<&str> = vec![c.product.as_str()];
        if kind == SlotKind::SameCategory {
            if let Some(pool) = c.category.as_ref().and_then(|k| self.by_category.get(k)) {
                let mut pool: Vec<&str> = pool
                    .iter()
                    .map(String::as_str)
                    .filter(|p| *p != c.product)
                    .collect();
                crate::split::shuffle(&mut pool, rng);
                for p in pool.into_iter().take(SLOT_SIZE - 1) {
                    chosen.insert(p);
                    ids.push(p);
                }
            }
        }
        let mut attempts = 0;
        while ids.len() < SLOT_SIZE && attempts < 10_000 {
            attempts += 1;
            let id = match kind {
                SlotKind::Uniform => &self.order[below(rng, self.order.len())],
                _ => &self.view_log[below(rng, self.view_log.len())],
            };
            if chosen.insert(id.as_str()) {
                ids.push(id.as_str());
            }
        }
        ids.sort_by_key(|id| {
            (
                std::cmp::Reverse(self.views.get(*id).copied().unwrap_or(0)),
                self.first_seen.get(*id).copied().unwrap_or(usize::MAX),
            )
        });
        ids.into_iter()
            .map(|id| {
                if id == c.product {
                    SlotItem {
                        id: c.product.clone(),
                        category: c.category.clone(),
                        price: c.price,
                        brand: c.brand.clone(),
                    }
                } else {
                    self.info.get(id).cloned().unwrap_or_default()
                }
            })
            .collect()
    }
}

fn below(rng: &mut SplitMix64, n: usize) -> usize {
    (rng.next_u64() % n.max(1) as u64) as usize
}
