//! `replay`: runs a recorded event stream through the same core code the SDK runs (session
//! state, features, intent model, ranker) and measures, for every click on an item of a slot
//! the page showed, the rank of that item in the shipped ranker's order (`personalised`), the
//! hand-set order (`heuristic`) and the page's original order. Mean reciprocal rank and
//! Recall@5 over those clicks compare them.
//!
//! Event stream: JSON Lines, one event per line, in time order within a session:
//!
//! ```text
//! {"session":"s1","t":1700000000000,"type":"page_view","page":"home",
//!  "slot":[{"id":"sho-01","category":"shoes","price":59.99}, ...]}
//! {"session":"s1","t":1700000004000,"type":"click","item":"bag-01","category":"bags","price":45.99,"brand":"acme"}
//! {"session":"s1","t":1700000009000,"type":"add_to_cart","item":"bag-01","category":"bags","price":45.99}
//! {"session":"s1","t":1700000020000,"type":"purchase","value":45.99}
//! ```
//!
//! `t` is epoch milliseconds; `page` one of the `data-reshelf-page` values; `slot` (optional,
//! on page views) the items of the page's slot in the retailer's order (each with optional
//! `category`, `price` and `brand`); `brand` (optional) on item events.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use reshelf_core::events::{Event, EventKind, ItemRef};
use reshelf_core::features::RankContext;
use reshelf_core::features::{from_session, Calendar, Date, LiveContext, PageStats, VisitorType};
use reshelf_core::hash::path_hash;
use reshelf_core::model::{IntentModel, RankerModel};
use reshelf_core::policy::{personalisation_strength, rank, rank_learned, Interest, SlotItem};
use reshelf_core::{PageType, Tracker};
use serde::{Deserialize, Serialize};

use crate::fit::read_model;
use crate::ranking::metrics::{rank_of, Tally};
use serde_json::json;

#[derive(Debug, Deserialize)]
struct Line {
    session: String,
    t: f64,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    slot: Option<Vec<SlotItem>>,
    #[serde(default)]
    item: Option<String>,
    #[serde(default)]
    category: Option<String>,
    #[serde(default)]
    price: Option<f64>,
    #[serde(default)]
    brand: Option<String>,
    #[serde(default)]
    value: Option<f64>,
}

#[derive(Debug, Default, Serialize)]
pub struct ReplaySummary {
    pub sessions: usize,
    pub events: usize,
    /// Clicks on an item of the slot shown on the page.
    pub clicks_scored: usize,
    /// The shipped ranker's order.
    pub mrr_personalised: f64,
    /// The page's order.
    pub mrr_original: f64,
    /// The hand-set order (`ranker: 'heuristic'`).
    pub mrr_heuristic: f64,
    pub recall_at_5_personalised: f64,
    pub recall_at_5_original: f64,
    pub recall_at_5_heuristic: f64,
    /// Mean rank (1 = first) of the clicked item.
    pub mean_rank_personalised: f64,
    pub mean_rank_original: f64,
    /// The ranker that made the personalised order.
    pub ranker: String,
}

pub fn run(events: &Path, model: &Path, ranker: &Path, decisions: bool) -> Result<(), String> {
    let text = fs::read_to_string(events).map_err(|e| format!("{}: {e}", events.display()))?;
    let model = read_model(model)?;
    let bytes = fs::read(ranker).map_err(|e| format!("{}: {e}", ranker.display()))?;
    let ranker =
        RankerModel::from_bytes(&bytes).map_err(|e| format!("{}: {e}", ranker.display()))?;
    let mut lines: Vec<Line> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        if raw.trim().is_empty() {
            continue;
        }
        let line: Line = serde_json::from_str(raw)
            .map_err(|e| format!("{} line {}: {e}", events.display(), i + 1))?;
        lines.push(line);
    }
    let summary = replay(&lines, &model, &ranker, |d| {
        if decisions {
            println!("{d}");
        }
    })?;
    println!(
        "{}",
        serde_json::to_string(&summary).map_err(|e| e.to_string())?
    );
    Ok(())
}

struct SessionReplay {
    tracker: Tracker,
    slot: Vec<SlotItem>,
}

fn replay(
    lines: &[Line],
    model: &IntentModel,
    ranker: &RankerModel,
    mut emit: impl FnMut(serde_json::Value),
) -> Result<ReplaySummary, String> {
    let mut sessions: BTreeMap<&str, SessionReplay> = BTreeMap::new();
    let mut summary = ReplaySummary {
        ranker: ranker.version.clone(),
        ..ReplaySummary::default()
    };
    let (mut pers_t, mut orig_t, mut heur_t) =
        (Tally::default(), Tally::default(), Tally::default());
    let (mut rank_p, mut rank_o) = (0.0, 0.0);
    let stats = PageStats {
        priors: model.priors,
        ..PageStats::default()
    };
    for (n, line) in lines.iter().enumerate() {
        summary.events += 1;
        let s = sessions
            .entry(&line.session)
            .or_insert_with(|| SessionReplay {
                tracker: Tracker::new(n as u64 + 1, line.t),
                slot: Vec::new(),
            });
        let item = line.item.as_ref().map(|id| ItemRef {
            id: id.clone(),
            category: line.category.clone(),
            price: line.price,
            brand: line.brand.clone(),
        });
        let kind = match line.kind.as_str() {
            "page_view" => {
                s.slot = line.slot.clone().unwrap_or_default();
                let page = PageType::parse(line.page.as_deref());
                let path = format!("/{}/{}", line.page.as_deref().unwrap_or(""), n);
                EventKind::PageView {
                    page,
                    path_hash: path_hash(&path),
                }
            }
            "click" => {
                if let Some(id) = &line.item {
                    if let Some(orig) = s.slot.iter().position(|x| &x.id == id) {
                        let state = s.tracker.state();
                        let ctx = context(line.t);
                        let intent =
                            model.score(&from_session(state, &stats, &ctx, line.t).to_input());
                        let heuristic = rank(
                            &s.slot,
                            &Interest::from_session(state, line.t),
                            personalisation_strength(Some(intent)),
                        );
                        let ctx = RankContext {
                            now: line.t,
                            intent: Some(intent),
                            popularity: None,
                        };
                        let order = rank_learned(ranker, state, &s.slot, &ctx);
                        let pers = rank_of(&order, orig);
                        let original = orig + 1;
                        let heur = rank_of(&heuristic, orig);
                        pers_t.add(pers);
                        orig_t.add(original);
                        heur_t.add(heur);
                        rank_p += pers as f64;
                        rank_o += original as f64;
                        summary.clicks_scored += 1;
                        emit(json!({
                            "session": line.session, "t": line.t, "clicked": id, "intent": intent,
                            "rank_personalised": pers, "rank_original": original,
                            "rank_heuristic": heur, "ranker": ranker.version,
                            "order": order.iter().map(|&i| s.slot[i].id.clone()).collect::<Vec<_>>(),
                        }));
                    }
                }
                EventKind::Click {
                    x: 0.0,
                    y: 0.0,
                    item,
                    action: None,
                }
            }
            "add_to_cart" => EventKind::AddToCart { item },
            "purchase" => EventKind::Purchase { value: line.value },
            "item_visible" => match item {
                Some(item) => EventKind::ItemVisible { item },
                None => continue,
            },
            "item_hidden" => EventKind::ItemHidden {
                id: line.item.clone().unwrap_or_default(),
            },
            "page_hide" => EventKind::PageHide,
            other => EventKind::Custom {
                name: other.to_string(),
            },
        };
        s.tracker.apply(&Event::new(line.t, kind));
    }
    summary.sessions = sessions.len();
    let n = summary.clicks_scored.max(1) as f64;
    summary.mrr_personalised = pers_t.mrr;
    summary.mrr_original = orig_t.mrr;
    summary.mrr_heuristic = heur_t.mrr;
    summary.recall_at_5_personalised = pers_t.recall_at_5;
    summary.recall_at_5_original = orig_t.recall_at_5;
    summary.recall_at_5_heuristic = heur_t.recall_at_5;
    summary.mean_rank_personalised = rank_p / n;
    summary.mean_rank_original = rank_o / n;
    Ok(summary)
}

/// The moment's context from the event time (UTC date), for a new visitor: a replay has no
/// visitor history.
pub(crate) fn context(t: f64) -> LiveContext {
    let today = Date::from_days((t / 86_400_000.0).floor() as i64);
    LiveContext::on_day(today, &Calendar::default(), VisitorType::New)
}
