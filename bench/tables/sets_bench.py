"""Driver of bench/tables/sets.sh: in DIR (holding fraud.csv from bench/tables/fraud.py), ROUNDS rounds alternating sides.
Lepton: `data import --time-column time` + `data split --test 0.2 --validation 0.2` + `train --model gbdt --intervals 0.9
[--intervals-per-class]` in fresh processes, timed together; then `predict --output` on the test rows, whose scored CSV carries
each row's `prediction_set`. Reference: bench/tables/sets_reference.py on the same rows. Every side's test sets are scored here:
coverage over all rows, coverage among the fraud rows and among the others, mean set size, share of rows whose set names fraud.
  /usr/bin/python3 bench/tables/sets_bench.py DIR ROUNDS"""
import csv
import json
import os

import numpy as np
from sides import alternate, driver_arguments, latest_rows, lepton_scored, timed

root = os.path.dirname(os.path.abspath(__file__))
data, folder, rounds, _, cli = driver_arguments("fraud.csv")
test_csv, _ = latest_rows(data, folder)
truth = [row["fraud"] for row in csv.DictReader(open(test_csv))]

LEPTON = {"lepton gbdt --intervals 0.9": ["--model", "gbdt", "--intervals", "0.9"],
          "lepton gbdt --intervals 0.9 --intervals-per-class": ["--model", "gbdt", "--intervals", "0.9", "--intervals-per-class"]}
REFERENCES = {"scikit-learn HGB + LAC sets": "marginal", "scikit-learn HGB + class-conditional LAC sets": "per_class"}


def score(sets):
    inside = np.array([t in s for t, s in zip(truth, sets)])
    fraud = np.array([t == "yes" for t in truth])
    return dict(coverage=float(inside.mean()), coverage_fraud=float(inside[fraud].mean()), coverage_other=float(inside[~fraud].mean()),
                set_size=float(np.mean([len(s) for s in sets])), names_fraud=float(np.mean(["yes" in s for s in sets])))


def lepton(args, r):
    scored, seconds = lepton_scored(cli, os.path.join(folder, f"home-{r}-{len(args)}"), data, "fraud", "fraud", "time", args, test_csv)
    sets = [json.loads(row["prediction_set"]) for row in csv.DictReader(open(scored))]
    return dict(score(sets), seconds=seconds)


def reference(kind, r):
    out = os.path.join(folder, f"{kind}-{r}.json")
    seconds = timed(["/usr/bin/python3", os.path.join(root, "sets_reference.py"), data, kind, out])
    return dict(score(json.load(open(out))), seconds=seconds)


medians = alternate({n: lambda r, a=a: lepton(a, r) for n, a in LEPTON.items()},
                    {n: lambda r, k=k: reference(k, r) for n, k in REFERENCES.items()}, rounds)

print("\n| side | coverage (target 0.900) | among fraud | among the others | mean set size | sets naming fraud | wall s (median) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, m in medians.items():
    print(f"| {name} | {m['coverage']:.3f} | {m['coverage_fraud']:.3f} | {m['coverage_other']:.3f} | {m['set_size']:.3f} | {m['names_fraud']:.3f} | {m['seconds']:.2f} |")
