"""The reference side of bench/tables/claims.sh, as a user runs it (interpreter start and imports in the caller's wall clock):
reads claims.csv with pandas, keeps the latest 20% of policies by start date as the test rows (as `lepton data split --test 0.2`
does for a table with a time column), fits the claim frequency on the rest with each policy's exposure as its sample_weight,
and writes the test rows' predicted frequencies to OUT.
  /usr/bin/python3 bench/tables/claims_reference.py claims.csv LEARNER OUT.npy
LEARNER: xgboost_poisson (count:poisson, hist, 2 threads, native categories, sample_weight=exposure); sklearn_hgb_poisson
(HistGradientBoostingRegressor, loss poisson, native categories, sample_weight); sklearn_glm_poisson (PoissonRegressor, alpha
1e-3 as Lepton's default L2, on standardized numbers and one-hot categories, sample_weight); *_unweighted: the same without weights."""
import sys
import time

start = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

path, learner, out = sys.argv[1], sys.argv[2], sys.argv[3]
frame = pd.read_csv(path).sort_values("start", kind="stable")
dates = pd.to_datetime(frame["start"])
numbers = ["driver_age", "vehicle_age", "vehicle_power", "bonus_malus", "density", "year", "month", "day", "weekday"]
x = pd.DataFrame({"driver_age": frame["driver_age"], "vehicle_age": frame["vehicle_age"], "vehicle_power": frame["vehicle_power"],
                  "bonus_malus": frame["bonus_malus"], "density": frame["density"],
                  "year": dates.dt.year, "month": dates.dt.month, "day": dates.dt.day, "weekday": dates.dt.dayofweek,
                  "region": frame["region"].astype("category"), "fuel": frame["fuel"].astype("category")})
y = frame["frequency"].to_numpy(dtype=float)
w = frame["exposure"].to_numpy(dtype=float)
cut = len(frame) - int(round(len(frame) * 0.2))
xtr, xte, ytr, wtr = x.iloc[:cut], x.iloc[cut:], y[:cut], w[:cut]
weights = None if learner.endswith("_unweighted") else wtr
kind = learner.removesuffix("_unweighted")

if kind == "xgboost_poisson":
    import xgboost as xgb
    model = xgb.XGBRegressor(tree_method="hist", n_jobs=2, random_state=0, objective="count:poisson", enable_categorical=True)
    fit = dict(sample_weight=weights)
elif kind == "sklearn_hgb_poisson":
    from sklearn.ensemble import HistGradientBoostingRegressor
    categorical = [c in ("region", "fuel") for c in x.columns]
    xtr, xte = (f.assign(region=f["region"].cat.codes, fuel=f["fuel"].cat.codes) for f in (xtr, xte))
    model = HistGradientBoostingRegressor(loss="poisson", random_state=0, categorical_features=categorical)
    fit = dict(sample_weight=weights)
elif kind == "sklearn_glm_poisson":
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import PoissonRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    model = make_pipeline(make_column_transformer((StandardScaler(), numbers), (OneHotEncoder(handle_unknown="ignore"), ["region", "fuel"])),
                          PoissonRegressor(alpha=1e-3, max_iter=1000))
    fit = dict(poissonregressor__sample_weight=weights)
else:
    sys.exit(f"unknown learner {learner}")

fit_start = time.perf_counter()
model.fit(xtr, ytr, **fit)
np.save(out, np.asarray(model.predict(xte), dtype=float))
print(f"RESULT {{\"fit_seconds\": {time.perf_counter() - fit_start:.4f}, \"seconds_in_process\": {time.perf_counter() - start:.4f}}}")
