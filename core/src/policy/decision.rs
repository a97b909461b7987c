//! What the policy decided, recorded in the session so lift can be measured honestly: the
//! control arm's would-be decisions are logged too, marked as not applied.

use serde::{Deserialize, Serialize};

/// Decisions kept per session (the oldest are dropped first).
pub const MAX_DECISIONS: usize = 50;

/// Which experience the visitor gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Arm {
    /// Personalised.
    Treatment,
    /// Default page; decisions computed and logged, never applied.
    Control,
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
    /// Whether the page was changed (false in control, and when nothing could move).
    pub applied: bool,
    #[serde(flatten)]
    pub kind: DecisionKind,
}
