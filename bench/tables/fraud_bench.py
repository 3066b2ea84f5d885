"""Driver of bench/tables/fraud.sh: in DIR (holding fraud.csv from bench/tables/fraud.py), ROUNDS rounds alternating the sides.
Lepton: `lepton data import` + `data split --test 0.2` (time-ordered) + `train --model M --threshold f1 [--class-weight
balanced]` in fresh processes, timed together; then `predict` on the test rows and the threshold from model.json. References:
bench/tables/fraud_reference.py (threshold by F1 on the same forward folds). Both sides scored by bench/tables/fraud_score.py.
Prints one line per run and a median table (markdown).
  /usr/bin/python3 bench/tables/fraud_bench.py DIR ROUNDS"""
import json
import os
import shlex
import statistics
import sys
import time

from fraud_table import lepton as lepton_run, run, write_test_csv

root = os.path.dirname(os.path.abspath(__file__))
folder, rounds = sys.argv[1], int(sys.argv[2])
csv = os.path.join(folder, "fraud.csv")
cli = shlex.split(os.environ.get("LEPTON_CLI", "./lepton"))
test_csv = write_test_csv(folder, csv)

LEPTON = {"lepton gbdt, --threshold f1": ["--model", "gbdt", "--threshold", "f1"],
          "lepton logistic, --class-weight balanced --threshold f1": ["--model", "logistic", "--class-weight", "balanced", "--threshold", "f1"],
          "lepton gbdt, threshold 0.5": ["--model", "gbdt"]}
REFERENCES = {"xgboost (hist, 2 threads), F1 threshold": "xgboost", "scikit-learn HistGradientBoosting, F1 threshold": "sklearn_hgb",
              "scikit-learn LogisticRegression balanced, F1 threshold": "sklearn_linear"}


def score(probabilities, threshold):
    return json.loads(run(["/usr/bin/python3", os.path.join(root, "fraud_score.py"), csv, probabilities, str(threshold)]))


def lepton(name, args, r):
    home = os.path.join(folder, f"home-{r}-{len(args)}-{args[1]}")
    model, scored, seconds = lepton_run(cli, csv, home, args, test_csv)
    threshold = json.load(open(os.path.join(model, "model.json")))["task"]["threshold"]
    return dict(score(scored, threshold), seconds=seconds)


def reference(name, learner, r):
    out = os.path.join(folder, f"{learner}-{r}.npy")
    start = time.perf_counter()
    result = run(["/usr/bin/python3", os.path.join(root, "fraud_reference.py"), csv, learner, out])
    seconds = time.perf_counter() - start
    line = next(l for l in result.splitlines() if l.startswith("RESULT "))
    return dict(score(out, json.loads(line[7:])["threshold"]), seconds=seconds)


results = {}
sides = [(n, lambda n=n, a=a, r=0: lepton(n, a, r)) for n, a in LEPTON.items()] + [(n, lambda n=n, l=l, r=0: reference(n, l, r)) for n, l in REFERENCES.items()]
for r in range(rounds):
    # Alternate: Lepton first in even rounds, the references first in odd ones.
    order = sides if r % 2 == 0 else sides[len(LEPTON):] + sides[:len(LEPTON)]
    for name, fn in order:
        res = fn()
        results.setdefault(name, []).append(res)
        print(f"round {r + 1} {name}: " + json.dumps({k: round(v, 4) for k, v in res.items()}), flush=True)

print("\n| side | F1 of yes | precision | recall | threshold | average precision | ROC-AUC | wall s (median) |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for name, runs in results.items():
    m = {k: statistics.median(x[k] for x in runs) for k in runs[0]}
    print(f"| {name} | {m['f1']:.4f} | {m['precision']:.4f} | {m['recall']:.4f} | {m['threshold']:.4f} | {m['average_precision']:.4f} | {m['roc_auc']:.4f} | {m['seconds']:.2f} |")
