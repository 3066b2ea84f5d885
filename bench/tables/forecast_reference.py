"""The reference side of bench/tables/forecast.sh, as a user runs it (interpreter start and imports in the caller's wall clock):
reads forecast.csv with pandas, makes the same features Lepton's `data lags --by store,item --lags 1,7,14 --rolling 7,28` does
(groupby shift for the lags; the mean of the values present among the N days before, rolling(N, min_periods=1) of the shifted
series) beside the date's parts, store and item as categories and the promotion, keeps the latest 20% of rows as test, fits, and
writes the test rows' predictions to OUT. With LAGS=none, the calendar alone.
  /usr/bin/python3 bench/tables/forecast_reference.py forecast.csv LEARNER OUT.npy [none]
LEARNER: xgboost_poisson (count:poisson, hist, 2 threads, native categories), sklearn_hgb_poisson (HistGradientBoostingRegressor)."""
import sys

import numpy as np
import pandas as pd

path, learner, out = sys.argv[1], sys.argv[2], sys.argv[3]
lagged = not (len(sys.argv) > 4 and sys.argv[4] == "none")
frame = pd.read_csv(path)
dates = pd.to_datetime(frame["date"])
x = pd.DataFrame({"year": dates.dt.year, "month": dates.dt.month, "day": dates.dt.day, "weekday": dates.dt.dayofweek,
                  "promo": frame["promo"].astype(str).str.lower().eq("true").astype(float),
                  "store": frame["store"].astype("category"), "item": frame["item"].astype("category")})
if lagged:
    series = frame.sort_values("date", kind="stable").groupby(["store", "item"], sort=False)["units"]
    for k in (1, 7, 14):
        x[f"units_lag_{k}"] = series.shift(k)
    for w in (7, 28):
        x[f"units_mean_{w}"] = series.transform(lambda s: s.shift(1).rolling(w, min_periods=1).mean())
y = frame["units"].to_numpy(dtype=float)
cut = len(frame) - int(round(len(frame) * 0.2))
xtr, xte, ytr = x.iloc[:cut], x.iloc[cut:], y[:cut]
if learner == "xgboost_poisson":
    import xgboost as xgb
    model = xgb.XGBRegressor(tree_method="hist", n_jobs=2, random_state=0, objective="count:poisson", enable_categorical=True)
else:
    from sklearn.ensemble import HistGradientBoostingRegressor
    categorical = [c in ("store", "item") for c in x.columns]
    xtr, xte = xtr.assign(store=xtr["store"].cat.codes, item=xtr["item"].cat.codes), xte.assign(store=xte["store"].cat.codes, item=xte["item"].cat.codes)
    model = HistGradientBoostingRegressor(random_state=0, categorical_features=categorical, loss="poisson")
model.fit(xtr, ytr)
np.save(out, model.predict(xte))
