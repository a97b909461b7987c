//! The experiment statistics under simulation (deterministic seed): experiments with no
//! true effect looked at daily for 30 days keep the always-valid interval's false-positive
//! rate at 5% or below, where the fixed-horizon interval, looked at the same way, does not;
//! under a true effect the always-valid interval covers it at every look; and the
//! sample-ratio check flags a 52/48 split at 20,000 sessions. With visitors who return and
//! differ in their propensity to buy, counting visitors (the design effect) keeps the
//! false-positive rate where counting sessions as independent does not.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::RngExt;
use rand::SeedableRng;
use rand_distr::{Beta, Binomial, Distribution};
use reshelf_server::aggregate::{arm, cohort, ArmKey, CohortKey};
use reshelf_server::insight::design::Design;
use reshelf_server::insight::experiment::experiment;
use serde_json::Value;

const EXPERIMENTS: usize = 2_000;
const DAYS: usize = 30;
/// Sessions a day across both arms, split 50/50.
const DAILY: u64 = 600;
const BASE: f64 = 0.05;

fn key(control: bool) -> ArmKey {
    ArmKey {
        day: 0,
        control,
        ranker: if control {
            String::new()
        } else {
            "lr-1".into()
        },
        model: "intent-1".into(),
        returning: false,
        source: 0,
        device: 0,
    }
}

fn tallies(c: (u64, u64), t: (u64, u64)) -> BTreeMap<ArmKey, [i64; arm::WIDTH]> {
    let row = |(n, x): (u64, u64)| {
        let mut v = [0i64; arm::WIDTH];
        v[arm::SESSIONS] = n as i64;
        v[arm::PURCHASES] = x as i64;
        v[arm::REVENUE] = x as i64 * 3_750;
        v[arm::REVENUE_SQ] = x as i64 * 3_750 * 3_750;
        v
    };
    BTreeMap::from([(key(true), row(c)), (key(false), row(t))])
}

fn interval(v: &Value, name: &str) -> (f64, f64) {
    let ci = &v["experiment"]["conversion"][name];
    (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap())
}

/// Runs the experiments; for each, whether any daily look's interval left out `truth`
/// (fixed-horizon, always-valid), and whether the last look's fixed interval did.
fn simulate(seed: u64, treatment_rate: f64) -> (usize, usize, usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let split = Binomial::new(DAILY, 0.5).unwrap();
    let truth = treatment_rate - BASE;
    let (mut fixed_any, mut seq_any, mut fixed_last) = (0, 0, 0);
    for _ in 0..EXPERIMENTS {
        let (mut c, mut t) = ((0u64, 0u64), (0u64, 0u64));
        let (mut fixed_missed, mut seq_missed) = (false, false);
        for day in 0..DAYS {
            let nc = split.sample(&mut rng);
            let nt = DAILY - nc;
            c.0 += nc;
            c.1 += Binomial::new(nc, BASE).unwrap().sample(&mut rng);
            t.0 += nt;
            t.1 += Binomial::new(nt, treatment_rate).unwrap().sample(&mut rng);
            let report = serde_json::json!({ "experiment": experiment(&tallies(c, t), &Design::default(), 0.5) });
            let (lo, hi) = interval(&report, "ci");
            let missed = !(lo <= truth && truth <= hi);
            fixed_missed |= missed;
            let (lo, hi) = interval(&report, "always_valid_ci");
            seq_missed |= !(lo <= truth && truth <= hi);
            if day == DAYS - 1 && missed {
                fixed_last += 1;
            }
        }
        fixed_any += usize::from(fixed_missed);
        seq_any += usize::from(seq_missed);
    }
    (fixed_any, seq_any, fixed_last)
}

#[test]
fn aa_experiments_looked_at_daily_keep_the_always_valid_false_positive_rate() {
    let (fixed_any, seq_any, fixed_last) = simulate(20_261_130, BASE);
    let rate = |k: usize| k as f64 / EXPERIMENTS as f64;
    eprintln!(
        "A/A, {EXPERIMENTS} experiments, {DAYS} daily looks: false positives fixed-horizon {:.3} (one look at the end {:.3}), always-valid {:.3}",
        rate(fixed_any),
        rate(fixed_last),
        rate(seq_any)
    );
    assert!(rate(seq_any) <= 0.05, "always-valid: {}", rate(seq_any));
    // Peeking at the fixed-horizon interval is what the always-valid one exists for.
    assert!(
        rate(fixed_any) > 0.10,
        "fixed-horizon with peeking: {}",
        rate(fixed_any)
    );
}

#[test]
fn under_a_true_effect_the_always_valid_interval_covers_it_at_every_look() {
    let (_, seq_any, fixed_last) = simulate(7, 0.06);
    let coverage = 1.0 - seq_any as f64 / EXPERIMENTS as f64;
    eprintln!(
        "true effect +1pp: always-valid coverage at all {DAYS} looks {coverage:.3}; fixed-horizon at the last look {:.3}",
        1.0 - fixed_last as f64 / EXPERIMENTS as f64
    );
    assert!(coverage >= 0.94, "{coverage}");
}

#[test]
fn srm_flags_a_52_48_split_at_20k_sessions_and_not_an_even_one() {
    let broken = experiment(
        &tallies((10_400, 520), (9_600, 480)),
        &Design::default(),
        0.5,
    );
    assert_eq!(broken["srm"]["mismatch"], true, "{}", broken["srm"]);
    let fine = experiment(
        &tallies((10_050, 520), (9_950, 480)),
        &Design::default(),
        0.5,
    );
    assert_eq!(fine["srm"]["mismatch"], false, "{}", fine["srm"]);
    // A 10% holdout observed at 10%.
    let holdout = experiment(
        &tallies((2_000, 100), (18_000, 900)),
        &Design::default(),
        0.1,
    );
    assert_eq!(holdout["srm"]["mismatch"], false);
}

/// Visitors a day in the clustered simulation, and their sessions (1 to 6, uniform).
const VISITORS_DAILY: usize = 100;
const CLUSTERED_EXPERIMENTS: usize = 500;

/// A/A experiments whose visitors each have several sessions and their own purchase
/// propensity (Beta(0.25, 4.75): mean 5%, intraclass correlation 1/6). Returns the share of
/// experiments whose always-valid interval left out 0 at some daily look, counting
/// visitors (`Design` from the cohort sums) and counting sessions.
fn simulate_clustered(seed: u64) -> (f64, f64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let propensity = Beta::new(0.25, 4.75).unwrap();
    let (mut by_unit, mut by_session) = (0, 0);
    for _ in 0..CLUSTERED_EXPERIMENTS {
        let mut arms = BTreeMap::new();
        let mut cohorts: BTreeMap<CohortKey, [i64; cohort::WIDTH]> = BTreeMap::new();
        let (mut unit_missed, mut session_missed) = (false, false);
        for day in 0..DAYS {
            for _ in 0..VISITORS_DAILY {
                let control = rng.random_bool(0.5);
                let n: i64 = rng.random_range(1..=6);
                let p = propensity.sample(&mut rng);
                let x = Binomial::new(n as u64, p).unwrap().sample(&mut rng) as i64;
                let a = arms.entry(key(control)).or_insert([0i64; arm::WIDTH]);
                a[arm::SESSIONS] += n;
                a[arm::PURCHASES] += x;
                let c = cohorts
                    .entry(CohortKey {
                        day: day as i64,
                        control,
                    })
                    .or_insert([0; cohort::WIDTH]);
                for (i, v) in [1, n, x, 0, n * n, x * x, 0, n * x, 0]
                    .into_iter()
                    .enumerate()
                {
                    c[i] += v;
                }
            }
            let missed = |design: &Design| {
                let e = experiment(&arms, design, 0.5);
                let ci = &e["conversion"]["always_valid_ci"];
                let (lo, hi) = (ci[0].as_f64().unwrap(), ci[1].as_f64().unwrap());
                !(lo <= 0.0 && 0.0 <= hi)
            };
            unit_missed |= missed(&Design::new(&cohorts, &arms));
            session_missed |= missed(&Design::default());
        }
        by_unit += usize::from(unit_missed);
        by_session += usize::from(session_missed);
    }
    let rate = |k: usize| k as f64 / CLUSTERED_EXPERIMENTS as f64;
    (rate(by_unit), rate(by_session))
}

#[test]
fn with_returning_visitors_counting_visitors_keeps_the_false_positive_rate() {
    let (by_unit, by_session) = simulate_clustered(20_261_201);
    eprintln!(
        "A/A with returning visitors, {CLUSTERED_EXPERIMENTS} experiments, {DAYS} daily looks: always-valid false positives counting visitors {by_unit:.3}, counting sessions {by_session:.3}"
    );
    assert!(by_unit <= 0.05, "counting visitors: {by_unit}");
    assert!(by_session > by_unit, "{by_session} vs {by_unit}");
}

#[test]
fn srm_counts_visitors_when_the_report_has_them() {
    let arms = tallies((10_000, 500), (10_000, 500));
    // Sessions split evenly, visitors 5,200 to 4,800: the visitors' split is what was drawn.
    let mut cohorts = BTreeMap::new();
    for (control, units) in [(true, 5_200i64), (false, 4_800)] {
        let n = 10_000i64;
        cohorts.insert(
            CohortKey { day: 0, control },
            [units, n, 500, 0, n * n / units, 500, 0, 2_000, 0],
        );
    }
    let e = experiment(&arms, &Design::new(&cohorts, &arms), 0.5);
    assert_eq!(e["unit"], "visitor");
    assert_eq!(e["srm"]["counted"], "units");
    assert_eq!(e["srm"]["mismatch"], true, "{}", e["srm"]);
}
