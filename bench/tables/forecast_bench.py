"""Driver of bench/tables/forecast.sh: in DIR (holding forecast.csv from bench/tables/forecast.py), ROUNDS rounds alternating the
sides. Lepton: `lepton data import --time-column date` + `data split --test 0.2` (the latest fifth of the days) + `data lags --by
store,item --lags 1,7,14 --rolling 7,28` + `train --model gbdt --loss poisson` in fresh processes, timed together, scored by the
test metrics train reports on the split's test rows (and the same without lags). References: bench/tables/forecast_reference.py
with the same features made in pandas, trained on the 80% of rows before the test rows. Prints one line per run and a median
table (markdown).
  /usr/bin/python3 bench/tables/forecast_bench.py DIR ROUNDS [ONLY]   (ONLY: run the sides whose name holds this text)"""
import json
import os
import time

import numpy as np
from sides import alternate, driver_arguments, latest_rows, run, timed
from sklearn.metrics import mean_poisson_deviance

root = os.path.dirname(os.path.abspath(__file__))
csv, folder, rounds, only, cli = driver_arguments("forecast.csv")
_, test_lines = latest_rows(csv, folder)
units = np.array([float(l.split(",")[-1]) for l in test_lines])


def lepton(lags, r):
    home = os.path.join(folder, f"home-{r}-{'lags' if lags else 'calendar'}")
    env = dict(os.environ, LEPTON_HOME=home)
    start = time.perf_counter()
    run(cli + ["data", "import", csv, "--name", "sales", "--label-column", "units", "--task", "regression", "--time-column", "date", "--json"], env)
    run(cli + ["data", "split", "sales@1", "--test", "0.2", "--json"], env)
    data = "sales@2"
    if lags:
        run(cli + ["data", "lags", "sales@2", "--by", "store,item", "--lags", "1,7,14", "--rolling", "7,28", "--json"], env)
        data = "sales@3"
    metrics = json.loads(run(cli + ["train", "--data", data, "--model", "gbdt", "--loss", "poisson", "--out", os.path.join(home, "model"), "--json"], env))["metrics"]
    seconds = time.perf_counter() - start
    return dict(rmse=metrics["test_rmse"], deviance=metrics["test_poisson_deviance"], seconds=seconds)


def reference(learner, lags, r):
    out = os.path.join(folder, f"{learner}-{lags}-{r}.npy")
    seconds = timed(["/usr/bin/python3", os.path.join(root, "forecast_reference.py"), csv, learner, out] + ([] if lags else ["none"]))
    predicted = np.maximum(np.load(out), 1e-9)
    return dict(rmse=float(np.sqrt(np.mean((predicted - units) ** 2))), deviance=float(mean_poisson_deviance(units, predicted)), seconds=seconds)


LEPTON = {"lepton gbdt --loss poisson, data lags 1,7,14 + means 7,28": True, "lepton gbdt --loss poisson, calendar only": False}
REFERENCES = {"scikit-learn HGB poisson, pandas lags 1,7,14 + means 7,28": ("sklearn_hgb_poisson", True),
              "xgboost count:poisson (hist, 2 threads), pandas lags 1,7,14 + means 7,28": ("xgboost_poisson", True),
              "scikit-learn HGB poisson, calendar only": ("sklearn_hgb_poisson", False)}
medians = alternate({n: lambda r, l=l: lepton(l, r) for n, l in LEPTON.items() if only in n},
                    {n: lambda r, a=a: reference(a[0], a[1], r) for n, a in REFERENCES.items() if only in n}, rounds)
print(f"\ntest: {len(units):,} rows (the latest fifth of the days), mean {units.mean():.2f} units")
print("\n| side | RMSE | Poisson deviance (lower is better) | wall s (median) |")
print("|---|---:|---:|---:|")
for name, m in medians.items():
    print(f"| {name} | {m['rmse']:.4f} | {m['deviance']:.4f} | {m['seconds']:.2f} |")
