//! `init()` options, validated once at start.

use wasm_bindgen::JsValue;

use crate::errors::Error;
use crate::plain::{self, get};
use reshelf_core::features::{Calendar, Date};

/// The options reshelf's Rust side reads (camelCase in JS); other keys belong to the JS
/// glue (sync, kiosk, engine) and are ignored here.
#[derive(Debug, Clone)]
pub struct Options {
    /// Site id; namespaces the stored session so two stores on one origin never mix.
    pub site: String,
    /// Fraction of visitors in the control arm.
    pub holdout: f64,
    /// Keep the session across page loads in localStorage. Off: the session lives only as
    /// long as the document.
    pub persist: bool,
    /// Special days (`YYYY-MM-DD`) for the model's special-day feature; default: Valentine's
    /// Day and Mother's Day.
    pub special_days: Option<Vec<String>>,
    /// Kiosk mode: a shared device. No visitor id or returning-visitor flag is kept, and the
    /// holdout arm is drawn per session rather than per visitor.
    pub kiosk: bool,
    /// Hash-router fragments (`#/product/1`) are page views; in-page anchors never are.
    pub hash_routes: bool,
    /// Which order slots get: `model` (the learned ranker, default) or `heuristic` (the
    /// hand-set order).
    pub ranker: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            site: "default".into(),
            holdout: 0.1,
            persist: true,
            special_days: None,
            kiosk: false,
            ranker: "model".into(),
            hash_routes: true,
        }
    }
}

impl Options {
    pub fn from_js(value: &JsValue) -> Result<Self, Error> {
        let opts = if plain::absent(value) {
            Options::default()
        } else if plain::is_record(value) {
            Self::read(value).map_err(|e| Error::Options(["invalid options: ", &e].concat()))?
        } else {
            return Err(Error::Options("invalid options: not an object".into()));
        };
        opts.validated()
    }

    fn read(o: &JsValue) -> Result<Self, String> {
        let d = Options::default();
        // Options with a default may be left out, not set to null (a null site would
        // otherwise quietly become "default" and share its stored session).
        let given = |key: &str| {
            let v = get(o, key);
            if v.is_null() {
                Err([key, " must not be null (leave it out for the default)"].concat())
            } else {
                Ok(v)
            }
        };
        // Read by the JS glue (sync), checked here so a wrong type fails init() as before.
        plain::string(get(o, "endpoint"), "endpoint")?;
        plain::string(get(o, "key"), "key")?;
        Ok(Self {
            site: plain::string(given("site")?, "site")?.unwrap_or(d.site),
            holdout: plain::number(given("holdout")?, "holdout")?.unwrap_or(d.holdout),
            persist: plain::boolean(given("persist")?, "persist")?.unwrap_or(d.persist),
            special_days: plain::strings(get(o, "specialDays"), "specialDays")?,
            kiosk: plain::boolean(given("kiosk")?, "kiosk")?.unwrap_or(d.kiosk),
            hash_routes: plain::boolean(given("hashRoutes")?, "hashRoutes")?
                .unwrap_or(d.hash_routes),
            ranker: plain::string(given("ranker")?, "ranker")?.unwrap_or(d.ranker),
        })
    }

    fn validated(self) -> Result<Self, Error> {
        let site_ok = !self.site.is_empty()
            && self.site.len() <= 64
            && self
                .site
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !site_ok {
            return Err(Error::Options(
                [
                    "site must be 1-64 characters of A-Z, a-z, 0-9, '-' or '_', got \"",
                    &self.site,
                    "\"",
                ]
                .concat(),
            ));
        }
        if !(0.0..=1.0).contains(&self.holdout) {
            return Err(Error::Options(
                "holdout must be a fraction between 0 and 1".into(),
            ));
        }
        if !matches!(self.ranker.as_str(), "model" | "heuristic") {
            return Err(Error::Options(
                [
                    "ranker must be 'model' or 'heuristic', got \"",
                    &self.ranker,
                    "\"",
                ]
                .concat(),
            ));
        }
        if let Some(days) = &self.special_days {
            if let Some(bad) = days.iter().find(|d| Date::parse(d).is_none()) {
                return Err(Error::Options(
                    ["specialDays entries must be YYYY-MM-DD, got \"", bad, "\""].concat(),
                ));
            }
        }
        Ok(self)
    }

    /// `ranker: 'heuristic'`: slots keep the hand-set order and the model is not loaded.
    pub fn heuristic_ranker(&self) -> bool {
        self.ranker == "heuristic"
    }

    /// The special-day calendar the options describe.
    pub fn calendar(&self) -> Calendar {
        match &self.special_days {
            Some(days) => Calendar {
                days: days.iter().filter_map(|d| Date::parse(d)).collect(),
            },
            None => Calendar::default(),
        }
    }
}
