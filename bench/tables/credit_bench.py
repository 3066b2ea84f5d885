"""Driver of bench/tables/credit.sh: in DIR (holding credit.csv from bench/tables/credit.py), ROUNDS rounds alternating the sides.
Lepton: `lepton data import --split-column split` + `train --model M [--monotone ...]` in fresh processes, timed together; then
`predict` on the test rows and on the sweeps. References: bench/tables/credit_reference.py (timed as one process each). Every
side is scored here on the same test rows (ROC-AUC, log loss, accuracy at 0.5) and on the same sweeps: 300 test applicants, each
constrained column set in turn to 20 values from its 5th to 95th percentile, all else kept; a row "breaks" a column when its
probability of default moves against the column's direction anywhere along the sweep. Prints one line per run and a median table.
  /usr/bin/python3 bench/tables/credit_bench.py DIR ROUNDS"""
import os
import shlex
import sys
import time

import numpy as np
import pandas as pd
from sides import alternate, run
from sklearn.metrics import accuracy_score, log_loss, roc_auc_score

root = os.path.dirname(os.path.abspath(__file__))
folder, rounds = sys.argv[1], int(sys.argv[2])
csv = os.path.join(folder, "credit.csv")
cli = shlex.split(os.environ.get("LEPTON_CLI", "./lepton"))
df = pd.read_csv(csv)
test = df[df.split == "test"]
truth = (test["default"] == "yes").to_numpy()
test_csv = os.path.join(folder, "test.csv")
test.drop(columns=["split"]).to_csv(test_csv, index=False)
MONOTONE = "income=decreasing,debt_ratio=increasing,age=decreasing,late_payments=increasing,guarantor=decreasing"
DIRECTIONS = {"income": -1, "debt_ratio": 1, "age": -1, "late_payments": 1}
POINTS = 20
sample = test.head(300)
blocks = []
for column in DIRECTIONS:
    grid = np.unique(np.quantile(df.loc[df.split == "train", column], np.linspace(0.05, 0.95, POINTS)))
    for v in grid:
        blocks.append(sample.assign(**{column: v}, sweep=column, point=v))
sweeps = pd.concat(blocks, ignore_index=True)
sweep_csv = os.path.join(folder, "sweep.csv")
sweeps.drop(columns=["split", "sweep", "point"]).to_csv(sweep_csv, index=False)

LEPTON = {"lepton gbdt": ["--model", "gbdt"],
          "lepton gbdt --monotone": ["--model", "gbdt", "--monotone", MONOTONE],
          "lepton gbdt --monotone --additive": ["--model", "gbdt", "--monotone", MONOTONE, "--additive"],
          "lepton logistic --monotone": ["--model", "logistic", "--monotone", MONOTONE]}
REFERENCES = {"xgboost (hist, 2 threads)": "xgboost", "xgboost monotone_constraints": "xgboost_monotone",
              "xgboost monotone + interaction_constraints (additive)": "xgboost_monotone_additive",
              "scikit-learn HGB": "sklearn_hgb", "scikit-learn HGB monotonic_cst": "sklearn_hgb_monotone",
              "scikit-learn HGB monotonic_cst + interaction_cst (additive)": "sklearn_hgb_monotone_additive",
              "scikit-learn LogisticRegression": "sklearn_logistic"}



def broken(p_sweep):
    # Share of the sampled rows whose probability moves against the direction anywhere along any constrained column's sweep.
    p = np.asarray(p_sweep, dtype=float)
    bad = np.zeros(len(sample), dtype=bool)
    offset = 0
    for column, direction in DIRECTIONS.items():
        points = len(np.unique(sweeps.loc[sweeps.sweep == column, "point"]))
        block = p[offset:offset + points * len(sample)].reshape(points, len(sample))
        offset += points * len(sample)
        bad |= (direction * np.diff(block, axis=0) < -1e-6).any(axis=0)
    return float(bad.mean())


def score(p, p_sweep):
    p = np.clip(np.asarray(p, dtype=float), 1e-7, 1 - 1e-7)
    return dict(auc=roc_auc_score(truth, p), logloss=log_loss(truth, p), accuracy=accuracy_score(truth, p >= 0.5), broken=broken(p_sweep))


def probabilities(scored):
    return pd.read_csv(scored)["probability"].to_numpy()


def lepton(args, r):
    home = os.path.join(folder, f"home-{r}-{'-'.join(a.lstrip('-').split('=')[0] for a in args)}")
    env = dict(os.environ, LEPTON_HOME=home)
    model = os.path.join(home, "model")
    start = time.perf_counter()
    run(cli + ["data", "import", csv, "--name", "credit", "--label-column", "default", "--split-column", "split", "--json"], env)
    run(cli + ["train", "--data", "credit@1", *args, "--out", model, "--json"], env)
    seconds = time.perf_counter() - start
    scored, swept = os.path.join(home, "scored.csv"), os.path.join(home, "swept.csv")
    run(cli + ["predict", "--model", model, "--input", test_csv, "--output", scored], env)
    run(cli + ["predict", "--model", model, "--input", sweep_csv, "--output", swept], env)
    return dict(score(probabilities(scored), probabilities(swept)), seconds=seconds)


def reference(learner, r):
    out = os.path.join(folder, f"{learner}-{r}")
    start = time.perf_counter()
    run(["/usr/bin/python3", os.path.join(root, "credit_reference.py"), csv, learner, out + ".npy", sweep_csv, out + "-sweep.npy"])
    seconds = time.perf_counter() - start
    return dict(score(np.load(out + ".npy"), np.load(out + "-sweep.npy")), seconds=seconds)


medians = alternate({n: lambda r, a=a: lepton(a, r) for n, a in LEPTON.items()}, {n: lambda r, l=l: reference(l, r) for n, l in REFERENCES.items()}, rounds)

print("\n| side | ROC-AUC | log loss | accuracy | rows breaking a direction | wall s (median) |")
print("|---|---:|---:|---:|---:|---:|")
for name, m in medians.items():
    print(f"| {name} | {m['auc']:.4f} | {m['logloss']:.4f} | {m['accuracy']:.4f} | {m['broken']:.1%} | {m['seconds']:.2f} |")
