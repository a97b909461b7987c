//! Features: the one mapping from a session to the intent model's input.
//!
//! The same code turns a row of the training data (trainer), a live session (browser) and a
//! stored summary (server) into [`ModelInput`], so the model sees identical numbers wherever
//! it runs.
//!
//! Only columns the SDK can compute on the device are used: page counts and durations per
//! kind, the page statistics the backend feeds back (bounce, exit, page value), month,
//! weekend, special day and new/returning visitor. The dataset's `OperatingSystems`,
//! `Browser`, `Region` and `TrafficType` are anonymised integer codes with no published
//! mapping to real browsers or sources, so a browser could never produce them; they are left
//! out rather than guessed.

mod calendar;
mod csv_row;
mod feed;
mod input;
mod live;
mod rank_example;
mod ranking;

pub use calendar::Date;
pub use calendar::{special_day, Calendar};
pub use csv_row::{parse_csv, CsvError, LabelledRow};
pub use feed::{PageStatsFeed, FEED_VERSION};
pub use input::{
    input_rows, ModelInput, Month, SessionFeatures, VisitorType, INPUT_WIDTH, NUMERIC,
};
pub use live::{from_session, page_averages, LiveContext, PagePriors, PageStat, PageStats};
pub use rank_example::{RankExample, RankExampleError, MAX_SKIPPED};
pub use ranking::{
    dequantise, has_signal, quantise, rank_features, rank_features_at, RankContext,
    FEATURES as RANK_FEATURE_DOCS, RANK_FEATURES, SIGNED as SIGNED_RANK_FEATURES,
};
