//! The two models and their guards, as plain Rust (tested natively and in wasm).

use reshelf_core::features::RANK_FEATURES;
use reshelf_core::model::{sha256_hex, IntentModel, RankerModel};

/// The shipped intent weights (`reshelf-train fit`).
pub static SHIPPED_INTENT: &[u8] = include_bytes!("../../models/intent.bin");
/// The shipped ranker weights (`reshelf-train fit-ranker`).
pub static SHIPPED_RANKER: &[u8] = include_bytes!("../../models/ranker.bin");

/// The engine's models; either may be missing (weights that failed to decode, or the ranker
/// not asked for).
#[derive(Debug, Default)]
pub struct Models {
    pub intent: Option<IntentModel>,
    pub ranker: Option<RankerModel>,
    /// Why a model is missing, one line each, for the console.
    pub problems: Vec<String>,
}

impl Models {
    /// The shipped weights; the ranker only when `ranker` is true.
    pub fn shipped(ranker: bool) -> Self {
        Self::decode(SHIPPED_INTENT, ranker.then_some(SHIPPED_RANKER))
    }

    /// Decodes an intent weights file and optionally a ranker file, keeping what decodes.
    pub fn decode(intent: &[u8], ranker: Option<&[u8]>) -> Self {
        let mut out = Self::default();
        match IntentModel::from_bytes(intent) {
            Ok(m) => out.intent = Some(m),
            Err(e) => out.problems.push(format!(
                "intent model unavailable ({e}); the default layout is kept"
            )),
        }
        if let Some(bytes) = ranker {
            match RankerModel::from_bytes(bytes) {
                Ok(m) => out.ranker = Some(m),
                Err(e) => out.problems.push(format!(
                    "ranker model unavailable ({e}); the hand-set order is used"
                )),
            }
        }
        out
    }

    /// Ranker scores for whole rows of `RANK_FEATURES`; `None` otherwise or without a ranker.
    pub fn score_ranker(&self, rows: &[f32]) -> Option<Vec<f32>> {
        if rows.is_empty() || !rows.len().is_multiple_of(RANK_FEATURES) {
            return None;
        }
        Some(self.ranker.as_ref()?.scores(rows))
    }

    /// See [`crate::Engine::replace_intent`].
    pub fn replace_intent(
        &mut self,
        bytes: &[u8],
        sha256: &str,
        version: &str,
    ) -> Result<(), String> {
        let actual = sha256_hex(bytes);
        if !actual.eq_ignore_ascii_case(sha256.trim()) {
            return Err(format!(
                "modelUrl: sha256 {actual} does not match the expected {sha256}"
            ));
        }
        // The file's own payload checksum is verified by `from_bytes`; the sha256 above is
        // the page's pin on the whole file, checked before any decoding.
        let model = IntentModel::from_bytes(bytes).map_err(|e| format!("modelUrl: {e}"))?;
        if model.version != version {
            return Err(format!(
                "modelUrl: the file holds {}, expected {version}",
                model.version
            ));
        }
        self.intent = Some(model);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reshelf_core::features::PagePriors;
    use reshelf_core::model::{parity_inputs, ranker_parity_rows};

    #[test]
    fn shipped_models_decode_and_score() {
        let m = Models::shipped(true);
        assert!(m.problems.is_empty(), "{:?}", m.problems);
        let rows = ranker_parity_rows();
        assert_eq!(
            m.score_ranker(&rows).unwrap().len(),
            rows.len() / RANK_FEATURES
        );
        let inputs: Vec<_> = parity_inputs().iter().map(|f| f.to_input()).collect();
        let rows = reshelf_core::features::input_rows(&inputs);
        let scores = m.intent.as_ref().unwrap().score_rows(&rows).unwrap();
        assert_eq!(scores.len(), inputs.len());
        assert!(scores.iter().all(|p| (0.0..=1.0).contains(p)));
    }

    #[test]
    fn the_ranker_is_left_out_when_not_asked_for() {
        let m = Models::shipped(false);
        assert!(m.ranker.is_none() && m.intent.is_some() && m.problems.is_empty());
        assert!(m.score_ranker(&ranker_parity_rows()).is_none());
    }

    #[test]
    fn damaged_weights_leave_that_model_out_and_say_why() {
        let m = Models::decode(
            b"garbage",
            Some(&SHIPPED_RANKER[..SHIPPED_RANKER.len() - 3]),
        );
        assert!(m.intent.is_none() && m.ranker.is_none());
        assert_eq!(m.problems.len(), 2);
        assert!(m.problems[0].starts_with("intent model unavailable"));
        assert!(m.problems[1].starts_with("ranker model unavailable"));
    }

    #[test]
    fn partial_rows_are_refused() {
        let m = Models::shipped(true);
        assert!(m.score_ranker(&[0.0; RANK_FEATURES + 1]).is_none());
        assert!(m.score_ranker(&[]).is_none());
    }

    #[test]
    fn newer_intent_weights_are_checked_before_use() {
        let mut m = Models::shipped(false);
        let version = m.intent.as_ref().unwrap().version.clone();
        let sha = sha256_hex(SHIPPED_INTENT);
        assert!(m
            .replace_intent(SHIPPED_INTENT, &"0".repeat(64), &version)
            .unwrap_err()
            .contains("does not match"));
        assert!(m
            .replace_intent(SHIPPED_INTENT, &sha, "other")
            .unwrap_err()
            .contains("expected other"));
        m.replace_intent(SHIPPED_INTENT, &sha.to_uppercase(), &version)
            .unwrap();
    }

    #[test]
    fn priors_cross_as_nine_floats() {
        let m = Models::shipped(false);
        let priors = m.intent.as_ref().unwrap().priors;
        assert_eq!(PagePriors::from_flat(&priors.to_flat()), Some(priors));
        assert_eq!(PagePriors::from_flat(&[0.0; 8]), None);
        assert_eq!(PagePriors::from_flat(&[f32::NAN; 9]), None);
    }
}
