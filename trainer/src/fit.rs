//! The `fit` and `eval` commands.

use std::fs;
use std::path::Path;

use burn::prelude::*;
use reshelf_core::features::{parse_csv, LabelledRow, ModelInput, SessionFeatures};
use reshelf_core::model::{parity_inputs, sha256_hex, IntentModel, IntentNetConfig, ModelFile};
use serde_json::json;

use crate::calibrate::platt;
use crate::card::{render, CardInput};
use crate::net::LogReg;
use crate::report::{evaluate, Evaluation};
use crate::split::split;
use crate::train::{batch_logits, fit as train, TrainConfig};

/// Bumped whenever the architecture, features or training data change.
pub const MODEL_VERSION: &str = "intent-1.0.0";
/// Folds of the cross-validation `fit` reports next to the held-out split.
pub const CV_FOLDS: usize = 5;

pub fn load(data: &Path) -> Result<Vec<LabelledRow>, String> {
    let text = fs::read_to_string(data).map_err(|e| format!("{}: {e}", data.display()))?;
    let rows = parse_csv(&text).map_err(|e| format!("{}: {e}", data.display()))?;
    if rows.is_empty() {
        return Err(format!("{}: no rows", data.display()));
    }
    Ok(rows)
}

pub fn run(
    data: &Path,
    out: &Path,
    seed: u64,
    max_epochs: usize,
    quiet: bool,
    peers: Option<&Path>,
) -> Result<(), String> {
    let rows = load(data)?;
    let peers = match peers {
        Some(p) => {
            let text = fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
            Some(
                serde_json::from_str::<serde_json::Value>(&text)
                    .map_err(|e| format!("{}: {e}", p.display()))?,
            )
        }
        None => None,
    };
    let labels: Vec<bool> = rows.iter().map(|r| r.revenue).collect();
    let parts = split(&labels, seed);
    let pick = |idx: &[usize]| idx.iter().map(|&i| &rows[i]).collect::<Vec<_>>();
    let (train_rows, valid_rows, test_rows) =
        (pick(&parts.train), pick(&parts.valid), pick(&parts.test));
    let train_set: Vec<(SessionFeatures, bool)> = train_rows
        .iter()
        .map(|r| (r.features.clone(), r.revenue))
        .collect();
    let valid_set: Vec<(ModelInput, bool)> = valid_rows
        .iter()
        .map(|r| (r.features.to_input(), r.revenue))
        .collect();
    let priors =
        crate::priors::estimate(&train_rows.iter().map(|r| &r.features).collect::<Vec<_>>());

    let cfg = TrainConfig {
        seed,
        max_epochs,
        quiet,
        ..TrainConfig::default()
    };
    let cv = crate::cv::cross_validate(&rows, CV_FOLDS, &cfg);
    let device = Device::flex().autodiff();
    device.seed(seed);
    let net_cfg = IntentNetConfig::default();
    let intent = train(
        "intent",
        net_cfg.init(&device),
        &train_set,
        &valid_set,
        &cfg,
    );
    let logreg = train("logreg", LogReg::new(&device), &train_set, &valid_set, &cfg);

    let plain = Device::flex();
    let (valid_x, valid_y): (Vec<ModelInput>, Vec<bool>) = valid_set.iter().cloned().unzip();
    let calibration = platt(&batch_logits(&intent.net, &valid_x, &plain), &valid_y);
    let lr_cal = platt(&batch_logits(&logreg.net, &valid_x, &plain), &valid_y);

    let payload = ModelFile::payload_of(&intent.net.layers());
    let file = ModelFile {
        version: MODEL_VERSION.into(),
        config: net_cfg,
        calibration,
        priors,
        payload,
    };
    let bytes = file.encode();
    // What ships is what was measured: score the test rows through the decoded file.
    let shipped =
        IntentModel::from_bytes(&bytes).map_err(|e| format!("re-reading the weights: {e}"))?;
    let intent_eval = evaluate(&test_rows, |x| shipped.score_batch(x));
    let lr_net = logreg.net.clone();
    let logreg_eval = evaluate(&test_rows, |x| {
        batch_logits(&lr_net, x, &plain)
            .into_iter()
            .map(|z| lr_cal.probability(z))
            .collect()
    });

    fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let sha = sha256_hex(&bytes);
    write(&out.join("intent.bin"), &bytes)?;
    let manifest = json!({
        "version": MODEL_VERSION,
        "file": "intent.bin",
        "sha256": sha,
        "bytes": bytes.len(),
        "parameters": net_cfg.parameters(),
        "seed": seed,
        "test": intent_eval,
        "baseline_logistic_regression": logreg_eval,
        "cross_validation": cv,
    });
    write(
        &out.join("model.json"),
        format!("{:#}\n", manifest).as_bytes(),
    )?;
    let parity_x: Vec<ModelInput> = parity_inputs().iter().map(|f| f.to_input()).collect();
    let parity = json!({ "version": MODEL_VERSION, "scores": shipped.score_batch(&parity_x) });
    write(&out.join("parity.json"), format!("{parity}\n").as_bytes())?;
    let card = render(&CardInput {
        version: MODEL_VERSION,
        sha256: &sha,
        bytes: bytes.len(),
        parameters: net_cfg.parameters(),
        architecture: architecture(&net_cfg),
        seed,
        rows: (train_rows.len(), valid_rows.len(), test_rows.len()),
        best_epoch: intent.best_epoch,
        intent: &intent_eval,
        logreg: &logreg_eval,
        priors: &priors,
        peers: peers.as_ref(),
        cv: &cv,
        command: format!(
            "reshelf-train fit --data <uci_online_shoppers_train.csv> --seed {seed}{}",
            if peers.is_some() {
                " --peers <sklearn_peers.py output>"
            } else {
                ""
            }
        ),
    });
    write(&out.join("MODEL_CARD.md"), card.as_bytes())?;
    charts(&shipped, &test_rows, out)?;
    println!("{}", summary(&intent_eval, &logreg_eval, &sha));
    Ok(())
}

pub fn eval(
    data: &Path,
    model: &Path,
    test_only: bool,
    seed: u64,
    as_json: bool,
    charts_dir: Option<&Path>,
) -> Result<(), String> {
    let shipped = read_model(model)?;
    let rows = load(data)?;
    let chosen: Vec<&LabelledRow> = if test_only {
        let labels: Vec<bool> = rows.iter().map(|r| r.revenue).collect();
        split(&labels, seed)
            .test
            .iter()
            .map(|&i| &rows[i])
            .collect()
    } else {
        rows.iter().collect()
    };
    let result = evaluate(&chosen, |x| shipped.score_batch(x));
    if let Some(dir) = charts_dir {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        charts(&shipped, &chosen, dir)?;
    }
    if as_json {
        let mut v = serde_json::to_value(&result).map_err(|e| e.to_string())?;
        v["model_version"] = json!(shipped.version);
        v["model_sha256"] = json!(shipped.sha256);
        v["rows"] = json!(if test_only { "test" } else { "all" });
        println!("{v}");
    } else {
        let m = &result.metrics;
        println!(
            "{} rows: AUC {:.4}  PR-AUC {:.4}  F1 {:.4}  accuracy {:.4}  ECE {:.4}",
            m.n, m.auc, m.pr_auc, m.f1, m.accuracy, m.ece
        );
    }
    Ok(())
}

/// The card's pictures of `rows` scored by `model` (see [`crate::intent_charts`]).
fn charts(model: &IntentModel, rows: &[&LabelledRow], out: &Path) -> Result<(), String> {
    let inputs: Vec<ModelInput> = rows.iter().map(|r| r.features.to_input()).collect();
    let labels: Vec<bool> = rows.iter().map(|r| r.revenue).collect();
    crate::intent_charts::intent_charts(&model.score_batch(&inputs), &labels, out)
}

/// Reads and decodes a weights file; errors name the file.
pub fn read_model(path: &Path) -> Result<IntentModel, String> {
    let bytes = fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    IntentModel::from_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    fs::write(path, bytes).map_err(|e| format!("{}: {e}", path.display()))
}

fn architecture(c: &IntentNetConfig) -> String {
    format!(
        "MLP: {} numeric inputs (log-scaled counts and durations, rates) + one-hot month (12) and visitor type (3) → {} → {} → 1 (ReLU), Platt-calibrated sigmoid",
        reshelf_core::features::NUMERIC,
        c.hidden1,
        c.hidden2
    )
}

fn summary(intent: &Evaluation, logreg: &Evaluation, sha: &str) -> String {
    format!(
        "test: intent AUC {:.4} PR-AUC {:.4} ECE {:.4} | logistic regression AUC {:.4} PR-AUC {:.4} | sha256 {sha}",
        intent.metrics.auc, intent.metrics.pr_auc, intent.metrics.ece, logreg.metrics.auc, logreg.metrics.pr_auc
    )
}

/// Writes the seeded split as JSON (`{"train": [...], "valid": [...], "test": [...]}`, row
/// indices into the CSV without its header) so that other tools, such as the scikit-learn
/// peers in `trainer/peers/`, score exactly the rows `fit` held out.
pub fn write_split(data: &Path, seed: u64, out: &Path) -> Result<(), String> {
    let rows = load(data)?;
    let labels: Vec<bool> = rows.iter().map(|r| r.revenue).collect();
    let parts = split(&labels, seed);
    let folds = crate::split::folds(&labels, CV_FOLDS, seed);
    let v = json!({ "seed": seed, "train": parts.train, "valid": parts.valid, "test": parts.test, "folds": folds });
    write(out, format!("{v}\n").as_bytes())
}
