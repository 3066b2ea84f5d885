#!/usr/bin/env python3
"""PyTorch half of bench/compare.sh: the same workloads as `Lepton.Bench train|infer-latency|infer-throughput`.

Same data (the first examples of Fashion-MNIST, normalized as in cnn_train.py, batches are consecutive slices), same models
(cnn_train.model), Adam 1e-3, batch 64. Prints one `RESULT {json}` line with the keys the Lepton side prints.
Run with Debian's PyTorch in its fastest setting here:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-pthread OPENBLAS_NUM_THREADS=1 \
    /usr/bin/python3 bench/reference/engine_compare.py train cnn 200 20
"""
import argparse, json, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cnn_train import MEAN, STD, model, read_idx  # noqa: E402

DATA_DIR = "/usr/share/datasets/fashion-mnist"


def load(train, count):
    """The first `count` images (N,1,28,28) normalized, and labels; only that slice is converted to float."""
    prefix = "train" if train else "t10k"
    x = np.array(read_idx(os.path.join(DATA_DIR, f"{prefix}-images-idx3-ubyte.gz"))[:count])
    y = np.array(read_idx(os.path.join(DATA_DIR, f"{prefix}-labels-idx1-ubyte.gz"))[:count])
    x = (torch.from_numpy(x.astype(np.float32) / 255.0) - MEAN) / STD
    return x.unsqueeze(1).contiguous(), torch.from_numpy(y.astype(np.int64))


def peak_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def quantile(sorted_samples, q):
    """Nearest rank, as BenchResult.Quantile on the Lepton side."""
    import math
    i = min(max(math.ceil(q * len(sorted_samples)) - 1, 0), len(sorted_samples) - 1)
    return sorted_samples[i]


def emit(result, peak_setup, reset):
    peak = peak_mib()
    result.update(threads=torch.get_num_threads(), peak_mib_setup=peak_setup, peak_mib_timed=peak if reset else 0,
                  peak_mib_process=max(peak_setup, peak), torch=torch.__version__)
    print("RESULT " + json.dumps(result), flush=True)


def train(kind, batches, warmup, batch):
    x, y = load(True, (warmup + batches) * batch)
    torch.manual_seed(0)
    net = model(kind)
    net.train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def step(i):
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(x[i * batch:(i + 1) * batch]), y[i * batch:(i + 1) * batch])
        loss.backward()
        opt.step()

    for i in range(warmup):
        step(i)
    peak_setup = peak_mib()
    reset = reset_peak()
    times = []
    t_start = time.perf_counter()
    for i in range(warmup, warmup + batches):
        t0 = time.perf_counter()
        step(i)
        times.append((time.perf_counter() - t0) * 1e3)
    seconds = time.perf_counter() - t_start
    times.sort()
    emit({"mode": f"{kind}-train", "batch": batch, "batches": batches, "warmup": warmup, "seconds": seconds,
          "images_per_s": batches * batch / seconds, "median_step_ms": quantile(times, 0.5)}, peak_setup, reset)


def infer_latency(forwards, warmup):
    x, _ = load(False, 10_000)
    torch.manual_seed(0)
    net = model("cnn").eval()
    with torch.no_grad():
        for i in range(warmup):
            net(x[i % 10_000:i % 10_000 + 1])
        peak_setup = peak_mib()
        reset = reset_peak()
        times = []
        for i in range(forwards):
            j = (warmup + i) % 10_000
            xi = x[j:j + 1]
            t0 = time.perf_counter()
            net(xi)
            times.append((time.perf_counter() - t0) * 1e3)
    times.sort()
    emit({"mode": "infer-latency", "batch": 1, "forwards": forwards, "p50_ms": quantile(times, 0.5),
          "p99_ms": quantile(times, 0.99), "mean_ms": sum(times) / len(times)}, peak_setup, reset)


def infer_throughput(batches, warmup, batch):
    x, _ = load(False, 10_000)
    per_pass = 10_000 // batch
    torch.manual_seed(0)
    net = model("cnn").eval()
    with torch.no_grad():
        for i in range(warmup):
            s = i % per_pass * batch
            net(x[s:s + batch])
        peak_setup = peak_mib()
        reset = reset_peak()
        times = []
        t_start = time.perf_counter()
        for i in range(batches):
            s = (warmup + i) % per_pass * batch
            t0 = time.perf_counter()
            net(x[s:s + batch])
            times.append((time.perf_counter() - t0) * 1e3)
        seconds = time.perf_counter() - t_start
    times.sort()
    emit({"mode": "infer-throughput", "batch": batch, "batches": batches, "images_per_s": batches * batch / seconds,
          "median_batch_ms": quantile(times, 0.5)}, peak_setup, reset)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["train", "infer-latency", "infer-throughput"])
    ap.add_argument("args", nargs="*", help="train: kind batches warmup batch; infer-latency: forwards warmup; "
                                            "infer-throughput: batches warmup batch")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    if a.mode == "train":
        kind = a.args[0] if a.args else "cnn"
        nums = [int(v) for v in a.args[1:]] + [200, 20, 64][len(a.args[1:]):]
        train(kind, *nums)
    elif a.mode == "infer-latency":
        nums = [int(v) for v in a.args] + [2000, 200][len(a.args):]
        infer_latency(*nums)
    else:
        nums = [int(v) for v in a.args] + [40, 4, 256][len(a.args):]
        infer_throughput(*nums)


if __name__ == "__main__":
    main()
