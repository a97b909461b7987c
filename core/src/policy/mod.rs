//! The rearrangement policy: pure and deterministic given the session, the page's items and
//! the visitor's arm. The browser applies its decisions; the replay command and the server
//! run the very same code.

pub mod decision;
pub mod holdout;
pub mod interest;
pub mod rank;
pub mod variants;

pub use decision::{Arm, Decision, DecisionKind};
pub use holdout::assign_arm;
pub use interest::Interest;
pub use rank::{personalisation_strength, rank, SlotItem};
pub use variants::{choose_variant, Signals, VariantPolicy, VariantRule};
