"""One reference learner as a user runs it, for bench/tables/wall.py: this process (interpreter start and imports
included in the caller's wall clock) reads DATA.csv with pandas, splits it by its `split` column (train / test), fits
LEARNER (xgboost: XGBoost tree_method=hist, 2 threads; sklearn_hgb: HistGradientBoosting; sklearn_linear: standardized
LogisticRegression or Ridge), scores the test rows and prints one `RESULT {json}` line.
  /usr/bin/python3 bench/tables/reference_cli.py DATA.csv TASK LEARNER [ROUNDS]
TASK is binary, multiclass or regression; ROUNDS, when given, caps XGBoost's n_estimators and HistGradientBoosting's
max_iter (the same cap the Lepton side is given)."""
import json
import sys
import time

start = time.perf_counter()
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

path, task, learner = sys.argv[1], sys.argv[2], sys.argv[3]
rounds = int(sys.argv[4]) if len(sys.argv) > 4 else None
reg = task == "regression"
frame = pd.read_csv(path)
train, test = frame[frame["split"] == "train"], frame[frame["split"] == "test"]
features = [c for c in frame.columns if c not in ("label", "split")]
xtr, xte = train[features].to_numpy(np.float32), test[features].to_numpy(np.float32)
ytr, yte = train["label"].to_numpy(), test["label"].to_numpy()
if not reg:
    ytr, yte = ytr.astype(int), yte.astype(int)
read_s = time.perf_counter() - start
if learner == "xgboost":
    import xgboost as xgb
    extra = {} if rounds is None else {"n_estimators": rounds}
    model = (xgb.XGBRegressor if reg else xgb.XGBClassifier)(tree_method="hist", n_jobs=2, random_state=0, **extra)
elif learner == "sklearn_hgb":
    from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
    extra = {} if rounds is None else {"max_iter": rounds}
    model = (HistGradientBoostingRegressor if reg else HistGradientBoostingClassifier)(random_state=0, **extra)
elif learner == "sklearn_linear":
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    model = make_pipeline(StandardScaler(), Ridge(alpha=1.0) if reg else LogisticRegression(max_iter=5000))
else:
    sys.exit(f"unknown learner {learner}; use xgboost, sklearn_hgb or sklearn_linear")
fit_start = time.perf_counter()
model.fit(xtr, ytr)
fit_s = time.perf_counter() - fit_start
pred = model.predict(xte)
score = float(np.sqrt(np.mean((pred - yte) ** 2))) if reg else float(np.mean(pred == yte))
print("RESULT " + json.dumps({"learner": learner, "metric": "rmse" if reg else "accuracy", "score": score,
                              "read_s": read_s, "fit_s": fit_s, "test_rows": int(len(yte))}), flush=True)
