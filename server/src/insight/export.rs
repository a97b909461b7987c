//! Training rows for `reshelf-train fit --data`: the columns of the training data, one row
//! per stored session, so a retailer can retrain on their own traffic. Each row is the
//! session's feature row as the SDK computes it live (`Summary::features`, the same code as
//! the live features), with page statistics from the other sessions of the export's window
//! (the row's own session left out, so its purchase never shows in its PageValues) and the
//! shipped model's priors for pages with too few sessions, as the SDK falls back to them.
//!
//! And the ranking examples the summaries carry, for `reshelf-train fit-ranker --data`: JSON
//! Lines, one example per line, `{"rk": ranker or null, "ctl": in the holdout, "rows":
//! [[22 bytes] clicked, [22 bytes] skipped nearest first, ...]}`.
//!
//! Both are streamed: [`stream`] reads the store a page at a time, so an export's memory is
//! one page of rows (plus the window's per-page sums for the CSV) however many sessions.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::OnceLock;

use reshelf_core::features::{PagePriors, PageStats, SessionFeatures};
use reshelf_core::model::ModelFile;
use reshelf_core::summary::{BrowserFamily, DeviceClass, Summary, TrafficSource};

use super::page_stats;
use crate::aggregate::{page, page_tallies, PageKey};
use crate::store::{Store, StoreError};

pub const HEADER: &str = "Administrative,Administrative_Duration,Informational,Informational_Duration,ProductRelated,ProductRelated_Duration,BounceRates,ExitRates,PageValues,SpecialDay,Month,OperatingSystems,Browser,Region,TrafficType,VisitorType,Weekend,Revenue";

/// Rows read from the store per page of an export.
pub const PAGE_ROWS: usize = 1_000;

/// Month names as the training data writes them.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "June", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The page-statistic priors of the shipped intent model (`models/intent.bin`), which the
/// SDK uses for pages the feed does not name. A store that serves its own model through
/// `modelUrl` has that model's priors in the browser instead.
pub fn shipped_priors() -> PagePriors {
    static PRIORS: OnceLock<PagePriors> = OnceLock::new();
    *PRIORS.get_or_init(|| {
        ModelFile::decode(include_bytes!("../../../models/intent.bin"))
            .map(|m| m.priors)
            .unwrap_or_default()
    })
}

/// The anonymised code columns of the training data (OS, browser, region, traffic type)
/// are not used by the model; they are filled with reshelf's own classes so the file has
/// the expected shape (region is not collected: 0).
fn codes(s: &Summary) -> (u8, u8, u8) {
    let device = match s.dev {
        DeviceClass::Desktop => 1,
        DeviceClass::Mobile => 2,
        DeviceClass::Tablet => 3,
        DeviceClass::Other => 4,
    };
    let browser = match s.br {
        BrowserFamily::Chrome => 1,
        BrowserFamily::Safari => 2,
        BrowserFamily::Firefox => 3,
        BrowserFamily::Edge => 4,
        BrowserFamily::Other => 5,
    };
    let source = match s.src {
        TrafficSource::Direct => 1,
        TrafficSource::Search => 2,
        TrafficSource::Social => 3,
        TrafficSource::Referral => 4,
        TrafficSource::Internal => 5,
    };
    (device, browser, source)
}

/// The session's feature row: page statistics of its pages from `page_sums` (per-page
/// tallies of the export's window, day ignored) minus its own contribution, over `priors`.
pub fn features(
    s: &Summary,
    page_sums: &BTreeMap<PageKey, [i64; page::WIDTH]>,
    priors: PagePriors,
) -> SessionFeatures {
    let mut stats = PageStats {
        priors,
        ..PageStats::default()
    };
    for (h, own) in page_tallies(s) {
        let key = PageKey {
            day: 0,
            page: i64::from(h),
        };
        let Some(all) = page_sums.get(&key) else {
            continue;
        };
        let mut others = *all;
        for (o, x) in others.iter_mut().zip(own) {
            *o -= x;
        }
        if let Some(stat) = page_stats::stat(&others) {
            stats.pages.insert(h, stat);
        }
    }
    s.features(&stats)
}

/// Appends the session's CSV row. Numbers are written in their shortest form that reads
/// back as the same `f32`, so the trainer parses exactly the features computed here.
pub fn push_csv_row(
    out: &mut String,
    s: &Summary,
    page_sums: &BTreeMap<PageKey, [i64; page::WIDTH]>,
    priors: PagePriors,
) {
    let f = features(s, page_sums, priors);
    let (os, browser, traffic) = codes(s);
    let bool_text = |b: bool| if b { "TRUE" } else { "FALSE" };
    let _ = writeln!(
        out,
        "{},{},{},{},{},{},{},{},{},{},{},{os},{browser},0,{traffic},{},{},{}",
        f.administrative,
        f.administrative_duration,
        f.informational,
        f.informational_duration,
        f.product_related,
        f.product_related_duration,
        f.bounce_rate,
        f.exit_rate,
        f.page_value,
        f.special_day,
        MONTHS[usize::from(f.month.0.min(11))],
        if s.ret {
            "Returning_Visitor"
        } else {
            "New_Visitor"
        },
        bool_text(f.weekend),
        bool_text(s.out.purchase),
    );
}

/// Appends the session's ranking examples as JSON Lines (see the module docs).
pub fn push_ranking_lines(out: &mut String, s: &Summary) {
    for example in &s.rx {
        let line = serde_json::json!({
            "rk": s.rk,
            "ctl": s.ctl,
            "rows": example.rows(),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
}

/// What an export writes.
#[derive(Clone)]
pub enum Format {
    /// The training CSV, with the window's per-page sums for the page statistics.
    Sessions(std::sync::Arc<BTreeMap<PageKey, [i64; page::WIDTH]>>),
    Ranking,
}

/// The export of a site's sessions that started at or after `since` (unix seconds), as a
/// stream of text chunks, one per page of [`PAGE_ROWS`] stored rows. A store error ends the
/// stream with the error (the HTTP body is then cut off, not completed short).
pub fn stream(
    store: Store,
    site: String,
    since: u64,
    format: Format,
) -> impl futures_util::Stream<Item = Result<String, StoreError>> {
    let header = match format {
        Format::Sessions(_) => Some(format!("{HEADER}\n")),
        Format::Ranking => None,
    };
    let priors = shipped_priors();
    // State: the last row written (None before the first page), and whether rows remain.
    let pages =
        futures_util::stream::try_unfold((None::<(i64, String)>, true), move |(after, more)| {
            let (store, site, format) = (store.clone(), site.clone(), format.clone());
            async move {
                if !more {
                    return Ok(None);
                }
                let rows = store.bodies_page(&site, since, after, PAGE_ROWS).await?;
                let last = rows.last().map(|(t, sid, _)| (*t, sid.clone()));
                let mut out = String::with_capacity(rows.len() * 96);
                for (_, _, body) in &rows {
                    // Bodies were validated and re-encoded on the way in; one that no longer
                    // decodes (a hand-edited row) is skipped rather than failing the export.
                    let Ok(s) = serde_json::from_str::<Summary>(body) else {
                        continue;
                    };
                    match &format {
                        Format::Sessions(sums) => push_csv_row(&mut out, &s, sums, priors),
                        Format::Ranking => push_ranking_lines(&mut out, &s),
                    }
                }
                let more = rows.len() == PAGE_ROWS;
                Ok(Some((out, (last, more))))
            }
        });
    futures_util::StreamExt::chain(futures_util::stream::iter(header.map(Ok)), pages)
}
