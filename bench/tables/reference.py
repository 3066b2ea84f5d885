"""The reference side of bench/tables/run.sh: XGBoost (hist, 2 threads), scikit-learn HistGradientBoosting and a
standardized LogisticRegression / Ridge on the split written by split.py. One warm-up fit, then REPS timed fits per
learner; prints one `RESULT {json}` line per (data set, learner) with the test score and the median fit time."""
import json
import os
import sys
import time

import numpy as np
import xgboost as xgb
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

data = sys.argv[1]
reps = int(sys.argv[2]) if len(sys.argv) > 2 else 3
tasks = json.load(open(os.path.join(data, "tasks.json")))


def load(name, part):
    a = np.loadtxt(os.path.join(data, f"{name}_{part}.csv"), delimiter=",", skiprows=1)
    return a[:, :-1].astype(np.float32), a[:, -1]


for name, t in tasks.items():
    xtr, ytr = load(name, "train")
    xte, yte = load(name, "test")
    reg = t["task"] == "regression"
    learners = {
        "xgboost": lambda: (xgb.XGBRegressor if reg else xgb.XGBClassifier)(tree_method="hist", n_jobs=2, random_state=0),
        "sklearn_hgb": lambda: (HistGradientBoostingRegressor if reg else HistGradientBoostingClassifier)(random_state=0),
        "sklearn_linear": lambda: make_pipeline(StandardScaler(), Ridge(alpha=1.0) if reg else LogisticRegression(max_iter=5000)),
    }
    for learner, make in learners.items():
        ytr_fit = ytr if reg else ytr.astype(int)
        make().fit(xtr, ytr_fit)  # warm-up
        times = []
        for _ in range(reps):
            m = make()
            start = time.perf_counter()
            m.fit(xtr, ytr_fit)
            times.append((time.perf_counter() - start) * 1000)
        pred = m.predict(xte)
        score = float(np.sqrt(np.mean((pred - yte) ** 2))) if reg else float(np.mean(pred == yte.astype(int)))
        print("RESULT " + json.dumps({"side": "reference", "dataset": name, "learner": learner,
                                      "metric": "rmse" if reg else "accuracy", "score": score,
                                      "train_ms": float(np.median(times))}), flush=True)
