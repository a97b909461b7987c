//! Purchase intent on the device: the embedded Burn model (or newer weights loaded from
//! `modelUrl`) scoring the live session's features.

use reshelf_core::features::{from_session, Calendar, Date, LiveContext, Month, PageStats};
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
    pub score: Option<f32>,
    scored_session: String,
}

impl Intent {
    /// Decodes the embedded model. On failure the SDK runs without a score and says so once.
    pub fn embedded(site: &str, calendar: Calendar) -> Self {
        let model = match IntentModel::from_bytes(EMBEDDED) {
            Ok(m) => Some(m),
            Err(e) => {
                web_sys::console::warn_1(
                    &format!("reshelf: intent model unavailable ({e}); the default layout is kept")
                        .into(),
                );
                None
            }
        };
        let mut stats = PageStats::default();
        if let Some(m) = &model {
            stats.priors = m.priors;
        }
        Self {
            model,
            stats,
            calendar,
            site: site.to_string(),
            score: None,
            scored_session: String::new(),
        }
    }

    pub fn version(&self) -> Option<&str> {
        self.model.as_ref().map(|m| m.version.as_str())
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
        let model = self.model.as_ref()?;
        let ctx = self.context(&state.session_id, now);
        let features = from_session(state, &self.stats, &ctx, now);
        let score = model.score(&features.to_input());
        let changed = self.scored_session != state.session_id
            || self.score.is_none_or(|old| (old - score).abs() >= 0.001);
        self.score = Some(score);
        self.scored_session.clone_from(&state.session_id);
        changed.then_some(score)
    }

    /// The score if it belongs to the current session.
    pub fn current(&self, session_id: &str) -> Option<f32> {
        self.score.filter(|_| self.scored_session == session_id)
    }

    fn context(&self, session_id: &str, now: f64) -> LiveContext {
        let d = js_sys::Date::new(&now.into());
        let today = Date {
            year: d.get_full_year() as i32,
            month: d.get_month() as u8 + 1,
            day: d.get_date() as u8,
        };
        LiveContext {
            month: Month(d.get_month() as u8),
            weekend: matches!(d.get_day(), 0 | 6),
            special_day: self.calendar.closeness(today),
            visitor: visitor_type(&self.site, session_id),
        }
    }
}
