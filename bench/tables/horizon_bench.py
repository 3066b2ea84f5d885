"""Driver of bench/tables/horizon.sh: in DIR (holding forecast.csv from bench/tables/forecast.py), writes horizon.csv with the last
DAYS days' units emptied, then ROUNDS rounds alternating the sides. Lepton: `lepton data import --time-column date` + `data lags
--by store,item --lags 1,7,14 --rolling 7,28` + `train --model gbdt --loss poisson` (on the labelled rows) + `predict --data
sales@2 --rows unlabelled` (step by step, each day's lags reading the forecasts before it), in fresh processes, timed together.
Reference: bench/tables/horizon_reference.py (pandas lags, scikit-learn HistGradientBoosting poisson, a recursive loop over the
days). Both scored against the emptied days' actual units. Prints one line per run and a median table (markdown).
  /usr/bin/python3 bench/tables/horizon_bench.py DIR ROUNDS DAYS"""
import os
import sys
import time

import numpy as np
from sides import alternate, run, timed
from sklearn.metrics import mean_poisson_deviance
import shlex

folder, rounds, days = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
cli = shlex.split(os.environ.get("LEPTON_CLI", "./lepton"))
root = os.path.dirname(os.path.abspath(__file__))
lines = open(os.path.join(folder, "forecast.csv")).read().splitlines()
dates = sorted({l.split(",")[0] for l in lines[1:]})
future = set(dates[-days:])
horizon = os.path.join(folder, "horizon.csv")
actual, rows = [], [lines[0]]
for l in lines[1:]:
    cells = l.split(",")
    if cells[0] in future:
        actual.append(float(cells[-1]))
        cells[-1] = ""
    rows.append(",".join(cells))
open(horizon, "w").write("\n".join(rows) + "\n")
actual = np.array(actual)


def scores(predicted, seconds):
    predicted = np.maximum(np.asarray(predicted, dtype=float), 1e-9)
    first = len(actual) // days  # the rows of the first emptied day (every day has the same rows)
    return dict(rmse=float(np.sqrt(np.mean((predicted - actual) ** 2))), deviance=float(mean_poisson_deviance(actual, predicted)),
                rmse_day1=float(np.sqrt(np.mean((predicted[:first] - actual[:first]) ** 2))), seconds=seconds)


def lepton(r):
    home = os.path.join(folder, f"home-{r}")
    env = dict(os.environ, LEPTON_HOME=home)
    out = os.path.join(home, "forecast.csv")
    start = time.perf_counter()
    run(cli + ["data", "import", horizon, "--name", "sales", "--label-column", "units", "--task", "regression", "--time-column", "date", "--json"], env)
    run(cli + ["data", "lags", "sales@1", "--by", "store,item", "--lags", "1,7,14", "--rolling", "7,28", "--json"], env)
    run(cli + ["train", "--data", "sales@2", "--model", "gbdt", "--loss", "poisson", "--out", os.path.join(home, "model"), "--json"], env)
    run(cli + ["predict", "--model", os.path.join(home, "model"), "--data", "sales@2", "--rows", "unlabelled", "--output", out, "--json"], env)
    seconds = time.perf_counter() - start
    scored = [l.split(",") for l in open(out).read().splitlines()]
    at = scored[0].index("prediction")
    return scores([float(c[at]) for c in scored[1:]], seconds)


def reference(r):
    out = os.path.join(folder, f"reference-{r}.npy")
    seconds = timed(["/usr/bin/python3", os.path.join(root, "horizon_reference.py"), horizon, out])
    return scores(np.load(out), seconds)


medians = alternate({"lepton data lags + gbdt poisson + predict --rows unlabelled (step by step)": lepton},
                    {"pandas lags + scikit-learn HGB poisson + a recursive loop": reference}, rounds)
print(f"\nforecast: the last {days} days, {len(actual):,} rows, mean {actual.mean():.2f} units")
print(f"\n| side | RMSE over the {days} days | RMSE of the first day | Poisson deviance | wall s (median) |")
print("|---|---:|---:|---:|---:|")
for name, m in medians.items():
    print(f"| {name} | {m['rmse']:.4f} | {m['rmse_day1']:.4f} | {m['deviance']:.4f} | {m['seconds']:.2f} |")
