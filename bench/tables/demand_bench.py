"""Driver of bench/tables/demand.sh: in DIR (holding demand.csv from bench/tables/demand.py), ROUNDS rounds alternating the sides.
Lepton: `lepton data import` + `data split --test 0.2` (time-ordered by date) + `train --model M [--loss L]` in fresh processes,
timed together; then `predict` on the test rows. References: bench/tables/demand_reference.py. Every side's test predictions are
scored here by scikit-learn's metrics (mean Poisson deviance, MAE, RMSE; for a 0.9 quantile, the pinball loss and the share of
rows at or under the prediction). Prints one line per run and a median table (markdown).
  /usr/bin/python3 bench/tables/demand_bench.py DIR ROUNDS [ONLY]   (ONLY: run the sides whose name holds this text)"""
import os
import time

import numpy as np
from sides import alternate, driver_arguments, latest_rows, run, timed
from sklearn.metrics import mean_absolute_error, mean_pinball_loss, mean_poisson_deviance, mean_squared_error

root = os.path.dirname(os.path.abspath(__file__))
csv, folder, rounds, only, cli = driver_arguments("demand.csv")
test_csv, test_lines = latest_rows(csv, folder)
truth = np.array([float(l.rsplit(",", 1)[1]) for l in test_lines])

LEPTON = {"lepton gbdt --loss poisson": ["--model", "gbdt", "--loss", "poisson"],
          "lepton gbdt --loss poisson --trees 100 --lr 0.3 (XGBoost's rounds and rate)": ["--model", "gbdt", "--loss", "poisson", "--trees", "100", "--lr", "0.3"],
          "lepton gbdt (squared)": ["--model", "gbdt"],
          "lepton linear --loss poisson": ["--model", "linear", "--loss", "poisson"],
          "lepton mlp --loss poisson": ["--model", "mlp", "--loss", "poisson"],
          "lepton gbdt --loss quantile=0.9": ["--model", "gbdt", "--loss", "quantile=0.9"],
          "lepton linear --loss quantile=0.9": ["--model", "linear", "--loss", "quantile=0.9"]}
REFERENCES = {"xgboost count:poisson (hist, 2 threads)": "xgboost_poisson", "xgboost squared (hist, 2 threads)": "xgboost_squared",
              "scikit-learn HGB poisson": "sklearn_hgb_poisson", "scikit-learn PoissonRegressor": "sklearn_glm_poisson",
              "scikit-learn PoissonRegressor, tol 1e-8": "sklearn_glm_poisson_exact",
              "scikit-learn HGB quantile 0.9": "sklearn_hgb_quantile90",
              "scikit-learn QuantileRegressor 0.9 (HiGHS)": "sklearn_linear_quantile90"}



def score(p):
    p = np.asarray(p, dtype=float)
    return dict(poisson_deviance=mean_poisson_deviance(truth, np.maximum(p, 1e-9)), mae=mean_absolute_error(truth, p),
                rmse=float(np.sqrt(mean_squared_error(truth, p))), pinball90=mean_pinball_loss(truth, p, alpha=0.9),
                coverage=float(np.mean(truth <= p)))


def lepton(args, r):
    home = os.path.join(folder, f"home-{r}-{'-'.join(a.replace('=', '') for a in args[1::2])}")
    env = dict(os.environ, LEPTON_HOME=home)
    model = os.path.join(home, "model")
    start = time.perf_counter()
    run(cli + ["data", "import", csv, "--name", "demand", "--label-column", "units", "--time-column", "date", "--json"], env)
    run(cli + ["data", "split", "demand@1", "--test", "0.2", "--json"], env)
    run(cli + ["train", "--data", "demand@2", *args, "--out", model, "--json"], env)
    seconds = time.perf_counter() - start
    scored = os.path.join(home, "scored.csv")
    run(cli + ["predict", "--model", model, "--input", test_csv, "--output", scored], env)
    p = [float(l.rsplit(",", 1)[1]) for l in open(scored).read().splitlines()[1:]]
    return dict(score(p), seconds=seconds)


def reference(learner, r):
    out = os.path.join(folder, f"{learner}-{r}.npy")
    seconds = timed(["/usr/bin/python3", os.path.join(root, "demand_reference.py"), csv, learner, out])
    return dict(score(np.load(out)), seconds=seconds)


medians = alternate({n: lambda r, a=a: lepton(a, r) for n, a in LEPTON.items() if only in n},
                    {n: lambda r, l=l: reference(l, r) for n, l in REFERENCES.items() if only in n}, rounds)

print("\n| side | Poisson deviance | MAE | RMSE | pinball 0.9 | coverage | wall s (median) |")
print("|---|---:|---:|---:|---:|---:|---:|")
for name, m in medians.items():
    print(f"| {name} | {m['poisson_deviance']:.4f} | {m['mae']:.4f} | {m['rmse']:.4f} | {m['pinball90']:.4f} | {m['coverage']:.3f} | {m['seconds']:.2f} |")
