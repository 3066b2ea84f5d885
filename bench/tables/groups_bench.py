"""Driver of bench/tables/groups.sh: in DIR (holding credit.csv from bench/tables/credit.py), import it once, train gbdt with every
column, with --exclude home,age and with --reweigh home too, and for each model run `lepton eval --groups home,age --favorable no --json`; the rates it reports
per group are recomputed here from `lepton predict`'s scored test rows (confusion_matrix per group, chi2_contingency over the
groups, the four-fifths ratio and the equal opportunity difference) and the largest difference printed. XGBoost (hist, 2 threads,
one-hot home) is trained on the same split with and without home and age, and its groups computed the same way. Last, ROUNDS
rounds of `lepton eval` with and without --groups, alternating, give the wall time --groups adds (medians).
  /usr/bin/python3 bench/tables/groups_bench.py DIR ROUNDS"""
import json
import os
import shlex
import statistics
import sys
import tempfile
import time

import numpy as np
import pandas as pd
import xgboost as xgb
from scipy.stats import chi2_contingency
from sides import run
from sklearn.metrics import confusion_matrix, roc_auc_score

folder, rounds = sys.argv[1], int(sys.argv[2])
csv = os.path.join(folder, "credit.csv")
cli = shlex.split(os.environ.get("LEPTON_CLI", "./lepton"))
env = dict(os.environ, LEPTON_HOME=tempfile.mkdtemp(dir=folder))
df = pd.read_csv(csv)
train, test = df[df.split == "train"], df[df.split == "test"]
test_csv = os.path.join(folder, "test.csv")
test.drop(columns=["split"]).to_csv(test_csv, index=False)
GROUPS, FAVORABLE, MIN_ROWS = ["home", "age"], "no", 30


def keys(frame, column):
    # As TableGroups: a category by value; a number with more than 12 values by quartile, a boundary value in the lower one.
    values = frame[column]
    if values.dtype == object or values.nunique() <= 12:
        return values.astype(str).to_numpy()
    edges = np.quantile(values, [0.25, 0.5, 0.75])
    return np.array([f"Q{int(np.searchsorted(edges, v, side='left')) + 1}" for v in values])


def groups(frame, selected, positive, column, score):
    k = keys(frame, column)
    out = {}
    for g in np.unique(k):
        m = k == g
        tn, fp, fn, tp = confusion_matrix(positive[m], selected[m], labels=[False, True]).ravel()
        out[g] = {"rows": int(m.sum()), "selection_rate": (tp + fp) / m.sum(), "true_positive_rate": tp / (tp + fn),
                  "false_positive_rate": fp / (fp + tn), "mean_score": score[m].mean(), "base_rate": positive[m].mean()}
    judged = [v for v in out.values() if v["rows"] >= MIN_ROWS]
    sel = [v["selection_rate"] for v in judged]
    table = np.array([[v["selection_rate"] * v["rows"], v["rows"] * (1 - v["selection_rate"])] for v in judged])
    return out, {"selection_ratio": min(sel) / max(sel), "opportunity_difference": max(v["true_positive_rate"] for v in judged)
                 - min(v["true_positive_rate"] for v in judged), "p": chi2_contingency(table, correction=False)[1],
                 "calibration_gap": max(abs(v["mean_score"] - v["base_rate"]) for v in judged)}


def lepton(*args):
    return run(cli + list(args), env)


lepton("data", "import", csv, "--name", "credit", "--label-column", "default", "--split-column", "split", "--json")
positive = (test["default"] == FAVORABLE).to_numpy()
models = {"lepton gbdt": [], "lepton gbdt --exclude home,age": ["--exclude", "home,age"],
          "lepton gbdt --exclude home,age --reweigh home": ["--exclude", "home,age", "--reweigh", "home"]}
for name, extra in models.items():
    out = os.path.join(folder, name.replace(" ", "_").replace(",", "_"))
    lepton("train", "--data", "credit@1", "--model", "gbdt", "--out", out, "--json", *extra)
    report = json.loads(lepton("eval", "--model", out, "--data", "credit@1", "--groups", ",".join(GROUPS), "--favorable", FAVORABLE, "--json"))
    scored = os.path.join(folder, "scored.csv")
    lepton("predict", "--model", out, "--input", test_csv, "--output", scored)
    predicted = pd.read_csv(scored)
    selected = (predicted["prediction"] == FAVORABLE).to_numpy()
    # The scored CSV's probability is of the positive class, "yes" (defaulted); the favorable "no" scores 1 - p.
    favorable_score = 1 - predicted["probability"].to_numpy()
    auc = roc_auc_score(test["default"] == "yes", predicted["probability"])
    worst = score_gap = 0.0
    for column, reported in zip(GROUPS, report["groups"]):
        per, gaps = groups(test, selected, positive, column, favorable_score)
        by_name = {g["group"]: g for g in reported["groups"]}
        for g, v in per.items():
            r = by_name[g] if g in by_name else next(x for x in reported["groups"] if x["group"].startswith(g + " "))
            worst = max(worst, abs(r["rows"] - v["rows"]), *(abs(r[k] - v[k]) for k in ("selection_rate", "true_positive_rate", "false_positive_rate")))
            # The scored CSV rounds probabilities to 6 decimals: the mean score is held to that.
            score_gap = max(score_gap, abs(r["mean_score"] - v["mean_score"]))
        worst = max(worst, abs(reported["selection_ratio"] - gaps["selection_ratio"]), abs(reported["opportunity_difference"] - gaps["opportunity_difference"]),
                    abs(reported["selection_p_value"] - gaps["p"]) if reported["selection_p_value"] is not None else 0)
        print(f"{name}: ROC-AUC {auc:.4f}; by {column}: selection ratio {reported['selection_ratio']:.3f}, equal opportunity difference "
              f"{reported['opportunity_difference']:.3f}, chi-square p {reported['selection_p_value']:.3g}, calibration gap {reported['calibration_gap']:.3f} "
              f"(Python {gaps['calibration_gap']:.3f}); "
              + ", ".join(f"{g['group']} {g['selection_rate']:.3f} (truly {g['base_rate']:.3f})" for g in reported["groups"]), flush=True)
    print(f"{name}: largest difference from the Python recomputation {worst:.2e} (counts, rates, ratio, gap, p), {score_gap:.2e} (mean scores, from 6-decimal probabilities)", flush=True)


def xgboost_groups(columns):
    def frame(d):
        x = d[columns].copy()
        if "home" in columns:
            x = pd.get_dummies(x, columns=["home"], dtype=float)
        x["guarantor"] = (d["guarantor"].astype(str) == "true").astype(float)
        return x
    xt, xs = frame(train), frame(test)
    model = xgb.XGBClassifier(tree_method="hist", n_jobs=2, random_state=0).fit(xt, train["default"] == "yes")
    p = model.predict_proba(xs[xt.columns])[:, 1]
    selected = p < 0.5  # favorable: predicted "no"
    for column in GROUPS:
        per, gaps = groups(test, selected, positive, column, 1 - p)
        print(f"xgboost {'+'.join(columns)}: ROC-AUC {roc_auc_score(test['default'] == 'yes', p):.4f}; by {column}: selection ratio "
              f"{gaps['selection_ratio']:.3f}, equal opportunity difference {gaps['opportunity_difference']:.3f}, calibration gap {gaps['calibration_gap']:.3f}; "
              + ", ".join(f"{g} {v['selection_rate']:.3f}" for g, v in per.items()), flush=True)


base = ["income", "debt_ratio", "late_payments", "guarantor"]
xgboost_groups(base + ["age", "home"])
xgboost_groups(base)

model = os.path.join(folder, "lepton_gbdt")
times = {"eval": [], "eval --groups home,age": []}
for r in range(rounds):
    order = list(times) if r % 2 == 0 else list(reversed(times))
    for side in order:
        extra = ["--groups", "home,age", "--favorable", FAVORABLE] if "groups" in side else []
        start = time.perf_counter()
        lepton("eval", "--model", model, "--data", "credit@1", "--json", *extra)
        times[side].append(time.perf_counter() - start)
        print(f"round {r + 1} lepton {side}: {times[side][-1]:.2f} s", flush=True)
plain, grouped = (statistics.median(times[k]) for k in times)
print(f"median wall: eval {plain:.2f} s, eval --groups home,age {grouped:.2f} s ({grouped / plain:.3f}x)")
