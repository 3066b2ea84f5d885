"""The reference side of bench/tables/intervals.sh, as a user runs it: reads demand.csv with pandas, orders it by date, keeps the
latest 20% of rows as test and the 20% before them as the held-out (calibration) rows, as `lepton data split --test 0.2
--validation 0.2` does for a table with a time column; the date's parts, store and item as categories, price, promo and
temperature as features (bench/tables/demand_reference.py's); fits scikit-learn's HistGradientBoostingRegressor on the rest and
writes the test rows' (2, N) lower and upper bounds to OUT. Split conformal as Angelopoulos and Bates (2021) give it: the
ceil((n+1)(1-alpha))-th smallest held-out score.
  /usr/bin/python3 bench/tables/intervals_reference.py demand.csv METHOD OUT.npy
METHOD: hgb_absolute, hgb_poisson_absolute (squared or Poisson loss, absolute residuals, yhat +- q); hgb_cqr (quantile models at
0.05 and 0.95, conformalized: score max(lo - y, y - hi), [lo - q, hi + q]; Romano et al. 2019); hgb_quantile90 (the 0.9 quantile
as an upper bound as it is); hgb_quantile90_conformal (its bound moved by the held-out scores y - q90)."""
import math
import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

path, method, out = sys.argv[1], sys.argv[2], sys.argv[3]
LEVEL = 0.9
frame = pd.read_csv(path).sort_values("date", kind="stable")
dates = pd.to_datetime(frame["date"])
x = pd.DataFrame({"year": dates.dt.year, "month": dates.dt.month, "day": dates.dt.day, "weekday": dates.dt.dayofweek,
                  "price": frame["price"], "promo": frame["promo"].astype(str).str.lower().eq("true").astype(float),
                  "temperature": frame["temperature"],
                  "store": frame["store"].astype("category").cat.codes, "item": frame["item"].astype("category").cat.codes})
y = frame["units"].to_numpy(dtype=float)
n = len(frame)
test = int(round(n * 0.2))
held = int(round(n * 0.2))
train_end, held_end = n - test - held, n - test
xtr, ytr = x.iloc[:train_end], y[:train_end]
xca, yca = x.iloc[train_end:held_end], y[train_end:held_end]
xte = x.iloc[held_end:]
categorical = [c in ("store", "item") for c in x.columns]


def model(**kwargs):
    return HistGradientBoostingRegressor(random_state=0, categorical_features=categorical, **kwargs).fit(xtr, ytr)


def qhat(scores):
    k = math.ceil((len(scores) + 1) * LEVEL)
    return float(np.sort(scores)[k - 1])


if method in ("hgb_absolute", "hgb_poisson_absolute"):
    m = model(loss="poisson") if method == "hgb_poisson_absolute" else model()
    q = qhat(np.abs(yca - m.predict(xca)))
    p = m.predict(xte)
    bounds = np.stack([p - q, p + q])
elif method == "hgb_cqr":
    low, high = model(loss="quantile", quantile=0.05), model(loss="quantile", quantile=0.95)
    q = qhat(np.maximum(low.predict(xca) - yca, yca - high.predict(xca)))
    bounds = np.stack([low.predict(xte) - q, high.predict(xte) + q])
elif method in ("hgb_quantile90", "hgb_quantile90_conformal"):
    m = model(loss="quantile", quantile=0.9)
    q = qhat(yca - m.predict(xca)) if method.endswith("_conformal") else 0.0
    p = m.predict(xte)
    bounds = np.stack([np.full(len(p), -np.inf), p + q])
else:
    sys.exit(f"unknown method {method}")
np.save(out, bounds)
