//! Session summaries: bounded, PII-free, and within 768 bytes as JSON however long the session
//! (544 without ranking examples).

use reshelf_core::events::{Event, EventKind, ItemRef};
use reshelf_core::features::{rank_features, RankContext, RankExample, RANK_FEATURES};
use reshelf_core::policy::{Arm, Decision, DecisionKind, SlotItem};
use reshelf_core::summary::{
    BrowserFamily, DeviceClass, Summary, SummaryContext, TrafficSource, MAX_PAGES,
};
use reshelf_core::{PageType, Tracker};

fn context(checkpoints: usize) -> SummaryContext {
    SummaryContext {
        seq: 7,
        arm: Arm::Treatment,
        model_version: Some("intent-1.0.0".into()),
        intent_checkpoints: (0..checkpoints)
            .map(|i| i as f32 / checkpoints.max(1) as f32)
            .collect(),
        device: DeviceClass::Mobile,
        browser: BrowserFamily::Safari,
        source: TrafficSource::Search,
        hour: 21,
        weekday: 6,
        month: 10,
        returning: true,
        special_day: 0.4,
        unit: Some(0x1234_5678),
    }
}

/// A long, busy session: 200 pages, 300 items, long category names, many decisions.
fn busy_session() -> Tracker {
    let mut tr = Tracker::new(3, 0.0);
    let long = "a-very-long-category-name-that-goes-on-and-on";
    for i in 0..200u32 {
        let t = f64::from(i) * 5_000.0;
        let page = [
            PageType::Home,
            PageType::Category,
            PageType::Product,
            PageType::Info,
            PageType::Cart,
        ][i as usize % 5];
        tr.apply(&Event::new(
            t,
            EventKind::PageView {
                page,
                path_hash: i.wrapping_mul(2_654_435_761),
            },
        ));
        let item = ItemRef::new(format!("sku-{i}"))
            .with_category(format!("{long}-{}", i % 9))
            .with_price(f64::from(i));
        tr.apply(&Event::new(
            t + 100.0,
            EventKind::Click {
                x: 1.0,
                y: 1.0,
                item: Some(item.clone()),
                action: None,
            },
        ));
        tr.apply(&Event::new(
            t + 200.0,
            EventKind::AddToCart { item: Some(item) },
        ));
        if i % 10 == 0 {
            let slot: Vec<SlotItem> = (0..24)
                .map(|k| SlotItem {
                    id: format!("sku-{}", (i + k) % 300),
                    category: Some(format!("{long}-{}", k % 9)),
                    price: Some(f64::from(k) * 3.0),
                    brand: Some("brand".into()),
                })
                .collect();
            let ctx = RankContext {
                now: t + 150.0,
                intent: Some(0.3),
                popularity: None,
            };
            let features = rank_features(tr.state(), &slot, &ctx);
            if let Some(example) = RankExample::from_features(&features, 10) {
                tr.record_rank_example(example);
            }
        }
        tr.record_decision(Decision {
            t,
            arm: Arm::Treatment,
            model_version: Some("intent-1.0.0".into()),
            ranker: Some("ranker-2026.11.30".into()),
            applied: i % 2 == 0,
            kind: if i % 3 == 0 {
                DecisionKind::Variant {
                    section: "hero".into(),
                    variant: "free-shipping".into(),
                }
            } else {
                DecisionKind::Slot {
                    slot: format!("slot-{i}"),
                    items: 50,
                    moved: 12,
                }
            },
        });
    }
    tr.apply(&Event::new(
        1_000_100.0,
        EventKind::Purchase {
            value: Some(1234.5),
        },
    ));
    tr
}

#[test]
fn a_busy_session_summarises_within_768_bytes() {
    let tr = busy_session();
    let mut s = Summary::from_session(tr.state(), &context(40), 1_001_000.0);
    // The session above starts at the epoch; a real start time has ten digits.
    s.ts = 1_795_000_000;
    let json = s.to_json();
    eprintln!("busy summary: {} bytes as JSON", json.len());
    assert!(json.len() <= 768, "{} bytes: {json}", json.len());
    assert_eq!(s.rx.len(), reshelf_core::summary::MAX_RANK_EXAMPLES);
    assert!(s.rx.iter().all(|e| e.rows().len() == 3));
    assert_eq!(s.rk.as_deref(), Some("ranker-2026.11.30"));
    let mut bare = s.clone();
    bare.rx.clear();
    bare.rk = None;
    let bare = bare.to_json();
    assert!(
        bare.len() <= 544,
        "{} bytes without ranking: {bare}",
        bare.len()
    );
    assert_eq!(s.pages.len(), MAX_PAGES * 8);
    assert_eq!(s.cats.len(), 3);
    assert!(s.cats.iter().all(|(c, _)| c.len() <= 14));
    assert_eq!(s.intent.len(), 16);
    assert!(
        s.intent.ends_with("f9"),
        "latest checkpoint 39/40 quantised to 249: {}",
        s.intent
    );
    assert_eq!(s.dec.len(), reshelf_core::summary::MAX_DECISIONS);
    assert!(s.out.purchase && s.out.value_band == 5 && s.out.cart == 200);
    let back: Summary = serde_json::from_str(&json).unwrap();
    assert_eq!(back, s, "the server decodes exactly what the SDK encoded");
}

#[test]
fn the_sdks_json_text_is_serde_jsons_exactly() {
    let busy = Summary::from_session(busy_session().state(), &context(40), 1_001_000.0);
    let fresh = Summary::from_session(Tracker::new(1, 0.0).state(), &context(0), 0.0);
    let mut odd = busy.clone();
    odd.sid = "q\"b\\s\n\r\t\u{8}\u{c}\u{1}\u{1f}\u{7f}é\u{2028}/😀".into();
    odd.model = None;
    odd.rk = None;
    odd.unit = None;
    odd.ipc = Some(200);
    odd.pk.clear();
    odd.cats = vec![("a\"b".into(), 100), (String::new(), 0)];
    odd.seq = reshelf_core::summary::MAX_SEQ;
    for s in [busy, fresh, odd] {
        assert_eq!(s.to_json(), serde_json::to_string(&s).unwrap());
        let back: Summary = serde_json::from_str(&s.to_json()).unwrap();
        assert_eq!(back, s);
    }
}

#[test]
fn summaries_carry_no_urls_ids_of_items_or_free_text() {
    let tr = busy_session();
    let json = serde_json::to_string(&Summary::from_session(tr.state(), &context(2), 1_001_000.0))
        .unwrap();
    assert!(!json.contains("sku-"), "no item ids");
    assert!(!json.contains('/'), "no paths or URLs");
    assert!(!json.contains("slot-"), "decision targets are hashed");
}

#[test]
fn a_fresh_session_summarises_too() {
    let tr = Tracker::new(1, 0.0);
    let s = Summary::from_session(tr.state(), &context(0), 0.0);
    assert!(s.pages.is_empty() && s.cats.is_empty() && s.intent.is_empty() && s.dec.is_empty());
    assert!(!s.ctl);
    assert_eq!(s.out.value_band, 0);
    assert!(serde_json::to_string(&s).unwrap().len() < 300);
}

#[test]
fn decision_digests_round_trip_and_bad_ones_are_refused() {
    use reshelf_core::summary::DecisionDigest;
    let d = DecisionDigest {
        kind: 's',
        hash: 0x3f00_a1b2,
        moved: 300,
        applied: true,
    };
    let text: String = d.into();
    assert_eq!(text, "s3f00a1b2112c");
    assert_eq!(DecisionDigest::try_from(text).unwrap(), d);
    for bad in ["", "x3f00a1b21c", "s3f00a1b2", "s3f00a1b22c", "szzzzzzzz1c"] {
        assert!(DecisionDigest::try_from(bad.to_string()).is_err(), "{bad}");
    }
}

#[test]
fn what_the_sdk_produces_passes_the_servers_checks() {
    let tr = busy_session();
    let mut s = Summary::from_session(tr.state(), &context(40), 1_001_000.0);
    s.ts = 1_795_000_000;
    assert_eq!(s.validate(1_795_003_600), Ok(()));
    assert_eq!(s.intent_checkpoints().len(), 8);
    assert_eq!(s.page_hashes().len(), MAX_PAGES);
    // A session that starts two days ahead of the server's clock is refused.
    assert_eq!(
        s.validate(1_795_000_000 - 2 * 86_400).unwrap_err().field,
        "ts"
    );
    let mut bad = s.clone();
    bad.pages.push_str("zz");
    assert_eq!(bad.validate(1_795_003_600).unwrap_err().field, "pages");
    let mut bad = s.clone();
    bad.sid = "has space".into();
    assert_eq!(bad.validate(1_795_003_600).unwrap_err().field, "sid");
}

#[test]
fn sequence_grows_with_time_and_more_events_win() {
    let mut tr = Tracker::new(5, 1_000.0);
    tr.apply(&Event::new(
        1_000.0,
        EventKind::PageView {
            page: PageType::Home,
            path_hash: 1,
        },
    ));
    let a = Summary::sequence(tr.state(), 2_000.0);
    let b = Summary::sequence(tr.state(), 2_100.0);
    assert!(b > a, "later summaries of one document rank higher");
    assert!(
        Summary::sequence(tr.state(), 2_010.0) > a,
        "also within one tenth of a second (a score recorded with no event changes the summary)"
    );
    let mut other = Tracker::new(5, 1_000.0);
    other.apply(&Event::new(
        1_000.0,
        EventKind::PageView {
            page: PageType::Home,
            path_hash: 1,
        },
    ));
    other.apply(&Event::new(
        1_500.0,
        EventKind::PageView {
            page: PageType::Product,
            path_hash: 2,
        },
    ));
    // A tab that saw one more event outranks one that is merely later.
    assert!(Summary::sequence(other.state(), 1_600.0) > Summary::sequence(tr.state(), 900_000.0));
    assert!(Summary::sequence(other.state(), 1e15) <= reshelf_core::summary::MAX_SEQ);
}

#[test]
fn ranking_examples_round_trip_through_the_summary_and_carry_no_ids() {
    let tr = busy_session();
    let s = Summary::from_session(tr.state(), &context(4), 1_001_000.0);
    let json = serde_json::to_string(&s).unwrap();
    let back: Summary = serde_json::from_str(&json).unwrap();
    assert_eq!(back.rx, s.rx);
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    for e in value["rx"].as_array().unwrap() {
        let text = e.as_str().unwrap();
        assert!(!text.contains("sku") && !text.contains("brand") && !text.contains("long"));
        // Nothing but the feature bytes: 3 rows of RANK_FEATURES, base64url.
        assert_eq!(text.len(), (3 * RANK_FEATURES * 4).div_ceil(3));
    }
    let mut bad = value.clone();
    bad["rx"] = serde_json::json!(["not base64!"]);
    assert!(serde_json::from_value::<Summary>(bad).is_err());
}

/// A session over pages of every kind, one of them twice and one unmarked, with intent
/// scored before and after its first add to cart.
fn shopping_session() -> Tracker {
    let mut tr = Tracker::new(11, 0.0);
    let views = [
        (PageType::Home, 1u32),
        (PageType::Info, 2),
        (PageType::Unmarked, 3),
        (PageType::Product, 4),
        (PageType::Home, 1),
        (PageType::Cart, 5),
    ];
    for (i, (page, path_hash)) in views.into_iter().enumerate() {
        let t = i as f64 * 12_345.0;
        tr.apply(&Event::new(t, EventKind::PageView { page, path_hash }));
        tr.record_intent(0.1 * (i + 1) as f32);
        if page == PageType::Product {
            tr.apply(&Event::new(t + 500.0, EventKind::AddToCart { item: None }));
        }
    }
    tr
}

#[test]
fn a_summary_gives_the_live_features_of_its_session() {
    use reshelf_core::features::{
        from_session, Calendar, Date, LiveContext, PageStat, PageStats, VisitorType,
    };
    let tr = shopping_session();
    let now = 80_000.0;
    let mut stats = PageStats::default();
    let stat = |b: f32, e: f32, v: f32| PageStat {
        bounce_rate: b,
        exit_rate: e,
        page_value: v,
    };
    stats.priors.product_related = stat(0.02, 0.05, 9.0);
    stats.priors.informational = stat(0.2, 0.3, 0.5);
    stats.priors.administrative = stat(0.01, 0.1, 2.0);
    stats.pages.insert(1, stat(0.4, 0.2, 12.5));
    stats.pages.insert(3, stat(0.3, 0.6, 1.0));
    // Saturday 29 November 2025, near the calendar's Black Friday.
    let today = Date::parse("2025-11-29").unwrap();
    let live_ctx = LiveContext::on_day(today, &Calendar::default(), VisitorType::Returning);
    let live = from_session(tr.state(), &stats, &live_ctx, now);

    let mut ctx = context(0);
    ctx.weekday = today.weekday();
    ctx.month = today.month - 1;
    ctx.returning = true;
    ctx.special_day = Calendar::default().closeness(today);
    let summary = Summary::from_session(tr.state(), &ctx, now);
    let summary: Summary = serde_json::from_str(&serde_json::to_string(&summary).unwrap()).unwrap();
    // Home (product-related) was viewed twice.
    assert_eq!(summary.pk, "iupp2a");
    // The summary carries whole seconds; everything else is the live row exactly.
    let mut whole = live.clone();
    for d in [
        &mut whole.administrative_duration,
        &mut whole.informational_duration,
        &mut whole.product_related_duration,
    ] {
        *d = d.trunc();
    }
    assert!(
        live.product_related_duration.fract() > 0.0,
        "the session has fractions to cut"
    );
    assert_eq!(summary.features(&stats), whole);
}

#[test]
fn the_checkpoint_before_the_first_add_to_cart_is_kept() {
    let tr = shopping_session();
    let s = Summary::from_session(tr.state(), &context(0), 80_000.0);
    // Scores 0.1..0.4 came before the add to cart on the product page; 0.4 was in force.
    assert_eq!(s.ipc, Some((0.4f32 * 255.0).round() as u8));
    let mut quiet = Tracker::new(12, 0.0);
    quiet.apply(&Event::new(
        0.0,
        EventKind::PageView {
            page: PageType::Product,
            path_hash: 9,
        },
    ));
    quiet.record_intent(0.7);
    assert_eq!(
        Summary::from_session(quiet.state(), &context(0), 1.0).ipc,
        None
    );
}

#[test]
fn page_kinds_must_name_every_page_with_counts_from_2_to_9() {
    let tr = shopping_session();
    let s = Summary::from_session(tr.state(), &context(0), 80_000.0);
    assert_eq!(s.validate(s.ts + 60), Ok(()));
    for bad in ["iuppx", "iupp1a", "2iuppa", "iupp22a", "iupa", "iuppaa"] {
        let mut b = s.clone();
        b.pk = bad.into();
        assert_eq!(b.validate(s.ts + 60).unwrap_err().field, "pk", "{bad}");
    }
    let mut older = s.clone();
    older.pk.clear();
    assert_eq!(older.validate(s.ts + 60), Ok(()), "SDKs before page kinds");
}
