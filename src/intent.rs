//! Purchase intent on the device: the embedded Burn model (or newer weights loaded from
//! `modelUrl`) scoring the live session's features.

use reshelf_core::features::{
    from_session, Calendar, Date, LiveContext, PageStats, PageStatsFeed, VisitorType,
};
use reshelf_core::model::{sha256_hex, IntentModel, ModelError};
use reshelf_core::SessionState;

use crate::visitor::visitor_type;

/// The shipped weights, compiled into the wasm.
static EMBEDDED: &[u8] = include_bytes!("../models/intent.bin");

pub struct Intent {
    model: Option<IntentModel>,
    stats: PageStats,
    calendar: Calendar,
    site: String,
    /// The latest score and the session it belongs to.
    scored: Option<(String, f32)>,
    /// New/returning, read from storage once per session rather than on every scoring.
    visitor: Option<(String, VisitorType)>,
    /// A shared kiosk: every shopper is a new visitor.
    kiosk: bool,
}

impl Intent {
    /// No model yet: [`Intent::load_embedded`] decodes it in a task of its own, so start-up
    /// and model decoding are two short tasks rather than one long one.
    pub fn new(site: &str, calendar: Calendar, kiosk: bool) -> Self {
        Self {
            kiosk,
            model: None,
            stats: PageStats::default(),
            calendar,
            site: site.to_string(),
            scored: None,
            visitor: None,
        }
    }

    /// Decodes the embedded weights unless newer ones were loaded meanwhile. On failure the
    /// SDK runs without a score (the default layout) and says so once.
    pub fn load_embedded(&mut self) {
        if self.model.is_some() {
            return;
        }
        match IntentModel::from_bytes(EMBEDDED) {
            Ok(m) => {
                self.stats.priors = m.priors;
                self.model = Some(m);
            }
            Err(e) => web_sys::console::warn_1(
                &format!("reshelf: intent model unavailable ({e}); the default layout is kept")
                    .into(),
            ),
        }
    }

    pub fn version(&self) -> Option<&str> {
        self.model.as_ref().map(|m| m.version.as_str())
    }

    /// Calibrated scores for rows already laid out as the network's input (diagnostics and
    /// benchmarks: the same rows can be fed to the network rebuilt in another runtime).
    pub fn score_rows(&self, rows: &[f32]) -> Option<Vec<f32>> {
        self.model.as_ref()?.score_rows(rows)
    }

    /// Replaces the model with downloaded weights after checking them against the sha256 and
    /// version the page expects. On any mismatch the current model stays.
    pub fn replace(&mut self, bytes: &[u8], sha256: &str, version: &str) -> Result<(), String> {
        let actual = sha256_hex(bytes);
        if !actual.eq_ignore_ascii_case(sha256.trim()) {
            return Err(format!(
                "modelUrl: sha256 {actual} does not match the expected {sha256}"
            ));
        }
        // The file's own payload checksum is verified by `from_bytes`; the sha256 above is
        // the page's pin on the whole file, checked before any decoding.
        let model =
            IntentModel::from_bytes(bytes).map_err(|e: ModelError| format!("modelUrl: {e}"))?;
        if model.version != version {
            return Err(format!(
                "modelUrl: the file holds {}, expected {version}",
                model.version
            ));
        }
        self.stats.priors = model.priors;
        self.model = Some(model);
        Ok(())
    }

    /// Scores the session as of `now`; returns the new score when it changed noticeably.
    pub fn rescore(&mut self, state: &SessionState, now: f64) -> Option<f32> {
        self.model.as_ref()?;
        let ctx = self.context(&state.session_id, now);
        let model = self.model.as_ref()?;
        let features = from_session(state, &self.stats, &ctx, now);
        let score = model.score(&features.to_input());
        let changed = match &self.scored {
            Some((session, old)) => session != &state.session_id || (old - score).abs() >= 0.001,
            None => true,
        };
        self.scored = Some((state.session_id.clone(), score));
        changed.then_some(score)
    }

    /// The score if it belongs to the current session.
    pub fn current(&self, session_id: &str) -> Option<f32> {
        self.scored
            .as_ref()
            .filter(|(s, _)| s == session_id)
            .map(|(_, score)| *score)
    }

    fn context(&mut self, session_id: &str, now: f64) -> LiveContext {
        let visitor = self.visitor_for(session_id);
        LiveContext::on_day(local_date(now), &self.calendar, visitor)
    }

    /// Closeness to a special day on the local date of an instant (epoch milliseconds).
    pub fn special_day_at(&self, at: f64) -> f32 {
        self.calendar.closeness(local_date(at))
    }

    /// Per-page statistics from the backend's feed replace the previous ones (the shipped
    /// priors stay for pages the feed does not name). Returns the pages taken.
    pub fn set_page_stats(&mut self, feed: &PageStatsFeed) -> Result<usize, String> {
        feed.apply_to(&mut self.stats)
    }

    /// New or returning, as the model and the summary see the visitor of `session_id`.
    pub fn visitor_for(&mut self, session_id: &str) -> VisitorType {
        if self.kiosk {
            return VisitorType::New;
        }
        match &self.visitor {
            Some((id, v)) if id == session_id => *v,
            _ => {
                let v = visitor_type(&self.site, session_id);
                self.visitor = Some((session_id.to_string(), v));
                v
            }
        }
    }
}

/// The shopper's local calendar date of an instant (epoch milliseconds).
fn local_date(at: f64) -> Date {
    let d = js_sys::Date::new(&at.into());
    Date {
        year: d.get_full_year() as i32,
        month: d.get_month() as u8 + 1,
        day: d.get_date() as u8,
    }
}
