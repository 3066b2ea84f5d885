"""One reference side of bench/tables/credit.sh: reads credit.csv, trains LEARNER on the train rows (2 threads) and saves the
test rows' probability of default to OUT (.npy), and the probabilities of the rows of SWEEP (a CSV) to SWEEP_OUT. Learners: xgboost / xgboost_monotone / xgboost_monotone_additive (hist, 500
rounds at 0.05 with early stopping on 20% of the train rows; monotone_constraints; and interaction_constraints of one feature
per group), sklearn_hgb / sklearn_hgb_monotone / sklearn_hgb_monotone_additive (HistGradientBoostingClassifier, early stopping,
monotonic_cst, interaction_cst), sklearn_logistic (standardized numbers, one-hot home).
  /usr/bin/python3 bench/tables/credit_reference.py credit.csv LEARNER OUT SWEEP SWEEP_OUT"""
import os
import sys

os.environ.setdefault("OMP_NUM_THREADS", "2")
import numpy as np
import pandas as pd

csv, learner, out, sweep_csv, sweep_out = sys.argv[1:6]
df = pd.read_csv(csv)
sweep = pd.read_csv(sweep_csv)
for frame in (df, sweep):
    frame["home"] = pd.Categorical(frame["home"], categories=["mortgage", "own", "rent"])
    frame["guarantor"] = frame["guarantor"].astype(bool).astype(int)
features = ["income", "debt_ratio", "age", "late_payments", "home", "guarantor"]
# Directions of the numbers; home is a category (free).
MONOTONE = {"income": -1, "debt_ratio": 1, "age": -1, "late_payments": 1, "guarantor": -1, "home": 0}
train, test = df[df.split == "train"], df[df.split == "test"]
y = (train["default"] == "yes").astype(int).to_numpy()

if learner.startswith("xgboost"):
    import xgboost as xgb
    from sklearn.model_selection import train_test_split
    fit_x, val_x, fit_y, val_y = train_test_split(train[features], y, test_size=0.2, random_state=0, stratify=y)
    params = dict(n_estimators=500, learning_rate=0.05, tree_method="hist", n_jobs=2, enable_categorical=True, early_stopping_rounds=50,
                  eval_metric="logloss", random_state=0)
    if "monotone" in learner:
        params["monotone_constraints"] = "(" + ",".join(str(MONOTONE[f]) for f in features) + ")"
    if learner.endswith("additive"):
        params["interaction_constraints"] = [[f] for f in features]
    model = xgb.XGBClassifier(**params).fit(fit_x, fit_y, eval_set=[(val_x, val_y)], verbose=False)
    p, q = model.predict_proba(test[features])[:, 1], model.predict_proba(sweep[features])[:, 1]
elif learner.startswith("sklearn_hgb"):
    from sklearn.ensemble import HistGradientBoostingClassifier
    kw = dict(categorical_features=[features.index("home")], early_stopping=True, random_state=0)
    x = train[features].assign(home=train["home"].cat.codes)
    if "monotone" in learner:
        kw["monotonic_cst"] = [MONOTONE[f] for f in features]
    if learner.endswith("additive"):
        kw["interaction_cst"] = [{i} for i in range(len(features))]
    model = HistGradientBoostingClassifier(**kw).fit(x, y)
    p = model.predict_proba(test[features].assign(home=test["home"].cat.codes))[:, 1]
    q = model.predict_proba(sweep[features].assign(home=sweep["home"].cat.codes))[:, 1]
elif learner == "sklearn_logistic":
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler
    def matrix(frame):
        return pd.get_dummies(frame[features], columns=["home"], dtype=float).to_numpy()
    scaler = StandardScaler().fit(matrix(train))
    model = LogisticRegression(max_iter=1000).fit(scaler.transform(matrix(train)), y)
    p, q = model.predict_proba(scaler.transform(matrix(test)))[:, 1], model.predict_proba(scaler.transform(matrix(sweep)))[:, 1]
else:
    sys.exit(f"unknown learner {learner}")
np.save(out, np.asarray(p, dtype=float))
np.save(sweep_out, np.asarray(q, dtype=float))
