//! The summary type and how a session becomes one.

use serde::{Deserialize, Serialize};

use crate::experiment::{Arm, DecisionKind};
use crate::features::RankExample;
use crate::hash::fnv1a32;
pub use crate::limits::MAX_RANK_EXAMPLES;
use crate::page::PageKind;
use crate::session::SessionState;
use crate::text::{hex, push_decimal, push_hex};
pub use crate::visit::{BrowserFamily, DeviceClass, TrafficSource};

pub const SUMMARY_VERSION: u8 = 1;
/// Distinct visited pages kept (most recent), for the backend's page statistics.
pub use crate::limits::MAX_PAGES;
/// Top categories kept.
pub const MAX_CATEGORIES: usize = 3;
pub use crate::limits::MAX_CHECKPOINTS;
/// Decisions kept (most recent).
pub const MAX_DECISIONS: usize = 4;
/// Category names are cut to this many bytes in a summary.
pub const CATEGORY_BYTES: usize = 14;

/// What came of the session.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outcome {
    /// Add-to-cart count (saturating).
    #[serde(rename = "c")]
    pub cart: u16,
    #[serde(rename = "p")]
    pub purchase: bool,
    /// Order value band: 0 none, 1 < 25, 2 < 50, 3 < 100, 4 < 200, 5 ≥ 200.
    #[serde(rename = "vb")]
    pub value_band: u8,
}

/// A decision, reduced to what measurement needs: which slot or section (hashed), how many
/// items moved, whether it was applied. Sent as a short string: kind (`s` slot, `v`
/// variant), 8 hex digits of the FNV-1a hash of the slot (or section and variant), `1`/`0`
/// applied, then the moved count in hex — e.g. `s3f00a1b21c`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct DecisionDigest {
    pub kind: char,
    pub hash: u32,
    pub moved: u16,
    pub applied: bool,
}

impl From<DecisionDigest> for String {
    fn from(d: DecisionDigest) -> String {
        // Written out rather than `format!`: see `text::push_hex`.
        let mut s = String::with_capacity(14);
        s.push(d.kind);
        push_hex(&mut s, u64::from(d.hash), 8);
        s.push(if d.applied { '1' } else { '0' });
        push_hex(&mut s, u64::from(d.moved), 1);
        s
    }
}

impl TryFrom<String> for DecisionDigest {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        let bad = || format!("bad decision digest {s:?}");
        let kind = s
            .chars()
            .next()
            .filter(|k| matches!(k, 's' | 'v'))
            .ok_or_else(bad)?;
        let hash = s
            .get(1..9)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .ok_or_else(bad)?;
        let applied = match s.get(9..10) {
            Some("1") => true,
            Some("0") => false,
            _ => return Err(bad()),
        };
        let moved = s
            .get(10..)
            .and_then(|m| u16::from_str_radix(m, 16).ok())
            .ok_or_else(bad)?;
        Ok(DecisionDigest {
            kind,
            hash,
            moved,
            applied,
        })
    }
}

/// What the device knows beyond the session state.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryContext {
    /// See [`Summary::sequence`].
    pub seq: u64,
    pub arm: Arm,
    pub model_version: Option<String>,
    /// Intent scores so far, oldest first.
    pub intent_checkpoints: Vec<f32>,
    pub device: DeviceClass,
    pub browser: BrowserFamily,
    pub source: TrafficSource,
    /// Local hour (0..24), weekday (0 = Sunday), month (0 = January) when the session started.
    pub hour: u8,
    pub weekday: u8,
    pub month: u8,
    /// A returning visitor (first-party flag), as the model's `VisitorType`.
    pub returning: bool,
    /// Closeness to a special day, 0..=1, as the model's `SpecialDay`.
    pub special_day: f32,
    /// The randomisation unit, see [`Summary::unit`].
    pub unit: Option<u32>,
}

/// The summary as sent. Short keys keep it within 544 bytes as JSON (768 with ranking
/// examples).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub v: u8,
    /// Session id.
    pub sid: String,
    /// Sequence number: a higher one of the same session replaces a lower one.
    pub seq: u64,
    /// In the control arm (holdout).
    pub ctl: bool,
    pub model: Option<String>,
    /// The ranker of the session's latest slot decision: the ranker model's version or
    /// `heuristic` (absent before any slot decision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rk: Option<String>,
    /// Ranking examples from clicks on slot items (see [`RankExample`]), at most
    /// [`MAX_RANK_EXAMPLES`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rx: Vec<RankExample>,
    /// The randomisation unit the holdout arm was drawn for: FNV-1a of `site:visitor id`
    /// (a kiosk: of `site:session id`), so the backend can count visitors, not sessions, as
    /// independent (absent from SDKs before it was sent: each session is then its own unit).
    #[serde(default, rename = "u", skip_serializing_if = "Option::is_none")]
    pub unit: Option<u32>,
    /// Page views per kind: administrative, informational, product-related.
    pub pv: [u32; 3],
    /// Seconds per kind, same order.
    pub secs: [u32; 3],
    /// Hashed paths of visited pages (no URLs), most recent last, 8 hex digits each.
    pub pages: String,
    /// The kind of each page in `pages`, one letter each in the same order (`a`
    /// administrative, `i` informational, `p` product-related, `u` unmarked), followed by
    /// its view count when above 1 (2..=9, capped), e.g. `pp3ia`. Empty from SDKs before it
    /// was sent. The export needs it for the per-kind priors and the per-view averages.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub pk: String,
    /// Top categories with engagement 0..100 (relative to the strongest).
    pub cats: Vec<(String, u8)>,
    /// Intent checkpoints quantised to 0..=255, two hex digits each, oldest first.
    pub intent: String,
    /// The checkpoint (0..=255) in force when the session first added to cart or purchased;
    /// absent when it did neither or nothing was scored before. Calibration compares it, not
    /// the last checkpoint (scored on cart and checkout pages), with the outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipc: Option<u8>,
    pub dec: Vec<DecisionDigest>,
    pub out: Outcome,
    pub dev: DeviceClass,
    pub br: BrowserFamily,
    pub src: TrafficSource,
    pub hr: u8,
    pub wd: u8,
    pub mo: u8,
    /// Session start, unix seconds truncated to the hour (coarse on purpose).
    pub ts: u64,
    /// Returning visitor.
    pub ret: bool,
    /// Special-day closeness in tenths (0..=10).
    pub sd: u8,
}

/// Milliseconds a sequence number can count (24.8 days: longer than any session). Finer than
/// a flush: a summary taken later in the same tenth of a second can differ (the model engine
/// attached meanwhile and a score was recorded, with no event), and must not share its number.
const SEQ_TIME_SPAN: u64 = 1 << 31;
/// Largest sequence number: JSON numbers are exact up to 2^53.
pub const MAX_SEQ: u64 = (1 << 53) - 1;

impl Summary {
    /// The sequence number of a summary of `state` at `now`: the session's event count, then
    /// its age in milliseconds. It grows with every later summary of a session in one
    /// document and across page loads, with no counter to keep; when two tabs summarise one
    /// session, the one that saw more of it wins.
    pub fn sequence(state: &SessionState, now: f64) -> u64 {
        let age = (now - state.started_at).max(0.0) as u64;
        let events = state.events.min(MAX_SEQ / SEQ_TIME_SPAN);
        events * SEQ_TIME_SPAN + age.min(SEQ_TIME_SPAN - 1)
    }

    pub fn from_session(state: &SessionState, ctx: &SummaryContext, now: f64) -> Self {
        let views = state.page_views;
        let time_ms = state.time_ms_at(now);
        let recent = state.recent_pages();
        let pages = recent
            .iter()
            .map(|r| hex(u64::from(r.path_hash), 8))
            .collect();
        let pk = recent
            .iter()
            .map(|r| match r.views {
                0 | 1 => kind_letter(r.page.kind()).to_string(),
                n => {
                    let mut s = kind_letter(r.page.kind()).to_string();
                    push_decimal(&mut s, u64::from(n));
                    s
                }
            })
            .collect();
        // In name order (the map's), so the shared slot sort, which breaks ties by index,
        // orders equal affinities by name.
        let cats: Vec<(&String, f64)> = state
            .categories
            .iter()
            .map(|(k, c)| (k, c.affinity.at(now)))
            .filter(|(_, a)| *a > 0.0)
            .collect();
        let affinities: Vec<f64> = cats.iter().map(|c| c.1).collect();
        let order = crate::policy::order::order_by_scores_f64(&affinities, cats.len());
        let top = order.first().map_or(1.0, |&i| cats[i].1);
        let cats = order
            .into_iter()
            .take(MAX_CATEGORIES)
            .map(|i| {
                let (k, a) = cats[i];
                (
                    cut(k, CATEGORY_BYTES),
                    ((a / top) * 100.0).round().clamp(0.0, 100.0) as u8,
                )
            })
            .collect();
        let skip = ctx.intent_checkpoints.len().saturating_sub(MAX_CHECKPOINTS);
        let intent = ctx.intent_checkpoints[skip..]
            .iter()
            .map(|&p| hex(u64::from(quantise_intent(p)), 2))
            .collect();
        let skip = state.decisions.len().saturating_sub(MAX_DECISIONS);
        let dec = state.decisions[skip..]
            .iter()
            .map(|d| match &d.kind {
                DecisionKind::Slot { slot, moved, .. } => DecisionDigest {
                    kind: 's',
                    hash: fnv1a32(slot.as_bytes()),
                    moved: (*moved).min(u32::from(u16::MAX)) as u16,
                    applied: d.applied,
                },
                DecisionKind::Variant { section, variant } => DecisionDigest {
                    kind: 'v',
                    hash: fnv1a32(
                        [section.as_str(), "\u{1f}", variant.as_str()]
                            .concat()
                            .as_bytes(),
                    ),
                    moved: 0,
                    applied: d.applied,
                },
            })
            .collect();
        Summary {
            v: SUMMARY_VERSION,
            sid: state.session_id.clone(),
            seq: ctx.seq,
            ctl: ctx.arm == Arm::Control,
            model: ctx.model_version.as_ref().map(|m| cut(m, 32)),
            rk: state
                .decisions
                .iter()
                .rev()
                .find_map(|d| d.ranker.as_ref())
                .map(|r| cut(r, 32)),
            rx: state
                .rank_examples
                .iter()
                .take(MAX_RANK_EXAMPLES)
                .cloned()
                .collect(),
            pv: [
                views.administrative,
                views.informational,
                views.product_related,
            ],
            secs: [
                secs(time_ms.administrative),
                secs(time_ms.informational),
                secs(time_ms.product_related),
            ],
            unit: ctx.unit,
            pages,
            pk,
            cats,
            intent,
            ipc: state.intent_before_cart.map(quantise_intent),
            dec,
            out: Outcome {
                cart: state.add_to_cart.min(u64::from(u16::MAX)) as u16,
                purchase: state.purchases > 0,
                value_band: value_band(state.purchase_value),
            },
            dev: ctx.device,
            br: ctx.browser,
            src: ctx.source,
            hr: ctx.hour.min(23),
            wd: ctx.weekday.min(6),
            mo: ctx.month.min(11),
            ts: hour_start(state.started_at),
            ret: ctx.returning,
            sd: if ctx.special_day.is_finite() {
                (ctx.special_day.clamp(0.0, 1.0) * 10.0).round() as u8
            } else {
                0
            },
        }
    }
}

/// Whole seconds of a duration in milliseconds (negative and non-finite give 0): the
/// summary's resolution (the live features keep the fraction).
fn secs(ms: f64) -> u32 {
    if ms.is_finite() {
        (ms / 1000.0).clamp(0.0, f64::from(u32::MAX)) as u32
    } else {
        0
    }
}

/// An intent score as a summary carries it: 0..=255 (non-finite gives 0).
fn quantise_intent(p: f32) -> u8 {
    if p.is_finite() {
        (p.clamp(0.0, 1.0) * 255.0).round() as u8
    } else {
        0
    }
}

/// The letter of a page kind in [`Summary::pk`].
fn kind_letter(kind: PageKind) -> char {
    match kind {
        PageKind::Administrative => 'a',
        PageKind::Informational => 'i',
        PageKind::ProductRelated => 'p',
        PageKind::Unmarked => 'u',
    }
}

/// The page kind of a letter of [`Summary::pk`] (`None` for anything else).
fn kind_of_letter(letter: u8) -> Option<PageKind> {
    match letter {
        b'a' => Some(PageKind::Administrative),
        b'i' => Some(PageKind::Informational),
        b'p' => Some(PageKind::ProductRelated),
        b'u' => Some(PageKind::Unmarked),
        _ => None,
    }
}

/// [`Summary::pk`] read back as (kind, views) per page; `None` when malformed (a letter
/// that is not a kind, a count outside 2..=9).
pub(super) fn parse_page_kinds(pk: &str) -> Option<Vec<(PageKind, u32)>> {
    let mut out: Vec<(PageKind, u32)> = Vec::new();
    for b in pk.bytes() {
        match b {
            b'2'..=b'9' => {
                let last = out.last_mut().filter(|l| l.1 == 1)?;
                last.1 = u32::from(b - b'0');
            }
            _ => out.push((kind_of_letter(b)?, 1)),
        }
    }
    Some(out)
}

/// Unix seconds of the hour an epoch-milliseconds instant falls in.
fn hour_start(epoch_ms: f64) -> u64 {
    let secs = (epoch_ms / 1000.0).max(0.0) as u64;
    secs - secs % 3600
}

fn value_band(v: f64) -> u8 {
    match v {
        v if v.is_nan() || v <= 0.0 => 0,
        v if v < 25.0 => 1,
        v if v < 50.0 => 2,
        v if v < 100.0 => 3,
        v if v < 200.0 => 4,
        _ => 5,
    }
}

fn cut(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or_default().to_string()
}
