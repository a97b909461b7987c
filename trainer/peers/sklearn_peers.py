"""Peers on exactly the rows `reshelf-train fit` holds out.

    reshelf-train split --data PATH --out split.json
    python3 trainer/peers/sklearn_peers.py PATH split.json

Trains scikit-learn's HistGradientBoosting, random forest and logistic regression on the
train + validation rows and scores the test rows, once with the columns reshelf's model uses
and once with all columns. Needs scikit-learn and pandas (pip install scikit-learn pandas).
"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "June", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
OURS = ["Administrative", "Administrative_Duration", "Informational", "Informational_Duration",
        "ProductRelated", "ProductRelated_Duration", "BounceRates", "ExitRates", "PageValues",
        "SpecialDay", "Month", "Weekend", "VisitorType"]
ALL = OURS + ["OperatingSystems", "Browser", "Region", "TrafficType"]


def main(csv_path, split_path):
    df = pd.read_csv(csv_path)
    y = df.Revenue.astype(int).values
    df["Month"] = df.Month.map({m: i for i, m in enumerate(MONTHS)})
    df["VisitorType"] = df.VisitorType.map({"New_Visitor": 0, "Returning_Visitor": 1, "Other": 2})
    df["Weekend"] = df.Weekend.astype(int)
    split = json.load(open(split_path))
    fit_rows = np.array(split["train"] + split["valid"])
    test = np.array(split["test"])
    results = {}
    for cols_name, cols in [("reshelf_columns", OURS), ("all_columns", ALL)]:
        x = df[cols].values
        models = {
            "hist_gradient_boosting": HistGradientBoostingClassifier(random_state=0),
            "random_forest": RandomForestClassifier(n_estimators=500, random_state=0, n_jobs=2),
            "logistic_regression": make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)),
        }
        for name, model in models.items():
            p = model.fit(x[fit_rows], y[fit_rows]).predict_proba(x[test])[:, 1]
            results[f"{name}/{cols_name}"] = {
                "auc": round(roc_auc_score(y[test], p), 4),
                "pr_auc": round(average_precision_score(y[test], p), 4),
            }
    cross = {}
    folds = [np.array(f) for f in split.get("folds", [])]
    for cols_name, cols in [("reshelf_columns", OURS), ("all_columns", ALL)]:
        x = df[cols].values
        for name, make in [
            ("hist_gradient_boosting", lambda: HistGradientBoostingClassifier(random_state=0)),
            ("random_forest", lambda: RandomForestClassifier(n_estimators=500, random_state=0, n_jobs=2)),
        ]:
            aucs, aps = [], []
            for f, test_f in enumerate(folds):
                train_f = np.concatenate([g for i, g in enumerate(folds) if i != f])
                p = make().fit(x[train_f], y[train_f]).predict_proba(x[test_f])[:, 1]
                aucs.append(roc_auc_score(y[test_f], p))
                aps.append(average_precision_score(y[test_f], p))
            if aucs:
                cross[f"{name}/{cols_name}"] = {
                    "auc_mean": round(float(np.mean(aucs)), 4), "auc_sd": round(float(np.std(aucs, ddof=1)), 4),
                    "pr_auc_mean": round(float(np.mean(aps)), 4), "pr_auc_sd": round(float(np.std(aps, ddof=1)), 4),
                }
    print(json.dumps({"n_test": len(test), "seed": split["seed"], "results": results,
                      "cross_validation": cross}, indent=1))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
