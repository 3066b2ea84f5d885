"""The reference side of bench/tables/demand.sh, as a user runs it (interpreter start and imports in the caller's wall clock):
reads demand.csv with pandas, keeps the latest 20% of rows by date as the test rows (as `lepton data split --test 0.2` does for
a table with a time column), gives the learner the date's parts (year, month, day, weekday: what Lepton's date encoder
writes), the store and item as categories, price, promo and temperature, fits, and writes the test rows' predictions to OUT.
  /usr/bin/python3 bench/tables/demand_reference.py demand.csv LEARNER OUT.npy
LEARNER: xgboost_poisson (count:poisson), xgboost_squared (reg:squarederror), both hist with 2 threads and native categories;
sklearn_hgb_poisson, sklearn_hgb_quantile90 (HistGradientBoostingRegressor, loss poisson / quantile 0.9, native categories);
sklearn_glm_poisson (PoissonRegressor on standardized numbers and one-hot categories, alpha 1e-3 as Lepton's default L2;
sklearn_glm_poisson_exact the same solved to tol 1e-8); sklearn_linear_quantile90 (QuantileRegressor, quantile 0.9, no penalty,
the HiGHS linear-programming solver, on the same columns)."""
import sys
import time

start = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

path, learner, out = sys.argv[1], sys.argv[2], sys.argv[3]
frame = pd.read_csv(path).sort_values("date", kind="stable")
dates = pd.to_datetime(frame["date"])
x = pd.DataFrame({"year": dates.dt.year, "month": dates.dt.month, "day": dates.dt.day, "weekday": dates.dt.dayofweek,
                  "price": frame["price"], "promo": frame["promo"].astype(str).str.lower().eq("true").astype(float),
                  "temperature": frame["temperature"],
                  "store": frame["store"].astype("category"), "item": frame["item"].astype("category")})
y = frame["units"].to_numpy(dtype=float)
cut = len(frame) - int(round(len(frame) * 0.2))
xtr, xte, ytr = x.iloc[:cut], x.iloc[cut:], y[:cut]

if learner.startswith("xgboost"):
    import xgboost as xgb
    objective = "count:poisson" if learner == "xgboost_poisson" else "reg:squarederror"
    model = xgb.XGBRegressor(tree_method="hist", n_jobs=2, random_state=0, objective=objective, enable_categorical=True)
elif learner.startswith("sklearn_hgb"):
    from sklearn.ensemble import HistGradientBoostingRegressor
    categorical = [c in ("store", "item") for c in x.columns]
    xtr, xte = xtr.assign(store=xtr["store"].cat.codes, item=xtr["item"].cat.codes), xte.assign(store=xte["store"].cat.codes, item=xte["item"].cat.codes)
    kwargs = dict(loss="poisson") if learner == "sklearn_hgb_poisson" else dict(loss="quantile", quantile=0.9)
    model = HistGradientBoostingRegressor(random_state=0, categorical_features=categorical, **kwargs)
elif learner in ("sklearn_glm_poisson", "sklearn_glm_poisson_exact"):
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import PoissonRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    numbers = ["year", "month", "day", "weekday", "price", "promo", "temperature"]
    model = make_pipeline(make_column_transformer((StandardScaler(), numbers), (OneHotEncoder(handle_unknown="ignore"), ["store", "item"])),
                          # _exact: solved to Lepton's tolerance instead of stopping at scikit-learn's default tol=1e-4.
                          PoissonRegressor(alpha=1e-3, max_iter=3000, tol=1e-8) if learner.endswith("_exact") else PoissonRegressor(alpha=1e-3, max_iter=1000))
elif learner == "sklearn_linear_quantile90":
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import QuantileRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    numbers = ["year", "month", "day", "weekday", "price", "promo", "temperature"]
    model = make_pipeline(make_column_transformer((StandardScaler(), numbers), (OneHotEncoder(handle_unknown="ignore"), ["store", "item"])),
                          QuantileRegressor(quantile=0.9, alpha=0.0, solver="highs"))
else:
    sys.exit(f"unknown learner {learner}")

fit_start = time.perf_counter()
model.fit(xtr, ytr)
np.save(out, np.asarray(model.predict(xte), dtype=float))
print(f"RESULT {{\"fit_seconds\": {time.perf_counter() - fit_start:.4f}, \"seconds_in_process\": {time.perf_counter() - start:.4f}}}")
