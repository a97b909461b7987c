//! `GET /v1/insights`: what the stored summaries say — conversion per arm and the lift of
//! personalisation with honest intervals, intent calibration, the funnel, purchase drivers,
//! top categories and the daily trend.

use std::collections::BTreeMap;

use reshelf_core::features::Date;
use reshelf_core::summary::{DeviceClass, Summary, TrafficSource};
use serde_json::{json, Value};

use super::stats::{cohens_d, newcombe_diff, relative_lift, two_proportion_p, Moments};

/// An arm needs this many sessions before its lift is reported.
const MIN_ARM_SESSIONS: u64 = 30;
const TOP_CATEGORIES: usize = 10;
const TREND_DAYS: usize = 30;

#[derive(Default)]
struct Arm {
    sessions: u64,
    add_to_cart: u64,
    purchases: u64,
    value_bands: Moments,
}

impl Arm {
    fn add(&mut self, s: &Summary) {
        self.sessions += 1;
        self.add_to_cart += u64::from(s.out.cart > 0);
        self.purchases += u64::from(s.out.purchase);
        if s.out.purchase {
            self.value_bands.push(f64::from(s.out.value_band));
        }
    }

    fn conversion(&self) -> Option<f64> {
        (self.sessions > 0).then(|| self.purchases as f64 / self.sessions as f64)
    }

    fn to_json(&self) -> Value {
        json!({
            "sessions": self.sessions,
            "add_to_cart": self.add_to_cart,
            "purchases": self.purchases,
            "conversion": self.conversion(),
            "revenue_band_mean": (self.value_bands.n > 0).then(|| self.value_bands.mean()),
        })
    }
}

/// The session features compared between buyers and non-buyers. Outcome fields (cart,
/// value) are left out: they are the purchase, not what leads to it.
const DRIVERS: [(&str, &str); 11] = [
    ("product_pages", "Product pages viewed"),
    ("product_seconds", "Time on product pages (s)"),
    ("info_pages", "Informational pages viewed"),
    ("admin_pages", "Account, cart and checkout pages"),
    ("session_seconds", "Session length (s)"),
    ("categories", "Categories engaged"),
    ("returning", "Returning visitor"),
    ("search_traffic", "Arrived from search"),
    ("mobile", "On a phone"),
    ("special_day", "Near a special day"),
    ("applied_decisions", "Rearrangements applied"),
];

fn driver_values(s: &Summary) -> [f64; DRIVERS.len()] {
    [
        f64::from(s.pv[2]),
        f64::from(s.secs[2]),
        f64::from(s.pv[1]),
        f64::from(s.pv[0]),
        s.secs.iter().map(|&x| f64::from(x)).sum(),
        s.cats.len() as f64,
        f64::from(u8::from(s.ret)),
        f64::from(u8::from(s.src == TrafficSource::Search)),
        f64::from(u8::from(s.dev == DeviceClass::Mobile)),
        f64::from(s.sd) / 10.0,
        s.dec.iter().filter(|d| d.applied).count() as f64,
    ]
}

/// Everything the dashboard shows, from the sessions of one site.
pub fn insights(site: &str, summaries: &[Summary], window_days: u32, generated_at: &str) -> Value {
    let (mut treatment, mut control) = (Arm::default(), Arm::default());
    let mut buyers = [Moments::default(); DRIVERS.len()];
    let mut others = [Moments::default(); DRIVERS.len()];
    let mut calibration: Vec<(f64, bool)> = Vec::new();
    let (mut product_views, mut carts, mut purchases) = (0u64, 0u64, 0u64);
    let mut categories: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    // day → (sessions, treatment sessions, treatment purchases, control sessions, control purchases)
    let mut days: BTreeMap<u64, [u64; 5]> = BTreeMap::new();
    for s in summaries {
        if s.ctl {
            control.add(s);
        } else {
            treatment.add(s);
        }
        let group = if s.out.purchase {
            &mut buyers
        } else {
            &mut others
        };
        for (m, x) in group.iter_mut().zip(driver_values(s)) {
            m.push(x);
        }
        if let Some(&last) = s.intent_checkpoints().last() {
            calibration.push((f64::from(last), s.out.purchase));
        }
        product_views += u64::from(s.pv[2] > 0);
        carts += u64::from(s.out.cart > 0);
        purchases += u64::from(s.out.purchase);
        for (name, _) in &s.cats {
            let c = categories.entry(name.as_str()).or_default();
            c.0 += 1;
            c.1 += u64::from(s.out.purchase);
        }
        let d = days.entry(s.ts / 86_400).or_default();
        d[0] += 1;
        let (n, x) = if s.ctl { (3, 4) } else { (1, 2) };
        d[n] += 1;
        d[x] += u64::from(s.out.purchase);
    }
    json!({
        "site": site,
        "generated_at": generated_at,
        "window_days": window_days,
        "sessions": summaries.len(),
        "arms": { "treatment": treatment.to_json(), "control": control.to_json() },
        "lift": lift(&treatment, &control),
        "calibration": deciles(calibration),
        "funnel": {
            "sessions": summaries.len(),
            "product_views": product_views,
            "add_to_cart": carts,
            "purchases": purchases,
        },
        "drivers": drivers(&buyers, &others),
        "top_categories": top_categories(categories),
        "trend": trend(days),
    })
}

fn lift(t: &Arm, c: &Arm) -> Value {
    let enough = t.sessions >= MIN_ARM_SESSIONS && c.sessions >= MIN_ARM_SESSIONS;
    let abs = newcombe_diff(t.purchases, t.sessions, c.purchases, c.sessions);
    let rel = relative_lift(t.purchases, t.sessions, c.purchases, c.sessions);
    let diff = t.conversion().zip(c.conversion()).map(|(a, b)| a - b);
    json!({
        "absolute": diff.filter(|_| enough),
        "absolute_ci95": abs.filter(|_| enough).map(|(l, h)| [l, h]),
        "relative": rel.filter(|_| enough).map(|r| r.0),
        "relative_ci95": rel.filter(|_| enough).map(|r| [r.1, r.2]),
        "p_value": two_proportion_p(t.purchases, t.sessions, c.purchases, c.sessions).filter(|_| enough),
        "method": "difference of two proportions with Newcombe's hybrid score interval; relative lift with Katz's log risk-ratio interval; pooled two-proportion z test",
        "enough_data": enough,
        "min_sessions_per_arm": MIN_ARM_SESSIONS,
    })
}

/// Sessions sorted by their last intent score, cut into ten groups of (nearly) equal size.
fn deciles(mut scored: Vec<(f64, bool)>) -> Value {
    if scored.len() < 10 {
        return json!([]);
    }
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = scored.len();
    (0..10)
        .map(|i| {
            let part = &scored[i * n / 10..(i + 1) * n / 10];
            let k = part.len() as f64;
            json!({
                "decile": i + 1,
                "sessions": part.len(),
                "predicted": part.iter().map(|p| p.0).sum::<f64>() / k,
                "observed": part.iter().filter(|p| p.1).count() as f64 / k,
            })
        })
        .collect()
}

fn drivers(buyers: &[Moments], others: &[Moments]) -> Value {
    let mut rows: Vec<(f64, Value)> = DRIVERS
        .iter()
        .zip(buyers.iter().zip(others))
        .filter_map(|((feature, label), (b, o))| {
            let d = cohens_d(b, o)?;
            Some((
                d,
                json!({
                    "feature": feature,
                    "label": label,
                    "buyers_mean": b.mean(),
                    "non_buyers_mean": o.mean(),
                    "effect_size": d,
                }),
            ))
        })
        .collect();
    rows.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
    rows.into_iter().map(|r| r.1).collect()
}

fn top_categories(categories: BTreeMap<&str, (u64, u64)>) -> Value {
    let mut rows: Vec<_> = categories.into_iter().collect();
    rows.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then_with(|| a.0.cmp(b.0)));
    rows.into_iter()
        .take(TOP_CATEGORIES)
        .map(|(name, (n, k))| json!({ "category": name, "sessions": n, "purchase_rate": k as f64 / n as f64 }))
        .collect()
}

fn trend(days: BTreeMap<u64, [u64; 5]>) -> Value {
    let rate = |x: u64, n: u64| (n > 0).then(|| x as f64 / n as f64);
    let skip = days.len().saturating_sub(TREND_DAYS);
    days.into_iter()
        .skip(skip)
        .map(|(day, [n, tn, tx, cn, cx])| {
            json!({
                "day": iso_day(day),
                "sessions": n,
                "treatment_conversion": rate(tx, tn),
                "control_conversion": rate(cx, cn),
            })
        })
        .collect()
}

/// `YYYY-MM-DD` of a day number since 1970-01-01 (UTC).
pub fn iso_day(day: u64) -> String {
    let d = Date::from_days(day as i64);
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}
