//! A store's own ranking examples, as `GET /v1/export?kind=ranking` streams them: JSON Lines,
//! one example per line, `{"rows": [[22 bytes], ...], ...}` with the clicked item's quantised
//! features first and the skipped items above it after (nearest first). Other keys (the
//! ranker that ordered the slot, the arm, the day) are ignored here.
//!
//! Used by `fit-ranker --data` (fine-tuning the shipped weights) and `eval-ranker --data`.

use std::fs;
use std::path::Path;

use reshelf_core::features::{dequantise, MAX_SKIPPED, RANK_FEATURES};
use reshelf_core::model::{RankerFile, RankerModel};
use serde_json::Value;

use super::eval::Report;
use super::metrics::{rank_of, Tally};
use super::train::{train, List, RankTrainConfig};
use reshelf_core::policy::order_by_scores;

/// Bad lines named in one error, at most.
const MAX_REPORTED: usize = 10;

/// Reads an export: each example as a [`List`] in the order the shopper saw it (the skipped
/// items from the farthest to the nearest, then the clicked one).
///
/// # Errors
/// The file cannot be read, or lines are not examples: every bad line (the first ten) is
/// named with its number and what is wrong, and nothing is used.
pub fn read(path: &Path) -> Result<Vec<List>, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match parse_line(line) {
            Ok(list) => out.push(list),
            Err(e) => bad.push(format!("line {}: {e}", i + 1)),
        }
    }
    if !bad.is_empty() {
        let more = bad.len().saturating_sub(MAX_REPORTED);
        bad.truncate(MAX_REPORTED);
        let tail = if more > 0 {
            format!("; and {more} more")
        } else {
            String::new()
        };
        return Err(format!("{}: {}{tail}", path.display(), bad.join("; ")));
    }
    if out.is_empty() {
        return Err(format!("{}: no ranking examples", path.display()));
    }
    Ok(out)
}

fn parse_line(line: &str) -> Result<List, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON ({e})"))?;
    let rows = v
        .get("rows")
        .and_then(Value::as_array)
        .ok_or("no \"rows\" array")?;
    if rows.len() < 2 || rows.len() > 1 + MAX_SKIPPED {
        return Err(format!(
            "{} rows, expected 2..={} (the clicked item and the skipped ones)",
            rows.len(),
            1 + MAX_SKIPPED
        ));
    }
    let mut parsed: Vec<Vec<f32>> = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        let row = row.as_array().ok_or(format!("row {r} is not an array"))?;
        if row.len() != RANK_FEATURES {
            return Err(format!(
                "row {r} holds {} values, expected {RANK_FEATURES}",
                row.len()
            ));
        }
        let mut features = Vec::with_capacity(RANK_FEATURES);
        for (j, x) in row.iter().enumerate() {
            let byte = x
                .as_u64()
                .filter(|b| *b <= 255)
                .ok_or(format!("row {r} feature {j} is {x}, not a byte 0..=255"))?;
            features.push(dequantise(j, byte as u8));
        }
        parsed.push(features);
    }
    // Clicked first on the wire; the shopper saw the skipped ones above it.
    let clicked = parsed.remove(0);
    let mut shown: Vec<f32> = parsed.into_iter().rev().flatten().collect();
    shown.extend(clicked);
    Ok(List {
        clicked: shown.len() / RANK_FEATURES - 1,
        rows: shown,
    })
}

/// MRR of `model` on examples.
fn mrr(model: &RankerModel, lists: &[List]) -> f64 {
    let mut t = Tally::default();
    for l in lists {
        let k = l.rows.len() / RANK_FEATURES;
        t.add(rank_of(
            &order_by_scores(&model.scores(&l.rows), k),
            l.clicked,
        ));
    }
    t.mrr
}

/// `fit-ranker --data`: fine-tunes `weights` on a store's examples (the latest fifth held out
/// for early stopping) and writes `out/ranker.bin`.
pub fn fine_tune(
    data: &Path,
    weights: &Path,
    out: &Path,
    cfg: &RankTrainConfig,
) -> Result<(), String> {
    let lists = read(data)?;
    let bytes = fs::read(weights).map_err(|e| format!("{}: {e}", weights.display()))?;
    let base =
        RankerModel::from_bytes(&bytes).map_err(|e| format!("{}: {e}", weights.display()))?;
    // With a single example there is nothing to hold out: it trains and judges.
    let (fit, hold) = if lists.len() < 2 {
        (&lists[..], &lists[..])
    } else {
        lists.split_at(lists.len() - (lists.len() / 5).max(1))
    };
    let version = format!("{}+store", base.version.trim_end_matches("+store"));
    let tuned_cfg = RankTrainConfig {
        learning_rate: cfg.learning_rate / 3.0,
        ..cfg.clone()
    };
    let before = mrr(&base, hold);
    let trained = train(Some(&base), fit, &version, |m| mrr(m, hold), &tuned_cfg);
    let file = RankerFile {
        version,
        config: trained.model.config,
        layers: trained.model.layers().to_vec(),
    };
    let path = out.join("ranker.bin");
    fs::write(&path, file.encode()).map_err(|e| format!("{}: {e}", path.display()))?;
    println!(
        "{}",
        serde_json::json!({
            "weights": path.display().to_string(),
            "version": file.version,
            "examples": lists.len(),
            "held_out": hold.len(),
            "best_epoch": trained.best_epoch,
            "mrr_before": before,
            "mrr_after": trained.valid_mrr,
        })
    );
    Ok(())
}

/// `eval-ranker --data`: the model against the order the shopper saw and the category count
/// (the only baselines the feature bytes allow: examples carry no ids).
pub fn evaluate_examples(data: &Path, model: &RankerModel) -> Result<Report, String> {
    let lists = read(data)?;
    let mut report = Report {
        slots: lists.len(),
        ..Report::default()
    };
    let kind = report.by_kind.entry("store_examples".into()).or_default();
    for l in &lists {
        let k = l.rows.len() / RANK_FEATURES;
        let shown: Vec<usize> = (0..k).collect();
        let cat: Vec<f32> = l.rows.chunks_exact(RANK_FEATURES).map(|r| r[1]).collect();
        for (method, order) in [
            ("shown_order", shown),
            ("category_clicks", order_by_scores(&cat, k)),
            ("model", order_by_scores(&model.scores(&l.rows), k)),
        ] {
            kind.entry(method.into())
                .or_default()
                .add(rank_of(&order, l.clicked));
        }
    }
    Ok(report)
}
