#!/usr/bin/env python3
"""PyTorch reference for `lepton train --data fashion-mnist --model cnn`: same model, same recipe.

Run with Debian's PyTorch in its fastest setting here:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 \
    /usr/bin/python3 bench/reference/cnn_train.py --epochs 5
Prints one JSON object per epoch and a summary line (images/s, seconds per epoch, test accuracy).
"""
import argparse, gzip, json, os, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN, STD = 0.2860, 0.3530


def read_idx(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    x = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    x = (torch.from_numpy(x.astype(np.float32) / 255.0) - MEAN) / STD
    return x.unsqueeze(1), torch.from_numpy(y.astype(np.int64))


def model(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--model", default="cnn", choices=["cnn", "mlp"])
    ap.add_argument("--epochs", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    xtr, ytr = load(args.data_dir, "train")
    xte, yte = load(args.data_dir, "test")
    net = model(args.model)
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    g = torch.Generator().manual_seed(args.seed)
    total_time, total_images = 0.0, 0
    for epoch in range(1, args.epochs + 1):
        net.train()
        perm = torch.randperm(len(xtr), generator=g)
        t0 = time.perf_counter()
        for i in range(0, len(xtr), args.batch_size):
            idx = perm[i:i + args.batch_size]
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(net(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        dt = time.perf_counter() - t0
        total_time += dt
        total_images += len(xtr)
        net.eval()
        with torch.no_grad():
            correct = sum((net(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item() for i in range(0, len(xte), 1000))
        print(json.dumps({"epoch": epoch, "seconds": round(dt, 3), "images_per_s": round(len(xtr) / dt, 1),
                          "test_accuracy": correct / len(xte), "loss": round(loss.item(), 4)}), flush=True)
    print(json.dumps({"summary": True, "model": args.model, "seconds_per_epoch": round(total_time / args.epochs, 3),
                      "images_per_s": round(total_images / total_time, 1), "test_accuracy": correct / len(xte),
                      "threads": args.threads, "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
