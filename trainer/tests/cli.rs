//! `reshelf-train` as a user runs it: bad CSVs and bad weights give a clear error and a
//! non-zero exit, and a small fixture trains and evaluates end to end.

use std::path::PathBuf;
use std::process::{Command, Output};

const HEADER: &str = "Administrative,Administrative_Duration,Informational,Informational_Duration,ProductRelated,ProductRelated_Duration,BounceRates,ExitRates,PageValues,SpecialDay,Month,OperatingSystems,Browser,Region,TrafficType,VisitorType,Weekend,Revenue";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reshelf-train"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reshelf-train-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A deterministic fixture: buyers have page value and long product sessions.
fn fixture_csv(rows: usize) -> String {
    let mut out = String::from(HEADER);
    let months = [
        "Feb", "Mar", "May", "June", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    for i in 0..rows {
        let buyer = i % 6 == 0;
        let (pages, value) = if buyer {
            (20 + i % 30, 10.0 + (i % 40) as f64)
        } else {
            (1 + i % 12, if i % 9 == 0 { 5.0 } else { 0.0 })
        };
        out.push_str(&format!(
            "\n{},{},{},{},{},{},{},{},{},0,{},2,2,1,2,{},{},{}",
            i % 4,
            (i % 4) * 30,
            i % 2,
            (i % 2) * 20,
            pages,
            pages * 40,
            if buyer { 0.0 } else { 0.02 },
            if buyer { 0.01 } else { 0.05 },
            value,
            months[i % months.len()],
            if i % 5 == 0 {
                "New_Visitor"
            } else {
                "Returning_Visitor"
            },
            if i % 7 == 0 { "TRUE" } else { "FALSE" },
            if buyer { "TRUE" } else { "FALSE" },
        ));
    }
    out.push('\n');
    out
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().unwrap();
    (
        status.success(),
        String::from_utf8_lossy(&stdout).into(),
        String::from_utf8_lossy(&stderr).into(),
    )
}

#[test]
fn bad_csvs_name_line_and_column_and_exit_non_zero() {
    let dir = scratch("bad-csv");
    let good = fixture_csv(3);
    let lines: Vec<&str> = good.lines().collect();
    let cases = [
        (
            "missing-column",
            good.replacen("PageValues,", "", 1),
            "line 1, column PageValues: missing column",
        ),
        (
            "non-numeric",
            format!("{}\n{}\n", lines[0], lines[1].replacen(",0,", ",abc,", 1)),
            "line 2",
        ),
        (
            "nan",
            format!("{HEADER}\n0,NaN,0,0,1,1,0,0,0,0,Feb,1,1,1,1,New_Visitor,FALSE,FALSE\n"),
            "column Administrative_Duration",
        ),
        (
            "negative",
            format!("{HEADER}\n0,0,0,0,1,-5,0,0,0,0,Feb,1,1,1,1,New_Visitor,FALSE,FALSE\n"),
            "column ProductRelated_Duration: -5 is negative",
        ),
        (
            "month",
            format!("{HEADER}\n0,0,0,0,1,5,0,0,0,0,Smarch,1,1,1,1,New_Visitor,FALSE,FALSE\n"),
            "column Month: unknown month",
        ),
        (
            "visitor",
            format!("{HEADER}\n0,0,0,0,1,5,0,0,0,0,Feb,1,1,1,1,Bot,FALSE,FALSE\n"),
            "column VisitorType: unknown visitor type",
        ),
    ];
    for (name, text, needle) in cases {
        let path = dir.join(format!("{name}.csv"));
        std::fs::write(&path, text).unwrap();
        let (ok, _, err) = run(bin()
            .args(["fit", "--quiet", "--out"])
            .arg(dir.join("out"))
            .arg("--data")
            .arg(&path));
        assert!(!ok, "{name}: must fail");
        assert!(err.contains(needle), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
    }
}

#[test]
fn eval_refuses_damaged_weights() {
    let dir = scratch("bad-weights");
    let csv = dir.join("rows.csv");
    std::fs::write(&csv, fixture_csv(60)).unwrap();
    let shipped =
        std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../models/intent.bin")).unwrap();
    let mut corrupted = shipped.clone();
    let n = corrupted.len();
    corrupted[n - 3] ^= 0xff;
    let mut other = shipped.clone();
    other[8] = 7;
    for (name, bytes, needle) in [
        (
            "truncated",
            shipped[..shipped.len() / 3].to_vec(),
            "corrupted",
        ),
        ("corrupted", corrupted, "corrupted"),
        ("other-format", other, "weights format 7"),
        (
            "garbage",
            b"hello".to_vec(),
            "not a reshelf model of this kind",
        ),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, bytes).unwrap();
        let (ok, _, err) = run(bin()
            .args(["eval", "--json", "--data"])
            .arg(&csv)
            .arg("--model")
            .arg(&path));
        assert!(!ok, "{name}");
        assert!(err.contains(needle), "{name}: {err}");
    }
}

#[test]
fn fit_then_eval_on_a_fixture() {
    let dir = scratch("fit");
    let csv = dir.join("rows.csv");
    std::fs::write(&csv, fixture_csv(600)).unwrap();
    let out = dir.join("models");
    let (ok, stdout, err) = run(bin()
        .args(["fit", "--quiet", "--max-epochs", "15", "--data"])
        .arg(&csv)
        .arg("--out")
        .arg(&out));
    assert!(ok, "{err}");
    assert!(stdout.contains("AUC"), "{stdout}");
    for file in [
        "intent.bin",
        "model.json",
        "MODEL_CARD.md",
        "parity.json",
        "intent_roc_pr.svg",
        "intent_calibration.svg",
    ] {
        assert!(out.join(file).exists(), "{file}");
    }
    let card = std::fs::read_to_string(out.join("MODEL_CARD.md")).unwrap();
    assert!(card.contains("CC BY 4.0") && card.contains("sha256"));
    let (ok, stdout, err) = run(bin()
        .args(["eval", "--json", "--split", "test", "--data"])
        .arg(&csv)
        .arg("--model")
        .arg(out.join("intent.bin")));
    assert!(ok, "{err}");
    let v: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    for key in [
        "n",
        "auc",
        "pr_auc",
        "f1",
        "accuracy",
        "ece",
        "partial_sessions",
    ] {
        assert!(!v[key].is_null(), "{key} in {v}");
    }
    assert!(v["auc"].as_f64().unwrap() > 0.9, "the fixture is easy: {v}");
}

#[test]
fn replay_ranks_the_clicked_item_and_reports_mrr() {
    let dir = scratch("replay");
    let stream = dir.join("events.jsonl");
    let slot = r#"[{"id":"sho-1","category":"shoes","price":59},{"id":"jac-1","category":"jackets","price":129},{"id":"bag-1","category":"bags","price":45},{"id":"bag-2","category":"bags","price":49}]"#;
    let lines = [
        format!(r#"{{"session":"a","t":1700000000000,"type":"page_view","page":"category","slot":{slot}}}"#),
        r#"{"session":"a","t":1700000005000,"type":"click","item":"bag-9","category":"bags","price":47}"#.to_string(),
        r#"{"session":"a","t":1700000009000,"type":"click","item":"bag-8","category":"bags","price":44}"#.to_string(),
        format!(r#"{{"session":"a","t":1700000015000,"type":"page_view","page":"home","slot":{slot}}}"#),
        r#"{"session":"a","t":1700000020000,"type":"click","item":"bag-2","category":"bags","price":49}"#.to_string(),
    ];
    std::fs::write(&stream, lines.join("\n")).unwrap();
    let model = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/intent.bin");
    let ranker = concat!(env!("CARGO_MANIFEST_DIR"), "/../models/ranker.bin");
    let (ok, stdout, err) = run(bin()
        .args([
            "replay",
            "--decisions",
            "--model",
            model,
            "--ranker",
            ranker,
            "--events",
        ])
        .arg(&stream));
    assert!(ok, "{err}");
    let last: serde_json::Value = serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
    assert_eq!(last["clicks_scored"], 1);
    assert_eq!(last["mrr_original"], 0.25, "bag-2 is fourth on the page");
    assert_eq!(
        last["mrr_heuristic"], 0.5,
        "the hand-set order puts bag-2 second after bag-1 once bags are in favour"
    );
    assert!(
        last["mrr_personalised"].as_f64().unwrap() >= 0.5,
        "the ranker brings the bags ahead of shoes and jackets: {last}"
    );
    assert!(last["ranker"].as_str().unwrap().starts_with("ranker-"));
    assert!(last["recall_at_5_personalised"].as_f64().unwrap() == 1.0);
    let decision: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert_eq!(decision["clicked"], "bag-2");

    std::fs::write(&stream, "{not json\n").unwrap();
    let (ok, _, err) = run(bin()
        .args(["replay", "--model", model, "--ranker", ranker, "--events"])
        .arg(&stream));
    assert!(!ok && err.contains("line 1"), "{err}");
}
