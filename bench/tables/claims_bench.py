"""Driver of bench/tables/claims.sh: in DIR (holding claims.csv from bench/tables/claims.py), ROUNDS rounds alternating the sides.
Lepton: `lepton data import` (ordered by start) + `data split --test 0.2 --validation 0.2` + `train --model M --loss poisson
[--weight-column exposure]` in fresh processes, timed together; then `predict` on the test rows. References:
bench/tables/claims_reference.py (trained on the 80% before the test rows). Every side's test frequencies are scored here as
scikit-learn's Poisson example scores them: the mean Poisson deviance weighted by exposure, and the claims the model predicts on
the test policies (exposure x frequency) against the claims they had. Prints one line per run and a median table (markdown).
  /usr/bin/python3 bench/tables/claims_bench.py DIR ROUNDS [ONLY]   (ONLY: run the sides whose name holds this text)"""
import json
import os

import numpy as np
from sides import alternate, driver_arguments, latest_rows, lepton_scored, timed
from sklearn.metrics import mean_poisson_deviance

root = os.path.dirname(os.path.abspath(__file__))
csv, folder, rounds, only, cli = driver_arguments("claims.csv")
test_csv, test_lines = latest_rows(csv, folder)
test_rows = len(test_lines)
cells = [l.split(",") for l in test_lines]
exposure = np.array([float(c[8]) for c in cells])
frequency = np.array([float(c[9]) for c in cells])
claims = float(np.sum(np.round(exposure * frequency)))

LEPTON = {"lepton gbdt --loss poisson --weight-column exposure": ["--model", "gbdt", "--loss", "poisson", "--weight-column", "exposure"],
          "lepton linear --loss poisson --weight-column exposure": ["--model", "linear", "--loss", "poisson", "--weight-column", "exposure"],
          "lepton gbdt --loss poisson (unweighted)": ["--model", "gbdt", "--loss", "poisson", "--exclude", "exposure"],
          "lepton auto --loss poisson --weight-column exposure": ["--model", "auto", "--loss", "poisson", "--weight-column", "exposure"]}
REFERENCES = {"xgboost count:poisson, sample_weight=exposure (hist, 2 threads)": "xgboost_poisson",
              "scikit-learn HGB poisson, sample_weight=exposure": "sklearn_hgb_poisson",
              "scikit-learn PoissonRegressor, sample_weight=exposure": "sklearn_glm_poisson",
              "scikit-learn HGB poisson (unweighted)": "sklearn_hgb_poisson_unweighted"}


def scores(predicted):
    predicted = np.maximum(np.asarray(predicted, dtype=float), 1e-9)
    return dict(weighted_deviance=float(mean_poisson_deviance(frequency, predicted, sample_weight=exposure)),
                claims_ratio=float(np.sum(exposure * predicted) / claims))


def lepton(args, r):
    home = os.path.join(folder, f"home-{r}-{'-'.join(a.replace('=', '') for a in args[1::2])}")
    scored, seconds = lepton_scored(cli, home, csv, "claims", "frequency", "start", args, test_csv)
    rows = [l.split(",") for l in open(scored).read().splitlines()]
    at = rows[0].index("prediction")
    if "auto" in args:  # the learner auto chose on its (weighted) out-of-fold deviance
        print("  auto chose", json.load(open(os.path.join(home, "model", "model.json")))["metadata"].get("learner"))
    return dict(scores([float(row[at]) for row in rows[1:]]), seconds=seconds)


def reference(learner, r):
    out = os.path.join(folder, f"{learner}-{r}.npy")
    seconds = timed(["/usr/bin/python3", os.path.join(root, "claims_reference.py"), csv, learner, out])
    return dict(scores(np.load(out)), seconds=seconds)


medians = alternate({n: lambda r, a=a: lepton(a, r) for n, a in LEPTON.items() if only in n},
                    {n: lambda r, l=l: reference(l, r) for n, l in REFERENCES.items() if only in n}, rounds)
print(f"\ntest: {test_rows:,} policies, {exposure.sum():,.0f} years of exposure, {claims:,.0f} claims")
print("\n| side | Poisson deviance, exposure-weighted (lower is better) | predicted / seen claims | wall s (median) |")
print("|---|---:|---:|---:|")
for name, m in medians.items():
    print(f"| {name} | {m['weighted_deviance']:.4f} | {m['claims_ratio']:.3f} | {m['seconds']:.2f} |")
