#!/usr/bin/python3
"""Cost model of data-parallel training (docs/scaling.md): step time on N nodes = compute of one rank's share of the
batch + a ring all-reduce of the gradients, 2(N-1)/N * bytes / bandwidth + 2(N-1) * latency. Prints Markdown tables of step
time, images/s and scaling efficiency for 2 to 64 nodes at 10 and 100 Gbit/s, for a fixed global batch (strong scaling:
each rank computes 64/N examples) and a fixed batch per rank (weak scaling: 64 each).

  bench/scaling-model.py bench/scaling/measured.json

The JSON holds what this machine measured (bench/mpi-train.sh allreduce, Lepton.Bench preset-step with one thread):
  {"latency_us": 25, "models": {"cnn": {"bytes": 1686608, "compute_ms": {"1": 0.9, "2": 1.2, ..., "64": 19.0}}, ...}}
compute_ms maps a per-rank batch size to the CPU milliseconds of one training step on one core.
"""
import json
import sys

NODES = [1, 2, 4, 8, 16, 32, 64]
LINKS = [("10 Gbit/s", 10e9 / 8), ("100 Gbit/s", 100e9 / 8)]


def allreduce_s(n, nbytes, bandwidth, latency_s):
    if n == 1:
        return 0.0
    return 2 * (n - 1) / n * nbytes / bandwidth + 2 * (n - 1) * latency_s


def compute_s(model, per_rank_batch):
    table = {int(k): v for k, v in model["compute_ms"].items()}
    if per_rank_batch in table:
        return table[per_rank_batch] / 1e3
    # Between measured sizes: linear in the batch (the step is a sum of per-example work plus a fixed part).
    lo = max(b for b in table if b <= per_rank_batch)
    hi = min(b for b in table if b >= per_rank_batch)
    t = table[lo] + (table[hi] - table[lo]) * (per_rank_batch - lo) / (hi - lo)
    return t / 1e3


def main():
    measured = json.load(open(sys.argv[1]))
    latency = measured["latency_us"] / 1e6
    for name, model in measured["models"].items():
        mb = model["bytes"] / 1e6
        print(f"### {name}: {mb:.2f} MB of gradients per step\n")
        for mode, batch_of in [("fixed global batch 64 (each rank 64/N)", lambda n: 64 // n), ("64 per rank (global 64N)", lambda n: 64)]:
            print(f"{mode}, latency {measured['latency_us']:g} us per hop:\n")
            print("| nodes | per-rank batch | compute ms | " + " | ".join(f"all-reduce ms {l} | images/s {l} | efficiency {l}" for l, _ in LINKS) + " |")
            print("|---" * (3 + 3 * len(LINKS)) + "|")
            base = 64 / compute_s(model, 64)
            for n in NODES:
                b = batch_of(n)
                c = compute_s(model, b)
                cells = []
                for _, bw in LINKS:
                    a = allreduce_s(n, model["bytes"], bw, latency)
                    ips = b * n / (c + a)
                    cells += [f"{a * 1e3:.2f}", f"{ips:,.0f}", f"{ips / (base * n) * 100:.0f}%"]
                print(f"| {n} | {b} | {c * 1e3:.1f} | " + " | ".join(cells) + " |")
            print()


if __name__ == "__main__":
    main()
