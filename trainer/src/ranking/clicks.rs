//! Shopper click logs in the REES46 columns (`event_time, event_type, product_id,
//! category_id, category_code, brand, price, user_session`; a `user_id` column is ignored if
//! present): the data `fit-ranker` trains on and `eval-ranker --clicks` evaluates on.
//!
//! Source of the shipped ranker's data: REES46 "eCommerce behavior data from multi category
//! store" (Kaggle `mkechinov/ecommerce-behavior-data-from-multi-category-store`, REES46
//! Marketing Platform), read from its path and never copied into the project.

use std::path::Path;

use reshelf_core::features::Date;
use serde::Deserialize;

/// What happened in one row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    View,
    Cart,
    Purchase,
    /// `remove_from_cart` and anything else: kept in time, not scored.
    Other,
}

/// One row of a click log.
#[derive(Clone, Debug)]
pub struct Click {
    /// Epoch milliseconds (UTC).
    pub t: f64,
    pub action: Action,
    pub product: String,
    /// The store's category id (always present in REES46), compared for equality only.
    pub category: Option<String>,
    pub brand: Option<String>,
    /// `None` when absent, not a number, or not positive.
    pub price: Option<f64>,
    pub session: String,
}

#[derive(Deserialize)]
struct Row {
    event_time: String,
    event_type: String,
    product_id: String,
    category_id: String,
    #[serde(default)]
    brand: String,
    #[serde(default)]
    price: String,
    user_session: String,
}

/// Reads a click log. Rows without a product or session are skipped (REES46 has a few);
/// anything else malformed is an error naming the line.
///
/// # Errors
/// The file cannot be read, lacks a column, or a row's time is not `YYYY-MM-DD HH:MM:SS UTC`.
pub fn read(path: &Path) -> Result<Vec<Click>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let line = i + 2;
        let row = row.map_err(|e| format!("{} line {line}: {e}", path.display()))?;
        let t = parse_time(&row.event_time).ok_or_else(|| {
            format!(
                "{} line {line}: event_time {:?} is not YYYY-MM-DD HH:MM:SS UTC",
                path.display(),
                row.event_time
            )
        })?;
        if row.product_id.trim().is_empty() || row.user_session.trim().is_empty() {
            continue;
        }
        let action = match row.event_type.as_str() {
            "view" => Action::View,
            "cart" => Action::Cart,
            "purchase" => Action::Purchase,
            _ => Action::Other,
        };
        let some = |s: String| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        out.push(Click {
            t,
            action,
            product: row.product_id.trim().to_string(),
            category: some(row.category_id),
            brand: some(row.brand),
            price: row
                .price
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|p| p.is_finite() && *p > 0.0),
            session: row.user_session.trim().to_string(),
        });
    }
    if out.is_empty() {
        return Err(format!("{}: no rows", path.display()));
    }
    // Stable: rows of the same second keep the file's order.
    out.sort_by(|a, b| a.t.total_cmp(&b.t));
    Ok(out)
}

/// `2019-10-01 02:39:59 UTC` as epoch milliseconds.
pub fn parse_time(s: &str) -> Option<f64> {
    let s = s.trim().strip_suffix(" UTC").unwrap_or(s.trim());
    let (date, time) = s.split_once(' ')?;
    let mut d = date.split('-').map(|x| x.parse::<i64>().ok());
    let (y, m, day) = (d.next()??, d.next()??, d.next()??);
    let mut tt = time.split(':').map(|x| x.parse::<i64>().ok());
    let (h, mi, sec) = (tt.next()??, tt.next()??, tt.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&day) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let days = Date {
        year: i32::try_from(y).ok()?,
        month: m as u8,
        day: day as u8,
    }
    .days();
    Some((days * 86_400 + h * 3600 + mi * 60 + sec) as f64 * 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(parse_time("1970-01-01 00:00:01 UTC"), Some(1000.0));
        assert_eq!(
            parse_time("2019-10-01 02:39:59 UTC"),
            Some(1_569_897_599_000.0)
        );
        assert_eq!(parse_time("2019-13-01 00:00:00 UTC"), None);
        assert_eq!(parse_time("yesterday"), None);
    }
}
