"""Driver of bench/tables/calibration.sh: in DIR (holding fraud.csv from bench/tables/fraud.py), ROUNDS rounds alternating the
sides. Lepton: `lepton data import` + `data split --test 0.2` (time-ordered) + `train --model gbdt --class-weight balanced
[--calibrate METHOD]` in fresh processes, timed together; then `predict` on the test rows. References:
bench/tables/calibration_reference.py (the same balanced weights and forward folds). Both sides scored by
bench/tables/calibration_score.py. Prints one line per run and a median table (markdown).
  /usr/bin/python3 bench/tables/calibration_bench.py DIR ROUNDS"""
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

LEPTON = {"lepton gbdt balanced": [], "lepton gbdt balanced, --calibrate sigmoid": ["--calibrate", "sigmoid"],
          "lepton gbdt balanced, --calibrate isotonic": ["--calibrate", "isotonic"]}
REFERENCES = {"xgboost balanced": ("xgboost", "none"), "xgboost balanced + sigmoid": ("xgboost", "sigmoid"),
              "xgboost balanced + isotonic": ("xgboost", "isotonic"), "scikit-learn HGB balanced + isotonic": ("sklearn_hgb", "isotonic")}


def score(probabilities):
    return json.loads(run(["/usr/bin/python3", os.path.join(root, "calibration_score.py"), csv, probabilities]))


def lepton(args, r):
    home = os.path.join(folder, f"home-{r}-{'-'.join(args) or 'plain'}")
    _, scored, seconds = lepton_run(cli, csv, home, ["--model", "gbdt", "--class-weight", "balanced", *args], test_csv)
    return dict(score(scored), seconds=seconds)


def reference(learner, method, r):
    out = os.path.join(folder, f"{learner}-{method}-{r}.npy")
    start = time.perf_counter()
    run(["/usr/bin/python3", os.path.join(root, "calibration_reference.py"), csv, learner, method, out])
    return dict(score(out), seconds=time.perf_counter() - start)


results = {}
sides = [(n, lambda a=a, r=0: lepton(a, r)) for n, a in LEPTON.items()] + [(n, lambda lm=lm, r=0: reference(*lm, r)) for n, lm in REFERENCES.items()]
for r in range(rounds):
    # Alternate: Lepton first in even rounds, the references first in odd ones.
    order = sides if r % 2 == 0 else sides[len(LEPTON):] + sides[:len(LEPTON)]
    for name, fn in order:
        res = fn(r=r)
        results.setdefault(name, []).append(res)
        print(f"round {r + 1} {name}: " + json.dumps({k: round(v, 4) for k, v in res.items()}), flush=True)

print("\n| side | log loss | Brier | ECE | mean probability (fraud rate) | ROC-AUC | wall s (median) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, runs in results.items():
    m = {k: statistics.median(x[k] for x in runs) for k in runs[0]}
    print(f"| {name} | {m['log_loss']:.4f} | {m['brier']:.4f} | {m['ece']:.4f} | {m['mean_p']:.4f} ({m['rate']:.4f}) | {m['roc_auc']:.4f} | {m['seconds']:.2f} |")
