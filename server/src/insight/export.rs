//! Training rows for `reshelf-train fit --data`: the columns of the training data, one row
//! per stored session, so a retailer can retrain on their own traffic. Page statistics are
//! averaged over the session's pages, as the live features do, leaving the row's own
//! session out of them.
//!
//! And the ranking examples the summaries carry, for `reshelf-train fit-ranker --data`: JSON
//! Lines, one example per line, `{"rk": ranker or null, "ctl": in the holdout, "rows":
//! [[22 bytes] clicked, [22 bytes] skipped nearest first, ...]}`.

use std::collections::BTreeMap;
use std::fmt::Write;

use reshelf_core::summary::{BrowserFamily, DeviceClass, Summary, TrafficSource};

use super::page_stats;
use crate::aggregate::{page, page_tallies, PageKey};

pub const HEADER: &str = "Administrative,Administrative_Duration,Informational,Informational_Duration,ProductRelated,ProductRelated_Duration,BounceRates,ExitRates,PageValues,SpecialDay,Month,OperatingSystems,Browser,Region,TrafficType,VisitorType,Weekend,Revenue";

/// Month names as the training data writes them.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "June", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

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

/// The sessions as training rows. Page statistics come from `page_sums` (per-page tallies
/// of the export's window, day ignored) with the row's own session taken out, so a row's
/// own purchase never shows up in its PageValues.
pub fn csv(summaries: &[Summary], page_sums: &BTreeMap<PageKey, [i64; page::WIDTH]>) -> String {
    let mut out = String::with_capacity(64 + summaries.len() * 96);
    out.push_str(HEADER);
    out.push('\n');
    for s in summaries {
        let (mut sum, mut n) = ([0.0f64; 3], 0.0);
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
            if let Some(p) = page_stats::stat(&others) {
                sum[0] += f64::from(p.bounce_rate);
                sum[1] += f64::from(p.exit_rate);
                sum[2] += f64::from(p.page_value);
                n += 1.0;
            }
        }
        let avg = |x: f64| if n > 0.0 { x / n } else { 0.0 };
        let (os, browser, traffic) = codes(s);
        let bool_text = |b: bool| if b { "TRUE" } else { "FALSE" };
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{:.6},{:.6},{:.4},{:.1},{},{os},{browser},0,{traffic},{},{},{}",
            s.pv[0],
            s.secs[0],
            s.pv[1],
            s.secs[1],
            s.pv[2],
            s.secs[2],
            avg(sum[0]),
            avg(sum[1]),
            avg(sum[2]),
            f32::from(s.sd) / 10.0,
            MONTHS[usize::from(s.mo.min(11))],
            if s.ret {
                "Returning_Visitor"
            } else {
                "New_Visitor"
            },
            bool_text(matches!(s.wd, 0 | 6)),
            bool_text(s.out.purchase),
        );
    }
    out
}

/// The ranking examples of `summaries` as JSON Lines (see the module docs).
pub fn ranking_jsonl(summaries: &[Summary]) -> String {
    let mut out = String::new();
    for s in summaries {
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
    out
}
