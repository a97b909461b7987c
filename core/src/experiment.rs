//! The experiment's vocabulary: which arm a visitor is in and what the policy decided,
//! recorded in the session so lift can be measured honestly (the control arm's would-be
//! decisions are logged too, marked as not applied). A leaf module: the session, the policy
//! and the summary use it; it uses none of them.

use serde::{Deserialize, Serialize};

/// Decisions kept per session (the oldest are dropped first).
pub const MAX_DECISIONS: usize = 50;

/// The name a decision made by the hand-set order records as its ranker.
pub const HEURISTIC_RANKER: &str = "heuristic";

/// Which experience the visitor gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arm {
    /// Personalised.
    Treatment,
    /// Default page; decisions computed and logged, never applied.
    Control,
}

impl Arm {
    /// `treatment` or `control` (the serde name).
    pub fn name(self) -> &'static str {
        match self {
            Arm::Treatment => "treatment",
            Arm::Control => "control",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DecisionKind {
    /// A slot's order. `moved` counts items whose position changed (in control: would have).
    Slot {
        slot: String,
        items: u32,
        moved: u32,
    },
    /// A variants section's choice.
    Variant { section: String, variant: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub t: f64,
    pub arm: Arm,
    pub model_version: Option<String>,
    /// Which order a slot decision followed: the ranker model's version, or
    /// [`HEURISTIC_RANKER`] for the hand-set order (`None` for variant decisions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ranker: Option<String>,
    /// Whether the page was changed (false in control, and when nothing could move).
    pub applied: bool,
    #[serde(flatten)]
    pub kind: DecisionKind,
}
