//! Rage-click detection: several fast clicks on (nearly) the same spot signal frustration.

use serde::{Deserialize, Serialize};

use crate::limits::{RAGE_CLICKS, RAGE_RADIUS_PX, RAGE_WINDOW_MS};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RageWindow {
    pub(crate) recent: Vec<(f64, f64, f64)>,
}

impl RageWindow {
    /// Records a click; true when it completes a rage burst. The burst is then consumed, so a
    /// long volley of clicks counts once per three clicks, not once per click.
    pub fn click(&mut self, t: f64, x: f64, y: f64) -> bool {
        self.recent.retain(|&(t0, x0, y0)| {
            t - t0 <= RAGE_WINDOW_MS && (x - x0).hypot(y - y0) <= RAGE_RADIUS_PX
        });
        self.recent.push((t, x, y));
        if self.recent.len() >= RAGE_CLICKS {
            self.recent.clear();
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_quick_close_clicks_are_rage() {
        let mut w = RageWindow::default();
        assert!(!w.click(0.0, 10.0, 10.0));
        assert!(!w.click(300.0, 15.0, 12.0));
        assert!(w.click(600.0, 12.0, 20.0));
    }

    #[test]
    fn slow_or_spread_clicks_are_not() {
        let mut w = RageWindow::default();
        assert!(!w.click(0.0, 0.0, 0.0));
        assert!(!w.click(600.0, 0.0, 0.0));
        assert!(
            !w.click(1700.0, 0.0, 0.0),
            "first click fell out of the 1 s window"
        );
        let mut w = RageWindow::default();
        assert!(!w.click(0.0, 0.0, 0.0));
        assert!(!w.click(100.0, 100.0, 0.0));
        assert!(!w.click(200.0, 200.0, 0.0));
    }
}
