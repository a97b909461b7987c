//! Caps that keep a session's memory bounded however long it runs and whatever the page holds.
//! Beyond a cap new keys are not added and `dropped` counts what was refused.

/// No activity for this long starts a new session (the usual web-analytics convention).
pub const IDLE_TIMEOUT_MS: f64 = 30.0 * 60.0 * 1000.0;
/// An item counts as seen once it has been at least half visible for this long in one stretch.
pub const SEEN_AFTER_MS: f64 = 1000.0;
/// Rage click: this many clicks…
pub const RAGE_CLICKS: usize = 3;
/// …within this window…
pub const RAGE_WINDOW_MS: f64 = 1000.0;
/// …all within this distance (px) of each other's first click.
pub const RAGE_RADIUS_PX: f64 = 30.0;

/// Distinct items tracked per session.
pub const MAX_ITEMS: usize = 500;
/// Distinct categories tracked per session.
pub const MAX_CATEGORIES: usize = 100;
/// Distinct custom event names tracked per session.
pub const MAX_CUSTOM_NAMES: usize = 64;
/// Closed pages kept in the session's page history (older ones still count in the totals).
pub const MAX_PAGE_HISTORY: usize = 50;
/// Identifiers (item ids, categories, event names) are cut to this many bytes.
pub const MAX_ID_BYTES: usize = 64;
/// Distinct pages a session is described by (most recent): its summary lists them and the
/// live features average their statistics.
pub const MAX_PAGES: usize = 10;
/// Views of one page counted in the live features' page statistics (one digit in a summary).
pub const MAX_VIEWS_PER_PAGE: u32 = 9;
/// Intent checkpoints kept per session and sent in its summary (most recent).
pub const MAX_CHECKPOINTS: usize = 8;
/// Prices of recent item clicks kept per session (the ranking features' price level).
pub const MAX_CLICK_PRICES: usize = 16;
/// Ranking examples kept per session and sent in its summary.
pub const MAX_RANK_EXAMPLES: usize = 2;
