//! The statistics behind the insight: intervals for proportions, their difference and
//! ratio, a two-proportion test, and standardised mean differences.

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// Wilson score interval for `x` successes in `n` trials (well-behaved at 0 and n).
pub fn wilson(x: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (n, p, z2) = (n as f64, x as f64 / n as f64, Z95 * Z95);
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = Z95 / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(((centre - half).max(0.0), (centre + half).min(1.0)))
}

/// Newcombe's hybrid score interval (method 10) for p₁ − p₂: unlike the Wald interval it
/// keeps its coverage for small arms and rates near 0, which a holdout usually has.
pub fn newcombe_diff(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<(f64, f64)> {
    let (l1, u1) = wilson(x1, n1)?;
    let (l2, u2) = wilson(x2, n2)?;
    let (p1, p2) = (x1 as f64 / n1 as f64, x2 as f64 / n2 as f64);
    let d = p1 - p2;
    let lower = d - ((p1 - l1).powi(2) + (u2 - p2).powi(2)).sqrt();
    let upper = d + ((u1 - p1).powi(2) + (p2 - l2).powi(2)).sqrt();
    Some((lower, upper))
}

/// Relative lift p₁/p₂ − 1 with Katz's log interval for the risk ratio; needs a success in
/// each arm.
pub fn relative_lift(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<(f64, f64, f64)> {
    if x1 == 0 || x2 == 0 || n1 == 0 || n2 == 0 {
        return None;
    }
    let (x1, n1, x2, n2) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let rr = (x1 / n1) / (x2 / n2);
    let se = (1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2).max(0.0).sqrt();
    let (lo, hi) = ((rr.ln() - Z95 * se).exp(), (rr.ln() + Z95 * se).exp());
    Some((rr - 1.0, lo - 1.0, hi - 1.0))
}

/// Two-sided p-value of the pooled two-proportion z test.
pub fn two_proportion_p(x1: u64, n1: u64, x2: u64, n2: u64) -> Option<f64> {
    if n1 == 0 || n2 == 0 {
        return None;
    }
    let (x1, n1, x2, n2) = (x1 as f64, n1 as f64, x2 as f64, n2 as f64);
    let pooled = (x1 + x2) / (n1 + n2);
    let se = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    if se == 0.0 {
        return Some(1.0);
    }
    let z = ((x1 / n1) - (x2 / n2)).abs() / se;
    Some((2.0 * (1.0 - normal_cdf(z))).clamp(0.0, 1.0))
}

/// Standard normal CDF via erf (Abramowitz & Stegun 7.1.26, error < 1.5e-7).
pub fn normal_cdf(z: f64) -> f64 {
    let x = z / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    0.5 * (1.0 + erf.copysign(x))
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
    fn wilson_matches_reference_values() {
        // Newcombe (1998), table I: 81/263 → 0.2553 to 0.3662.
        let (lo, hi) = wilson(81, 263).unwrap();
        assert!(
            close(lo, 0.2553, 5e-4) && close(hi, 0.3662, 5e-4),
            "{lo} {hi}"
        );
        let (lo, hi) = wilson(0, 10).unwrap();
        assert!(lo == 0.0 && close(hi, 0.2775, 5e-4));
    }

    #[test]
    fn newcombe_matches_the_published_example() {
        // Newcombe (1998), table II example (a): 56/70 − 48/80 → 0.0524 to 0.3339.
        let (lo, hi) = newcombe_diff(56, 70, 48, 80).unwrap();
        assert!(
            close(lo, 0.0524, 5e-4) && close(hi, 0.3339, 5e-4),
            "{lo} {hi}"
        );
        // (d): 9/10 − 3/10 → 0.1705 to 0.8090
        let (lo, hi) = newcombe_diff(9, 10, 3, 10).unwrap();
        assert!(
            close(lo, 0.1705, 5e-4) && close(hi, 0.8090, 5e-4),
            "{lo} {hi}"
        );
    }

    #[test]
    fn relative_lift_and_p_value() {
        let (rel, lo, hi) = relative_lift(20, 100, 10, 100).unwrap();
        assert!(close(rel, 1.0, 1e-12));
        // Katz: se = sqrt(1/20 - 1/100 + 1/10 - 1/100) = sqrt(0.13) → RR 2 × e^(±1.96·0.3464)
        assert!(close(lo, 2.0 * (-Z95 * 0.360_555_f64).exp() - 1.0, 1e-4));
        assert!(close(hi, 2.0 * (Z95 * 0.360_555_f64).exp() - 1.0, 1e-4));
        assert!(relative_lift(0, 100, 10, 100).is_none());
        // z = 1.98 for 20/100 vs 10/100 → p ≈ 0.0477
        let p = two_proportion_p(20, 100, 10, 100).unwrap();
        assert!(close(p, 0.0477, 1e-3), "{p}");
        assert!(close(normal_cdf(1.959_964), 0.975, 1e-6));
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
