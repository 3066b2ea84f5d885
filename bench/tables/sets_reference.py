"""The reference side of bench/tables/sets.sh, as a user runs it: reads fraud.csv with pandas in time order, the latest 20% of rows
as test and the 20% before them held out (as `lepton data split --test 0.2 --validation 0.2` cuts a table with a time column);
six numeric columns and the merchant one-hot as features (bench/tables/fraud_table.py's); scikit-learn's
HistGradientBoostingClassifier fitted on the rest; LAC prediction sets at 0.9 (every class whose score 1 - p is at most the
ceil((n+1)*0.9)-th smallest held-out score, and always the predicted class): over all held-out rows (marginal) or one quantile of
each class's held-out rows (per_class, Mondrian). Writes each test row's set of labels ("no", "yes") to OUT as JSON.
  /usr/bin/python3 bench/tables/sets_reference.py fraud.csv marginal|per_class OUT.json"""
import json
import math
import sys

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier

path, kind, out = sys.argv[1], sys.argv[2], sys.argv[3]
frame = pd.read_csv(path).sort_values("time", kind="stable")
x = frame[["amount", "hour", "account_age_days", "txns_last_24h", "distance_km"]].astype(float)
x["card_present"] = frame["card_present"].astype(str).str.lower().eq("true").astype(float)
x = pd.concat([x, pd.get_dummies(frame["merchant"], prefix="m").astype(float)], axis=1).to_numpy(np.float32)
y = frame["fraud"].eq("yes").to_numpy().astype(int)
n = len(frame)
test, held = int(round(n * 0.2)), int(round(n * 0.2))
a, b = n - test - held, n - test
model = HistGradientBoostingClassifier(random_state=0).fit(x[:a], y[:a])
p_held, p_test = model.predict_proba(x[a:b]), model.predict_proba(x[b:])
scores = 1 - p_held[np.arange(b - a), y[a:b]]


def qhat(s):
    return float(np.sort(s)[math.ceil((len(s) + 1) * 0.9) - 1])


q = [qhat(scores[y[a:b] == c]) for c in (0, 1)] if kind == "per_class" else [qhat(scores)] * 2
names = ["no", "yes"]
sets = []
for row in p_test:
    top = int(row.argmax())
    sets.append([names[c] for c in (0, 1) if 1 - row[c] <= q[c] or c == top])
json.dump(sets, open(out, "w"))
