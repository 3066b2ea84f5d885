"""The reference side of bench/calibration/temperature.sh: temperature scaling as PyTorch users run it (gpleiss/temperature_scaling's
recipe: one parameter T, torch.optim.LBFGS(lr=0.01, max_iter=50) on the cross-entropy of logits / T over the validation rows), on
the logits of the same uncalibrated model (the logs of the probabilities `lepton predict --json` answered; softmax ignores a row's
constant). Prints one JSON line: T, and the test rows' log loss and ECE (15 bins of the top class's probability) before and after;
also the exact optimum of the validation log loss (scipy's bounded minimize_scalar over log T), which that recipe may stop short of.
  /usr/bin/python3 bench/calibration/temperature_reference.py VALIDATION.json TEST.json"""
import json
import sys
import time

start = time.perf_counter()
import numpy as np  # noqa: E402
import torch  # noqa: E402


def read(path):
    rows = json.load(open(path))
    classes = sorted(rows[0]["probabilities"], key=int)
    p = np.array([[r["probabilities"][c] for c in classes] for r in rows], dtype=np.float64)
    y = np.array([classes.index(r["truth"]) for r in rows])
    return np.log(np.clip(p, 1e-15, 1)), y


def ece(p, y, bins=15):
    conf, top = p.max(axis=1), p.argmax(axis=1)
    b = np.clip(np.ceil(conf * bins).astype(int) - 1, 0, bins - 1)
    return float(sum(abs((top[b == k] == y[b == k]).mean() - conf[b == k].mean()) * (b == k).sum() for k in range(bins) if (b == k).any()) / len(y))


def scores(z, y, t):
    logp = torch.log_softmax(torch.tensor(z) / t, dim=1).numpy()
    return {"log_loss": float(-logp[np.arange(len(y)), y].mean()), "ece": ece(np.exp(logp), y)}


zv, yv = read(sys.argv[1])
zt, yt = read(sys.argv[2])
fit = time.perf_counter()
temperature = torch.nn.Parameter(torch.ones(1, dtype=torch.float64) * 1.5)
optimizer = torch.optim.LBFGS([temperature], lr=0.01, max_iter=50)
logits, labels = torch.tensor(zv), torch.tensor(yv)


def closure():
    optimizer.zero_grad()
    loss = torch.nn.functional.cross_entropy(logits / temperature, labels)
    loss.backward()
    return loss


optimizer.step(closure)
t = float(temperature.item())
fit_s = time.perf_counter() - fit

from scipy.optimize import minimize_scalar  # noqa: E402
from scipy.special import log_softmax  # noqa: E402

exact = float(np.exp(minimize_scalar(lambda u: -log_softmax(zv / np.exp(u), axis=1)[np.arange(len(yv)), yv].mean(),
                                     bounds=(np.log(0.05), np.log(20)), method="bounded", options={"xatol": 1e-10}).x))
print(json.dumps({"temperature": t, "test_before": scores(zt, yt, 1.0), "test_after": scores(zt, yt, t), "fit_s": fit_s,
                  "seconds": time.perf_counter() - start, "exact_temperature": exact, "exact_test_after": scores(zt, yt, exact)}))
