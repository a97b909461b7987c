//! The holdout experiment read from the arms rollup: the sample-ratio check, conversion and
//! revenue per session of treatment against control with fixed-horizon and always-valid
//! intervals, the same lift post-stratified on what is known before treatment, and control
//! against each ranker / model version with a multiple-comparison correction.
//!
//! Rates are per session; the unit of analysis is the randomisation unit (a visitor; a kiosk
//! session), which is what the arms are drawn for: each arm's counts are divided by its
//! design effect (`super::design`) before any interval or test, and the sample-ratio check
//! counts units. Without unit tallies (summaries from SDKs that did not send one) every
//! session is its own unit. The report says which (`unit`).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::design::Design;
use super::stats::{confidence_sequence_halfwidth, holm, srm, two_sided_p, z_for};
use crate::aggregate::{arm, ArmKey};

/// Error rate of every interval (95%).
pub const ALPHA: f64 = 0.05;
/// Sessions at which the confidence sequence is tightest (GrowthBook's default tuning).
pub const TUNED_N: f64 = 5_000.0;
/// An SRM p-value below this flags the split as broken (GrowthBook and Statsig use 0.001:
/// strict, because the check runs on every refresh).
pub const SRM_THRESHOLD: f64 = 0.001;
/// A treatment version needs this many sessions to be compared on its own.
pub const MIN_VERSION_SESSIONS: f64 = 30.0;

/// Sums of one group of sessions.
#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    n: f64,
    purchases: f64,
    /// Revenue in currency units (the cents tally / 100) and its sum of squares.
    revenue: f64,
    revenue_sq: f64,
}

impl Cell {
    fn add(&mut self, t: &[i64; arm::WIDTH]) {
        self.n += t[arm::SESSIONS] as f64;
        self.purchases += t[arm::PURCHASES] as f64;
        self.revenue += t[arm::REVENUE] as f64 / 100.0;
        self.revenue_sq += t[arm::REVENUE_SQ] as f64 / 10_000.0;
    }

    /// The cell with every count divided by `deff`: its effective counts, with the same
    /// rates and means and variances `deff` times as large.
    fn effective(&self, deff: f64) -> Cell {
        Cell {
            n: self.n / deff,
            purchases: self.purchases / deff,
            revenue: self.revenue / deff,
            revenue_sq: self.revenue_sq / deff,
        }
    }

    fn rate(&self) -> f64 {
        self.purchases / self.n
    }

    fn rate_variance(&self) -> f64 {
        let p = self.rate();
        p * (1.0 - p) / self.n
    }

    fn revenue_mean(&self) -> f64 {
        self.revenue / self.n
    }

    /// Variance of the mean revenue per session (sample variance / n).
    fn revenue_variance(&self) -> f64 {
        if self.n < 2.0 {
            return 0.0;
        }
        let m = self.revenue_mean();
        let s2 = ((self.revenue_sq - self.n * m * m) / (self.n - 1.0)).max(0.0);
        s2 / self.n
    }
}

/// The always-valid interval at level 1 − `alpha` around `d`, an estimate of `variance`
/// from `n` units.
fn always_valid(d: f64, variance: f64, n: f64, alpha: f64) -> [f64; 2] {
    let h = confidence_sequence_halfwidth(variance, n, alpha, TUNED_N);
    [d - h, d + h]
}

/// An estimate with its fixed-horizon and always-valid intervals at level 1 − `alpha`.
fn estimate(d: f64, variance: f64, n: f64, alpha: f64) -> Value {
    let se = variance.sqrt();
    let fixed = z_for(alpha) * se;
    json!({
        "estimate": d,
        "ci": [d - fixed, d + fixed],
        "always_valid_ci": always_valid(d, variance, n, alpha),
        "p_value": (se > 0.0).then(|| two_sided_p(d / se)),
    })
}

/// The always-valid 95% interval for treatment's conversion minus control's, from each
/// arm's effective `(purchases, sessions)`; both arms need sessions.
pub fn conversion_always_valid(treatment: (f64, f64), control: (f64, f64)) -> [f64; 2] {
    let cell = |(purchases, n): (f64, f64)| Cell {
        n,
        purchases,
        ..Cell::default()
    };
    let (t, c) = (cell(treatment), cell(control));
    always_valid(
        t.rate() - c.rate(),
        t.rate_variance() + c.rate_variance(),
        t.n + c.n,
        ALPHA,
    )
}

fn conversion_diff(t: &Cell, c: &Cell, alpha: f64) -> Value {
    estimate(
        t.rate() - c.rate(),
        t.rate_variance() + c.rate_variance(),
        t.n + c.n,
        alpha,
    )
}

fn revenue_diff(t: &Cell, c: &Cell, alpha: f64) -> Value {
    estimate(
        t.revenue_mean() - c.revenue_mean(),
        t.revenue_variance() + c.revenue_variance(),
        t.n + c.n,
        alpha,
    )
}

/// Conversion lift post-stratified on (returning, traffic source, device): the difference
/// within each stratum, weighted by the stratum's share of sessions. With categorical
/// pre-treatment covariates this is the regression adjustment CUPED makes (Deng et al.,
/// 2013; Miratrix, Sekhon & Yu, 2013), and never less precise in large samples. Strata
/// missing an arm are left out; `coverage` is the share of sessions kept.
fn stratified(strata: &BTreeMap<(bool, i64, i64), (Cell, Cell)>, alpha: f64) -> Value {
    let usable: Vec<&(Cell, Cell)> = strata
        .values()
        .filter(|(t, c)| t.n >= 2.0 && c.n >= 2.0)
        .collect();
    let all: f64 = strata.values().map(|(t, c)| t.n + c.n).sum();
    let covered: f64 = usable.iter().map(|(t, c)| t.n + c.n).sum();
    if covered == 0.0 {
        return Value::Null;
    }
    let (mut d, mut var) = (0.0, 0.0);
    for (t, c) in &usable {
        let w = (t.n + c.n) / covered;
        d += w * (t.rate() - c.rate());
        var += w * w * (t.rate_variance() + c.rate_variance());
    }
    let mut out = estimate(d, var, covered, alpha);
    out["strata"] = json!(usable.len());
    out["coverage"] = json!(covered / all);
    out
}

/// The experiment section of the insight report. `design` holds each arm's design effect
/// and unit count; `control_share` is the holdout the site is configured with (the SDK's
/// `holdout`).
pub fn experiment(
    arms: &BTreeMap<ArmKey, [i64; arm::WIDTH]>,
    design: &Design,
    control_share: f64,
) -> Value {
    let (mut t, mut c) = (Cell::default(), Cell::default());
    let mut versions: BTreeMap<(&str, &str), Cell> = BTreeMap::new();
    let mut strata: BTreeMap<(bool, i64, i64), (Cell, Cell)> = BTreeMap::new();
    for (key, tally) in arms {
        let s = strata
            .entry((key.returning, key.source, key.device))
            .or_default();
        if key.control {
            c.add(tally);
            s.1.add(tally);
        } else {
            t.add(tally);
            s.0.add(tally);
            versions
                .entry((key.ranker.as_str(), key.model.as_str()))
                .or_default()
                .add(tally);
        }
    }
    let by_unit = design.by_unit();
    let (srm_c, srm_t) = if by_unit {
        (design.control.units, design.treatment.units)
    } else {
        (c.n as u64, t.n as u64)
    };
    let srm_check = srm(srm_c, srm_t, control_share).map(|(chi2, p)| {
        json!({
            "expected_control_share": control_share,
            "observed_control_share": srm_c as f64 / (srm_c + srm_t) as f64,
            "counted": if by_unit { "units" } else { "sessions" },
            "chi2": chi2,
            "p_value": p,
            "mismatch": p < SRM_THRESHOLD,
            "threshold": SRM_THRESHOLD,
            "method": "Pearson chi-square goodness of fit of units (or sessions) per arm against the configured holdout, 1 degree of freedom",
        })
    });
    let enough = t.n >= MIN_VERSION_SESSIONS && c.n >= MIN_VERSION_SESSIONS;
    // Effective cells: conversion and revenue each with their own design effect.
    let (dt, dc) = (&design.treatment, &design.control);
    let (tc, cc) = (t.effective(dt.conversion), c.effective(dc.conversion));
    let (tr, cr) = (t.effective(dt.revenue), c.effective(dc.revenue));
    let strata: BTreeMap<_, _> = strata
        .into_iter()
        .map(|(k, (st, sc))| {
            (
                k,
                (st.effective(dt.conversion), sc.effective(dc.conversion)),
            )
        })
        .collect();
    let compared: Vec<(&(&str, &str), &Cell)> = versions
        .iter()
        .filter(|(_, v)| v.n >= MIN_VERSION_SESSIONS)
        .collect();
    let m = compared.len().max(1) as f64;
    let per_version: Vec<Value> = if enough {
        compared
            .iter()
            .map(|((ranker, model), v)| {
                json!({
                    "ranker": (!ranker.is_empty()).then_some(*ranker),
                    "model": (!model.is_empty()).then_some(*model),
                    "sessions": v.n,
                    "purchases": v.purchases,
                    "conversion": v.rate(),
                    "revenue_per_session": v.revenue_mean(),
                    "conversion_diff": conversion_diff(&v.effective(dt.conversion), &cc, ALPHA / m),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let raw_p: Vec<f64> = per_version
        .iter()
        .map(|v| v["conversion_diff"]["p_value"].as_f64().unwrap_or(1.0))
        .collect();
    let per_version: Vec<Value> = per_version
        .into_iter()
        .zip(holm(&raw_p))
        .map(|(mut v, p)| {
            v["p_value_holm"] = json!(p);
            v
        })
        .collect();
    let (unit, unit_note) = if by_unit {
        ("visitor", "Arms are drawn per visitor (a kiosk: per session). Rates are per session; intervals and tests count visitors, with each arm's counts divided by its design effect (delta method), and the traffic-split check counts visitors first seen in the window.")
    } else {
        ("session", "These sessions carry no visitor key (an older SDK), so each session counts as its own unit; with visitors returning, the intervals are somewhat too narrow.")
    };
    json!({
        "unit": unit,
        "unit_note": unit_note,
        "design": design.to_json(),
        "srm": srm_check,
        "enough_data": enough,
        "conversion": enough.then(|| conversion_diff(&tc, &cc, ALPHA)),
        "conversion_stratified": if enough { stratified(&strata, ALPHA) } else { Value::Null },
        "revenue_per_session": enough.then(|| json!({
            "treatment": t.revenue_mean(),
            "control": c.revenue_mean(),
            "diff": revenue_diff(&tr, &cr, ALPHA),
        })),
        "versions": per_version,
        "method": {
            "fixed": "Wald interval and z test for the difference, valid for one look at a sample size fixed in advance",
            "always_valid": "asymptotic confidence sequence (Waudby-Smith, Arbour, Sinha, Kennedy & Ramdas, 2024), tuned for 5,000 sessions: valid however often the dashboard is refreshed",
            "unit": "design effect per arm from delta-method variances over randomisation units (Deng, Knoblich & Lu, KDD 2018); counts divided by it (Rao & Scott, 1992)",
            "stratified": "post-stratification on returning visitor, traffic source and device (CUPED-style regression adjustment on pre-treatment covariates); each stratum's counts divided by its arm's design effect",
            "versions": "control against each ranker/model version; Bonferroni intervals at 95%/m and Holm–Bonferroni adjusted p-values; each version's counts divided by the treatment arm's design effect (the unit tallies are kept per arm, not per version)",
            "revenue": "order value bands' midpoints; Welch standard error of the difference in revenue per session",
        },
    })
}
