//! The design effect of drawing the holdout arm per visitor while counting sessions: a
//! visitor's sessions share the visitor's propensity to buy, so they carry less information
//! than as many independent sessions. Per arm, the delta-method variance of the per-session
//! rate over randomisation units (`crate::aggregate::units`) divided by the binomial (or
//! i.i.d.) variance over the same sessions is the arm's design effect (Kish, "Survey
//! Sampling", 1965); dividing an arm's counts by it gives effective counts (Rao & Scott,
//! "A simple method for the analysis of clustered binary data", Biometrics 1992), which
//! every interval and test of the report then uses as if sessions were independent.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::stats::ratio_variance_delta;
use crate::aggregate::{arm, cohort, ArmKey, CohortKey, REVENUE_STEP_CENTS};

/// Design effects below 1 (sessions of a visitor less alike than strangers') are noise at
/// the sizes a store sees; they are taken as 1 so no interval is narrowed by clustering.
const MIN_DEFF: f64 = 1.0;

/// One arm's design effects and unit count.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ArmDesign {
    /// Randomisation units in the window's cohorts (0 when none were recorded).
    pub units: u64,
    /// Design effect of conversion per session (1 when unknown).
    pub conversion: f64,
    /// Design effect of revenue per session (1 when unknown).
    pub revenue: f64,
}

impl Default for ArmDesign {
    fn default() -> Self {
        ArmDesign {
            units: 0,
            conversion: 1.0,
            revenue: 1.0,
        }
    }
}

/// Both arms' design effects.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Design {
    pub treatment: ArmDesign,
    pub control: ArmDesign,
}

impl Design {
    /// From the window's cohort sums and its arms table (for the per-session revenue
    /// variance, which the unit tables do not keep).
    pub fn new(
        cohorts: &BTreeMap<CohortKey, [i64; cohort::WIDTH]>,
        arms: &BTreeMap<ArmKey, [i64; arm::WIDTH]>,
    ) -> Self {
        Design {
            treatment: arm_design(cohorts, arms, false),
            control: arm_design(cohorts, arms, true),
        }
    }

    pub fn arm(&self, control: bool) -> &ArmDesign {
        if control {
            &self.control
        } else {
            &self.treatment
        }
    }

    /// Whether the report can count randomisation units (both arms have some).
    pub fn by_unit(&self) -> bool {
        self.treatment.units >= 2 && self.control.units >= 2
    }

    pub fn to_json(&self) -> Value {
        let arm = |a: &ArmDesign| {
            json!({
                "units": a.units,
                "design_effect_conversion": a.conversion,
                "design_effect_revenue": a.revenue,
            })
        };
        json!({ "treatment": arm(&self.treatment), "control": arm(&self.control) })
    }
}

fn arm_design(
    cohorts: &BTreeMap<CohortKey, [i64; cohort::WIDTH]>,
    arms: &BTreeMap<ArmKey, [i64; arm::WIDTH]>,
    control: bool,
) -> ArmDesign {
    let mut s = [0f64; cohort::WIDTH];
    for (_, v) in cohorts.iter().filter(|(k, _)| k.control == control) {
        for (a, x) in s.iter_mut().zip(v) {
            *a += *x as f64;
        }
    }
    let k = s[cohort::UNITS];
    let sessions = s[cohort::N];
    if k < 2.0 || sessions <= 0.0 {
        return ArmDesign::default();
    }
    let deff = |delta: Option<f64>, iid: f64| match delta {
        Some(d) if iid > 0.0 && d.is_finite() => (d / iid).max(MIN_DEFF),
        _ => 1.0,
    };
    let p = s[cohort::X] / sessions;
    // The sample variance's n − 1, as in the delta method's: one session per unit gives a
    // design effect of exactly 1.
    let conversion = deff(
        ratio_variance_delta(
            k,
            s[cohort::N],
            s[cohort::X],
            s[cohort::NN],
            s[cohort::XX],
            s[cohort::NX],
        ),
        p * (1.0 - p) / (sessions - 1.0).max(1.0),
    );
    // The per-session revenue variance, in the unit tables' steps, from the arms table.
    let (mut n, mut sum, mut sum_sq) = (0f64, 0f64, 0f64);
    for (_, t) in arms.iter().filter(|(key, _)| key.control == control) {
        n += t[arm::SESSIONS] as f64;
        sum += t[arm::REVENUE] as f64 / REVENUE_STEP_CENTS as f64;
        sum_sq += t[arm::REVENUE_SQ] as f64 / (REVENUE_STEP_CENTS * REVENUE_STEP_CENTS) as f64;
    }
    let per_session = if n >= 2.0 {
        ((sum_sq - sum * sum / n) / (n - 1.0)).max(0.0)
    } else {
        0.0
    };
    let revenue = deff(
        ratio_variance_delta(
            k,
            s[cohort::N],
            s[cohort::R],
            s[cohort::NN],
            s[cohort::RR],
            s[cohort::NR],
        ),
        per_session / sessions,
    );
    ArmDesign {
        units: k as u64,
        conversion,
        revenue,
    }
}
