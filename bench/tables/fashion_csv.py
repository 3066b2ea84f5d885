"""Writes Fashion-MNIST from Debian's dataset-fashion-mnist package as one table of 784 pixel columns: DIR/fashion_mnist.csv
(header p0..p783, label, split; the 60,000 training images then the 10,000 test images, the dataset's own split) and
adds its entry to DIR/tasks.json.  /usr/bin/python3 bench/tables/fashion_csv.py DIR [root=/usr/share/datasets/fashion-mnist]"""
import gzip
import json
import os
import sys

import numpy as np

out = sys.argv[1]
root = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
os.makedirs(out, exist_ok=True)


def idx(path, offset):
    with gzip.open(os.path.join(root, path), "rb") as fh:
        return np.frombuffer(fh.read(), dtype=np.uint8, offset=offset)


classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
parts = []
for part, prefix in [("train", "train"), ("test", "t10k")]:
    x = idx(f"{prefix}-images-idx3-ubyte.gz", 16).reshape(-1, 784)
    y = idx(f"{prefix}-labels-idx1-ubyte.gz", 8)
    assert len(x) == len(y), (part, len(x), len(y))
    parts.append((part, x, y))
with open(os.path.join(out, "fashion_mnist.csv"), "w") as fh:
    fh.write(",".join([f"p{i}" for i in range(784)] + ["label", "split"]) + "\n")
    for part, x, y in parts:
        lines = np.column_stack([x.astype(np.int64), y.astype(np.int64)])
        for row in lines:
            fh.write(",".join(map(str, row.tolist())) + "," + part + "\n")
tasks_path = os.path.join(out, "tasks.json")
tasks = json.load(open(tasks_path)) if os.path.exists(tasks_path) else {}
tasks["fashion_mnist"] = {"task": "multiclass", "classes": classes, "train_rows": len(parts[0][2]), "test_rows": len(parts[1][2]), "features": 784}
with open(tasks_path, "w") as fh:
    json.dump(tasks, fh, indent=1)
print("wrote", os.path.join(out, "fashion_mnist.csv"))
