#!/usr/bin/env python3
"""The reference learners of bench/text/spam-compare.sh on the split Lepton exported (train.tsv / test.tsv, train.ft /
test.ft): fastText supervised with its tutorial settings (-epoch 25 -lr 1.0 -wordNgrams 2) and TF-IDF (word 1-2 grams,
sublinear tf) + a linear SVM (scikit-learn LinearSVC, C=1). Prints one JSON line per learner: macro-F1, accuracy and the
training wall time in seconds (fastText: the `fasttext supervised` process; SVM: vectorizer fit + SVM fit)."""
import json, subprocess, sys, time, os
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC
from sklearn.metrics import f1_score, accuracy_score

split, which = sys.argv[1], sys.argv[2]

def read(name):
    labels, texts = [], []
    with open(os.path.join(split, name), encoding="utf-8") as f:
        for line in f:
            label, _, text = line.rstrip("\n").partition("\t")
            labels.append(label); texts.append(text)
    return labels, texts

y_test, x_test = read("test.tsv")
if which == "fasttext":
    model = os.path.join(split, "ft-model")
    t0 = time.perf_counter()
    subprocess.run(["fasttext", "supervised", "-input", os.path.join(split, "train.ft"), "-output", model,
                    "-epoch", "25", "-lr", "1.0", "-wordNgrams", "2", "-thread", "2", "-verbose", "0"], check=True)
    seconds = time.perf_counter() - t0
    out = subprocess.run(["fasttext", "predict", model + ".bin", os.path.join(split, "test.ft")], check=True, capture_output=True, text=True).stdout
    pred = [l.strip().replace("__label__", "") for l in out.splitlines()]
else:
    y_train, x_train = read("train.tsv")
    t0 = time.perf_counter()
    vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    svm = LinearSVC(C=1.0).fit(vec.fit_transform(x_train), y_train)
    seconds = time.perf_counter() - t0
    pred = list(svm.predict(vec.transform(x_test)))
print(json.dumps({"learner": which, "macro_f1": f1_score(y_test, pred, average="macro"), "accuracy": accuracy_score(y_test, pred), "train_seconds": seconds}))
