"""Scores the test rows of bench/tables/fraud.sh for either side the same way: given fraud.csv, the test rows' probabilities of
"yes" (a .npy, or Lepton's `predict --output` CSV, whose last column is the probability) and the model's threshold, prints one
JSON line with F1, precision and recall of "yes" at that threshold, average precision and ROC-AUC.
  /usr/bin/python3 bench/tables/fraud_score.py fraud.csv PROBABILITIES THRESHOLD"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score

path, probabilities, threshold = sys.argv[1], sys.argv[2], float(sys.argv[3])
frame = pd.read_csv(path).sort_values("time", kind="stable")
cut = len(frame) - int(round(len(frame) * 0.2))
y = frame["fraud"].eq("yes").to_numpy()[cut:]
p = np.load(probabilities) if probabilities.endswith(".npy") else pd.read_csv(probabilities).iloc[:, -1].to_numpy()
assert len(p) == len(y), f"{len(p)} probabilities for {len(y)} test rows"
decided = p >= threshold
print(json.dumps({"f1": f1_score(y, decided), "precision": precision_score(y, decided, zero_division=0), "recall": recall_score(y, decided),
                  "average_precision": average_precision_score(y, p), "roc_auc": roc_auc_score(y, p), "threshold": threshold}))
