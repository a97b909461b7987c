//! `reshelf-train`: trains the intent model (`fit`), scores weights on labelled sessions
//! (`eval`), exports the network for other runtimes (`export`), and trains and evaluates the
//! slot ranker (`fit-ranker`, `eval-ranker`).
#![forbid(unsafe_code)]

mod calibrate;
mod card;
mod cv;
mod export;
mod fit;
mod intent_charts;
mod metrics;
mod net;
mod priors;
mod ranking;
mod replay;
mod report;
mod split;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(
    version,
    about = "Train and evaluate reshelf's intent model and slot ranker"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Train on a CSV of labelled sessions; write weights, model.json and MODEL_CARD.md.
    Fit {
        /// CSV with the UCI Online Shoppers columns (e.g. ../shared/data/uci_online_shoppers_train.csv).
        #[arg(long)]
        data: PathBuf,
        /// Output directory.
        #[arg(long, default_value = "models")]
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long, default_value_t = 200)]
        max_epochs: usize,
        /// Hide the progress bar.
        #[arg(long)]
        quiet: bool,
        /// Output of trainer/peers/sklearn_peers.py on the same split, for the model card.
        #[arg(long)]
        peers: Option<PathBuf>,
    },
    /// Write the seeded train/validation/test split `fit` uses, as JSON row indices.
    Split {
        #[arg(long)]
        data: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Replay a JSONL event stream through the ranking policy; print MRR and Recall@5 of the
    /// next-clicked item: the shipped ranker's order, the hand-set order and the page's order.
    Replay {
        /// JSON Lines of events (format in trainer/src/replay.rs and the README).
        #[arg(long)]
        events: PathBuf,
        #[arg(long, default_value = "models/intent.bin")]
        model: PathBuf,
        /// The ranker whose order is `personalised`.
        #[arg(long, default_value = "models/ranker.bin")]
        ranker: PathBuf,
        /// Also print one JSON line per scored click (the decision and both ranks).
        #[arg(long)]
        decisions: bool,
    },
    /// Score a weights file on a labelled CSV.
    Eval {
        #[arg(long)]
        data: PathBuf,
        /// Weights file (default: the shipped models/intent.bin).
        #[arg(long, default_value = "models/intent.bin")]
        model: PathBuf,
        /// Which rows: all of them, or the test rows `fit` held out with the same seed.
        #[arg(long, value_enum, default_value_t = Rows::All)]
        split: Rows,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Also draw the card's charts (ROC/PR, calibration) of these rows into this folder.
        #[arg(long)]
        charts: Option<PathBuf>,
    },
    /// Train the slot ranker on click logs (REES46 columns) and write models/ranker.bin,
    /// its parity scores, RANKER_CARD.md and charts; or, with --data, fine-tune the shipped
    /// ranker on a store's exported ranking examples.
    FitRanker {
        #[command(flatten)]
        inputs: ranking::RankerInputs,
        #[arg(long, default_value = "models")]
        out: PathBuf,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long, default_value_t = 60)]
        max_epochs: usize,
        /// Hidden layer sizes of a ranker trained from scratch.
        #[arg(long, default_value_t = 32)]
        hidden1: usize,
        #[arg(long, default_value_t = 16)]
        hidden2: usize,
        /// Adam's learning rate (fine-tuning uses a third of it).
        #[arg(long, default_value_t = 3e-3)]
        learning_rate: f64,
        #[arg(long)]
        quiet: bool,
    },
    /// MRR and Recall@5 of the ranker and the baselines (retailer order, category clicks,
    /// hand-set order, item-kNN) per slot kind, on click logs or exported examples.
    EvalRanker {
        #[command(flatten)]
        inputs: ranking::RankerInputs,
        /// Which slots of --clicks: all, or the latest sessions fit-ranker held out.
        #[arg(long, value_enum, default_value_t = Rows::All)]
        split: Rows,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        #[arg(long)]
        json: bool,
    },
    /// Write a weights file's network as JSON (layers, calibration, and the parity rows with
    /// reshelf's outputs), to rebuild the identical model in another runtime.
    Export {
        #[arg(long, default_value = "models/intent.bin")]
        weights: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Rows {
    All,
    Test,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Fit {
            data,
            out,
            seed,
            max_epochs,
            quiet,
            peers,
        } => fit::run(&data, &out, seed, max_epochs, quiet, peers.as_deref()),
        Command::Split { data, seed, out } => fit::write_split(&data, seed, &out),
        Command::Replay {
            events,
            model,
            ranker,
            decisions,
        } => replay::run(&events, &model, &ranker, decisions),
        Command::Eval {
            data,
            model,
            split,
            seed,
            json,
            charts,
        } => fit::eval(
            &data,
            &model,
            matches!(split, Rows::Test),
            seed,
            json,
            charts.as_deref(),
        ),
        Command::Export { weights, out } => export::run(&weights, &out),
        Command::FitRanker {
            inputs,
            out,
            seed,
            max_epochs,
            hidden1,
            hidden2,
            learning_rate,
            quiet,
        } => ranking::fit(&ranking::FitArgs {
            inputs: &inputs,
            out: &out,
            seed,
            max_epochs,
            net: reshelf_core::model::RankerConfig { hidden1, hidden2 },
            learning_rate,
            quiet,
        }),
        Command::EvalRanker {
            inputs,
            split,
            seed,
            json,
        } => ranking::eval(&ranking::EvalArgs {
            inputs: &inputs,
            test_only: matches!(split, Rows::Test),
            seed,
            json,
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reshelf-train: {e}");
            ExitCode::FAILURE
        }
    }
}
