//! Holdout assignment: a stable hash of the visitor id decides the arm, so a visitor keeps
//! their arm across sessions (and a kiosk can pass a per-session id instead).

use crate::experiment::Arm;
use crate::hash::fnv1a32;

/// The randomisation unit of a visitor id (a kiosk: a session id) on `site`: the FNV-1a hash
/// the arm is drawn from, sent in summaries so the backend can count units, not sessions.
pub fn randomisation_unit(visitor_id: &str, site: &str) -> u32 {
    fnv1a32([site, ":", visitor_id].concat().as_bytes())
}

/// Control when the visitor's hash falls in the lowest `holdout` fraction.
pub fn assign_arm(visitor_id: &str, site: &str, holdout: f64) -> Arm {
    arm_of_unit(randomisation_unit(visitor_id, site), holdout)
}

/// The arm of a [randomisation unit](randomisation_unit).
pub fn arm_of_unit(unit: u32, holdout: f64) -> Arm {
    // Spread FNV's low-entropy high bits before using them as a uniform fraction.
    let mut h = u64::from(unit);
    h ^= h >> 16;
    h = h.wrapping_mul(0x045d_9f3b);
    h ^= h >> 16;
    let unit = (h & 0xffff_ffff) as f64 / 4_294_967_296.0;
    if unit < holdout.clamp(0.0, 1.0) {
        Arm::Control
    } else {
        Arm::Treatment
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sticky_and_close_to_the_configured_fraction() {
        assert_eq!(assign_arm("v1", "demo", 0.1), assign_arm("v1", "demo", 0.1));
        let control = (0..20_000)
            .filter(|i| assign_arm(&format!("visitor-{i}"), "demo", 0.1) == Arm::Control)
            .count();
        assert!(
            (1700..2300).contains(&control),
            "{control} of 20000 in control"
        );
        assert_eq!(assign_arm("v", "demo", 0.0), Arm::Treatment);
        assert_eq!(assign_arm("v", "demo", 1.0), Arm::Control);
    }
}
