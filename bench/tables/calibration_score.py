"""Scores the test rows of bench/tables/calibration.sh for either side the same way: given fraud.csv and the test rows'
probabilities of "yes" (a .npy, or Lepton's `predict --output` CSV, whose last column is the probability), prints one JSON line
with scikit-learn's log loss and Brier score, the expected calibration error (15 equal-width bins of the predicted class's
probability, as `lepton eval` reports it), the mean probability against the rate of fraud, and ROC-AUC (which a calibration
leaves as it is, up to ties).
  /usr/bin/python3 bench/tables/calibration_score.py fraud.csv PROBABILITIES"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

path, probabilities = sys.argv[1], sys.argv[2]
frame = pd.read_csv(path).sort_values("time", kind="stable")
cut = len(frame) - int(round(len(frame) * 0.2))
y = frame["fraud"].eq("yes").to_numpy()[cut:].astype(int)
p = np.load(probabilities) if probabilities.endswith(".npy") else pd.read_csv(probabilities).iloc[:, -1].to_numpy()
assert len(p) == len(y), f"{len(p)} probabilities for {len(y)} test rows"
confidence = np.maximum(p, 1 - p)
right = (p >= 0.5).astype(int) == y
bins = np.clip(np.ceil(confidence * 15).astype(int) - 1, 0, 14)
ece = sum(abs(right[bins == b].mean() - confidence[bins == b].mean()) * (bins == b).sum() for b in range(15) if (bins == b).any()) / len(y)
print(json.dumps({"log_loss": log_loss(y, np.clip(p, 1e-15, 1 - 1e-15)), "brier": brier_score_loss(y, p), "ece": float(ece),
                  "mean_p": float(p.mean()), "rate": float(y.mean()), "roc_auc": roc_auc_score(y, p)}))
