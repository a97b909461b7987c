//! Purchase intent on the device: the live session's features, scored by the model engine's
//! intent model (the shipped Burn model, or newer weights loaded from `modelUrl`).

use reshelf_core::features::{
    from_session, input_rows, Calendar, Date, LiveContext, PageStats, PageStatsFeed, VisitorType,
};
use reshelf_core::SessionState;

use crate::engine::{warn_dropped, EngineHandle, EngineModel, Scored};
use crate::visitor::visitor_type;

pub struct Intent {
    model: Option<EngineModel>,
    stats: PageStats,
    calendar: Calendar,
    site: String,
    /// The latest score and the session it belongs to.
    scored: Option<(String, f32)>,
    /// A worker engine's pending request: its id and the session it scores.
    asked: Option<(u32, String)>,
    /// New/returning, read from storage once per session rather than on every scoring.
    visitor: Option<(String, VisitorType)>,
    /// A shared kiosk: every shopper is a new visitor.
    kiosk: bool,
}

impl Intent {
    /// No model until the engine is attached ([`Intent::attach`]).
    pub fn new(site: &str, calendar: Calendar, kiosk: bool) -> Self {
        Self {
            kiosk,
            model: None,
            stats: PageStats::default(),
            calendar,
            site: site.to_string(),
            scored: None,
            asked: None,
            visitor: None,
        }
    }

    /// Takes the engine's intent model (and the page priors shipped with it); an engine
    /// without one leaves intent unscored.
    pub fn attach(&mut self, engine: &EngineHandle) {
        self.model = EngineModel::intent(engine);
        if let Some(priors) = self.model.as_ref().and_then(EngineModel::priors) {
            self.stats.priors = priors;
        }
    }

    /// Drops the engine (a worker that failed): intent goes quiet.
    pub fn detach(&mut self) {
        self.model = None;
        self.asked = None;
    }

    pub fn version(&self) -> Option<&str> {
        self.model.as_ref().map(|m| m.version.as_str())
    }

    /// Scores the session as of `now`; returns the new score when it changed noticeably. An
    /// engine in a worker is asked instead, and its answer comes to [`Intent::answer`].
    pub fn rescore(&mut self, state: &SessionState, now: f64) -> Option<f32> {
        self.model.as_ref()?;
        let ctx = self.context(&state.session_id, now);
        let model = self.model.as_ref()?;
        let features = from_session(state, &self.stats, &ctx, now);
        let score = match model.score(&input_rows(&[features.to_input()])) {
            Ok(Scored::Now(scores)) => scores.first().copied()?,
            Ok(Scored::Asked(id)) => {
                self.asked = Some((id, state.session_id.clone()));
                return None;
            }
            Ok(Scored::Declined) => return None,
            Err(reason) => {
                warn_dropped("intent", &reason, "the default layout is kept");
                self.model = None;
                return None;
            }
        };
        self.take(&state.session_id, score)
    }

    /// A worker engine's answer to request `id`: `None` when `id` is not the intent request
    /// waiting (it may be a slot's), else the new score if it changed noticeably.
    pub fn answer(&mut self, id: u32, scores: &[f32]) -> Option<Option<f32>> {
        if !matches!(&self.asked, Some((asked, _)) if *asked == id) {
            return None;
        }
        let (_, session) = self.asked.take()?;
        Some(scores.first().and_then(|s| self.take(&session, *s)))
    }

    fn take(&mut self, session_id: &str, score: f32) -> Option<f32> {
        let changed = match &self.scored {
            Some((session, old)) => session != session_id || (old - score).abs() >= 0.001,
            None => true,
        };
        self.scored = Some((session_id.to_string(), score));
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
