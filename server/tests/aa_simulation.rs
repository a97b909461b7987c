//! The experiment statistics under simulation (deterministic seed): experiments with no
//! true effect looked at daily for 30 days keep the always-valid interval's false-positive
//! rate at 5% or below, where the fixed-horizon interval, looked at the same way, does not;
//! under a true effect the always-valid interval covers it at every look; and the
//! sample-ratio check flags a 52/48 split at 20,000 sessions.

use std::collections::BTreeMap;

use rand::rngs::StdRng;
use rand::SeedableRng;
use rand_distr::{Binomial, Distribution};
use reshelf_server::aggregate::{arm, ArmKey};
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
            let report = serde_json::json!({ "experiment": experiment(&tallies(c, t), 0.5) });
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
    let broken = experiment(&tallies((10_400, 520), (9_600, 480)), 0.5);
    assert_eq!(broken["srm"]["mismatch"], true, "{}", broken["srm"]);
    let fine = experiment(&tallies((10_050, 520), (9_950, 480)), 0.5);
    assert_eq!(fine["srm"]["mismatch"], false, "{}", fine["srm"]);
    // A 10% holdout observed at 10%.
    let holdout = experiment(&tallies((2_000, 100), (18_000, 900)), 0.1);
    assert_eq!(holdout["srm"]["mismatch"], false);
}
