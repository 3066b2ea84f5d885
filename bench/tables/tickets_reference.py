"""The reference side of bench/tables/tickets.sh: scikit-learn with the text featurized as Lepton's encoder does it
(TfidfVectorizer: words and word pairs, sublinear tf, smooth idf, at most 200 terms in 3+ rows and at most 95% of them), the
plan one-hot and the tenure as it is; LEARNER is logistic (standardized LogisticRegression) or hgb (HistGradientBoosting on the
dense features). Prints one `RESULT {json}` line with the test accuracy; the caller times the whole process.
  /usr/bin/python3 bench/tables/tickets_reference.py tickets.csv LEARNER"""
import json
import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

path, learner = sys.argv[1], sys.argv[2]
frame = pd.read_csv(path, keep_default_na=False)
train, test = frame[frame["split"] == "train"], frame[frame["split"] == "test"]
features = ColumnTransformer([
    ("message", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=3, max_df=0.95, max_features=200, token_pattern=r"(?u)\b\w+\b"), "message"),
    ("plan", OneHotEncoder(handle_unknown="ignore"), ["plan"]),
    ("tenure", "passthrough", ["tenure"]),
], sparse_threshold=0)
if learner == "logistic":
    from sklearn.linear_model import LogisticRegression
    model = make_pipeline(features, StandardScaler(), LogisticRegression(max_iter=5000))
elif learner == "hgb":
    from sklearn.ensemble import HistGradientBoostingClassifier
    model = make_pipeline(features, FunctionTransformer(np.asarray), HistGradientBoostingClassifier(random_state=0))
else:
    sys.exit(f"unknown learner {learner}; use logistic or hgb")
model.fit(train, train["escalated"])
print("RESULT " + json.dumps({"learner": learner, "accuracy": float((model.predict(test) == test["escalated"]).mean()), "test_rows": len(test)}), flush=True)
