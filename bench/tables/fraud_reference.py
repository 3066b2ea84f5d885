"""The reference side of bench/tables/fraud.sh, as a user runs it (interpreter start and imports in the caller's wall clock):
reads fraud.csv with pandas, keeps the latest 20% of rows by time as the test rows (as `lepton data split --test 0.2` does for a
table with a time column), one-hot encodes the merchant, and chooses the decision threshold with the best F1 of "yes" on
out-of-fold predictions of the training rows: the later half in 5 blocks, each predicted by a model fitted on every earlier row
(the folds Lepton uses for a time-ordered table); then refits on every training row and prints one `RESULT {json}` line with
the test rows' probabilities written to OUT.
  /usr/bin/python3 bench/tables/fraud_reference.py fraud.csv LEARNER OUT.npy
LEARNER: xgboost (XGBoost hist, 2 threads), sklearn_hgb (HistGradientBoosting), sklearn_linear (standardized
LogisticRegression, class_weight=balanced)."""
import json
import sys
import time

start = time.perf_counter()
import numpy as np  # noqa: E402

from fraud_table import matrices  # noqa: E402

path, learner, out = sys.argv[1], sys.argv[2], sys.argv[3]
xtr, xte, ytr = matrices(path)


def make():
    if learner == "xgboost":
        import xgboost as xgb
        return xgb.XGBClassifier(tree_method="hist", n_jobs=2, random_state=0)
    if learner == "sklearn_hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier
        return HistGradientBoostingClassifier(random_state=0)
    if learner == "sklearn_linear":
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler
        return make_pipeline(SimpleImputer(), StandardScaler(), LogisticRegression(max_iter=5000, class_weight="balanced"))
    sys.exit(f"unknown learner {learner}; use xgboost, sklearn_hgb or sklearn_linear")


fit_start = time.perf_counter()
n = len(ytr)
half = n // 2
edges = [half + (n - half) * k // 5 for k in range(6)]
oof_p, oof_y = [], []
for k in range(5):
    model = make().fit(xtr[: edges[k]], ytr[: edges[k]])
    oof_p.append(model.predict_proba(xtr[edges[k]: edges[k + 1]])[:, 1])
    oof_y.append(ytr[edges[k]: edges[k + 1]])
p, t = np.concatenate(oof_p), np.concatenate(oof_y)
order = np.argsort(-p, kind="stable")
ps, ts = p[order], t[order]
tp = np.cumsum(ts)
flagged = np.arange(1, len(ts) + 1)
last = np.r_[ps[1:] != ps[:-1], True]  # the last row of each run of equal probabilities
f1 = np.where(tp > 0, 2 * tp / (flagged + t.sum()), 0)
i = int(np.argmax(np.where(last, f1, -1)))
threshold = float((ps[i] + ps[i + 1]) / 2) if i + 1 < len(ps) else float(ps[i])
final = make().fit(xtr, ytr)
fit_s = time.perf_counter() - fit_start
np.save(out, final.predict_proba(xte)[:, 1])
print("RESULT " + json.dumps({"learner": learner, "threshold": threshold, "fit_s": fit_s, "test_rows": int(len(xte))}), flush=True)
