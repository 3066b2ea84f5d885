"""The reference side of bench/tables/calibration.sh, as a user runs it (interpreter start and imports in the caller's wall clock):
reads fraud.csv with pandas, keeps the latest 20% of rows by time as the test rows (as `lepton data split --test 0.2` does for a
table with a time column), one-hot encodes the merchant, weighs the classes equally (balanced), and calibrates with
scikit-learn's own parts on out-of-fold scores of the training rows: the later half in 5 blocks, each scored by a model fitted on
every earlier row (the folds Lepton uses for a time-ordered table; CalibratedClassifierCV's cross_val_predict cannot take
forward-in-time folds). The score is the raw margin (XGBoost's output_margin, HistGradientBoosting's decision_function), as
CalibratedClassifierCV calibrates it; the map is IsotonicRegression(out_of_bounds="clip") or _sigmoid_calibration; the model is
then refitted on every training row. Writes the test rows' probabilities to OUT and prints one `RESULT {json}` line.
  /usr/bin/python3 bench/tables/calibration_reference.py fraud.csv LEARNER METHOD OUT.npy
LEARNER: xgboost (hist, 2 threads, scale_pos_weight = negatives/positives) or sklearn_hgb (class_weight=balanced);
METHOD: none, sigmoid or isotonic."""
import json
import sys
import time

import numpy as np  # noqa: E402

from fraud_table import matrices  # noqa: E402

path, learner, method, out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
xtr, xte, ytr = matrices(path)


def make(labels):
    if learner == "xgboost":
        import xgboost as xgb
        return xgb.XGBClassifier(tree_method="hist", n_jobs=2, random_state=0, scale_pos_weight=(labels == 0).sum() / max(1, (labels == 1).sum()))
    if learner == "sklearn_hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier
        return HistGradientBoostingClassifier(random_state=0, class_weight="balanced")
    sys.exit(f"unknown learner {learner}; use xgboost or sklearn_hgb")


def margin(model, rows):
    return model.predict(rows, output_margin=True) if learner == "xgboost" else model.decision_function(rows)


fit_start = time.perf_counter()
calibrate = None
if method != "none":
    from sklearn.calibration import _sigmoid_calibration
    from sklearn.isotonic import IsotonicRegression
    n = len(ytr)
    half = n // 2
    edges = [half + (n - half) * k // 5 for k in range(6)]
    scores, labels = [], []
    for k in range(5):
        model = make(ytr[: edges[k]]).fit(xtr[: edges[k]], ytr[: edges[k]])
        scores.append(margin(model, xtr[edges[k]: edges[k + 1]]))
        labels.append(ytr[edges[k]: edges[k + 1]])
    s, t = np.concatenate(scores), np.concatenate(labels)
    if method == "isotonic":
        iso = IsotonicRegression(out_of_bounds="clip").fit(s, t)
        calibrate = iso.predict
    else:
        a, b = _sigmoid_calibration(s, t)
        calibrate = lambda v: 1 / (1 + np.exp(a * v + b))  # noqa: E731
final = make(ytr).fit(xtr, ytr)
fit_s = time.perf_counter() - fit_start
p = final.predict_proba(xte)[:, 1] if calibrate is None else calibrate(margin(final, xte))
np.save(out, p)
print("RESULT " + json.dumps({"learner": learner, "method": method, "fit_s": fit_s, "test_rows": int(len(xte))}), flush=True)
