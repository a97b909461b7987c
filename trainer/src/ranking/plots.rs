//! The ranker card's charts (SVG, drawn with `plotters`): MRR per slot kind, and MRR by
//! session length, one colour per method, so a merchandiser sees at a glance which order wins
//! where.

use std::path::Path;

use plotters::prelude::*;

use super::eval::{Report, LENGTHS, METHODS};
use super::slots::SlotKind;

const SIZE: (u32, u32) = (900, 400);
/// Room on the right for the legend, so it never covers a bar or a line.
const LEGEND_PX: u32 = 200;

/// Writes `ranker_mrr_by_kind.svg` and `ranker_mrr_by_length.svg` into `out`.
pub fn ranker_charts(report: &Report, out: &Path) -> Result<(), String> {
    let kinds: Vec<(String, Vec<f64>)> = SlotKind::ALL
        .iter()
        .map(|k| {
            let m = report.by_kind.get(k.name());
            (
                k.name().replace('_', " "),
                METHODS
                    .iter()
                    .map(|x| m.and_then(|m| m.get(*x)).map_or(0.0, |t| t.mrr))
                    .collect(),
            )
        })
        .collect();
    bars(
        &out.join("ranker_mrr_by_kind.svg"),
        "MRR of the next click, by slot kind (held-out later sessions)",
        &kinds,
    )?;
    let lengths: Vec<(String, Vec<f64>)> = LENGTHS
        .iter()
        .filter_map(|(name, _, _)| {
            let m = report.by_length.get(*name)?;
            Some((
                format!("{name} clicks"),
                METHODS
                    .iter()
                    .map(|x| m.get(*x).map_or(0.0, |t| t.mrr))
                    .collect(),
            ))
        })
        .collect();
    lines(
        &out.join("ranker_mrr_by_length.svg"),
        "MRR by session length (item clicks before the scored one)",
        &lengths,
    )
}

fn err(e: impl std::fmt::Display) -> String {
    format!("drawing a chart: {e}")
}

/// Grouped bars: one group per entry, one bar per method.
pub fn bars(path: &Path, title: &str, groups: &[(String, Vec<f64>)]) -> Result<(), String> {
    let width = 0.8 / METHODS.len() as f64;
    figure(path, title, groups, |chart, m, color| {
        chart
            .draw_series(groups.iter().enumerate().map(|(g, (_, values))| {
                let x0 = g as f64 + 0.1 + m as f64 * width;
                Rectangle::new([(x0, 0.0), (x0 + width * 0.9, values[m])], color.filled())
            }))
            .map(|_| ())
            .map_err(err)
    })
}

/// One line per method across the entries.
pub fn lines(path: &Path, title: &str, points: &[(String, Vec<f64>)]) -> Result<(), String> {
    figure(path, title, points, |chart, m, color| {
        chart
            .draw_series(LineSeries::new(
                points
                    .iter()
                    .enumerate()
                    .map(|(i, (_, v))| (i as f64 + 0.5, v[m])),
                color.stroke_width(2),
            ))
            .map(|_| ())
            .map_err(err)
    })
}

/// An MRR chart over `groups` (named along the x axis), `series` drawing each method's
/// values in its colour, with the legend on the right.
fn figure(
    path: &Path,
    title: &str,
    groups: &[(String, Vec<f64>)],
    series: impl Fn(&mut Chart, usize, RGBAColor) -> Result<(), String>,
) -> Result<(), String> {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 17))
        .margin(12)
        .margin_right(LEGEND_PX)
        .x_label_area_size(34)
        .y_label_area_size(48)
        .build_cartesian_2d(0f64..groups.len() as f64, 0f64..max_of(groups))
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_desc("MRR")
        .draw()
        .map_err(err)?;
    for m in 0..METHODS.len() {
        series(&mut chart, m, Palette99::pick(m).to_rgba())?;
    }
    label_groups(&chart, &root, groups)?;
    legend(&root)?;
    root.present().map_err(err)
}

type Chart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// Names under the x axis at each entry's centre.
fn label_groups(
    chart: &Chart,
    root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    groups: &[(String, Vec<f64>)],
) -> Result<(), String> {
    use plotters::style::text_anchor::{HPos, Pos, VPos};
    let style =
        TextStyle::from(("sans-serif", 14).into_font()).pos(Pos::new(HPos::Center, VPos::Top));
    for (g, (name, _)) in groups.iter().enumerate() {
        let (x, y) = chart.backend_coord(&(g as f64 + 0.5, 0.0));
        root.draw(&Text::new(name.clone(), (x, y + 8), style.clone()))
            .map_err(err)?;
    }
    Ok(())
}

/// One swatch and name per method, in the space kept free on the right.
fn legend(root: &DrawingArea<SVGBackend, plotters::coord::Shift>) -> Result<(), String> {
    let x = (SIZE.0 - LEGEND_PX + 24) as i32;
    for (m, method) in METHODS.iter().enumerate() {
        let y = 60 + 22 * m as i32;
        let color = Palette99::pick(m).to_rgba();
        root.draw(&Rectangle::new(
            [(x, y - 6), (x + 12, y + 6)],
            color.filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            method.replace('_', " "),
            (x + 20, y - 7),
            ("sans-serif", 14).into_font(),
        ))
        .map_err(err)?;
    }
    Ok(())
}

fn max_of(groups: &[(String, Vec<f64>)]) -> f64 {
    let top = groups
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .fold(0.0f64, f64::max);
    (top * 1.1).clamp(0.05, 1.0)
}
