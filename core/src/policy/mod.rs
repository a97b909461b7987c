//! The rearrangement policy: pure and deterministic given the session, the page's items and
//! the visitor's arm. The browser applies its decisions; the replay command and the server
//! run the very same code.

pub mod holdout;
pub mod interest;
pub mod learned;
pub(crate) mod order;
pub mod rank;
pub mod variants;

pub use crate::experiment::{Arm, Decision, DecisionKind, HEURISTIC_RANKER};
pub use holdout::{arm_of_unit, assign_arm, randomisation_unit};
pub use interest::Interest;
#[cfg(feature = "inference")]
pub use learned::rank_learned;
pub use learned::{order_by_scores, order_learned, ranking_rows};
pub use rank::{personalisation_strength, rank, SlotItem};
pub use variants::{choose_variant, Conditions, Signals, VariantPolicy, VariantRule};
