//! `fit-ranker` and `eval-ranker` as a user runs them: a click log in the REES46 columns
//! trains and evaluates end to end; a store's exported ranking examples fine-tune the shipped
//! ranker and are evaluated; bad examples are refused with their line numbers.

use std::path::PathBuf;
use std::process::Command;

const HEADER: &str =
    "event_time,event_type,product_id,category_id,category_code,brand,price,user_session";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_reshelf-train"))
}

fn models() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../models")
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("reshelf-ranker-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// 60 products in 6 categories; 120 sessions over two hours, each browsing mostly one
/// category (and coming back to an item now and then), as shoppers do.
fn clicks_csv() -> String {
    let mut out = String::from(HEADER);
    for s in 0..120u32 {
        let home = s % 6;
        for v in 0..5u32 {
            let cat = if v == 3 { (home + 1) % 6 } else { home };
            let product = if v == 4 {
                cat * 10 + (s % 10)
            } else {
                cat * 10 + (s * 7 + v * 3) % 10
            };
            let secs = s * 60 + v * 9;
            out.push_str(&format!(
                "\n2019-10-01 {:02}:{:02}:{:02} UTC,view,{},{},,brand{},{}.00,sess-{s}",
                secs / 3600,
                secs / 60 % 60,
                secs % 60,
                1000 + product,
                2_053_013_552_000 + u64::from(cat),
                product % 3,
                10 + product * 3,
            ));
        }
    }
    out.push('\n');
    out
}

#[test]
fn a_click_log_trains_and_evaluates_the_ranker() {
    let dir = scratch("clicks");
    let csv = dir.join("clicks.csv");
    std::fs::write(&csv, clicks_csv()).unwrap();
    let (ok, out, err) = run(bin()
        .args(["fit-ranker", "--quiet", "--max-epochs", "3"])
        .arg("--clicks")
        .arg(&csv)
        .arg("--intent")
        .arg(models().join("intent.bin"))
        .arg("--out")
        .arg(&dir));
    assert!(ok, "{out}{err}");
    for f in [
        "ranker.bin",
        "ranker_parity.json",
        "RANKER_CARD.md",
        "ranker_mrr_by_kind.svg",
        "ranker_mrr_by_length.svg",
    ] {
        assert!(dir.join(f).exists(), "{f} written");
    }
    let svg = std::fs::read_to_string(dir.join("ranker_mrr_by_kind.svg")).unwrap();
    assert!(svg.contains("<svg") && svg.contains("same category"));
    let card = std::fs::read_to_string(dir.join("RANKER_CARD.md")).unwrap();
    assert!(card.contains("REES46 Marketing Platform") && card.contains("| uniform | model |"));

    let (ok, out, err) = run(bin()
        .args(["eval-ranker", "--json", "--split", "test"])
        .arg("--clicks")
        .arg(&csv)
        .arg("--intent")
        .arg(models().join("intent.bin"))
        .arg("--weights")
        .arg(dir.join("ranker.bin")));
    assert!(ok, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    for kind in ["popularity", "same_category", "uniform"] {
        for method in [
            "retailer",
            "category_clicks",
            "heuristic",
            "item_knn",
            "model",
        ] {
            let mrr = v["report"]["by_kind"][kind][method]["mrr"]
                .as_f64()
                .unwrap();
            assert!(
                (0.0..=1.0).contains(&mrr) && mrr > 0.0,
                "{kind} {method}: {mrr}"
            );
        }
    }
}

/// Export lines as `GET /v1/export?kind=ranking` writes them: the clicked item's bytes first
/// (the session's main category, clicked last), then the two skipped items shown above it
/// (other categories).
fn export_lines(n: usize) -> String {
    let mut out = String::new();
    for i in 0..n {
        let row = |share: u64, last: bool, position: u64| {
            let mut r = vec![0u64; 22];
            for j in [0, 1, 3] {
                r[j] = share;
            }
            r[4] = if last { 255 } else { 0 };
            r[5] = if last { 250 } else { 40 };
            r[10] = 128;
            r[12] = 128;
            r[16] = position;
            r[20] = 90 + (i % 20) as u64;
            r[21] = 255;
            r
        };
        let line = serde_json::json!({
            "rk": "ranker-1.0.0", "ctl": false,
            "rows": [row(180 + (i % 50) as u64, true, 60), row(40, false, 50), row((i % 3) as u64 * 20, false, 40)],
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

#[test]
fn exported_examples_fine_tune_the_shipped_ranker_and_are_evaluated() {
    let dir = scratch("examples");
    let data = dir.join("ranking.jsonl");
    std::fs::write(&data, export_lines(200)).unwrap();
    let (ok, out, err) = run(bin()
        .args(["fit-ranker", "--quiet", "--max-epochs", "10"])
        .arg("--data")
        .arg(&data)
        .arg("--weights")
        .arg(models().join("ranker.bin"))
        .arg("--out")
        .arg(&dir));
    assert!(ok, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["examples"], 200);
    assert!(v["version"].as_str().unwrap().ends_with("+store"));
    assert!(v["mrr_after"].as_f64().unwrap() >= v["mrr_before"].as_f64().unwrap());
    let (ok, out, err) = run(bin()
        .args(["eval-ranker", "--json"])
        .arg("--data")
        .arg(&data)
        .arg("--weights")
        .arg(dir.join("ranker.bin")));
    assert!(ok, "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let kind = &v["report"]["by_kind"]["store_examples"];
    // The clicked item is always shown last of three: the shown order's MRR is 1/3.
    assert!((kind["shown_order"]["mrr"].as_f64().unwrap() - 1.0 / 3.0).abs() < 1e-9);
    assert!(kind["model"]["mrr"].as_f64().unwrap() > 0.9, "{kind}");
}

#[test]
fn bad_export_lines_are_refused_with_their_line_numbers() {
    let dir = scratch("bad-examples");
    let good = export_lines(4);
    let lines: Vec<&str> = good.lines().collect();
    let cases = [
        (
            "byte",
            lines[1].replacen("255", "300", 1),
            "line 2: row 0 feature 4 is 300",
        ),
        (
            "negative",
            lines[1].replacen("255", "-1", 1),
            "line 2: row 0 feature 4 is -1",
        ),
        (
            "width",
            r#"{"rows":[[1,2,3],[4,5,6]]}"#.to_string(),
            "line 2: row 0 holds 3 values, expected 22",
        ),
        (
            "one row",
            format!(r#"{{"rows":[[{}]]}}"#, ["0"; 22].join(",")),
            "line 2: 1 rows",
        ),
        ("json", "{rows".to_string(), "line 2: not JSON"),
    ];
    for (name, bad, want) in cases {
        let path = dir.join(format!("{name}.jsonl"));
        std::fs::write(&path, format!("{}\n{bad}\n{}\n", lines[0], lines[2])).unwrap();
        let fit = run(bin()
            .args(["fit-ranker", "--quiet", "--data"])
            .arg(&path)
            .arg("--weights")
            .arg(models().join("ranker.bin"))
            .arg("--out")
            .arg(&dir));
        let eval = run(bin()
            .args(["eval-ranker", "--data"])
            .arg(&path)
            .arg("--weights")
            .arg(models().join("ranker.bin")));
        for (sub, (ok, _, err)) in [("fit-ranker", fit), ("eval-ranker", eval)] {
            assert!(!ok, "{sub} {name}: accepted");
            assert!(err.contains(want), "{sub} {name}: {err}");
        }
    }
}

#[test]
fn a_ranker_file_for_another_feature_count_is_refused() {
    let dir = scratch("foreign");
    let mut bytes = std::fs::read(models().join("ranker.bin")).unwrap();
    // The feature count follows the magic, format and version string.
    let at = 8 + 2 + 1 + usize::from(bytes[10]);
    bytes[at] = 21;
    let path = dir.join("ranker.bin");
    std::fs::write(&path, &bytes).unwrap();
    std::fs::write(dir.join("ex.jsonl"), export_lines(2)).unwrap();
    let (ok, _, err) = run(bin()
        .args(["eval-ranker", "--data"])
        .arg(dir.join("ex.jsonl"))
        .arg("--weights")
        .arg(&path));
    assert!(!ok);
    assert!(err.contains("21 features"), "{err}");
}
