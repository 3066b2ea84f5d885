"""A mixed table (gaps, categories, a date, an identifier) and the reference learners on it, for bench/tables/mixed.sh.
  /usr/bin/python3 bench/tables/mixed.py write DIR        writes DIR/loans.csv (3,000 rows, a `split` column: 25% test)
  /usr/bin/python3 bench/tables/mixed.py reference DIR    fits XGBoost (hist, 2 threads, native categories), scikit-learn's
      HistGradientBoosting (native categories) and LogisticRegression (median imputation with missing indicators, one-hot,
      standardized) on the train rows and prints one `RESULT {json}` line each with the test accuracy.
Default risk grows with the loan-to-income ratio and unemployment; an income left blank is itself a risk (people who leave
it blank earn less), so what a model does with gaps matters."""
import csv
import json
import random
import sys
import time


def write(folder):
    rng = random.Random(1)
    with open(f"{folder}/loans.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["loan_id", "income", "age", "state", "signup", "notes", "employed", "amount", "default", "split"])
        for i in range(3000):
            income = rng.lognormvariate(10, 0.5)
            blank = rng.random() < (0.15 if income < 20000 else 0.03)
            state = rng.choice(["CA", "NY", "TX", "WA", "OR", "NV"])
            notes = rng.choice(["paid on time every month", "late twice in the last year", "", "new customer with no history"])
            employed = rng.choice(["yes", "no"])
            amount = round(rng.uniform(1000, 50000), 2)
            p = amount / income * 0.5 + (0.2 if employed == "no" else 0) + (0.1 if notes.startswith("late") else 0)
            default = "yes" if rng.random() < min(0.95, p) else "no"
            w.writerow([i + 1000, "" if blank else round(income, 2), rng.randint(18, 80), state,
                        f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}", notes, employed, amount, default,
                        "test" if i % 4 == 0 else "train"])


def reference(folder):
    start = time.perf_counter()
    import numpy as np
    import pandas as pd
    frame = pd.read_csv(f"{folder}/loans.csv", keep_default_na=True)
    date = pd.to_datetime(frame["signup"])
    frame["month"], frame["day"], frame["dow"] = date.dt.month, date.dt.day, date.dt.dayofweek
    frame["notes"] = frame["notes"].fillna("")
    numeric = ["income", "age", "amount", "month", "day", "dow"]
    categorical = ["state", "notes", "employed"]
    train, test = frame[frame["split"] == "train"], frame[frame["split"] == "test"]
    ytr, yte = (train["default"] == "yes").astype(int), (test["default"] == "yes").astype(int)
    read_s = time.perf_counter() - start

    def cats(part):
        x = part[numeric + categorical].copy()
        for c in categorical:
            x[c] = pd.Categorical(x[c], categories=sorted(frame[c].unique()))
        return x

    import xgboost as xgb
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    models = {
        "xgboost": lambda: xgb.XGBClassifier(tree_method="hist", n_jobs=2, random_state=0, enable_categorical=True),
        "sklearn_hgb": lambda: HistGradientBoostingClassifier(random_state=0, categorical_features=[len(numeric) + i for i in range(len(categorical))]),
        "sklearn_linear": lambda: make_pipeline(
            ColumnTransformer([("num", make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler()), numeric),
                               ("cat", OneHotEncoder(handle_unknown="ignore"), categorical)]),
            LogisticRegression(max_iter=5000)),
    }
    for name, make in models.items():
        t0 = time.perf_counter()
        if name == "sklearn_hgb":
            xtr = cats(train).apply(lambda c: c.cat.codes if c.dtype.name == "category" else c).to_numpy(np.float64)
            xte = cats(test).apply(lambda c: c.cat.codes if c.dtype.name == "category" else c).to_numpy(np.float64)
        elif name == "xgboost":
            xtr, xte = cats(train), cats(test)
        else:
            xtr, xte = train[numeric + categorical], test[numeric + categorical]
        model = make().fit(xtr, ytr)
        accuracy = float((model.predict(xte) == yte).mean())
        print("RESULT " + json.dumps({"side": "reference", "learner": name, "score": accuracy, "read_s": read_s,
                                      "fit_s": time.perf_counter() - t0, "test_rows": int(len(yte))}))


if __name__ == "__main__":
    {"write": write, "reference": reference}[sys.argv[1]](sys.argv[2])
