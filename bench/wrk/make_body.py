"""Writes the benchmark request: the first Fashion-MNIST test image as one OIP v2 FP32 input of 784 raw pixel values.
  /usr/bin/python3 bench/wrk/make_body.py OUT.json [DATA_DIR]
"""
import gzip, json, os, sys

out = sys.argv[1]
data_dir = sys.argv[2] if len(sys.argv) > 2 else "/usr/share/datasets/fashion-mnist"
path = os.path.join(data_dir, "t10k-images-idx3-ubyte.gz")
raw = open(path, "rb").read()
if raw[:2] == b"\x1f\x8b":
    raw = gzip.decompress(raw)
pixels = [float(b) for b in raw[16:16 + 784]]
body = {"inputs": [{"name": "image", "shape": [1, 1, 28, 28], "datatype": "FP32", "data": pixels}]}
with open(out, "w") as f:
    json.dump(body, f, separators=(",", ":"))
