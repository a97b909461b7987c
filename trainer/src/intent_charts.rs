//! The intent card's charts (SVG, drawn with `plotters`): ROC and precision–recall curves,
//! and a calibration (reliability) diagram — predicted purchase probability against the share
//! of sessions that bought, per tenth of the score.

use std::path::Path;

use plotters::prelude::*;

const SIZE: (u32, u32) = (900, 420);
const BINS: usize = 10;

fn err(e: impl std::fmt::Display) -> String {
    format!("drawing a chart: {e}")
}

/// Writes `intent_roc_pr.svg` and `intent_calibration.svg` into `out` for scores (purchase
/// probabilities) and their labels (bought or not).
pub fn intent_charts(scores: &[f32], labels: &[bool], out: &Path) -> Result<(), String> {
    let (roc, pr) = curves(scores, labels);
    let path = out.join("intent_roc_pr.svg");
    let root = SVGBackend::new(&path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let (left, right) = root.split_horizontally(SIZE.0 / 2);
    panel(
        &left,
        "ROC (held-out sessions)",
        "false positive rate",
        "true positive rate",
        &roc,
        true,
    )?;
    panel(
        &right,
        "Precision–recall",
        "recall",
        "precision",
        &pr,
        false,
    )?;
    root.present().map_err(err)?;

    let path = out.join("intent_calibration.svg");
    let root = SVGBackend::new(&path, (SIZE.0 / 2 + 60, SIZE.1)).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    panel(
        &root,
        "Calibration: predicted vs observed",
        "predicted purchase probability (bin mean)",
        "share of sessions that bought",
        &reliability(scores, labels),
        true,
    )?;
    root.present().map_err(err)
}

fn panel(
    area: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    points: &[(f64, f64)],
    diagonal: bool,
) -> Result<(), String> {
    let mut chart = ChartBuilder::on(area)
        .caption(title, ("sans-serif", 17))
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(50)
        .build_cartesian_2d(0f64..1f64, 0f64..1f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .draw()
        .map_err(err)?;
    if diagonal {
        chart
            .draw_series(LineSeries::new([(0.0, 0.0), (1.0, 1.0)], BLACK.mix(0.3)))
            .map_err(err)?;
    }
    let color = Palette99::pick(4).to_rgba();
    chart
        .draw_series(LineSeries::new(
            points.iter().copied(),
            color.stroke_width(2),
        ))
        .map_err(err)?;
    if points.len() <= BINS {
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 4, color.filled())))
            .map_err(err)?;
    }
    Ok(())
}

/// Points of a curve, (x, y).
type Curve = Vec<(f64, f64)>;

/// ROC points (fpr, tpr) and PR points (recall, precision), thresholds from high to low.
fn curves(scores: &[f32], labels: &[bool]) -> (Curve, Curve) {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let pos = labels.iter().filter(|l| **l).count().max(1) as f64;
    let neg = labels.iter().filter(|l| !**l).count().max(1) as f64;
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut roc = vec![(0.0, 0.0)];
    let mut pr = Vec::new();
    for (k, &i) in order.iter().enumerate() {
        if labels[i] {
            tp += 1.0;
        } else {
            fp += 1.0;
        }
        let last_of_tie = order.get(k + 1).is_none_or(|&j| scores[j] != scores[i]);
        if last_of_tie {
            roc.push((fp / neg, tp / pos));
            pr.push((tp / pos, tp / (tp + fp)));
        }
    }
    (roc, pr)
}

/// (mean predicted, observed rate) per tenth of the score, for bins holding sessions.
fn reliability(scores: &[f32], labels: &[bool]) -> Vec<(f64, f64)> {
    let mut sum = [0.0f64; BINS];
    let mut hits = [0.0f64; BINS];
    let mut n = [0usize; BINS];
    for (s, y) in scores.iter().zip(labels) {
        let b = ((f64::from(*s) * BINS as f64) as usize).min(BINS - 1);
        sum[b] += f64::from(*s);
        hits[b] += f64::from(u8::from(*y));
        n[b] += 1;
    }
    (0..BINS)
        .filter(|&b| n[b] > 0)
        .map(|b| (sum[b] / n[b] as f64, hits[b] / n[b] as f64))
        .collect()
}
