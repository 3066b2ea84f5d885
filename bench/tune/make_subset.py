#!/usr/bin/env python3
"""Writes the first N training and M test images of Fashion-MNIST as gzip IDX files (the layout both sides read).

  /usr/bin/python3 bench/tune/make_subset.py OUT_DIR --train 5000 --test 1000
"""
import argparse, gzip, os

SRC = "/usr/share/datasets/fashion-mnist"


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else data


def find(prefix, kind):
    for name in (f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz", f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte"):
        if os.path.exists(os.path.join(SRC, name)):
            return os.path.join(SRC, name)
    raise SystemExit(f"no {prefix} {kind} under {SRC}; apt-get install dataset-fashion-mnist")


def subset(prefix, n, out):
    for kind, item in (("images", 28 * 28), ("labels", 1)):
        data = read(find(prefix, kind))
        ndim = data[3]
        header = bytearray(data[:4 + 4 * ndim])
        header[4:8] = n.to_bytes(4, "big")
        body = data[4 + 4 * ndim: 4 + 4 * ndim + n * item]
        dims = 3 if kind == "images" else 1
        with gzip.open(os.path.join(out, f"{prefix}-{kind}-idx{dims}-ubyte.gz"), "wb", compresslevel=1) as f:
            f.write(bytes(header) + body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--train", type=int, default=5000)
    ap.add_argument("--test", type=int, default=1000)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    subset("train", a.train, a.out)
    subset("t10k", a.test, a.out)


if __name__ == "__main__":
    main()
