"""The reference side of bench/tables/horizon.sh, as a user runs it (interpreter start and imports in the caller's wall clock): reads
horizon.csv (forecast.csv with the last DAYS days' units emptied), makes Lepton's lags (1, 7, 14; means of 7 and 28 earlier days)
per store and item with pandas, fits a HistGradientBoosting poisson model on the labelled rows, then forecasts the empty days one
at a time, each day's lags read from the history and the forecasts before it (recursive forecasting, as skforecast's
ForecasterAutoreg does), and writes the forecasts (in file order) to OUT.
  /usr/bin/python3 bench/tables/horizon_reference.py horizon.csv OUT.npy"""
import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingRegressor

path, out = sys.argv[1], sys.argv[2]
frame = pd.read_csv(path)
dates = pd.to_datetime(frame["date"])
base = pd.DataFrame({"year": dates.dt.year, "month": dates.dt.month, "day": dates.dt.day, "weekday": dates.dt.dayofweek,
                     "promo": frame["promo"].astype(str).str.lower().eq("true").astype(float),
                     "store": frame["store"].astype("category").cat.codes, "item": frame["item"].astype("category").cat.codes})
units = frame["units"].astype(float).copy()
groups = [frame["store"], frame["item"]]


def features(target):
    x = base.copy()
    series = target.groupby(groups, sort=False)
    for k in (1, 7, 14):
        x[f"units_lag_{k}"] = series.shift(k)
    for w in (7, 28):
        x[f"units_mean_{w}"] = series.transform(lambda s: s.shift(1).rolling(w, min_periods=1).mean())
    return x


known = units.notna()
x = features(units)
categorical = [c in ("store", "item") for c in x.columns]
model = HistGradientBoostingRegressor(random_state=0, categorical_features=categorical, loss="poisson").fit(x[known], units[known])
filled = units.copy()
for day in sorted(frame.loc[~known, "date"].unique()):
    rows = (frame["date"] == day) & ~known
    filled[rows] = model.predict(features(filled)[rows])
np.save(out, filled[~known].to_numpy())
