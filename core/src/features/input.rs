//! The model's input vector and the raw session features it is computed from.

use serde::{Deserialize, Serialize};

/// Number of numeric inputs in [`ModelInput::numeric`].
pub const NUMERIC: usize = 11;

/// Month of the session, January = 0.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Month(pub u8);

impl Month {
    pub const COUNT: usize = 12;

    /// Parses month names as the training data writes them ("Feb", "June", "Sept", ...).
    pub fn parse(raw: &str) -> Option<Self> {
        let lower = raw.trim().to_ascii_lowercase();
        const NAMES: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        if lower.len() < 3 {
            return None;
        }
        let full = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ];
        let i = NAMES.iter().position(|n| lower.starts_with(n))?;
        // Accept the abbreviation, any prefix of the full name ("sept"), or the full name.
        full[i].starts_with(&lower).then_some(Month(i as u8))
    }

    pub fn index(self) -> usize {
        usize::from(self.0.min(11))
    }
}

/// New or returning visitor (the dataset's `VisitorType`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitorType {
    New,
    Returning,
    Other,
}

impl VisitorType {
    pub const COUNT: usize = 3;

    pub fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "New_Visitor" => Some(VisitorType::New),
            "Returning_Visitor" => Some(VisitorType::Returning),
            "Other" => Some(VisitorType::Other),
            _ => None,
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A session described in the training data's terms.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionFeatures {
    pub administrative: f32,
    /// Seconds.
    pub administrative_duration: f32,
    pub informational: f32,
    pub informational_duration: f32,
    pub product_related: f32,
    pub product_related_duration: f32,
    /// Averages over the visited pages of per-page statistics (0..1, 0..1, currency units).
    pub bounce_rate: f32,
    pub exit_rate: f32,
    pub page_value: f32,
    /// Closeness to a special day, 0..1.
    pub special_day: f32,
    pub month: Month,
    pub weekend: bool,
    pub visitor: VisitorType,
}

/// Width of the intent network's input: numeric columns, then one-hot month, then one-hot
/// visitor.
pub const INPUT_WIDTH: usize = NUMERIC + Month::COUNT + VisitorType::COUNT;

/// The batch laid out as the intent network's input, row-major `[n, INPUT_WIDTH]`: what the
/// capture module hands the model engine.
pub fn input_rows(inputs: &[ModelInput]) -> Vec<f32> {
    let mut x = vec![0.0f32; inputs.len() * INPUT_WIDTH];
    for (row, input) in x.chunks_exact_mut(INPUT_WIDTH).zip(inputs) {
        row[..NUMERIC].copy_from_slice(&input.numeric);
        row[NUMERIC + input.month.min(Month::COUNT - 1)] = 1.0;
        row[NUMERIC + Month::COUNT + input.visitor.min(VisitorType::COUNT - 1)] = 1.0;
    }
    x
}

/// What the model consumes: scaled numeric columns plus the category indices (one-hot encoded
/// by [`input_rows`]).
#[derive(Clone, Debug, PartialEq)]
pub struct ModelInput {
    pub numeric: [f32; NUMERIC],
    pub month: usize,
    pub visitor: usize,
}

impl SessionFeatures {
    /// Counts, durations and page value are heavy-tailed: `ln(1 + x)` keeps a 3-hour session
    /// and a 30-second one within one order of magnitude. Rates are scaled to about 0..1.
    /// Negative or non-finite values (never produced by the SDK) are treated as 0.
    pub fn to_input(&self) -> ModelInput {
        let l = |x: f32| {
            if x.is_finite() && x > 0.0 {
                x.ln_1p()
            } else {
                0.0
            }
        };
        let r = |x: f32, scale: f32| {
            if x.is_finite() {
                (x * scale).clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        ModelInput {
            numeric: [
                l(self.administrative),
                l(self.administrative_duration) / 4.0,
                l(self.informational),
                l(self.informational_duration) / 4.0,
                l(self.product_related) / 2.0,
                l(self.product_related_duration) / 4.0,
                r(self.bounce_rate, 5.0),
                r(self.exit_rate, 5.0),
                l(self.page_value) / 3.0,
                r(self.special_day, 1.0),
                if self.weekend { 1.0 } else { 0.0 },
            ],
            month: self.month.index(),
            visitor: self.visitor.index(),
        }
    }

    /// The session as it looked when only `fraction` of it had happened: counts and durations
    /// scale down (at least one page stays). Used to train and evaluate on sessions that are
    /// still going, which is what the SDK scores.
    pub fn truncated(&self, fraction: f32) -> Self {
        let f = fraction.clamp(0.0, 1.0);
        let count = |c: f32| if c > 0.0 { (c * f).round() } else { 0.0 };
        let mut out = self.clone();
        out.administrative = count(self.administrative);
        out.informational = count(self.informational);
        out.product_related = count(self.product_related);
        if out.administrative + out.informational + out.product_related == 0.0 {
            out.product_related = self.product_related.min(1.0);
        }
        out.administrative_duration *= f;
        out.informational_duration *= f;
        out.product_related_duration *= f;
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_as_the_dataset_writes_them() {
        assert_eq!(Month::parse("Feb"), Some(Month(1)));
        assert_eq!(Month::parse("June"), Some(Month(5)));
        assert_eq!(Month::parse("Sept"), Some(Month(8)));
        assert_eq!(Month::parse("December"), Some(Month(11)));
        assert_eq!(Month::parse("Foo"), None);
        assert_eq!(Month::parse("Ju"), None);
    }

    #[test]
    fn inputs_are_finite_for_any_values() {
        let f = SessionFeatures {
            administrative: f32::NAN,
            administrative_duration: -5.0,
            informational: f32::INFINITY,
            informational_duration: 0.0,
            product_related: 700.0,
            product_related_duration: 63_000.0,
            bounce_rate: 0.2,
            exit_rate: -1.0,
            page_value: 361.0,
            special_day: 0.4,
            month: Month(10),
            weekend: true,
            visitor: VisitorType::Returning,
        };
        let x = f.to_input();
        assert!(
            x.numeric
                .iter()
                .all(|v| v.is_finite() && *v >= 0.0 && *v < 4.0),
            "{x:?}"
        );
        assert_eq!((x.month, x.visitor), (10, 1));
    }
}
