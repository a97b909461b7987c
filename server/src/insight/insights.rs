//! `GET /v1/insights`: what the stored summaries say — conversion per arm and the lift of
//! personalisation with honest intervals, intent calibration, the funnel, purchase drivers,
//! top categories and the daily trend, from the rollups (`crate::aggregate`).

use std::collections::BTreeMap;

use reshelf_core::features::Date;
use serde_json::{json, Value};

use crate::aggregate::{
    arm, Aggregates, ArmKey, CalibrationKey, CategoryKey, DriverKey, CALIBRATION, CATEGORY,
    DRIVERS, MOMENTS,
};

use super::design::Design;
use super::experiment::{conversion_always_valid, experiment};
use super::stats::{cohens_d, newcombe_diff, relative_lift, two_proportion_p, Moments};

/// An arm needs this many sessions before its lift is reported.
const MIN_ARM_SESSIONS: u64 = 30;
const TOP_CATEGORIES: usize = 10;
pub const TREND_DAYS: i64 = 30;

#[derive(Default)]
struct Arm {
    sessions: u64,
    add_to_cart: u64,
    purchases: u64,
    revenue_cents: i64,
}

impl Arm {
    fn add(&mut self, t: &[i64; arm::WIDTH]) {
        let n = |i: usize| t[i].max(0) as u64;
        self.sessions += n(arm::SESSIONS);
        self.add_to_cart += n(arm::CARTS);
        self.purchases += n(arm::PURCHASES);
        self.revenue_cents += t[arm::REVENUE];
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
            "revenue_per_session": (self.sessions > 0)
                .then(|| self.revenue_cents as f64 / 100.0 / self.sessions as f64),
        })
    }
}

/// Everything the dashboard shows for one site: `totals` are the window's rollups summed
/// over days (pages not needed), `days` the arms table per day for the trend.
pub fn insights(
    site: &str,
    totals: &Aggregates,
    days: &BTreeMap<ArmKey, [i64; arm::WIDTH]>,
    window_days: u32,
    generated_at: &str,
    control_share: f64,
) -> Value {
    let (mut treatment, mut control) = (Arm::default(), Arm::default());
    let mut product_viewers = 0;
    for (key, t) in &totals.arms {
        if key.control {
            control.add(t);
        } else {
            treatment.add(t);
        }
        product_viewers += t[arm::PRODUCT_VIEWERS].max(0) as u64;
    }
    let sessions = treatment.sessions + control.sessions;
    let design = Design::new(&totals.cohorts, &totals.arms);
    let mut per_day: BTreeMap<i64, [u64; 5]> = BTreeMap::new();
    for (key, t) in days {
        let d = per_day.entry(key.day).or_default();
        let (n, x) = (
            t[arm::SESSIONS].max(0) as u64,
            t[arm::PURCHASES].max(0) as u64,
        );
        d[0] += n;
        let (ni, xi) = if key.control { (3, 4) } else { (1, 2) };
        d[ni] += n;
        d[xi] += x;
    }
    json!({
        "site": site,
        "generated_at": generated_at,
        "window_days": window_days,
        "sessions": sessions,
        "arms": { "treatment": treatment.to_json(), "control": control.to_json() },
        "lift": lift(&treatment, &control, &design),
        "experiment": experiment(&totals.arms, &design, control_share),
        "calibration": calibration(&totals.calibration),
        "funnel": {
            "sessions": sessions,
            "product_views": product_viewers,
            "add_to_cart": treatment.add_to_cart + control.add_to_cart,
            "purchases": treatment.purchases + control.purchases,
        },
        "drivers": drivers(&totals.drivers),
        "top_categories": top_categories(&totals.categories),
        "trend": trend(per_day),
    })
}

/// The headline lift. Intervals and the test use each arm's effective counts (its counts
/// divided by its design effect, see `super::design`).
fn lift(t: &Arm, c: &Arm, design: &Design) -> Value {
    let enough = t.sessions >= MIN_ARM_SESSIONS && c.sessions >= MIN_ARM_SESSIONS;
    let effective = |a: &Arm, deff: f64| (a.purchases as f64 / deff, a.sessions as f64 / deff);
    let (xt, nt) = effective(t, design.treatment.conversion);
    let (xc, nc) = effective(c, design.control.conversion);
    let abs = newcombe_diff(xt, nt, xc, nc);
    let rel = relative_lift(xt, nt, xc, nc);
    let diff = t.conversion().zip(c.conversion()).map(|(a, b)| a - b);
    let always_valid = enough.then(|| conversion_always_valid((xt, nt), (xc, nc)));
    json!({
        "absolute": diff.filter(|_| enough),
        "absolute_always_valid_ci95": always_valid,
        "absolute_ci95": abs.filter(|_| enough).map(|(l, h)| [l, h]),
        "relative": rel.filter(|_| enough).map(|r| r.0),
        "relative_ci95": rel.filter(|_| enough).map(|r| [r.1, r.2]),
        "p_value": two_proportion_p(xt, nt, xc, nc).filter(|_| enough),
        "method": "fixed horizon: difference of two proportions with Newcombe's hybrid score interval; relative lift with Katz's log risk-ratio interval; pooled two-proportion z test. Always valid: asymptotic confidence sequence (Waudby-Smith et al., 2024). Counts divided by each arm's design effect (visitors as units)",
        "enough_data": enough,
        "min_sessions_per_arm": MIN_ARM_SESSIONS,
    })
}

/// Sessions by the tenth of the intent score their calibration checkpoint fell in (the one
/// before the first add to cart, see `crate::aggregate::calibration_checkpoint`): predicted
/// (mean score) against observed purchase rate, non-empty tenths only.
fn calibration(bins: &BTreeMap<CalibrationKey, [i64; CALIBRATION]>) -> Value {
    bins.iter()
        .filter(|(_, t)| t[0] > 0)
        .map(|(key, &[n, bought, score])| {
            let k = n as f64;
            json!({
                "bin": key.bin + 1,
                "from": key.bin as f64 / 10.0,
                "to": (key.bin + 1) as f64 / 10.0,
                "sessions": n,
                "predicted": score as f64 / 255.0 / k,
                "observed": bought as f64 / k,
            })
        })
        .collect()
}

fn drivers(moments: &BTreeMap<DriverKey, [i64; MOMENTS]>) -> Value {
    let group = |buyer: bool, feature: usize| {
        let key = DriverKey {
            day: 0,
            buyer,
            feature: feature as i64,
        };
        moments
            .get(&key)
            .map_or_else(Moments::default, |&[n, sum, sum_sq]| {
                Moments::from_sums(n, sum, sum_sq)
            })
    };
    let mut rows: Vec<(f64, Value)> = DRIVERS
        .iter()
        .enumerate()
        .filter_map(|(i, (feature, label))| {
            let (b, o) = (group(true, i), group(false, i));
            let d = cohens_d(&b, &o)?;
            // Special days are tallied in tenths.
            let scale = if *feature == "special_day" { 10.0 } else { 1.0 };
            Some((
                d,
                json!({
                    "feature": feature,
                    "label": label,
                    "buyers_mean": b.mean() / scale,
                    "non_buyers_mean": o.mean() / scale,
                    "effect_size": d,
                }),
            ))
        })
        .collect();
    rows.sort_by(|a, b| b.0.abs().total_cmp(&a.0.abs()));
    rows.into_iter().map(|r| r.1).collect()
}

fn top_categories(categories: &BTreeMap<CategoryKey, [i64; CATEGORY]>) -> Value {
    let mut rows: Vec<_> = categories
        .iter()
        .filter(|(_, t)| t[0] > 0)
        .map(|(k, t)| (k.category.as_str(), t[0], t[1]))
        .collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    rows.into_iter()
        .take(TOP_CATEGORIES)
        .map(|(name, n, k)| json!({ "category": name, "sessions": n, "purchase_rate": k as f64 / n as f64 }))
        .collect()
}

fn trend(days: BTreeMap<i64, [u64; 5]>) -> Value {
    let rate = |x: u64, n: u64| (n > 0).then(|| x as f64 / n as f64);
    days.into_iter()
        .filter(|(_, d)| d[0] > 0)
        .map(|(day, [n, tn, tx, cn, cx])| {
            json!({
                "day": iso_day(day.max(0) as u64),
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
