"""Driver of bench/tables/intervals.sh: in DIR (holding demand.csv from bench/tables/demand.py), ROUNDS rounds alternating sides.
Lepton: `lepton data import` + `data split --test 0.2 --validation 0.2` (time-ordered by date: the latest days test, those before
them validation) + `train --model gbdt [--loss L] --intervals 0.9 [--intervals-method quantiles]` in fresh processes, timed together; then `predict --output` on
the test rows, whose scored CSV carries interval_lower and interval_upper. References: bench/tables/intervals_reference.py on the
same three parts of the rows. Every side's test intervals are scored here: coverage (share of test rows inside), mean width, and
the interval score of Gneiting and Raftery (2007) at alpha = 0.1 (width plus 20 times each miss; lower is better); a one-sided
bound gets its coverage only. Prints one line per run and a median table (markdown).
  /usr/bin/python3 bench/tables/intervals_bench.py DIR ROUNDS [ONLY]"""
import os

import numpy as np
from sides import alternate, driver_arguments, latest_rows, lepton_scored, timed

root = os.path.dirname(os.path.abspath(__file__))
csv, folder, rounds, only, cli = driver_arguments("demand.csv")
test_csv, test_lines = latest_rows(csv, folder)
truth = np.array([float(l.rsplit(",", 1)[1]) for l in test_lines])
ALPHA = 0.1

LEPTON = {"lepton gbdt --intervals 0.9 (absolute residuals)": ["--model", "gbdt", "--intervals", "0.9"],
          "lepton gbdt --loss poisson --intervals 0.9 (residuals scaled by sqrt of the count)": ["--model", "gbdt", "--loss", "poisson", "--intervals", "0.9"],
          "lepton gbdt --intervals 0.9 --intervals-method quantiles (CQR)": ["--model", "gbdt", "--intervals", "0.9", "--intervals-method", "quantiles"],
          "lepton gbdt --loss quantile=0.9 (no intervals)": ["--model", "gbdt", "--loss", "quantile=0.9"],
          "lepton gbdt --loss quantile=0.9 --intervals 0.9 (conformalized bound)": ["--model", "gbdt", "--loss", "quantile=0.9", "--intervals", "0.9"]}
REFERENCES = {"scikit-learn HGB squared + split conformal (absolute residuals)": "hgb_absolute",
              "scikit-learn HGB poisson + split conformal (absolute residuals)": "hgb_poisson_absolute",
              "scikit-learn HGB quantiles 0.05/0.95 + CQR": "hgb_cqr",
              "scikit-learn HGB quantile 0.9 (no conformal)": "hgb_quantile90",
              "scikit-learn HGB quantile 0.9 + one-sided conformal": "hgb_quantile90_conformal"}


def score(lower, upper):
    lower, upper = np.asarray(lower, dtype=float), np.asarray(upper, dtype=float)
    inside = (truth >= lower) & (truth <= upper)
    result = dict(coverage=float(np.mean(inside)))
    if np.all(np.isfinite(lower)) and np.all(np.isfinite(upper)):
        width = upper - lower
        penalty = (2 / ALPHA) * (np.maximum(lower - truth, 0) + np.maximum(truth - upper, 0))
        result.update(width=float(np.mean(width)), interval_score=float(np.mean(width + penalty)))
    else:
        result.update(width=float("nan"), interval_score=float("nan"))
    return result


def cell(text):
    return float(text) if text != "" else None


def lepton(args, r):
    home = os.path.join(folder, f"home-{r}-{'-'.join(a.replace('=', '') for a in args[1::2])}")
    scored, seconds = lepton_scored(cli, home, csv, "demand", "units", "date", args, test_csv)
    rows = [l.split(",") for l in open(scored).read().splitlines()]
    header = rows[0]
    if "interval_upper" not in header:  # a quantile model without intervals: its answer is the bound
        upper = [float(r[header.index("prediction")]) for r in rows[1:]]
        return dict(score(np.full(len(upper), -np.inf), upper), seconds=seconds)
    lo, hi = header.index("interval_lower"), header.index("interval_upper")
    lower = [v if v is not None else -np.inf for v in (cell(r[lo]) for r in rows[1:])]
    upper = [v if v is not None else np.inf for v in (cell(r[hi]) for r in rows[1:])]
    return dict(score(lower, upper), seconds=seconds)


def reference(method, r):
    out = os.path.join(folder, f"{method}-{r}.npy")
    seconds = timed(["/usr/bin/python3", os.path.join(root, "intervals_reference.py"), csv, method, out])
    bounds = np.load(out)
    return dict(score(bounds[0], bounds[1]), seconds=seconds)


medians = alternate({n: lambda r, a=a: lepton(a, r) for n, a in LEPTON.items() if only in n},
                    {n: lambda r, m=m: reference(m, r) for n, m in REFERENCES.items() if only in n}, rounds)

print("\n| side | coverage (target 0.900) | mean width | interval score (alpha 0.1) | wall s (median) |")
print("|---|---:|---:|---:|---:|")
for name, m in medians.items():
    fmt = lambda v: "-" if v != v else f"{v:.3f}"  # noqa: E731 (NaN: a one-sided bound)
    print(f"| {name} | {m['coverage']:.3f} | {fmt(m['width'])} | {fmt(m['interval_score'])} | {m['seconds']:.2f} |")
