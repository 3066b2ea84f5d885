#!/usr/bin/env python3
"""Optuna reference for `lepton tune`: the same space (space.yaml), model (the mlp or cnn preset), data subset,
validation split, epoch budget, TPE sampler (Optuna's defaults) and successive halving (min resource 1, reduction 3).

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 \
    /usr/bin/python3 bench/tune/optuna_tune.py --data-dir DIR --trials 20 --max-epochs 3 --seed 0
Prints one JSON object: the best validation accuracy, its parameters, its test accuracy, epochs trained, seconds.
"""
import argparse, gzip, json, os, time
import numpy as np
import optuna
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


def load(data_dir, prefix):
    x = read_idx(os.path.join(data_dir, f"{prefix}-images-idx3-ubyte.gz"))
    y = read_idx(os.path.join(data_dir, f"{prefix}-labels-idx1-ubyte.gz"))
    x = (torch.from_numpy(x.astype(np.float32) / 255.0) - MEAN) / STD
    return x.unsqueeze(1), torch.from_numpy(y.astype(np.int64))


def build(kind):
    if kind == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    # The reference CNN (the cnn preset): conv32-pool-conv64-pool-fc128-fc10.
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3136, 128), nn.ReLU(), nn.Linear(128, 10))


def accuracy(net, x, y):
    with torch.no_grad():
        return (net(x).argmax(1) == y).float().mean().item()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", required=True)
    ap.add_argument("--model", default="mlp", choices=["mlp", "cnn"])
    ap.add_argument("--trials", type=int, default=20)
    ap.add_argument("--max-epochs", type=int, default=3)
    ap.add_argument("--validation-split", type=float, default=0.1)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    x, y = load(a.data_dir, "train")
    xte, yte = load(a.data_dir, "t10k")
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(a.seed))
    nval = int(round(len(x) * a.validation_split))
    xval, yval, xtr, ytr = x[perm[:nval]], y[perm[:nval]], x[perm[nval:]], y[perm[nval:]]
    epochs = [0]
    tests = {}

    def objective(trial):
        lr = trial.suggest_float("lr", 1e-4, 1e-1, log=True)
        opt_name = trial.suggest_categorical("optimizer", ["adam", "sgd"])
        batch = trial.suggest_categorical("batch_size", [32, 64, 128])
        torch.manual_seed(a.seed * 1000 + trial.number)
        net = build(a.model)
        opt = torch.optim.Adam(net.parameters(), lr=lr) if opt_name == "adam" else torch.optim.SGD(net.parameters(), lr=lr, momentum=0.9)
        g = torch.Generator().manual_seed(a.seed * 1000 + trial.number)
        val = 0.0
        for epoch in range(1, a.max_epochs + 1):
            order = torch.randperm(len(xtr), generator=g)
            net.train()
            for i in range(0, len(xtr), batch):
                idx = order[i:i + batch]
                opt.zero_grad()
                F.cross_entropy(net(xtr[idx]), ytr[idx]).backward()
                opt.step()
            epochs[0] += 1
            net.eval()
            val = accuracy(net, xval, yval)
            trial.report(val, epoch)
            if trial.should_prune():
                raise optuna.TrialPruned()
        tests[trial.number] = accuracy(net, xte, yte)
        return val

    sampler = optuna.samplers.TPESampler(seed=a.seed)
    pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    study = optuna.create_study(direction="maximize", sampler=sampler, pruner=pruner)
    start = time.perf_counter()
    study.optimize(objective, n_trials=a.trials)
    seconds = time.perf_counter() - start
    best = study.best_trial
    print(json.dumps({
        "side": "optuna", "optuna": optuna.__version__, "torch": torch.__version__, "seed": a.seed,
        "best_value": best.value, "best_params": best.params, "test_accuracy": tests.get(best.number),
        "epochs": epochs[0], "pruned": sum(t.state == optuna.trial.TrialState.PRUNED for t in study.trials),
        "seconds": round(seconds, 2),
    }))


if __name__ == "__main__":
    main()
