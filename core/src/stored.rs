//! The session as the SDK keeps it between page loads: a compact binary encoding of
//! [`SessionState`], written and read field by field.
//!
//! Why not serde: the capture module runs this on every page load, and serde's derived
//! visitors with a JS-value deserializer were the largest part of that module's code. This
//! encoding is read only by the build that wrote it: the first byte is [`FORMAT`] and the
//! state's own `version` follows, so a store written by another release decodes to `None` (a
//! fresh session starts, as for any stored state of another version).
//!
//! In localStorage the bytes are text of one char per byte ([`to_text`]).
//!
//! Layout: unsigned integers are LEB128 varints, floats their IEEE 754 bits little-endian,
//! strings and sequences a varint length then their items, options a 0/1 byte then the value.
//! Decoding never panics and never allocates more than the input could describe: a corrupted
//! or truncated store is `None`.

use crate::engagement::{Decayed, PRICE_BANDS};
use crate::experiment::{Arm, Decision, DecisionKind};
use crate::features::RankExample;
use crate::page::PageType;
use crate::rage::RageWindow;
use crate::session::{
    CategoryStats, ItemStats, LastClick, OpenPage, PageRecord, PerKind, SessionState,
};
use crate::sorted_map::SortedMap;
use crate::visit::TrafficSource;

/// The encoding's own version, the first byte of every stored state.
pub const FORMAT: u8 = 1;

/// Page types by their stored byte (its index here), written and read through this one table.
const PAGE_TYPES: [PageType; 8] = [
    PageType::Home,
    PageType::Category,
    PageType::Product,
    PageType::Info,
    PageType::Account,
    PageType::Cart,
    PageType::Checkout,
    PageType::Unmarked,
];

/// Traffic sources by their stored byte, as [`PAGE_TYPES`].
const SOURCES: [TrafficSource; 5] = [
    TrafficSource::Direct,
    TrafficSource::Search,
    TrafficSource::Social,
    TrafficSource::Referral,
    TrafficSource::Internal,
];

/// The stored byte of `value`: its index in `table`.
fn index_in<T: PartialEq>(table: &[T], value: &T) -> u8 {
    table.iter().position(|t| t == value).unwrap_or(0) as u8
}

/// The stored bytes of `state`.
pub fn encode(state: &SessionState) -> Vec<u8> {
    let mut w = Writer(Vec::with_capacity(512));
    w.u8(FORMAT);
    w.session(state);
    w.0
}

/// The state `bytes` hold, or `None` when they are not a whole state of this [`FORMAT`].
pub fn decode(bytes: &[u8]) -> Option<SessionState> {
    let mut r = Reader(bytes);
    if r.u8()? != FORMAT {
        return None;
    }
    let state = r.session()?;
    r.0.is_empty().then_some(state)
}

/// First char of the range bytes are written as: U+0100..=U+01FF are ordinary letters, so the
/// text holds no NUL or control characters that a storage implementation might mishandle.
const TEXT_BASE: u32 = 0x100;

/// `bytes` as text that localStorage keeps: one char per byte, U+0100 + the byte.
pub fn to_text(bytes: &[u8]) -> String {
    bytes
        .iter()
        .filter_map(|&b| char::from_u32(TEXT_BASE + u32::from(b)))
        .collect()
}

/// The bytes of text made by [`to_text`]; `None` when a char is outside U+0100..=U+01FF.
pub fn from_text(text: &str) -> Option<Vec<u8>> {
    text.chars()
        .map(|c| {
            u32::from(c)
                .checked_sub(TEXT_BASE)
                .and_then(|b| u8::try_from(b).ok())
        })
        .collect()
}

struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, b: u8) {
        self.0.push(b);
    }

    fn uint(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.0.push((n as u8) | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    fn len(&mut self, n: usize) {
        self.uint(n as u64);
    }

    fn f64(&mut self, x: f64) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }

    fn f32(&mut self, x: f32) {
        self.0.extend_from_slice(&x.to_le_bytes());
    }

    fn bool(&mut self, b: bool) {
        self.u8(u8::from(b));
    }

    fn str(&mut self, s: &str) {
        self.len(s.len());
        self.0.extend_from_slice(s.as_bytes());
    }

    fn opt<T>(&mut self, v: Option<&T>, f: impl FnOnce(&mut Self, &T)) {
        self.bool(v.is_some());
        if let Some(v) = v {
            f(self, v);
        }
    }

    fn opt_str(&mut self, s: &Option<String>) {
        self.opt(s.as_ref(), |w, s| w.str(s));
    }

    fn opt_f64(&mut self, x: Option<f64>) {
        self.opt(x.as_ref(), |w, x| w.f64(*x));
    }

    fn seq<T>(&mut self, items: &[T], mut f: impl FnMut(&mut Self, &T)) {
        self.len(items.len());
        for item in items {
            f(self, item);
        }
    }

    fn map<T>(&mut self, map: &SortedMap<T>, mut f: impl FnMut(&mut Self, &T)) {
        self.len(map.len());
        for (k, v) in map {
            self.str(k);
            f(self, v);
        }
    }

    fn decayed(&mut self, d: &Decayed) {
        self.f64(d.value);
        self.f64(d.t);
    }

    fn page(&mut self, p: PageType) {
        self.u8(index_in(&PAGE_TYPES, &p));
    }

    fn session(&mut self, s: &SessionState) {
        self.uint(u64::from(s.version));
        self.str(&s.session_id);
        for x in [s.started_at, s.last_activity, s.last_t] {
            self.f64(x);
        }
        for n in [
            s.events,
            s.clicks,
            s.item_clicks,
            s.rage_clicks,
            s.add_to_cart,
            s.purchases,
        ] {
            self.uint(n);
        }
        self.f64(s.purchase_value);
        let v = &s.page_views;
        for n in [
            v.administrative,
            v.informational,
            v.product_related,
            v.unmarked,
        ] {
            self.uint(u64::from(n));
        }
        let t = &s.time_ms;
        for x in [
            t.administrative,
            t.informational,
            t.product_related,
            t.unmarked,
        ] {
            self.f64(x);
        }
        self.opt(s.current_page.as_ref(), |w, p| {
            w.page(p.page);
            w.uint(u64::from(p.path_hash));
            w.f64(p.opened_at);
            w.f64(p.accrued_ms);
            w.opt_f64(p.visible_since);
            w.f64(p.max_scroll_depth);
        });
        self.seq(&s.pages, |w, p| {
            w.page(p.page);
            w.uint(u64::from(p.path_hash));
            w.f64(p.duration_ms);
            w.f64(p.max_scroll_depth);
        });
        self.map(&s.items, |w, i| {
            w.opt_str(&i.category);
            w.opt_str(&i.brand);
            w.opt_f64(i.price);
            w.uint(u64::from(i.clicks));
            w.uint(u64::from(i.add_to_cart));
            w.f64(i.dwell_ms);
            w.bool(i.seen);
            w.opt_f64(i.visible_since);
            w.uint(u64::from(i.visible_count));
            w.uint(u64::from(i.seen_count));
            w.bool(i.purchased);
        });
        self.map(&s.categories, |w, c| {
            w.uint(u64::from(c.clicks));
            w.uint(u64::from(c.add_to_cart));
            w.f64(c.dwell_ms);
            w.uint(u64::from(c.items_seen));
            w.decayed(&c.affinity);
            w.opt_f64(c.last_click_t);
        });
        self.map(&s.custom, |w, n| w.uint(*n));
        self.uint(s.dropped);
        for band in &s.price_bands {
            self.decayed(band);
        }
        self.seq(&s.decisions, |w, d| {
            w.f64(d.t);
            w.bool(d.arm == Arm::Control);
            w.opt_str(&d.model_version);
            w.opt_str(&d.ranker);
            w.bool(d.applied);
            match &d.kind {
                DecisionKind::Slot { slot, items, moved } => {
                    w.u8(0);
                    w.str(slot);
                    w.uint(u64::from(*items));
                    w.uint(u64::from(*moved));
                }
                DecisionKind::Variant { section, variant } => {
                    w.u8(1);
                    w.str(section);
                    w.str(variant);
                }
            }
        });
        self.seq(&s.intent_checkpoints, |w, x| w.f32(*x));
        self.opt(s.intent_before_cart.as_ref(), |w, x| w.f32(*x));
        self.opt(s.last_click.as_ref(), |w, c| {
            w.str(&c.id);
            w.opt_str(&c.category);
            w.opt_str(&c.brand);
            w.opt_f64(c.price);
            w.f64(c.t);
        });
        self.map(&s.brand_clicks, |w, n| w.uint(u64::from(*n)));
        self.seq(&s.click_prices, |w, x| w.f64(*x));
        self.seq(&s.rank_examples, |w, e| w.str(&String::from(e.clone())));
        self.opt(s.source.as_ref(), |w, src| w.u8(index_in(&SOURCES, src)));
        self.seq(&s.rage.recent, |w, &(t, x, y)| {
            w.f64(t);
            w.f64(x);
            w.f64(y);
        });
    }
}

struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        let (head, rest) = self.0.split_at_checked(n)?;
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }

    fn uint(&mut self) -> Option<u64> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.u8()?;
            n |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.uint()?).ok()
    }

    /// A length no larger than the bytes left: every item takes at least one byte, so a
    /// corrupted length cannot ask for a huge allocation.
    fn len(&mut self) -> Option<usize> {
        usize::try_from(self.uint()?)
            .ok()
            .filter(|&n| n <= self.0.len())
    }

    fn f64(&mut self) -> Option<f64> {
        Some(f64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn f32(&mut self) -> Option<f32> {
        Some(f32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn bool(&mut self) -> Option<bool> {
        match self.u8()? {
            0 => Some(false),
            1 => Some(true),
            _ => None,
        }
    }

    fn str(&mut self) -> Option<String> {
        let n = self.len()?;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }

    fn opt<T>(&mut self, f: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.bool()? {
            f(self).map(Some)
        } else {
            Some(None)
        }
    }

    fn opt_str(&mut self) -> Option<Option<String>> {
        self.opt(Self::str)
    }

    fn opt_f64(&mut self) -> Option<Option<f64>> {
        self.opt(Self::f64)
    }

    // Loops rather than `collect::<Option<_>>()`: each collect through `Option` instantiates
    // its own adapter and `from_iter` per element type, several KB of the capture module.
    fn seq<T>(&mut self, mut f: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let n = self.len()?;
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(f(self)?);
        }
        Some(out)
    }

    /// A later entry replaces an earlier one with the same key.
    fn map<T>(&mut self, mut f: impl FnMut(&mut Self) -> Option<T>) -> Option<SortedMap<T>> {
        let n = self.len()?;
        let mut out = SortedMap::new();
        for _ in 0..n {
            let key = self.str()?;
            out.insert(key, f(self)?);
        }
        Some(out)
    }

    fn decayed(&mut self) -> Option<Decayed> {
        Some(Decayed {
            value: self.f64()?,
            t: self.f64()?,
        })
    }

    fn page(&mut self) -> Option<PageType> {
        PAGE_TYPES.get(usize::from(self.u8()?)).copied()
    }

    fn session(&mut self) -> Option<SessionState> {
        let version = self.u32()?;
        let session_id = self.str()?;
        let mut s = SessionState::new(session_id, 0.0);
        s.version = version;
        s.started_at = self.f64()?;
        s.last_activity = self.f64()?;
        s.last_t = self.f64()?;
        s.events = self.uint()?;
        s.clicks = self.uint()?;
        s.item_clicks = self.uint()?;
        s.rage_clicks = self.uint()?;
        s.add_to_cart = self.uint()?;
        s.purchases = self.uint()?;
        s.purchase_value = self.f64()?;
        s.page_views = PerKind {
            administrative: self.u32()?,
            informational: self.u32()?,
            product_related: self.u32()?,
            unmarked: self.u32()?,
        };
        s.time_ms = PerKind {
            administrative: self.f64()?,
            informational: self.f64()?,
            product_related: self.f64()?,
            unmarked: self.f64()?,
        };
        s.current_page = self.opt(|r| {
            Some(OpenPage {
                page: r.page()?,
                path_hash: r.u32()?,
                opened_at: r.f64()?,
                accrued_ms: r.f64()?,
                visible_since: r.opt_f64()?,
                max_scroll_depth: r.f64()?,
            })
        })?;
        s.pages = self.seq(|r| {
            Some(PageRecord {
                page: r.page()?,
                path_hash: r.u32()?,
                duration_ms: r.f64()?,
                max_scroll_depth: r.f64()?,
            })
        })?;
        s.items = self.map(|r| {
            Some(ItemStats {
                category: r.opt_str()?,
                brand: r.opt_str()?,
                price: r.opt_f64()?,
                clicks: r.u32()?,
                add_to_cart: r.u32()?,
                dwell_ms: r.f64()?,
                seen: r.bool()?,
                visible_since: r.opt_f64()?,
                visible_count: r.u32()?,
                seen_count: r.u32()?,
                purchased: r.bool()?,
            })
        })?;
        s.categories = self.map(|r| {
            Some(CategoryStats {
                clicks: r.u32()?,
                add_to_cart: r.u32()?,
                dwell_ms: r.f64()?,
                items_seen: r.u32()?,
                affinity: r.decayed()?,
                last_click_t: r.opt_f64()?,
            })
        })?;
        s.custom = self.map(Self::uint)?;
        s.dropped = self.uint()?;
        let mut bands = [Decayed::default(); PRICE_BANDS];
        for band in &mut bands {
            *band = self.decayed()?;
        }
        s.price_bands = bands;
        s.decisions = self.seq(|r| {
            Some(Decision {
                t: r.f64()?,
                arm: if r.bool()? {
                    Arm::Control
                } else {
                    Arm::Treatment
                },
                model_version: r.opt_str()?,
                ranker: r.opt_str()?,
                applied: r.bool()?,
                kind: match r.u8()? {
                    0 => DecisionKind::Slot {
                        slot: r.str()?,
                        items: r.u32()?,
                        moved: r.u32()?,
                    },
                    1 => DecisionKind::Variant {
                        section: r.str()?,
                        variant: r.str()?,
                    },
                    _ => return None,
                },
            })
        })?;
        s.intent_checkpoints = self.seq(Self::f32)?;
        s.intent_before_cart = self.opt(Self::f32)?;
        s.last_click = self.opt(|r| {
            Some(LastClick {
                id: r.str()?,
                category: r.opt_str()?,
                brand: r.opt_str()?,
                price: r.opt_f64()?,
                t: r.f64()?,
            })
        })?;
        s.brand_clicks = self.map(Self::u32)?;
        s.click_prices = self.seq(Self::f64)?;
        s.rank_examples = self.seq(|r| RankExample::try_from(r.str()?).ok())?;
        s.source = self.opt(|r| SOURCES.get(usize::from(r.u8()?)).copied())?;
        s.rage = RageWindow {
            recent: self.seq(|r| Some((r.f64()?, r.f64()?, r.f64()?)))?,
        };
        Some(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Event, EventKind, ItemRef};
    use crate::tracker::Tracker;

    fn item(id: &str, category: &str, price: Option<f64>) -> Option<ItemRef> {
        Some(ItemRef {
            id: id.into(),
            category: Some(category.into()),
            brand: Some("acme".into()),
            price,
        })
    }

    /// A session that has touched every field: pages, items, categories, custom events,
    /// decisions of both kinds, checkpoints, a purchase and a rage burst.
    fn busy_session() -> SessionState {
        let (mut tracker, _) = Tracker::resume(None, 7, 1_000.0);
        let mut t = 1_000.0;
        let mut at = |kind: EventKind| {
            t += 1_250.5;
            tracker.apply(&Event { t, kind });
        };
        at(EventKind::PageView {
            page: PageType::Category,
            path_hash: 0xdead_beef,
        });
        at(EventKind::ItemVisible {
            item: item("sku-1", "shoes", Some(59.9)).unwrap(),
        });
        for _ in 0..3 {
            at(EventKind::Click {
                x: 10.0,
                y: 10.0,
                item: item("sku-1", "shoes", Some(59.9)),
                action: None,
            });
        }
        at(EventKind::Scroll { depth: 0.75 });
        at(EventKind::AddToCart {
            item: item("sku-2", "hats", None),
        });
        at(EventKind::Custom {
            name: "newsletter".into(),
        });
        at(EventKind::RouteChange {
            page: PageType::Checkout,
            path_hash: 7,
        });
        at(EventKind::Purchase { value: Some(99.5) });
        let mut state = tracker.state().clone();
        state.record_decision(Decision {
            t: 5.0,
            arm: Arm::Control,
            model_version: Some("intent-2".into()),
            ranker: Some("ranker-1.0.0".into()),
            applied: false,
            kind: DecisionKind::Slot {
                slot: "recs".into(),
                items: 12,
                moved: 4,
            },
        });
        state.record_decision(Decision {
            t: 6.0,
            arm: Arm::Treatment,
            model_version: None,
            ranker: None,
            applied: true,
            kind: DecisionKind::Variant {
                section: "hero".into(),
                variant: "free-shipping".into(),
            },
        });
        state.intent_checkpoints = vec![0.125, 0.5];
        state.intent_before_cart = Some(0.25);
        state.source = Some(TrafficSource::Social);
        state
    }

    #[test]
    fn a_session_round_trips_through_its_text() {
        let state = busy_session();
        assert!(!state.items.is_empty() && !state.categories.is_empty());
        assert!(!state.pages.is_empty() && state.current_page.is_some());
        assert!(state.rage_clicks > 0 || !state.rage.recent.is_empty());
        let text = to_text(&encode(&state));
        assert_eq!(decode(&from_text(&text).unwrap()), Some(state));
    }

    #[test]
    fn every_page_type_and_source_round_trips() {
        let mut state = busy_session();
        for (page, source) in PAGE_TYPES.iter().zip(SOURCES.iter().cycle()) {
            state.pages[0].page = *page;
            state.source = Some(*source);
            assert_eq!(decode(&encode(&state)).as_ref(), Some(&state), "{page:?}");
        }
    }

    #[test]
    fn a_new_session_round_trips() {
        let state = SessionState::new("s-1".into(), 12.5);
        assert_eq!(decode(&encode(&state)), Some(state));
    }

    #[test]
    fn every_truncation_and_every_trailing_byte_is_refused() {
        let bytes = encode(&busy_session());
        for n in 0..bytes.len() {
            assert_eq!(decode(&bytes[..n]), None, "truncated to {n} bytes");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), None);
    }

    #[test]
    fn another_format_is_refused() {
        let mut bytes = encode(&busy_session());
        bytes[0] = FORMAT + 1;
        assert_eq!(decode(&bytes), None);
        // What an earlier release stored: the state as JSON text.
        assert_eq!(from_text("{\"version\":3}").and_then(|b| decode(&b)), None);
    }

    #[test]
    fn text_outside_its_range_is_refused() {
        assert_eq!(from_text("\u{100}\u{1ff}"), Some(vec![0, 0xff]));
        assert_eq!(from_text("\u{100}a"), None);
        assert_eq!(from_text("\u{200}"), None);
        let text = to_text(&[0, 0x7f, 0x80, 0xff]);
        assert!(text.chars().all(|c| !c.is_control()));
    }

    proptest::proptest! {
        /// Corrupted stores decode to a state or to `None`, never a panic or a huge
        /// allocation.
        #[test]
        fn corrupted_bytes_never_panic(flips in proptest::collection::vec((0usize..4096, proptest::prelude::any::<u8>()), 1..8)) {
            let mut bytes = encode(&busy_session());
            for (at, b) in flips {
                let n = bytes.len();
                bytes[at % n] = b;
            }
            let _ = decode(&bytes);
        }
    }
}
