//! The slot ranker: `fit-ranker` (train on click logs, or fine-tune on a store's exported
//! ranking examples) and `eval-ranker` (MRR and Recall@5 against the baselines).

pub mod card;
pub mod clicks;
pub mod eval;
pub mod examples;
pub mod metrics;
pub mod plots;
pub mod slots;
pub mod train;

use std::fs;
use std::path::{Path, PathBuf};

use reshelf_core::model::{ranker_parity_rows, RankerConfig, RankerFile, RankerModel};
use reshelf_core::rng::SplitMix64;
use serde_json::json;

use crate::fit::read_model;
use crate::split::unit;
use eval::{evaluate, model_mrr, Report};
use slots::{Case, SlotKind};
use train::{List, RankTrainConfig};

/// Bumped whenever the features, architecture or training data change.
pub const RANKER_VERSION: &str = "ranker-1.0.0";

/// Share of the slots (by session start) that trains, then validates (early stopping); the
/// rest, the latest sessions, is the test split the card reports.
const TRAIN_SHARE: f64 = 0.6;
const VALID_SHARE: f64 = 0.2;

/// Slots split by when their session started: earliest for training, latest for testing.
pub struct TimeSplit<'a> {
    pub train: Vec<&'a Case>,
    pub valid: Vec<&'a Case>,
    pub test: Vec<&'a Case>,
    /// Session starts (epoch ms) where validation and test begin.
    pub valid_from: f64,
    pub test_from: f64,
}

pub fn time_split(cases: &[Case]) -> TimeSplit<'_> {
    let mut starts: Vec<f64> = cases.iter().map(|c| c.session_start).collect();
    starts.sort_by(f64::total_cmp);
    let at = |share: f64| {
        starts
            .get(((starts.len() as f64 * share) as usize).min(starts.len().saturating_sub(1)))
            .copied()
            .unwrap_or(f64::INFINITY)
    };
    let (valid_from, test_from) = (at(TRAIN_SHARE), at(TRAIN_SHARE + VALID_SHARE));
    let pick = |lo: f64, hi: f64| {
        cases
            .iter()
            .filter(|c| c.session_start >= lo && c.session_start < hi)
            .collect::<Vec<_>>()
    };
    TimeSplit {
        train: pick(f64::NEG_INFINITY, valid_from),
        valid: pick(valid_from, test_from),
        test: pick(test_from, f64::INFINITY),
        valid_from,
        test_from,
    }
}

/// Training lists from slots: half of them with the items' popularity and half without, so
/// the model ranks well whether or not the page-stats feed serves popularity.
fn lists(cases: &[&Case], seed: u64) -> Vec<List> {
    let mut rng = SplitMix64::new(seed ^ 0x9e37);
    cases
        .iter()
        .map(|c| List {
            rows: if unit(&mut rng) < 0.5 {
                c.features.clone()
            } else {
                c.features_no_pop.clone()
            },
            clicked: c.clicked,
        })
        .collect()
}

/// What `fit-ranker` and `eval-ranker` read: exactly one of a click log or a store's export,
/// the ranker weights and the intent model.
#[derive(clap::Args, Debug)]
pub struct RankerInputs {
    /// Click log with the REES46 columns (e.g. ../shared/data/rees46_sessions_train.csv).
    #[arg(long)]
    clicks: Option<PathBuf>,
    /// A store's ranking examples, as `GET /v1/export?kind=ranking` streams them.
    #[arg(long)]
    data: Option<PathBuf>,
    /// The ranker weights: the one to evaluate, or (fit-ranker --data) to fine-tune from.
    #[arg(long, default_value = "models/ranker.bin")]
    weights: PathBuf,
    /// The intent model whose score is a ranking feature.
    #[arg(long, default_value = "models/intent.bin")]
    intent: PathBuf,
}

/// Where the ranking data comes from.
enum Source<'a> {
    Clicks(&'a Path),
    Data(&'a Path),
}

impl RankerInputs {
    fn source(&self, command: &str) -> Result<Source<'_>, String> {
        match (&self.clicks, &self.data) {
            (Some(clicks), None) => Ok(Source::Clicks(clicks)),
            (None, Some(data)) => Ok(Source::Data(data)),
            _ => Err(format!(
                "{command} needs exactly one of --clicks FILE.csv or --data EXPORT"
            )),
        }
    }
}

pub struct FitArgs<'a> {
    pub inputs: &'a RankerInputs,
    pub out: &'a Path,
    pub seed: u64,
    pub max_epochs: usize,
    pub net: RankerConfig,
    pub learning_rate: f64,
    pub quiet: bool,
}

/// `fit-ranker`: from click logs (`--clicks`) trains from scratch and writes the weights,
/// parity scores, card and charts; from a store's export (`--data`) fine-tunes the shipped
/// weights (`--weights`) and writes the new weights.
pub fn fit(a: &FitArgs) -> Result<(), String> {
    fs::create_dir_all(a.out).map_err(|e| format!("{}: {e}", a.out.display()))?;
    let cfg = RankTrainConfig {
        seed: a.seed,
        max_epochs: a.max_epochs,
        net: a.net,
        learning_rate: a.learning_rate,
        quiet: a.quiet,
        ..RankTrainConfig::default()
    };
    match a.inputs.source("fit-ranker")? {
        Source::Clicks(clicks) => fit_clicks(clicks, a, &cfg),
        Source::Data(data) => examples::fine_tune(data, &a.inputs.weights, a.out, &cfg),
    }
}

fn fit_clicks(clicks: &Path, a: &FitArgs, cfg: &RankTrainConfig) -> Result<(), String> {
    let log = clicks::read(clicks)?;
    let intent = read_model(&a.inputs.intent)?;
    let cases = slots::build(&log, &intent, a.seed);
    let split = time_split(&cases);
    if split.train.is_empty() || split.valid.is_empty() || split.test.is_empty() {
        return Err(format!(
            "{}: {} slots are too few to split by time (need sessions with two or more views)",
            clicks.display(),
            cases.len()
        ));
    }
    let trained = train::train(
        None,
        &lists(&split.train, a.seed),
        RANKER_VERSION,
        |m| model_mrr(&split.valid, m),
        cfg,
    );
    let file = RankerFile {
        version: RANKER_VERSION.to_string(),
        config: trained.model.config,
        layers: trained.model.layers().to_vec(),
    };
    let bytes = file.encode();
    let path = a.out.join("ranker.bin");
    fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let model = RankerModel::from_bytes(&bytes).map_err(|e| e.to_string())?;
    let parity = json!({
        "version": model.version,
        "scores": model.scores(&ranker_parity_rows()),
    });
    write(&a.out.join("ranker_parity.json"), &parity.to_string())?;
    let report = evaluate(&split.test, &model);
    let input = card::CardInput {
        model: &model,
        bytes: bytes.len(),
        clicks_file: clicks,
        rows: log.len(),
        slots: cases.len(),
        train: split.train.len(),
        valid: split.valid.len(),
        best_epoch: trained.best_epoch,
        valid_mrr: trained.valid_mrr,
        valid_from: split.valid_from,
        test_from: split.test_from,
        seed: a.seed,
        report: &report,
    };
    write(&a.out.join("RANKER_CARD.md"), &card::render(&input))?;
    plots::ranker_charts(&report, a.out)?;
    println!("{}", summary_line(&report, &model));
    Ok(())
}

pub struct EvalArgs<'a> {
    pub inputs: &'a RankerInputs,
    /// Only the latest sessions (the split `fit-ranker` held out).
    pub test_only: bool,
    pub seed: u64,
    pub json: bool,
}

/// `eval-ranker`: every method's MRR and Recall@5 on click logs, or the model against the
/// retailer's order and the category count on a store's exported examples.
pub fn eval(a: &EvalArgs) -> Result<(), String> {
    let source = a.inputs.source("eval-ranker")?;
    let weights = &a.inputs.weights;
    let bytes = fs::read(weights).map_err(|e| format!("{}: {e}", weights.display()))?;
    let model =
        RankerModel::from_bytes(&bytes).map_err(|e| format!("{}: {e}", weights.display()))?;
    let report = match source {
        Source::Clicks(clicks) => {
            let log = clicks::read(clicks)?;
            let intent = read_model(&a.inputs.intent)?;
            let cases = slots::build(&log, &intent, a.seed);
            if a.test_only {
                evaluate(&time_split(&cases).test, &model)
            } else {
                evaluate(&cases.iter().collect::<Vec<_>>(), &model)
            }
        }
        Source::Data(data) => examples::evaluate_examples(data, &model)?,
    };
    if a.json {
        println!(
            "{}",
            serde_json::to_string(&json!({"model": model.version, "report": report}))
                .map_err(|e| e.to_string())?
        );
    } else {
        println!("{}", card::table(&report));
        println!("{}", summary_line(&report, &model));
    }
    Ok(())
}

fn summary_line(report: &Report, model: &RankerModel) -> String {
    let gains: Vec<String> = SlotKind::ALL
        .iter()
        .filter(|k| report.by_kind.contains_key(k.name()))
        .map(|k| {
            format!(
                "{} {:+.3}",
                k.name(),
                report.mrr(*k, "model") - report.mrr(*k, "category_clicks")
            )
        })
        .collect();
    format!(
        "{}: {} slots; model MRR minus category clicks: {}",
        model.version,
        report.slots,
        gains.join(", ")
    )
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
