//! `reshelf-train`: trains the intent model (`fit`), scores weights on labelled sessions
//! (`eval`) and exports the network for other runtimes (`export`).
#![forbid(unsafe_code)]

mod calibrate;
mod card;
mod cv;
mod export;
mod fit;
mod metrics;
mod net;
mod priors;
mod replay;
mod report;
mod split;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Parser, Debug)]
#[command(version, about = "Train and evaluate reshelf's intent model")]
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
    /// Replay a JSONL event stream through the ranking policy; print MRR of the next-clicked
    /// item, personalised order versus the page's order.
    Replay {
        /// JSON Lines of events (format in trainer/src/replay.rs and the README).
        #[arg(long)]
        events: PathBuf,
        #[arg(long, default_value = "models/intent.bin")]
        model: PathBuf,
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
            decisions,
        } => replay::run(&events, &model, decisions),
        Command::Eval {
            data,
            model,
            split,
            seed,
            json,
        } => fit::eval(&data, &model, matches!(split, Rows::Test), seed, json),
        Command::Export { weights, out } => export::run(&weights, &out),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("reshelf-train: {e}");
            ExitCode::FAILURE
        }
    }
}
