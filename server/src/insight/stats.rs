//! The statistics behind the insight: intervals for proportions, their difference and
//! ratio, a two-proportion test, standardised mean differences, the sample-ratio check, the
//! always-valid confidence sequence and the multiple-comparison correction. Distribution
//! tails come from `statrs`.

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `x` successes in `n` trials (well-behaved at 0 and n).
pub fn wilson(x: f64, n: f64) -> Option<(f64, f64)> {
    if n <= 0.0 {
        return None;
    }
    let (p, z2) = (x / n, Z95 * Z95);
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Newcombe's hybrid score interval (method 10) for p₁ − p₂: unlike the Wald interval it
/// keeps its coverage for small arms and rates near 0, which a holdout usually has. Counts
/// may be effective (fractional) counts.
pub fn newcombe_diff(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<(f64, f64)> {
    let (l1, u1) = wilson(x1, n1)?;
    let (l2, u2) = wilson(x2, n2)?;
    let (p1, p2) = (x1 / n1, x2 / n2);
    let d = p1 - p2;
    let lower = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let upper = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some((lower, upper))
}

/// Relative lift p₁/p₂ − 1 with Katz's log interval for the risk ratio; needs a success in
/// each arm.
pub fn relative_lift(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<(f64, f64, f64)> {
    if x1 <= 0.0 || x2 <= 0.0 || n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let rr = (x1 / n1) / (x2 / n2);
    let se = (1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2).max(0.0).sqrt();
    let (lo, hi) = ((rr.ln() - Z95 * se).exp(), (rr.ln() + Z95 * se).exp());
    Some((rr - 1.0, lo - 1.0, hi - 1.0))
}

/// Two-sided p-value of the pooled two-proportion z test.
pub fn two_proportion_p(x1: f64, n1: f64, x2: f64, n2: f64) -> Option<f64> {
    if n1 <= 0.0 || n2 <= 0.0 {
        return None;
    }
    let pooled = (x1 + x2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se == 0.0 {
        return Some(1.0);
    }
    let z = ((x1 / n1) - (x2 / n2)).abs() / se;
    Some(two_sided_p(z))
}

/// Standard normal CDF (statrs: via erfc, accurate in the tails).
pub fn normal_cdf(z: f64) -> f64 {
    Normal::standard().cdf(z)
}

/// Two-sided p-value of a standard normal statistic, from the upper tail (statrs), so a
/// small p-value is not lost to `1 − cdf` cancelling.
pub fn two_sided_p(z: f64) -> f64 {
    (2.0 * Normal::standard().sf(z.abs())).min(1.0)
}

/// Sample ratio mismatch: Pearson's χ² goodness-of-fit of the arms' unit counts against the
/// configured control share (1 degree of freedom). Returns (χ², p-value); `None` without
/// units or with a share outside (0, 1).
pub fn srm(control: u64, treatment: u64, control_share: f64) -> Option<(f64, f64)> {
    let n = (control + treatment) as f64;
    if n == 0.0 || !(control_share > 0.0 && control_share < 1.0) {
        return None;
    }
    let (ec, et) = (n * control_share, n * (1.0 - control_share));
    let chi2 = (control as f64 - ec).powi(2) / ec + (treatment as f64 - et).powi(2) / et;
    let p = ChiSquared::new(1.0).ok()?.sf(chi2);
    Some((chi2, p))
}

/// Half-width of the asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha, Kennedy
/// & Ramdas, "Time-uniform central limit theory and asymptotic confidence sequences"
/// (Annals of Statistics, 2024, Theorem 2.2 with the normal-mixture boundary): valid at
/// every sample size at once, so the interval may be looked at after every refresh.
///
/// `variance` is the estimator's variance (e.g. p₁(1−p₁)/n₁ + p₂(1−p₂)/n₂), `n` the units
/// it is computed from, `alpha` the error rate (0.05 for 95%), `tuned_n` the sample size at
/// which the sequence is tightest (ρ² = (−2 ln α + ln(−2 ln α + 1)) / tuned_n).
pub fn confidence_sequence_halfwidth(variance: f64, n: f64, alpha: f64, tuned_n: f64) -> f64 {
    if n <= 0.0 || variance <= 0.0 {
        return 0.0;
    }
    let l = -2.0 * alpha.ln();
    let rho2 = (l + (l + 1.0).ln()) / tuned_n;
    // The per-unit variance σ² with variance = σ²/n.
    let sigma2 = variance * n;
    let width2 =
        sigma2 * 2.0 * (n * rho2 + 1.0) / (n * n * rho2) * ((n * rho2 + 1.0).sqrt() / alpha).ln();
    width2.max(0.0).sqrt()
}

/// Delta-method variance of a ratio of means Σy/Σn over `k` independent units, from the
/// sums over units of `n`, `y`, `n²`, `y²` and `n·y` (Deng, Knoblich & Lu, "Applying the
/// Delta Method in Metric Analytics", KDD 2018, section 3): with unit means μₙ, μᵧ, sample
/// (co)variances sₙₙ, sᵧᵧ, sₙᵧ and R = μᵧ/μₙ,
/// Var(R) ≈ (sᵧᵧ − 2R·sₙᵧ + R²·sₙₙ) / (k·μₙ²). `None` below 2 units or without any `n`.
pub fn ratio_variance_delta(k: f64, n: f64, y: f64, nn: f64, yy: f64, ny: f64) -> Option<f64> {
    if k < 2.0 || n <= 0.0 {
        return None;
    }
    let (mn, my) = (n / k, y / k);
    let cov = |sum_ab: f64, ma: f64, mb: f64| (sum_ab - k * ma * mb) / (k - 1.0);
    let (snn, syy, sny) = (cov(nn, mn, mn), cov(yy, my, my), cov(ny, mn, my));
    let r = my / mn;
    Some(((syy - 2.0 * r * sny + r * r * snn) / (k * mn * mn)).max(0.0))
}

/// z for a two-sided interval of level 1 − `alpha` (statrs inverse CDF).
pub fn z_for(alpha: f64) -> f64 {
    Normal::standard().inverse_cdf(1.0 - alpha / 2.0)
}

/// Holm–Bonferroni step-down adjustment of `p` (family-wise error control), in the input's
/// order.
pub fn holm(p: &[f64]) -> Vec<f64> {
    let m = p.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p[a].total_cmp(&p[b]));
    let mut adjusted = vec![0.0; m];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        running = running.max(((m - rank) as f64 * p[i]).min(1.0));
        adjusted[i] = running;
    }
    adjusted
}

/// Mean and sample variance, accumulated in one pass (Welford).
#[derive(Clone, Copy, Debug, Default)]
pub struct Moments {
    pub n: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Moments from a count, sum and sum of squares of integers (a rollup's `[n, Σx, Σx²]`).
    /// The variance is computed in 128-bit integers, exactly, before the one division.
    pub fn from_sums(n: i64, sum: i64, sum_sq: i64) -> Self {
        if n <= 0 {
            return Self::default();
        }
        let (n128, s, q) = (i128::from(n), i128::from(sum), i128::from(sum_sq));
        // Σ(x − mean)² = (n·Σx² − (Σx)²) / n
        let m2 = (n128 * q - s * s).max(0) as f64 / n as f64;
        Moments {
            n: n as u64,
            mean: sum as f64 / n as f64,
            m2,
        }
    }

    pub fn mean(&self) -> f64 {
        self.mean
    }

    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            0.0
        } else {
            self.m2 / (self.n - 1) as f64
        }
    }
}

/// Cohen's d of group `a` over group `b` with the pooled standard deviation; `None` when a
/// group is too small or nothing varies.
pub fn cohens_d(a: &Moments, b: &Moments) -> Option<f64> {
    if a.n < 2 || b.n < 2 {
        return None;
    }
    let pooled = (((a.n - 1) as f64 * a.variance() + (b.n - 1) as f64 * b.variance())
        / (a.n + b.n - 2) as f64)
        .sqrt();
    (pooled > 0.0).then(|| (a.mean() - b.mean()) / pooled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() < tol
    }

    #[test]
    fn delta_method_with_one_session_per_unit_is_the_sample_variance_of_the_mean() {
        // 40 units of one session, 10 purchases: Var = s²/k with s² = p(1−p)·k/(k−1).
        let v = ratio_variance_delta(40.0, 40.0, 10.0, 40.0, 10.0, 10.0).unwrap();
        assert!(close(v, 0.25 * 0.75 / 39.0, 1e-12), "{v}");
    }

    #[test]
    fn delta_method_matches_a_direct_computation_for_clusters() {
        // Units (n, y): (1,0) (2,1) (3,3) (2,0). R = 4/8; unit residuals y − R·n:
        // -0.5, 0, 1.5, -1 → sample variance (0.25+0+2.25+1)/3 = 7/6; Var = 7/6 / (4·2²).
        let units = [(1.0, 0.0), (2.0, 1.0), (3.0, 3.0), (2.0, 0.0)];
        let s = |f: &dyn Fn(f64, f64) -> f64| units.iter().map(|&(n, y)| f(n, y)).sum::<f64>();
        let v = ratio_variance_delta(
            4.0,
            s(&|n, _| n),
            s(&|_, y| y),
            s(&|n, _| n * n),
            s(&|_, y| y * y),
            s(&|n, y| n * y),
        )
        .unwrap();
        assert!(close(v, 7.0 / 6.0 / 16.0, 1e-12), "{v}");
    }

    #[test]
    fn wilson_matches_reference_values() {
        // Newcombe (1998), table I: 81/263 → 0.2553 to 0.3662.
        let (lo, hi) = wilson(81.0, 263.0).unwrap();
        assert!(
            close(lo, 0.2553, 5e-4) && close(hi, 0.3662, 5e-4),
            "{lo} {hi}"
        );
        let (lo, hi) = wilson(0.0, 10.0).unwrap();
        assert!(lo == 0.0 && close(hi, 0.2775, 5e-4));
    }

    #[test]
    fn newcombe_matches_the_published_example() {
        // Newcombe (1998), table II example (a): 56/70 − 48/80 → 0.0524 to 0.3339.
        let (lo, hi) = newcombe_diff(56.0, 70.0, 48.0, 80.0).unwrap();
        assert!(
            close(lo, 0.0524, 5e-4) && close(hi, 0.3339, 5e-4),
            "{lo} {hi}"
        );
        // (d): 9/10 − 3/10 → 0.1705 to 0.8090
        let (lo, hi) = newcombe_diff(9.0, 10.0, 3.0, 10.0).unwrap();
        assert!(
            close(lo, 0.1705, 5e-4) && close(hi, 0.8090, 5e-4),
            "{lo} {hi}"
        );
    }

    #[test]
    fn relative_lift_and_p_value() {
        let (rel, lo, hi) = relative_lift(20.0, 100.0, 10.0, 100.0).unwrap();
        assert!(close(rel, 1.0, 1e-12));
        // Katz: se = sqrt(1/20 - 1/100 + 1/10 - 1/100) = sqrt(0.13) → RR 2 × e^(±1.96·0.3464)
        assert!(close(lo, 2.0 * (-Z95 * 0.360_555_f64).exp() - 1.0, 1e-4));
        assert!(close(hi, 2.0 * (Z95 * 0.360_555_f64).exp() - 1.0, 1e-4));
        assert!(relative_lift(0.0, 100.0, 10.0, 100.0).is_none());
        // z = 1.98 for 20/100 vs 10/100 → p ≈ 0.0477
        let p = two_proportion_p(20.0, 100.0, 10.0, 100.0).unwrap();
        assert!(close(p, 0.0477, 1e-3), "{p}");
        assert!(close(normal_cdf(1.959_964), 0.975, 1e-6));
    }

    #[test]
    fn tails_come_from_statrs_and_stay_exact_when_small() {
        // z = 6: two-sided p = 1.973e-9 (an erf approximation with 1.5e-7 absolute error
        // cannot resolve it).
        assert!(close(two_sided_p(6.0) / 1.973_175_400_848_4e-9, 1.0, 1e-6));
        assert!(close(z_for(0.05), Z95, 1e-9));
    }

    #[test]
    fn srm_matches_a_hand_computed_chi_square() {
        // 5,200 control against 4,800 treatment for a 50/50 split: χ² = 2·200²/5000 = 16,
        // p = P(χ²₁ > 16) = 6.334e-5.
        let (chi2, p) = srm(5_200, 4_800, 0.5).unwrap();
        assert!(close(chi2, 16.0, 1e-9));
        assert!(close(p / 6.334_248_366_623_996e-5, 1.0, 1e-6), "{p}");
        assert!(srm(0, 0, 0.5).is_none() && srm(1, 1, 1.0).is_none());
    }

    #[test]
    fn confidence_sequence_is_wider_than_the_fixed_interval_and_shrinks() {
        let v = |n: f64| 0.1 * 0.9 / n * 2.0;
        let fixed = Z95 * v(10_000.0).sqrt();
        let cs = confidence_sequence_halfwidth(v(10_000.0), 20_000.0, 0.05, 5_000.0);
        assert!(cs > fixed && cs < 3.0 * fixed, "{cs} {fixed}");
        let later = confidence_sequence_halfwidth(v(40_000.0), 80_000.0, 0.05, 5_000.0);
        assert!(later < cs);
    }

    #[test]
    fn holm_matches_the_textbook_example() {
        // Holm (1979) style example: p = 0.01, 0.04, 0.03, 0.005 → 0.03, 0.06, 0.06, 0.02.
        let adj = holm(&[0.01, 0.04, 0.03, 0.005]);
        let want = [0.03, 0.06, 0.06, 0.02];
        for (a, w) in adj.iter().zip(want) {
            assert!(close(*a, w, 1e-12), "{adj:?}");
        }
    }

    #[test]
    fn cohens_d_of_shifted_groups() {
        let (mut a, mut b) = (Moments::default(), Moments::default());
        for x in [2.0, 4.0, 6.0] {
            a.push(x);
            b.push(x - 2.0);
        }
        assert!(close(cohens_d(&a, &b).unwrap(), 1.0, 1e-12));
        assert!(cohens_d(&Moments::default(), &b).is_none());
    }
}
