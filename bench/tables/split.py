"""Writes the fixed train/test split of scikit-learn's bundled tables (breast cancer, wine, diabetes) as CSV files that both
sides of bench/tables/run.sh read: DIR/NAME_train.csv and DIR/NAME_test.csv (header of feature names, then `label`),
DIR/NAME.csv (the same rows in one file with a last `split` column, train or test, for bench/tables/wall.py and
`lepton data import --split-column split`), and DIR/tasks.json (task and class names per data set). Run with Debian's
/usr/bin/python3."""
import json
import os
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_wine
from sklearn.model_selection import train_test_split

out = sys.argv[1] if len(sys.argv) > 1 else "bench/tables/data"
os.makedirs(out, exist_ok=True)
tasks = {}
for name, loader, task in [("breast_cancer", load_breast_cancer, "binary"), ("wine", load_wine, "multiclass"),
                           ("diabetes", load_diabetes, "regression")]:
    d = loader()
    x, y = d.data.astype(np.float32), d.target
    strat = y if task != "regression" else None
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.25, random_state=0, stratify=strat)
    names = [n.replace(" ", "_") for n in d.feature_names]
    with open(os.path.join(out, f"{name}.csv"), "w") as both:
        both.write(",".join(names + ["label", "split"]) + "\n")
        for part, xs, ys in [("train", xtr, ytr), ("test", xte, yte)]:
            with open(os.path.join(out, f"{name}_{part}.csv"), "w") as fh:
                fh.write(",".join(names + ["label"]) + "\n")
                for row, label in zip(xs, ys):
                    line = ",".join(repr(float(v)) for v in row) + "," + repr(float(label))
                    fh.write(line + "\n")
                    both.write(line + "," + part + "\n")
    classes = [str(c) for c in d.target_names] if task != "regression" else []
    tasks[name] = {"task": task, "classes": classes, "train_rows": len(ytr), "test_rows": len(yte), "features": x.shape[1]}
with open(os.path.join(out, "tasks.json"), "w") as fh:
    json.dump(tasks, fh, indent=1)
print("wrote", out)
