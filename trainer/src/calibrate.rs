//! Platt scaling: fits p = sigmoid(a * logit + b) to held-out labels by Newton's method on the
//! log loss, so scores read as probabilities.

use reshelf_core::model::Calibration;

pub fn platt(logits: &[f32], labels: &[bool]) -> Calibration {
    let (mut a, mut b) = (1.0f64, 0.0f64);
    for _ in 0..100 {
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (&z, &y) in logits.iter().zip(labels) {
            let z = f64::from(z);
            let p = 1.0 / (1.0 + (-(a * z + b)).exp());
            let d = p - f64::from(u8::from(y));
            let w = (p * (1.0 - p)).max(1e-12);
            ga += d * z;
            gb += d;
            haa += w * z * z;
            hab += w * z;
            hbb += w;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() + db.abs() < 1e-9 {
            break;
        }
    }
    Calibration {
        a: a as f32,
        b: b as f32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recovers_a_known_scaling() {
        // Labels drawn deterministically so that P(y | z) = sigmoid(2z - 1).
        let mut logits = Vec::new();
        let mut labels = Vec::new();
        for i in 0..400 {
            let z = (i as f32 / 400.0) * 6.0 - 3.0;
            let p = 1.0 / (1.0 + (-(2.0 * z - 1.0)).exp());
            for k in 0..100 {
                logits.push(z);
                labels.push((k as f32 + 0.5) / 100.0 < p);
            }
        }
        let c = platt(&logits, &labels);
        assert!(
            (c.a - 2.0).abs() < 0.15 && (c.b + 1.0).abs() < 0.15,
            "{c:?}"
        );
    }
}
